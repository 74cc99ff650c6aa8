"""Pages with `?as_of=`: a cited page shows its figures again after corrections, and every
page with figures says how to cite it and which address reproduces it."""

import datetime
from urllib.parse import quote

from django.core.cache import cache
from django.test import TransactionTestCase
from django.urls import reverse
from django.utils import timezone

from contamination import data_version
from contamination.models import Casualty, Incident
from tests import factories

KILLED = {"outcome": Casualty.Outcome.KILLED}


def csv_rows(response):
    """The data rows of a chart CSV (without its `#` lines)."""
    lines = response.content.decode().splitlines()
    return [line for line in lines if not line.startswith("#")]


class CitedPageTests(TransactionTestCase):
    """Each write commits on its own, so that each has its own moment in the history."""

    def setUp(self):
        cache.clear()
        country = factories.make_country()
        self.unit = factories.make_unit(country, code="AZ-AAA", name_en="Alpha")
        self.road = factories.make_incident(
            reference="IN-ROAD", occurred_on=datetime.date(2022, 5, 1), casualties=[KILLED] * 2
        )
        self.cited = data_version.as_text(data_version.current())
        self.cited_csv = csv_rows(self.client.get("/en/statistics/killed-injured.csv"))
        self.cited_page = self.client.get(reverse("contamination:statistics"))
        # Since the citation: the incident is retracted, another one is published.
        Incident.objects.filter(pk=self.road.pk).retract("The same event as IN-X.")
        factories.make_incident(
            reference="IN-NEW", occurred_on=datetime.date(2022, 7, 1), casualties=[KILLED]
        )
        cache.clear()

    def test_a_chart_csv_at_the_cited_version_has_the_cited_rows(self):
        now = csv_rows(self.client.get("/en/statistics/killed-injured.csv"))
        self.assertNotEqual(now, self.cited_csv)
        response = self.client.get("/en/statistics/killed-injured.csv", {"as_of": self.cited})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(csv_rows(response), self.cited_csv)
        self.assertIn(f"# Data version: {self.cited}", response.content.decode())

    def test_the_statistics_page_at_the_cited_version_shows_its_figures(self):
        response = self.client.get(reverse("contamination:statistics"), {"as_of": self.cited})
        self.assertEqual(response.status_code, 200)
        cited_tables = [chart.table.rows for chart in self.cited_page.context["charts"]]
        self.assertEqual([chart.table.rows for chart in response.context["charts"]], cited_tables)
        text = response.content.decode()
        self.assertIn(f"as they were public at data version {self.cited}", text)
        # The chart links keep the version, so that the CSV is the one of the page.
        self.assertIn(f"killed-injured.csv?as_of={quote(self.cited, safe='')}", text)

    def test_a_record_retracted_since_shows_as_it_was(self):
        path = reverse("contamination:incident-detail", args=[self.road.pk])
        self.assertContains(self.client.get(path), "This record was retracted")
        then = self.client.get(path, {"as_of": self.cited})
        self.assertEqual(then.status_code, 200)
        self.assertNotContains(then, "This record was retracted")
        self.assertEqual([c.kind for c in then.context["changes"]], ["published"])

    def test_every_page_with_figures_cites_its_version_and_the_address_that_reproduces_it(self):
        version = data_version.as_text(data_version.current())
        pages = [
            reverse("contamination:statistics"),
            reverse("contamination:area-detail", args=[self.unit.code]),
            reverse("contamination:incident-detail", args=[self.road.pk]),
            reverse("contamination:data"),
            reverse("contamination:embed-chart", args=["killed-injured"]),
        ]
        for path in pages:
            with self.subTest(path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 200)
                citation = response.context["citation"]
                self.assertEqual(citation["version"], version)
                self.assertTrue(citation["url"].startswith("http://testserver" + path))
                self.assertIn(f"as_of={quote(version, safe='')}", citation["url"])
                self.assertContains(response, citation["url"].replace("&", "&amp;"))
        csv = self.client.get("/en/statistics/killed-injured.csv").content.decode()
        self.assertIn(
            f"killed-injured.csv?as_of={quote(version, safe='')}", csv
        )  # the CSV's own address again

    def test_bad_and_future_values_are_a_400_page_naming_as_of(self):
        tomorrow = (timezone.now() + datetime.timedelta(days=1)).date().isoformat()
        for value in ("last week", "2025-02-30", tomorrow):
            for path in (reverse("contamination:statistics"), "/en/statistics/killed-injured.csv"):
                with self.subTest(value=value, path=path):
                    response = self.client.get(path, {"as_of": value})
                    self.assertEqual(response.status_code, 400)
                    self.assertIn("as_of", response.content.decode())

    def test_before_any_record_the_page_says_nothing_was_published(self):
        response = self.client.get(reverse("contamination:statistics"), {"as_of": "2001-01-01"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Nothing was published yet at the moment asked for")

    def test_a_past_statistics_page_costs_the_queries_of_a_present_one(self):
        path = reverse("contamination:statistics")
        for params in ({}, {"as_of": self.cited}):
            cache.clear()
            # As tests/site/test_statistics.py pins it: 17, plus the official running total (2).
            with self.subTest(**params), self.assertNumQueries(19):
                self.client.get(path, params)
