"""load_statements with the official figures of data/statements/figures-2.csv."""

import csv
import io
from pathlib import Path

from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import TestCase

from statements.models import Claim, Statement

FIGURES_FILE = Path(settings.BASE_DIR) / "data" / "statements" / "figures-2.csv"
# Data rows in figures-2.csv (header excluded).
FIGURE_ROWS = 74


def load(**options):
    out = io.StringIO()
    call_command("load_statements", stdout=out, **options)
    return out.getvalue()


def figure_claims():
    # The claims from figures-2.csv; the JSON file's claims carry editors' notes too.
    return Claim.objects.filter(figures_row=None, editors_note__contains="[compiled source name: ")


class LoadFiguresTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_boundaries", stdout=io.StringIO())
        load()
        with FIGURES_FILE.open(encoding="utf-8") as handle:
            cls.rows = list(csv.DictReader(handle))

    def test_every_figure_is_a_published_organisation_statement_with_one_claim(self):
        self.assertEqual(len(self.rows), FIGURE_ROWS)
        claims = figure_claims().select_related("statement")
        self.assertEqual(claims.count(), FIGURE_ROWS)
        for claim in claims:
            with self.subTest(claim.statement.reference):
                self.assertEqual(claim.statement.publication_status, "published")
                self.assertFalse(claim.statement.is_demo)
                self.assertIsNotNone(claim.statement.speaker_organisation)
                self.assertIn(claim.excerpt, claim.statement.text)

    def test_running_totals_count_from_the_end_of_the_war_to_their_date(self):
        totals = figure_claims().filter(metric__code="casualties_since_2020")
        self.assertEqual(totals.count(), 33)
        latest = totals.order_by("-as_of").first()
        self.assertEqual(str(latest.since), "2020-11-10")
        self.assertEqual(latest.scope.code, "AZ")

    def test_a_month_figure_carries_its_month(self):
        claim = figure_claims().get(
            metric__code="ap_mines_found_in_period", as_of="2023-10-31", value=767
        )
        self.assertEqual(str(claim.since), "2023-10-01")
        self.assertIn("in October 2023", claim.statement.text)

    def test_qualifiers_are_kept_in_the_speakers_words(self):
        qualifiers = set(figure_claims().values_list("qualifier", flat=True))
        self.assertLessEqual({"exactly", "about", "more_than", "almost", "nearly"}, qualifiers)
        for value, qualifier, words in [
            (196000, "more_than", "more than 196,000"),  # '196 mindən çox'
            (380, "almost", "almost 380 people"),
            (80, "nearly", "nearly 80%"),
            (250, "about", "about 250 people"),
        ]:
            with self.subTest(words):
                claim = figure_claims().get(value=value, qualifier=qualifier)
                self.assertIn(words, claim.statement.text)
                response = self.client.get(claim.statement.get_absolute_url())
                self.assertContains(response, words)

    def test_page_addresses_name_no_indicator_code(self):
        for reference in Statement.objects.filter(claims__in=figure_claims()).values_list(
            "reference", flat=True
        ):
            with self.subTest(reference):
                self.assertNotIn("_", reference)
                self.assertNotIn("since-2020", reference)

    def test_compilers_notes_stay_in_the_admin(self):
        claim = figure_claims().get(metric__code="ap_mines_found_in_period", value=767)
        self.assertIn("October 2023", claim.editors_note)
        response = self.client.get(claim.statement.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "767")
        for leak in ("figures-2", "compiled source name", "AzerNews)"):
            self.assertNotContains(response, leak)

    def test_a_running_total_appears_on_its_metric_page(self):
        claim = figure_claims().filter(metric__code="casualties_since_2020").first()
        response = self.client.get(claim.metric.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, claim.statement.get_absolute_url())

    def test_a_second_run_changes_nothing(self):
        summary = load()
        self.assertIn("Statements: 0 created, 0 updated", summary)
        self.assertIn("claims: 0 created, 0 updated", summary)
        self.assertEqual(figure_claims().count(), FIGURE_ROWS)

    def test_a_bad_row_is_refused_and_nothing_is_written(self):
        bad = Path(self.id().replace(".", "_") + ".csv")
        path = Path("/tmp") / bad
        path.write_text(
            "indicator,value,unit,as_of,source_name,source_url,note\n"
            "mine_victims_since_2020,5,people,2021-01-01,ANAMA,https://example.org/a,x\n"
            "mine_victims_since_2020,many,people,2021-02-01,ANAMA,https://example.org/b,x\n",
            encoding="utf-8",
        )
        before = Statement.objects.count()
        with self.assertRaisesMessage(CommandError, "Line 3"):
            load(figures=str(path))
        self.assertEqual(Statement.objects.count(), before)
