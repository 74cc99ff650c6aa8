import csv
import datetime
import io

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from contamination import charts
from contamination.models import LandRelease
from tests import factories
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
                self.assertContains(response, f"/en/statistics/{name}.csv")
                self.assertContains(response, f"/en/embed/chart/{name}/")
        drawn = [spec for spec in charts.CHARTS.values() if spec.kind != "table"]
        self.assertContains(response, '<svg xmlns="http://www.w3.org/2000/svg"', count=len(drawn))
        self.assertContains(response, "<caption>", count=len(charts.CHARTS))

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
        lines = response.content.decode().splitlines()
        preamble = [line for line in lines if line.startswith("#")]
        self.assertEqual(lines[: len(preamble)], preamble, "the # lines come first")
        self.assertIn("# Data version: ", "\n".join(preamble))
        self.assertIn("# Demo: 0 of 1 records counted", "\n".join(preamble))
        rows = list(csv.reader(io.StringIO("\n".join(lines[len(preamble) :]))))
        self.assertEqual(rows[0], ["Year", "Cancelled (km²)", "Reduced (km²)", "Cleared (km²)"])
        self.assertEqual(rows[1][0], "2022")
        self.assertTrue(all(len(row) == 4 for row in rows), "no footer line breaks the table")

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
        # version, 7 charts (8 queries), record counts (3), units list, demo flag (3), the
        # page rate-limit counter, the country and its official running total (none here)
        with self.assertNumQueries(19):
            self.client.get(reverse("contamination:statistics"))
        # version, the rate-limit counter, the country and its running total (not cached:
        # statements do not move the records' data version)
        with self.assertNumQueries(4):
            self.client.get(reverse("contamination:statistics"))
        with self.assertNumQueries(4):  # version, the chart, its record count, rate limit
            self.client.get(reverse("contamination:chart-csv", args=["items-found"]))


class CasualtiesByDistrictTests(CacheClearing, TestCase):
    """Killed and injured by district and year: the question a reporter asks first."""

    @classmethod
    def setUpTestData(cls):
        build_world(cls)
        # Outside every unit: counted under its own label, never dropped.
        factories.make_incident(
            reference="IN-NOWHERE",
            occurred_on=datetime.date(2024, 3, 1),
            location=factories.geometry("SRID=4326;POINT(20 20)"),
            casualties=[{"outcome": "injured"}, {"outcome": "injured"}],
            is_demo=True,
        )

    def test_the_table_counts_killed_and_injured_per_district_and_year(self):
        response = self.client.get(reverse("contamination:statistics"))
        chart = {c.name: c for c in response.context["charts"]}["casualties-by-district"]
        self.assertEqual(
            chart.table.rows,
            [["Westshire", "2022", 1, 1], ["Not in a unit of the boundaries", "2024", 0, 2]],
        )
        self.assertContains(response, "no record here, which does not mean it has no contamination")

    def test_a_mixed_figure_says_which_part_is_demo_in_page_csv_and_embed(self):
        chart_url = reverse("contamination:chart-csv", args=["killed-injured"])
        csv_text = self.client.get(chart_url).content.decode()
        self.assertIn("# Demo: 1 of 2 records counted are generated demo records", csv_text)
        note = "1 of the 2 records counted here was generated"
        self.assertContains(self.client.get(reverse("contamination:statistics")), note)
        embed = reverse("contamination:embed-chart", args=["killed-injured"])
        self.assertContains(self.client.get(embed), note)

    def test_the_area_page_shows_its_own_district_and_year_table(self):
        response = self.client.get(reverse("contamination:area-detail", args=["AZ-WST"]))
        chart = {c.name: c for c in response.context["charts"]}["casualties-by-district"]
        self.assertEqual(chart.table.rows, [["Westshire", "2022", 1, 1]])
        self.assertContains(response, "/en/statistics/casualties-by-district.csv?area=AZ-WST")

    def test_the_csv_reads_with_pandas_unchanged(self):
        import pandas

        url = reverse("contamination:chart-csv", args=["casualties-by-district"])
        frame = pandas.read_csv(io.BytesIO(self.client.get(url).content), comment="#")
        self.assertEqual(list(frame.columns), ["District or city", "Year", "Killed", "Injured"])
        self.assertEqual(int(frame["Injured"].sum()), 3)

    def test_the_running_year_is_marked_as_partial(self):
        this_year = timezone.localdate().year
        self.assertEqual(charts.year_label(this_year), f"{this_year} (to date)")
        self.assertEqual(charts.year_label(this_year - 1), str(this_year - 1))
