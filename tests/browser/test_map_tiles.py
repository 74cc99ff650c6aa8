"""The map on vector tiles in Chromium: the country view draws every record (no page cap),
asks only for what it keeps, follows a filter, opens a record on a click, and rides out a
throttled API with a message a reader understands."""

import datetime
import json
import re
from urllib.parse import parse_qs, urlparse

from django.test import override_settings
from playwright.sync_api import expect

from contamination import tiles
from contamination.models import HazardArea
from tests import factories
from tests.browser.test_site import CLOSE_VIEW, PAINTED_PIXELS, BrowserTestCase

MANY = 1200  # more than one page of the API's lists (1,000): the old map stopped there


class CountryViewTests(BrowserTestCase):
    def test_the_country_view_draws_every_record_from_tiles_alone(self):
        # A grid of small squares across the test country (46-48 E, 39-41 N).
        HazardArea.objects.bulk_create(
            HazardArea(
                reference=f"HA-GRID-{i}",
                name="Grid square",
                category="sha",
                geometry=factories.multi(
                    factories.square(46.05 + (i % 40) * 0.045, 39.05 + (i // 40) * 0.06, 0.004)
                ),
                identified_on=datetime.date(2022, 1, 1),
                publication_status="published",
            )
            for i in range(MANY)
        )
        requests = []
        self.page.on("request", lambda request: requests.append(request.url))
        self.page.set_viewport_size({"width": 1366, "height": 900})
        self.page.goto(f"{self.live_server_url}/map/")
        self.wait_for_map()
        self.page.wait_for_function(
            f"() => document.querySelector('#explorer-map').dataset.countHazards === '{MANY + 2}'"
        )
        self.assertGreater(self.wait_for_painted(), 0)
        expect(self.page.locator("#map-status")).to_contain_text(f"{MANY + 2:,} hazard areas")
        expect(self.page.locator("#map-status")).not_to_contain_text("Zoom in")
        api = [urlparse(url) for url in requests if "/api/v1/" in url]
        # No record list is read: the boundaries once, then tiles only.
        self.assertEqual([u.path for u in api if "/tiles/" not in u.path], ["/api/v1/areas/"])
        # Every tile asked for is of the zoom the map settled on: none thrown away.
        zooms = {u.path.split("/")[5] for u in api if "/tiles/" in u.path}
        self.assertEqual(len(zooms), 1, zooms)
        self.assertEqual(len({u.geturl() for u in api}), len(api), "a tile was asked for twice")

    def test_far_out_a_mark_counts_its_small_areas_and_zooms_to_them(self):
        # 30 confirmed 100 m squares in one field: one dot at country view, counted as 30.
        # (The map at zoom 7 draws the tiles of zoom 6; the field is in the middle of a cell.)
        lon, lat = 1076 * tiles.mark_cell_deg(6), 917 * tiles.mark_cell_deg(6)
        HazardArea.objects.bulk_create(
            HazardArea(
                reference=f"HA-FIELD-{i}",
                name="Field",
                category="cha",
                geometry=factories.multi(
                    factories.square(lon + (i % 6) * 0.0015, lat + (i // 6) * 0.0015, 0.001)
                ),
                identified_on=datetime.date(2022, 1, 1),
                publication_status="published",
            )
            for i in range(30)
        )
        self.page.set_viewport_size({"width": 1366, "height": 900})
        self.page.goto(f"{self.live_server_url}/map/?lat=40.2&lng=47&z=7&layers=hazards")
        self.wait_for_map()
        self.assertEqual(self.counts()["hazards"], "32")  # the two of build_records and 30
        listed = self.page.locator("[data-records-of] button[data-key^='hazards:cluster:']")
        expect(listed).to_have_count(1)
        expect(listed).to_contain_text("30 hazard areas")
        expect(self.page.locator("#map-legend")).to_contain_text("one dot can stand for several")
        self.click_record("hazards:cluster:")
        popup = self.page.locator(".leaflet-popup-content")
        expect(popup).to_contain_text("30 hazard areas")
        popup.get_by_role("button", name="Zoom in to see each record").click()
        self.page.wait_for_function("() => MineAtlas.maps[0].map.getZoom() >= 10")
        self.wait_for_map()
        # Close up, each is its own record: listed by reference, no mark left.
        expect(self.page.locator("[data-records-of]")).to_contain_text("HA-FIELD-0")
        expect(listed).to_have_count(0)


class TileMapTests(BrowserTestCase):
    def test_a_filter_changes_the_address_the_tiles_and_the_drawing(self):
        self.page.goto(f"{self.live_server_url}/map/?{CLOSE_VIEW}&layers=hazards")
        self.wait_for_map()
        before = self.wait_for_painted()
        tiles = []
        self.page.on("request", lambda request: tiles.append(request.url))
        self.page.select_option("#f-category", "cha")
        self.page.wait_for_url("**category=cha**")
        self.page.wait_for_function(
            "() => document.querySelector('#explorer-map').dataset.countHazards === '1'"
        )
        self.page.wait_for_function(
            f"() => {{ const n = ({PAINTED_PIXELS})('#explorer-map');"
            f" return n > 0 && n < {before}; }}",
            polling=100,
        )
        hazard_tiles = [url for url in tiles if "/api/v1/tiles/hazard-areas/" in url]
        self.assertTrue(hazard_tiles)
        for url in hazard_tiles:
            self.assertEqual(parse_qs(urlparse(url).query), {"category": ["cha"]})
        self.assertEqual(self.listed(), ["HA-CHA"])

    def test_a_click_on_a_shape_opens_its_record(self):
        self.page.goto(f"{self.live_server_url}/map/?{CLOSE_VIEW}&layers=hazards")
        self.wait_for_map()
        self.wait_for_painted()
        self.click_record("hazards:")
        link = self.page.locator(".leaflet-popup-content a").first
        expect(link).to_have_text(re.compile(r"^HA-(CHA|SHA)$"))
        reference = link.inner_text()
        record = HazardArea.objects.get(reference=reference)
        expect(link).to_have_attribute("href", record.get_absolute_url())
        link.click()
        self.page.wait_for_url(f"**{record.get_absolute_url()}")

    def listed(self):
        return [
            text.split("\n")[0]
            for text in self.page.locator("[data-records-of] button[data-key]").all_inner_texts()
        ]


@override_settings(MAP_RETRY_MAX_DELAY_SECONDS=0)
class ThrottledMapTests(BrowserTestCase):
    def throttle(self, times):
        """Answer the first `times` tile requests as a throttled API does (429)."""
        answered = {"throttled": 0}

        def handle(route):
            if answered["throttled"] < times:
                answered["throttled"] += 1
                route.fulfill(
                    status=429,
                    headers={"Retry-After": "1", "Content-Type": "application/json"},
                    body=json.dumps(
                        {"detail": "Request was throttled. Expected available in 1 second."}
                    ),
                )
            else:
                route.continue_()

        self.page.route("**/api/v1/tiles/**", handle)
        return answered

    def test_throttled_tiles_are_asked_for_again(self):
        answered = self.throttle(5)
        self.page.goto(f"{self.live_server_url}/map/?{CLOSE_VIEW}")
        self.wait_for_map()
        self.assertEqual(answered["throttled"], 5)
        self.assertEqual(self.counts(), {"hazards": "2", "releases": "2", "incidents": "2"})
        expect(self.page.locator("#map-status")).to_contain_text("In view: 2 hazard areas")

    def test_a_map_that_stays_throttled_says_so_in_words(self):
        self.throttle(10**6)
        self.page.goto(f"{self.live_server_url}/map/?{CLOSE_VIEW}")
        self.wait_for_map()
        status = self.page.locator("#map-status")
        expect(status).to_contain_text("answering many requests just now")
        expect(status).not_to_contain_text("Request was throttled")
