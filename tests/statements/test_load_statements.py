"""load_statements against the real data file, data/statements/statements.json."""

import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import TestCase
from django.utils.html import escape

from contamination.models import Source
from statements.models import Claim, Person, Statement

DATA_FILE = Path(settings.BASE_DIR) / "data" / "statements" / "statements.json"
# Data rows in ../shared/data/figures.csv (79 reported figures, header excluded).
FIGURES_ROWS = 79
SEED_KEY = "az-hajiyev-azertac-interview-mine-terror"


def load(**options):
    out = io.StringIO()
    call_command("load_statements", stdout=out, **options)
    return out.getvalue()


class LoadStatementsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_boundaries", stdout=io.StringIO())
        cls.data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
        cls.summary = load(figures="")

    def test_every_statement_is_loaded_published_and_not_demo(self):
        keys = {item["key"] for item in self.data["statements"]}
        self.assertEqual(set(Statement.objects.values_list("reference", flat=True)), keys)
        self.assertEqual(Statement.objects.published().count(), len(keys))
        self.assertFalse(Statement.objects.filter(is_demo=True).exists())
        self.assertIn(f"Statements: {len(keys)} created", self.summary)

    def test_texts_are_byte_exact(self):
        statements = {s.reference: s for s in Statement.objects.all()}
        for item in self.data["statements"]:
            statement = statements[item["key"]]
            with self.subTest(item["key"]):
                self.assertEqual(statement.text.encode(), item["text"].encode())
                self.assertEqual(
                    statement.original_text.encode(), (item["original_text"] or "").encode()
                )
                self.assertEqual(statement.text_kind, item["text_kind"])

    def test_the_api_returns_the_texts_byte_exact(self):
        response = self.client.get("/api/v1/statements/", {"page_size": 500})
        texts = {row["key"]: row["text"] for row in response.json()["results"]}
        for item in self.data["statements"]:
            with self.subTest(item["key"]):
                self.assertEqual(texts[item["key"]], item["text"])

    def test_every_figure_is_a_claim_with_its_value(self):
        rows = dict(Claim.objects.exclude(figures_row=None).values_list("figures_row", "value"))
        self.assertEqual(set(rows), set(range(1, FIGURES_ROWS + 1)))
        expected = {
            claim["figures_row"]: Decimal(str(claim["value"]))
            for item in self.data["statements"]
            for claim in item["claims"]
            if claim["figures_row"]
        }
        self.assertEqual(rows, expected)
        total = sum(len(item["claims"]) for item in self.data["statements"])
        self.assertEqual(Claim.objects.count(), total)

    def test_every_excerpt_occurs_in_its_statement(self):
        for claim in Claim.objects.select_related("statement"):
            with self.subTest(claim.pk):
                self.assertIn(claim.excerpt, claim.statement.text)

    def test_a_quote_that_gives_its_period_carries_it(self):
        def claim(reference):
            return Claim.objects.get(statement__reference=reference, position=0)

        # "From 1992 to 2020, 3079 people ...", said in 2022: a figure as of 2020, from 1992.
        victims = claim("az-azizov-2022-11-17-victims-1992-2020")
        self.assertEqual(victims.since, datetime.date(1992, 1, 1))
        self.assertEqual(
            (victims.as_of, victims.as_of_precision), (datetime.date(2020, 1, 1), "year")
        )
        self.assertEqual(victims.as_of_display, "2020")
        # "between 1995 and 2013", already dated to the end of 2013: the start is added.
        halo = claim("int-landmine-monitor-nk-casualties-1995-2013")
        self.assertEqual(halo.since, datetime.date(1995, 1, 1))
        self.assertEqual(halo.as_of, datetime.date(2013, 12, 31))
        # "between 1992 and 2021", dated within 2021: the more precise date stays.
        civilians = claim("az-prosecutor-general-2021-08-11-statistics")
        self.assertEqual(civilians.since, datetime.date(1992, 1, 1))
        self.assertEqual(civilians.as_of, datetime.date(2021, 8, 11))
        # A survey "of 2002-2003" names no counted period; the claim keeps no start.
        self.assertIsNone(claim("int-landmine-monitor-2011-azerbaijan-contamination").since)

    def test_the_seed_statement_stays_undated_and_says_why(self):
        seed = Statement.objects.get(reference=SEED_KEY)
        self.assertIsNone(seed.date)
        self.assertEqual(seed.date_precision, "unknown")
        self.assertTrue(seed.date_note)
        response = self.client.get(seed.get_absolute_url())
        self.assertContains(response, "date unknown")
        self.assertContains(response, escape(seed.date_note))
        self.assertContains(response, "Approximately 12 percent of our country’s territory")

    def test_the_files_working_notes_are_kept_for_editors_not_shown(self):
        seed = Statement.objects.get(reference=SEED_KEY)
        self.assertIn("Seed statement", seed.note)
        self.assertIn("figures.csv", seed.claims.get(position=1).editors_note)
        self.assertFalse(Claim.objects.exclude(note="").exists())
        for statement in Statement.objects.prefetch_related("claims", "citations"):
            with self.subTest(statement.reference):
                response = self.client.get(statement.get_absolute_url())
                self.assertEqual(response.status_code, 200)
                if statement.date_note:
                    self.assertContains(response, escape(statement.date_note))
                hidden = [statement.note, *(c.editors_note for c in statement.claims.all())]
                hidden += [citation.note for citation in statement.citations.all()]
                for note in filter(None, hidden):
                    self.assertNotContains(response, escape(note))

    def test_reprints_and_people_come_from_the_file(self):
        reprint_urls = {
            source["url"]
            for item in self.data["statements"]
            for source in item["sources"]
            if source["is_reprint"] and source["url"]
        }
        self.assertEqual(
            set(Source.objects.filter(is_reprint=True).values_list("url", flat=True)),
            reprint_urls,
        )
        hajiyev = Person.objects.get(key="hikmet-hajiyev")
        self.assertIn("Hikmət Hacıyev", hajiyev.name_variants)

    def test_a_second_run_changes_nothing(self):
        events_before = Statement.pgh_event_model.objects.count()
        claims_before = list(Claim.objects.order_by("pk").values_list("pk", "value"))
        summary = load(figures="")
        self.assertIn("Statements: 0 created, 0 updated", summary)
        self.assertIn("claims: 0 created, 0 updated", summary)
        self.assertIn("sources: 0 created, 0 updated", summary)
        self.assertEqual(Statement.pgh_event_model.objects.count(), events_before)
        self.assertEqual(
            list(Claim.objects.order_by("pk").values_list("pk", "value")), claims_before
        )

    def test_a_retracted_statement_stays_retracted_on_reload(self):
        Statement.objects.filter(reference=SEED_KEY).retract("Checked against the original.")
        load(figures="")
        seed = Statement.objects.get(reference=SEED_KEY)
        self.assertEqual(seed.publication_status, "retracted")

    def test_a_missing_file_is_a_clear_error(self):
        from django.core.management.base import CommandError

        with self.assertRaisesMessage(CommandError, "No data file at"):
            load(file="/nonexistent/statements.json")
