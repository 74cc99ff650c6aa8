from django.test import TestCase
from django.urls import reverse

from tests import factories
from tests.site.world import CacheClearing, build_world


class AreaListTests(CacheClearing, TestCase):
    @classmethod
    def setUpTestData(cls):
        build_world(cls)

    def test_it_lists_every_unit_with_published_figures(self):
        response = self.client.get(reverse("contamination:area-list"))
        self.assertEqual(response.status_code, 200)
        rows = {row.code: row for row in response.context["rows"]}
        # Westshire: the published area only (the draft one there is ignored).
        self.assertEqual(set(rows), {"AZ-WST"})
        self.assertAlmostEqual(rows["AZ-WST"].hazard_km2, 0.948, places=3)
        self.assertEqual(rows["AZ-WST"].incidents, 1)
        # Eastshire has only a retracted area and release, which never count.
        self.assertEqual([row.code for row in response.context["empty"]], ["AZ-EST"])
        self.assertContains(response, "Areas without published records")
        self.assertContains(response, 'href="/en/areas/AZ-WST/"')

    def test_its_queries_are_pinned(self):
        with self.assertNumQueries(5):  # version, the table, 3 for the demo flag
            self.client.get(reverse("contamination:area-list"))
        with self.assertNumQueries(1):
            self.client.get(reverse("contamination:area-list"))


class AreaDetailTests(CacheClearing, TestCase):
    @classmethod
    def setUpTestData(cls):
        build_world(cls)

    def test_it_shows_the_areas_totals_records_and_sources(self):
        response = self.client.get(reverse("contamination:area-detail", args=["AZ-WST"]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<h1>Westshire</h1>", html=True)
        self.assertContains(response, "HA-PUB")
        self.assertContains(response, "LR-PUB")
        self.assertContains(response, "IN-PUB")
        self.assertContains(response, "Annual survey 2022")
        self.assertContains(response, 'data-map="area"')
        self.assertContains(response, "Land released per year, by method: Westshire")
        self.assertEqual(response.context["summary"].releases.count, 1)

    def test_it_never_shows_drafts_or_retracted_records(self):
        for code in ("AZ-WST", "AZ-EST", "AZ"):
            with self.subTest(code=code):
                response = self.client.get(reverse("contamination:area-detail", args=[code]))
                self.assertNotContains(response, "DRAFT-")
                self.assertNotContains(response, "GONE-")

    def test_a_country_counts_its_units_records(self):
        response = self.client.get(reverse("contamination:area-detail", args=["AZ"]))
        self.assertEqual(response.context["summary"].casualties.incidents, 1)

    def test_codes_are_case_insensitive_and_unknown_ones_are_404(self):
        response = self.client.get(reverse("contamination:area-detail", args=["az-wst"]))
        self.assertEqual(response.status_code, 200)
        response = self.client.get(reverse("contamination:area-detail", args=["AZ-NOPE"]))
        self.assertEqual(response.status_code, 404)

    def test_its_queries_are_pinned(self):
        url = reverse("contamination:area-detail", args=["AZ-WST"])
        # area, version, summary (8), 5 charts (6) and their record counts (3), 3 record
        # lists, sources (counts, rows), the page rate-limit counter, the official running
        # total beside the records (none here: 1 query).
        with self.assertNumQueries(26):
            self.client.get(url)
        # Warm: area, version, the three record lists, the rate-limit counter, the running total.
        with self.assertNumQueries(7):
            self.client.get(url)


class AreaSourcesTests(CacheClearing, TestCase):
    def test_sources_are_listed_most_cited_first_counting_published_records_only(self):
        country = factories.make_country()
        unit = factories.make_unit(country, code="AZ-SRC", name_en="Sourceshire")
        report, bulletin, secret = (
            factories.make_source(title="Annual report"),
            factories.make_source(title="Weekly bulletin"),
            factories.make_source(title="Cited by a draft only"),
        )
        for source in (report, bulletin):
            factories.make_hazard_area().citations.create(source=source)
        factories.make_incident().citations.create(source=bulletin)
        factories.make_land_release(publication_status="draft").citations.create(source=secret)

        response = self.client.get(reverse("contamination:area-detail", args=[unit.code]))

        self.assertEqual(
            [(source.title, source.cited) for source in response.context["sources"]],
            [("Weekly bulletin", 2), ("Annual report", 1)],
        )
        self.assertContains(response, "cited by 2 records")
        self.assertNotContains(response, "Cited by a draft only")
