"""The public site in Debian's Chromium, against the live server and the real API.

Tiles are switched off (MAP_TILE_URL=""), as on a machine without internet: the map must
still draw its boundaries and records.
"""

import contextlib
import datetime
import functools
import http.server
import re
import tempfile
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.core.cache import cache
from django.test import override_settings
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright

from contamination.models import HazardArea
from tests import factories

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# Close enough to the test records (around 46.5-46.7 E, 40.0-40.2 N) to show single points.
CLOSE_VIEW = "lat=40.1&lng=46.6&z=11"


def build_records():
    """Two hazard areas identified in 2021 and 2023, releases by two methods, incidents."""
    country = factories.make_country()
    factories.make_unit(country, code="AZ-WST", name_en="Westshire")
    factories.make_unit(
        country,
        code="AZ-EST",
        name_en="Eastshire",
        geometry=factories.multi(factories.square(47, 39, 1)),
    )
    factories.make_hazard_area(
        reference="HA-CHA", category="cha", identified_on=datetime.date(2021, 3, 1)
    )
    factories.make_hazard_area(
        reference="HA-SHA",
        category="sha",
        identified_on=datetime.date(2023, 6, 1),
        geometry=factories.multi(factories.square(46.55, 40.05, 0.01)),
    )
    factories.make_hazard_area(
        reference="HA-DRAFT",
        publication_status="draft",
        geometry=factories.multi(factories.square(46.6, 40.1, 0.02)),
    )
    factories.make_land_release(reference="LR-CLEARED", method="cleared")
    factories.make_land_release(
        reference="LR-CANCELLED",
        method="cancelled",
        geometry=factories.multi(factories.square(46.65, 40.05, 0.01)),
        completed_on=datetime.date(2023, 2, 1),
    )
    factories.make_incident(reference="IN-1", casualties=[{"outcome": "killed"}])
    factories.make_incident(
        reference="IN-2",
        occurred_on=datetime.date(2023, 8, 1),
        location=factories.geometry("SRID=4326;POINT(46.62 40.12)"),
    )


# The record layers are vector tiles drawn on canvas (static/js/map/tiles.js): what they
# drew is read back from the canvases' pixels.
PAINTED_PIXELS = """(selector) => {
    let painted = 0;
    const panes = ".leaflet-records-pane canvas, .leaflet-points-pane canvas";
    document.querySelector(selector).querySelectorAll(panes).forEach((canvas) => {
        if (!canvas.width || !canvas.height) return;
        const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 3; i < data.length; i += 4) if (data[i]) painted += 1;
    });
    return painted;
}"""


@override_settings(MAP_TILE_URL="", MAP_TILE_ATTRIBUTION="")
class BrowserTestCase(StaticLiveServerTestCase):
    # A live-server test empties every table when it ends; the flush then sends post_migrate,
    # whose receivers (contamination and statements permissions.py) rebuild the whole Editors
    # group (tests/contamination/test_permissions.py proves it).

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        cache.clear()  # API answers and page figures are cached per data version
        build_records()
        self.context = self.browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.errors = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def tearDown(self):
        # The map's last requests finish first: a query still running in the live server
        # while the test's tables are emptied can deadlock with it.
        with contextlib.suppress(PlaywrightError):  # a page that never idles still closes
            self.page.wait_for_load_state("networkidle", timeout=10000)
        self.context.close()
        super().tearDown()
        self.assertEqual(self.errors, [], "JavaScript errors on the page")

    def wait_for_map(self, page=None, selector="#explorer-map"):
        page = page or self.page
        page.wait_for_function(
            f"""() => {{
                const map = document.querySelector("{selector}");
                return map && map.getAttribute("aria-busy") === "false"
                    && map.hasAttribute("data-loaded") && map.hasAttribute("data-areas-loaded");
            }}"""
        )
        return page.locator(selector)

    def painted(self, page=None, selector="#explorer-map"):
        """Pixels the record layers' tile canvases have drawn (0 before any feature)."""
        return (page or self.page).evaluate(PAINTED_PIXELS, selector)

    def wait_for_painted(self, page=None, selector="#explorer-map"):
        (page or self.page).wait_for_function(
            f"() => ({PAINTED_PIXELS})({selector!r}) > 0", polling=100
        )
        return self.painted(page, selector)

    def click_record(self, key_prefix, page=None, selector="#explorer-map"):
        """Click the map where the first listed feature whose key starts so is drawn."""
        page = page or self.page
        x, y = page.evaluate(
            """(prefix) => {
                const atlas = MineAtlas.maps[0];
                const key = [...atlas.entries.keys()].find((k) => k.startsWith(prefix));
                const point = atlas.map.latLngToContainerPoint(atlas.entries.get(key).latlng);
                return [point.x, point.y];
            }""",
            key_prefix,
        )
        box = page.locator(selector).bounding_box()
        page.mouse.click(box["x"] + x, box["y"] + y)

    def counts(self, page=None):
        map_element = (page or self.page).locator("#explorer-map")
        return {
            name: map_element.get_attribute(f"data-count-{name}")
            for name in ("hazards", "releases", "incidents")
        }


class MapExplorerBrowserTests(BrowserTestCase):
    def test_the_map_draws_boundaries_and_published_features_without_tiles(self):
        self.page.goto(f"{self.live_server_url}/map/?{CLOSE_VIEW}")
        map_element = self.wait_for_map()
        # Two units as the base layer, then 2 hazard areas, 2 releases, 2 incidents: no draft.
        self.assertEqual(map_element.get_attribute("data-areas-loaded"), "2")
        self.assertEqual(self.counts(), {"hazards": "2", "releases": "2", "incidents": "2"})
        self.assertGreater(self.wait_for_painted(), 0)
        # No background tiles (switched off): only the records' own vector tiles.
        self.assertEqual(
            self.page.locator("#explorer-map .leaflet-tile-pane .leaflet-tile").count(), 0
        )
        expect(self.page.locator("#map-status")).to_contain_text("2 hazard areas")
        expect(self.page.locator("#map-legend")).to_contain_text("Confirmed hazardous area")

    def test_a_popup_links_to_the_record_page(self):
        self.page.goto(f"{self.live_server_url}/map/?{CLOSE_VIEW}&layers=incidents")
        self.wait_for_map()
        self.wait_for_painted()
        self.click_record("incidents:")
        link = self.page.locator(".leaflet-popup-content a").first
        expect(link).to_have_attribute("href", re.compile(r"^/en/incidents/\d+/$"))

    def test_a_filter_change_updates_the_url_the_features_and_the_downloads(self):
        self.page.goto(f"{self.live_server_url}/map/?{CLOSE_VIEW}")
        self.wait_for_map()
        self.page.select_option("#f-category", "cha")
        self.page.wait_for_url("**category=cha**")
        self.wait_for_map()
        self.page.wait_for_function(
            "() => document.querySelector('#explorer-map').dataset.countHazards === '1'"
        )
        download = self.page.locator("#map-downloads a", has_text="CSV").first
        query = parse_qs(urlparse(download.get_attribute("href")).query)
        self.assertEqual(query["category"], ["cha"])
        self.assertEqual(query["format"], ["csv"])

        # The copied link reopens the same view: position, filter and features.
        url = self.page.url
        other = self.context.new_page()
        other.goto(url)
        self.wait_for_map(other)
        self.assertEqual(other.locator("#f-category").input_value(), "cha")
        self.assertEqual(self.counts(other), self.counts())
        params = parse_qs(urlparse(other.url).query)
        self.assertEqual(params["z"], ["11"])
        self.assertAlmostEqual(float(params["lat"][0]), 40.1, places=2)

        # The back button undoes the filter.
        self.page.go_back()
        self.page.wait_for_function(
            "() => document.querySelector('#explorer-map').dataset.countHazards === '2'"
        )
        self.assertEqual(self.page.locator("#f-category").input_value(), "")
        self.assertNotIn("category=", self.page.url)

    def test_the_time_slider_changes_what_is_shown(self):
        self.page.goto(f"{self.live_server_url}/map/?{CLOSE_VIEW}")
        self.wait_for_map()
        self.assertEqual(self.counts()["hazards"], "2")
        slider = self.page.locator("#time-slider")
        months = int(slider.get_attribute("max"))
        self.assertGreater(months, 12)
        # Back to the end of 2022: the 2023 hazard area, release and incident drop out.
        index = self.page.evaluate(
            """() => {
                const months = MineAtlas.maps[0].form.slider.months;
                return months.findIndex(m => m[0] === 2022 && m[1] === 11);
            }"""
        )
        slider.fill(str(index))
        self.page.wait_for_url("**end=2022-12-31**")
        self.page.wait_for_function(
            "() => document.querySelector('#explorer-map').dataset.countHazards === '1'"
        )
        self.assertEqual(self.counts(), {"hazards": "1", "releases": "1", "incidents": "1"})
        expect(self.page.locator("#time-slider-value")).to_have_text(
            "up to the end of December 2022"
        )

    def test_incidents_are_counted_in_clusters_at_low_zoom(self):
        self.page.goto(f"{self.live_server_url}/map/?lat=40.3&lng=47&z=6&layers=incidents")
        self.wait_for_map()
        self.assertEqual(self.counts()["incidents"], "2")
        self.assertLessEqual(self.page.locator("#explorer-map path.leaflet-interactive").count(), 4)


class PageBrowserTests(BrowserTestCase):
    def test_a_chart_renders_with_its_table(self):
        self.page.goto(f"{self.live_server_url}/statistics/")
        chart = self.page.locator("#chart-land-released svg")
        expect(chart).to_be_visible()
        self.assertGreater(chart.locator("rect[fill='#0072B2']").count(), 0)  # cancelled bars
        box = chart.bounding_box()
        self.assertGreater(box["width"], 300)
        self.page.locator("#chart-land-released summary").click()
        expect(self.page.locator("#chart-land-released table")).to_contain_text("2023")

    def test_the_home_teaser_and_a_record_map_draw(self):
        self.page.goto(f"{self.live_server_url}/")
        self.page.wait_for_function(
            "() => document.querySelector('#teaser-map').getAttribute('data-areas-loaded') === '2'"
        )
        self.assertGreater(self.page.locator("#teaser-map").bounding_box()["height"], 200)
        record = HazardArea.objects.get(reference="HA-CHA")
        self.page.goto(f"{self.live_server_url}{record.get_absolute_url()}")
        expect(self.page.locator("#record-map path.leaflet-interactive").first).to_be_attached()

    def test_the_site_is_usable_at_phone_width(self):
        self.page.set_viewport_size({"width": 375, "height": 800})
        for path in ("/", "/en/map/", "/en/statistics/", "/en/areas/AZ-WST/"):
            with self.subTest(path=path):
                self.page.goto(f"{self.live_server_url}{path}")
                overflow = self.page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                self.assertLessEqual(overflow, 0, "the page scrolls sideways")

    def test_the_filters_can_be_used_from_the_keyboard(self):
        self.page.goto(f"{self.live_server_url}/map/?{CLOSE_VIEW}")
        self.wait_for_map()
        self.page.focus("#f-category")
        self.page.keyboard.press("ArrowDown")  # first option after "Both categories"
        self.page.wait_for_url("**category=**")
        self.assertIn("category=", self.page.url)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class EmbedBrowserTests(BrowserTestCase):
    """The embeds render in an iframe on another origin; other pages refuse to be framed."""

    def setUp(self):
        super().setUp()
        folder = Path(tempfile.mkdtemp())
        base = self.live_server_url
        (folder / "index.html").write_text(
            "<!doctype html><title>Another site</title>"
            f'<iframe id="chart" src="{base}/embed/chart/land-released/" width="700" height="560">'
            "</iframe>"
            f'<iframe id="map" src="{base}/embed/map/?lat=40.1&lng=46.6&z=11" width="700" '
            'height="480"></iframe>'
            f'<iframe id="page" src="{base}/statistics/" width="700" height="300"></iframe>'
        )
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
        handler.log_message = lambda *args: None
        self.other_site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.other_site.serve_forever, daemon=True).start()
        self.other_url = f"http://127.0.0.1:{self.other_site.server_address[1]}/"
        self.assertNotEqual(urlparse(self.other_url).netloc, urlparse(base).netloc)

    def tearDown(self):
        self.other_site.shutdown()
        self.other_site.server_close()
        super().tearDown()

    def test_embeds_render_inside_an_iframe_on_another_origin(self):
        self.page.goto(self.other_url)
        chart = self.page.frame_locator("#chart")
        expect(chart.locator("svg.chart-svg")).to_be_visible()
        expect(chart.locator("figcaption")).to_contain_text("Land released per year")
        map_frame = self.page.frame_locator("#map")
        expect(map_frame.locator("#embed-map[data-loaded]")).to_be_attached(timeout=15000)
        expect(map_frame.locator("#embed-map path.leaflet-interactive").first).to_be_attached()
        # A normal page is refused by the browser (X-Frame-Options: DENY).
        refused = self.page.locator("#page").element_handle().content_frame()
        for _ in range(50):  # the browser replaces the refused page with its error page
            if refused.url.startswith("chrome-error://"):
                break
            self.page.wait_for_timeout(100)
        self.assertTrue(refused.url.startswith("chrome-error://"), refused.url)
        self.assertEqual(refused.locator("text=Statistics").count(), 0)
