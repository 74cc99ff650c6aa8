import csv
import io

from django.test import TestCase
from django.urls import reverse

from contamination import charts
from contamination.models import LandRelease
from tests.site.world import CacheClearing, build_world


class StatisticsPageTests(CacheClearing, TestCase):
    @classmethod
    def setUpTestData(cls):
        build_world(cls)

    def test_every_chart_has_an_svg_a_table_a_csv_and_an_embed_code(self):
        response = self.client.get(reverse("contamination:statistics"))
        self.assertEqual(response.status_code, 200)
        for name, spec in charts.CHARTS.items():
            with self.subTest(chart=name):
                self.assertContains(response, f'id="chart-{name}"')
                self.assertContains(response, spec.title)
                self.assertContains(response, f"/statistics/{name}.csv")
                self.assertContains(response, f"/embed/chart/{name}/")
        self.assertContains(response, '<svg xmlns="http://www.w3.org/2000/svg"', count=5)
        self.assertContains(response, "<caption>", count=5)

    def test_charts_count_published_records_only(self):
        response = self.client.get(reverse("contamination:statistics"))
        built = {chart.name: chart for chart in response.context["charts"]}
        # Only LR-PUB (2022): the retracted 2023 release and the draft never count.
        self.assertEqual([row[0] for row in built["land-released"].table.rows], ["2022"])
        self.assertEqual(built["items-found"].table.rows, [["2022", 7, 0, 3, 0]])
        self.assertEqual(built["casualties-by-group"].table.rows, [["2022", 1, 1, 0, 0]])
        sexes = {row[0]: row[1:] for row in built["casualties-by-sex-age"].table.rows}
        self.assertEqual(sexes["Male"], [1, 0, 0])
        self.assertEqual(sexes["Female"], [0, 1, 0])

    def test_hazard_remaining_subtracts_released_land_year_by_year(self):
        response = self.client.get(reverse("contamination:statistics"))
        chart = {c.name: c for c in response.context["charts"]}["hazard-remaining"]
        years = [row[0] for row in chart.table.rows]
        self.assertEqual(years, ["2021", "2022"])
        self.assertAlmostEqual(chart.table.rows[0][1], 0.948, places=3)  # 2021: identified
        self.assertAlmostEqual(chart.table.rows[1][1], 0.0, places=2)  # 2022: released

    def test_it_narrows_to_an_area_and_refuses_unknown_codes(self):
        response = self.client.get(reverse("contamination:statistics"), {"area": "AZ-EST"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Statistics: Eastshire")
        self.assertContains(response, "No published records for this chart.")
        response = self.client.get(reverse("contamination:statistics"), {"area": "XX-1"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "No area has the code", status_code=400)

    def test_a_chart_downloads_as_csv_with_its_source(self):
        response = self.client.get(reverse("contamination:chart-csv", args=["land-released"]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        self.assertEqual(rows[0], ["Year", "Cancelled (km²)", "Reduced (km²)", "Cleared (km²)"])
        self.assertEqual(rows[1][0], "2022")
        self.assertIn("data version", rows[-2][0])

    def test_unknown_charts_are_404(self):
        response = self.client.get(reverse("contamination:chart-csv", args=["nope"]))
        self.assertEqual(response.status_code, 404)

    def test_figures_follow_publication(self):
        self.client.get(reverse("contamination:statistics"))
        LandRelease.objects.filter(reference="DRAFT-LR").publish()
        response = self.client.get(reverse("contamination:statistics"))
        built = {chart.name: chart for chart in response.context["charts"]}
        self.assertEqual(built["items-found"].table.rows[0][1], 1007)

    def test_its_queries_are_pinned(self):
        # version, 5 charts (6 queries), units list, demo flag (3), the page rate-limit counter
        with self.assertNumQueries(12):
            self.client.get(reverse("contamination:statistics"))
        with self.assertNumQueries(2):  # version, the rate-limit counter
            self.client.get(reverse("contamination:statistics"))
        with self.assertNumQueries(3):  # version, the chart, the rate-limit counter
            self.client.get(reverse("contamination:chart-csv", args=["items-found"]))
