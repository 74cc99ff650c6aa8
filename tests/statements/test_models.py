import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase

from statements.models import Claim, Statement
from tests import factories


class ClaimValidationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.statement = factories.make_statement(
            text="About 8,000 square kilometers of the liberated territories must be cleared."
        )
        cls.area = factories.make_metric(code="estimated_contaminated_area", unit="km2")
        cls.share = factories.make_metric(code="share_of_territory", unit="pct")

    def claim(self, **kwargs):
        kwargs.setdefault("statement", self.statement)
        kwargs.setdefault("excerpt", "About 8,000 square kilometers")
        kwargs.setdefault("metric", self.area)
        kwargs.setdefault("value", 8000)
        kwargs.setdefault("unit", "km2")
        kwargs.setdefault("qualifier", Claim.Qualifier.ABOUT)
        kwargs.setdefault("as_of", datetime.date(2023, 2, 21))
        return Claim(**kwargs)

    def test_an_excerpt_copied_from_the_text_is_accepted(self):
        self.claim().full_clean()

    def test_an_excerpt_not_in_the_text_is_refused_with_the_reason(self):
        cases = {
            "reworded": "About 8000 square kilometres",
            "other case": "about 8,000 square kilometers",
            "extra words": "About 8,000 square kilometers of land",
        }
        for name, excerpt in cases.items():
            with self.subTest(name):
                with self.assertRaises(ValidationError) as raised:
                    self.claim(excerpt=excerpt).full_clean()
                self.assertIn("excerpt", raised.exception.message_dict)
                self.assertIn("copied exactly", raised.exception.message_dict["excerpt"][0])

    def test_a_unit_of_the_same_kind_is_accepted_and_another_kind_refused(self):
        self.claim(value=800000, unit="ha").full_clean()
        with self.assertRaises(ValidationError) as raised:
            self.claim(unit="people").full_clean()
        self.assertIn("cannot be converted", raised.exception.message_dict["unit"][0])
        with self.assertRaises(ValidationError) as raised:
            self.claim(unit="acres").full_clean()
        self.assertIn("Unknown unit", raised.exception.message_dict["unit"][0])

    def test_a_percentage_above_100_is_refused(self):
        with self.assertRaises(ValidationError) as raised:
            self.claim(metric=self.share, unit="pct", value=112).full_clean()
        self.assertIn("value", raised.exception.message_dict)

    def test_a_range_must_be_ordered(self):
        self.claim(value=350, value_max=830).full_clean()
        with self.assertRaises(ValidationError) as raised:
            self.claim(value=830, value_max=350).full_clean()
        # The database constraint's own message (shown at the top of the admin form).
        self.assertIn(
            "The upper end of a range must be above its lower end.", raised.exception.messages
        )
        with transaction.atomic(), self.assertRaises(IntegrityError):
            self.claim(value=830, value_max=350).save()

    def test_an_as_of_date_needs_a_precision_and_an_unknown_one_no_date(self):
        with self.assertRaises(ValidationError):
            self.claim(as_of=None, as_of_precision="day").full_clean()
        with self.assertRaises(ValidationError):
            self.claim(as_of_precision="unknown").full_clean()
        self.claim(as_of=None, as_of_precision="unknown").full_clean()

    def test_value_display_reads_as_stated(self):
        cases = [
            (self.claim(value=8000), "about 8,000 km²"),
            (self.claim(value=350, value_max=830), "between 350 and 830 km²"),
            (self.claim(value=12, unit="pct", metric=self.share), "about 12%"),
            (self.claim(value="106938.1", unit="ha", qualifier="exactly"), "106,938.1 ha"),
        ]
        for claim, expected in cases:
            with self.subTest(expected):
                self.assertEqual(claim.value_display, expected)


class StatementValidationTests(TestCase):
    def test_a_statement_needs_a_speaker(self):
        with self.assertRaises(ValidationError) as raised:
            factories.make_statement(speaker_person=None)
        self.assertIn(
            "Name the speaker: a person, an organisation or both.", raised.exception.messages
        )

    def test_an_undated_statement_says_so(self):
        statement = factories.make_statement(date=None, date_precision="unknown")
        self.assertEqual(statement.date_display, "date unknown")
        with self.assertRaises(ValidationError):
            factories.make_statement(date=None, date_precision="day")

    def test_a_partial_date_shows_only_what_is_known(self):
        on = datetime.date(2024, 5, 1)
        self.assertEqual(
            factories.make_statement(date=on, date_precision="month").date_display, "May 2024"
        )
        self.assertEqual(
            factories.make_statement(date=on, date_precision="year").date_display, "2024"
        )

    def test_the_side_is_a_country_code_or_int(self):
        factories.make_statement(side="am")
        with self.assertRaises(ValidationError):
            factories.make_statement(side="Armenia")

    def test_publishing_stamps_the_time_and_history_keeps_every_change(self):
        statement = factories.make_statement(publication_status="draft")
        self.assertIsNone(statement.published_at)
        Statement.objects.filter(pk=statement.pk).publish()
        statement.refresh_from_db()
        self.assertIsNotNone(statement.published_at)
        # Written with queryset.update(): the trigger-based history still has it.
        events = statement.events.order_by("pgh_id").values_list("publication_status", flat=True)
        self.assertEqual(list(events), ["draft", "published"])

    def test_retracting_needs_a_public_note(self):
        statement = factories.make_statement()
        statement.publication_status = "retracted"
        with self.assertRaises(ValidationError):
            statement.full_clean()
        Statement.objects.filter(pk=statement.pk).retract("Misattributed speaker.")
        statement.refresh_from_db()
        self.assertEqual(statement.retraction_note, "Misattributed speaker.")
        self.assertIsNotNone(statement.retracted_at)


class StatementPartsTests(TestCase):
    def test_a_changed_claim_or_citation_moves_its_statement_updated_at(self):
        statement = factories.make_statement(sources=[factories.make_source()])
        claim = factories.make_claim(statement)
        statement.refresh_from_db()
        before = statement.updated_at
        Claim.objects.filter(pk=claim.pk).update(note="Checked against a second outlet.")
        statement.refresh_from_db()
        self.assertGreater(statement.updated_at, before)
        response = self.client.get(
            "/api/v1/statements/", {"updated_since": statement.updated_at.isoformat()}
        )
        self.assertEqual([row["key"] for row in response.json()["results"]], [statement.reference])
        citation = statement.citations.get()
        citation.note = "Reprint of the original."
        citation.save()
        self.assertEqual(citation.events.count(), 2)  # insert and update, kept by triggers


class ConstraintMessageTests(TestCase):
    """Rules kept only as database constraints still explain themselves before saving."""

    def test_each_rule_names_what_to_fix(self):
        cases = [
            (
                lambda: factories.make_statement(date=None, date_precision="day"),
                "Give the date with a precision of day, month or year",
            ),
            (
                lambda: factories.make_claim(
                    factories.make_statement(), as_of=None, as_of_precision="year"
                ),
                "Give the as-of date with a precision of day, month or year",
            ),
            (
                lambda: factories.make_claim(factories.make_statement(), value=5, value_max=5),
                "The upper end of a range must be above its lower end.",
            ),
        ]
        for make, message in cases:
            with self.subTest(message):
                with self.assertRaises(ValidationError) as raised:
                    make()
                self.assertTrue(
                    any(text.startswith(message) for text in raised.exception.messages),
                    raised.exception.messages,
                )
