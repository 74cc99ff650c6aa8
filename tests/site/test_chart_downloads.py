"""Every drawn chart downloads as SVG and PNG that name their title, source and data version."""

import io
import re

from django.test import TestCase
from django.urls import reverse
from PIL import Image

from contamination import charts, data_version
from tests import factories
from tests.site.world import CacheClearing, build_world

DRAWN = [name for name, spec in charts.CHARTS.items() if spec.kind != "table"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class ChartDownloadTests(CacheClearing, TestCase):
    @classmethod
    def setUpTestData(cls):
        build_world(cls)

    def test_every_drawn_chart_links_its_png_and_svg(self):
        response = self.client.get(reverse("contamination:statistics"))
        for name in DRAWN:
            with self.subTest(chart=name):
                self.assertContains(response, f'href="/en/statistics/{name}.png"')
                self.assertContains(response, f'href="/en/statistics/{name}.svg"')

    def test_the_svg_names_its_title_source_and_data_version(self):
        version = data_version.as_text(data_version.current())
        for name in DRAWN:
            with self.subTest(chart=name):
                response = self.client.get(reverse("contamination:chart-svg", args=[name]))
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Content-Type"], "image/svg+xml; charset=utf-8")
                self.assertIn(f'filename="mine-atlas-{name}.svg"', response["Content-Disposition"])
                text = response.content.decode()
                self.assertIn(str(charts.CHARTS[name].title), text)
                self.assertIn("Source: Mine Atlas, published records.", text)
                self.assertIn(f"Data version {version}", text)
                self.assertIn("http://testserver/en/statistics/", text)

    def test_the_svg_counts_published_records_only(self):
        # The draft incident has 5 killed and the retracted one 3: the published one has 1.
        response = self.client.get(reverse("contamination:chart-svg", args=["killed-injured"]))
        page = self.client.get(reverse("contamination:statistics"))
        chart = {c.name: c for c in page.context["charts"]}["killed-injured"]
        self.assertEqual(chart.table.rows, [["2022", 1, 1]])
        self.assertIn(chart.svg().split(">", 1)[1], response.content.decode())

    def test_the_png_is_drawn_from_the_svg_and_cached_per_data_version(self):
        url = reverse("contamination:chart-png", args=["killed-injured"])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertTrue(response.content.startswith(PNG_SIGNATURE))
        image = Image.open(io.BytesIO(response.content))
        self.assertEqual(image.width, 2 * charts.WIDTH)  # drawn at twice the SVG's size
        # Cached: the second answer reads the data version and the cache, no drawing
        # (+1 for the page rate-limit counter of /statistics/).
        with self.assertNumQueries(2):
            again = self.client.get(url)
        self.assertEqual(again.content, response.content)
        # A new data version draws it again (a published incident changes the figures).
        factories.make_incident(reference="IN-NEW", casualties=[{"outcome": "killed"}] * 4)
        self.assertNotEqual(self.client.get(url).content, response.content)

    def test_an_area_chart_downloads_for_that_area(self):
        response = self.client.get(
            reverse("contamination:chart-svg", args=["killed-injured"]), {"area": "AZ-WST"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Westshire", response.content.decode())
        self.assertIn("mine-atlas-killed-injured-AZ-WST.svg", response["Content-Disposition"])

    def test_bad_input_is_a_4xx(self):
        self.assertEqual(self.client.get("/en/statistics/nope.png").status_code, 404)
        table_only = [n for n, spec in charts.CHARTS.items() if spec.kind == "table"]
        if table_only:
            response = self.client.get(f"/en/statistics/{table_only[0]}.svg")
            self.assertEqual(response.status_code, 404)
        response = self.client.get("/en/statistics/killed-injured.png", {"area": "AZ-NOWHERE"})
        self.assertEqual(response.status_code, 400)

    def test_the_embed_code_carries_title_date_and_data_version(self):
        response = self.client.get(reverse("contamination:statistics"))
        version = data_version.as_text(data_version.current())
        page = response.content.decode()
        embed_codes = re.findall(r"<textarea[^>]*>(.*?)</textarea>", page, re.S)
        self.assertTrue(embed_codes)
        code = next(c for c in embed_codes if "embed/chart/killed-injured/" in c)
        self.assertIn(str(charts.CHARTS["killed-injured"].title), code)
        self.assertIn(f"data version {version}", code)
        self.assertRegex(code, r"retrieved \d{4}-\d{2}-\d{2}")
