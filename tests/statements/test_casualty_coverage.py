"""How much of the latest official running total of victims the published real records hold."""

import datetime

from django.test import TestCase

from tests import factories

KILLED = {"outcome": "killed"}
INJURED = {"outcome": "injured"}


class CasualtyCoverageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.country = factories.make_country()
        cls.metric = factories.make_metric(
            code="casualties_since_2020",
            label="Mine/ERW casualties since the end of the 2020 war",
            unit="people",
            comparison="casualties",
        )
        organisation = factories.make_organisation(name="Ministry of Testing")
        for value, as_of in [(300, datetime.date(2024, 1, 31)), (8, datetime.date(2025, 11, 17))]:
            statement = factories.make_statement(
                speaker_organisation=organisation,
                date=as_of,
                text_kind="paraphrase",
                text=f"The ministry reported {value} people killed or injured.",
            )
            factories.make_claim(
                statement,
                metric=cls.metric,
                excerpt=f"{value} people",
                value=value,
                unit="people",
                since=datetime.date(2020, 11, 10),
                scope=cls.country,
            )
        counted = {"occurred_on": datetime.date(2023, 6, 1)}
        factories.make_incident(casualties=[KILLED, INJURED], **counted)
        factories.make_incident(casualties=[INJURED], **counted)
        # None of these is in the count: a draft, a demo record, one after the total's date,
        # one before the period it counts.
        factories.make_incident(casualties=[KILLED], publication_status="draft", **counted)
        factories.make_incident(casualties=[KILLED], is_demo=True, **counted)
        factories.make_incident(casualties=[KILLED], occurred_on=datetime.date(2025, 12, 1))
        factories.make_incident(casualties=[KILLED], occurred_on=datetime.date(2020, 11, 9))

    sentence = (
        "These records document 3 of the 8 victims reported "
        '<a href="{url}#claim-0">up to 17 November 2025</a> (Ministry of Testing; counted from '
        "10 November 2020, in Testland): 38&nbsp;%."
    )

    def latest_statement_url(self):
        claim = self.metric.claims.order_by("-as_of").first()
        return claim.statement.get_absolute_url()

    def test_the_statistics_page_says_how_much_of_the_latest_total_the_records_hold(self):
        response = self.client.get("/en/statistics/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, self.sentence.format(url=self.latest_statement_url()))
        self.assertContains(response, "documented incidents, not a complete register")

    def test_the_country_page_and_the_metric_page_say_it_too(self):
        for url in (self.country.get_absolute_url(), self.metric.get_absolute_url()):
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, self.sentence.format(url=self.latest_statement_url()))

    def test_a_retracted_total_is_not_used(self):
        latest = self.metric.claims.order_by("-as_of").first().statement
        latest.publication_status = "retracted"
        latest.retraction_note = "Withdrawn by the test."
        latest.save()
        response = self.client.get("/en/statistics/")
        self.assertContains(response, "document 3 of the 300 victims")
        self.assertNotContains(response, "of the 8 victims")

    def test_a_district_without_its_own_total_shows_no_coverage(self):
        unit = factories.make_unit(self.country)
        response = self.client.get(unit.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "These records document")

    def test_a_total_for_part_of_the_country_is_not_its_coverage(self):
        statement = factories.make_statement(
            date=datetime.date(2025, 12, 1),
            text_kind="paraphrase",
            text="In the liberated territories 5 people were killed or injured.",
        )
        factories.make_claim(
            statement,
            metric=self.metric,
            excerpt="5 people",
            value=5,
            unit="people",
            since=datetime.date(2020, 11, 10),
            scope=self.country,
            scope_note="Areas that returned to Azerbaijani control from 2020; not a single unit.",
        )
        whole_country = self.metric.claims.get(value=8).statement.get_absolute_url()
        response = self.client.get("/en/statistics/")
        self.assertContains(response, self.sentence.format(url=whole_country))
        self.assertNotContains(response, "of the 5 victims")
