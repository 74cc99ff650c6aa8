"""Each kind of map (explorer, embed, home teaser, area page, record page) in Chromium: it
draws its layers, a change of filter reaches the address and the features, and every record
it shows can be reached and opened from the keyboard through the list beside it."""

import re
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from contamination.models import HazardArea
from tests import factories
from tests.browser.test_site import CLOSE_VIEW, BrowserTestCase

LIST_BUTTONS = "[data-records-of] button[data-key]"


class MapModeBrowserTests(BrowserTestCase):
    def listed(self, page=None):
        return [
            text.split("\n")[0]
            for text in (page or self.page).locator(LIST_BUTTONS).all_inner_texts()
        ]

    def test_the_explorer_filters_incidents_by_casualty_group_from_the_servers_choices(self):
        self.page.goto(f"{self.live_server_url}/map/?{CLOSE_VIEW}")
        self.wait_for_map()
        # The choices are the model's, rendered by the server.
        options = self.page.locator("#f-casualty_group option").all_inner_texts()
        self.assertEqual(options[1:], ["Civilian", "Deminer", "Military or security", "Unknown"])
        self.assertEqual(self.counts()["incidents"], "2")
        # IN-1 has one casualty (group unknown), IN-2 none.
        self.page.select_option("#f-casualty_group", "unknown")
        self.page.wait_for_url("**casualty_group=unknown**")
        self.page.wait_for_function(
            "() => document.querySelector('#explorer-map').dataset.countIncidents === '1'"
        )
        expect(self.page.locator(LIST_BUTTONS, has_text="IN-1")).to_have_count(1)
        expect(self.page.locator(LIST_BUTTONS, has_text="IN-2")).to_have_count(0)
        # Hazard areas and releases do not take it: unchanged.
        self.assertEqual(self.counts()["hazards"], "2")
        download = self.page.locator("#map-downloads a", has_text="CSV").last
        self.assertEqual(
            parse_qs(urlparse(download.get_attribute("href")).query)["casualty_group"], ["unknown"]
        )

    def test_the_explorer_list_follows_the_map(self):
        self.page.goto(f"{self.live_server_url}/map/?{CLOSE_VIEW}")
        self.wait_for_map()
        self.assertEqual(
            sorted(self.listed()),
            ["HA-CHA", "HA-SHA", "IN-1", "IN-2", "LR-CANCELLED", "LR-CLEARED"],
        )
        self.assertNotIn("HA-DRAFT", self.listed())
        # Far from every record: the list empties and the address follows the map.
        self.page.evaluate("MineAtlas.maps[0].map.setView([39.3, 47.7], 11)")
        self.page.wait_for_url("**lat=39.3**")
        self.wait_for_map()
        expect(self.page.locator("[data-records-of]")).to_contain_text("No record in view")
        self.assertEqual(self.listed(), [])

    def test_a_record_is_reached_with_tab_and_opened_with_enter(self):
        self.page.goto(f"{self.live_server_url}/map/?{CLOSE_VIEW}&layers=hazards")
        self.wait_for_map()
        self.page.focus("#explorer-map")
        for _ in range(10):  # past the map's zoom buttons to the first record in the list
            self.page.keyboard.press("Tab")
            if self.page.evaluate("document.activeElement.matches('[data-records-of] button')"):
                break
        focused = self.page.evaluate("document.activeElement.innerText")
        self.assertRegex(focused, r"^HA-(CHA|SHA)")
        reference = focused.split("\n")[0]
        self.page.keyboard.press("Enter")
        popup_link = self.page.locator(".leaflet-popup-content a").first
        expect(popup_link).to_be_focused()
        expect(popup_link).to_have_text(reference)
        record = HazardArea.objects.get(reference=reference)
        expect(popup_link).to_have_attribute("href", record.get_absolute_url())
        # Escape closes the popup and gives the focus back to the list.
        self.page.keyboard.press("Escape")
        expect(self.page.locator(".leaflet-popup")).to_have_count(0)
        expect(self.page.locator(LIST_BUTTONS, has_text=reference)).to_be_focused()
        # Enter again, then Enter on the link: the record's page.
        self.page.keyboard.press("Enter")
        expect(popup_link).to_be_focused()
        self.page.keyboard.press("Enter")
        self.page.wait_for_url(f"**{record.get_absolute_url()}")
        expect(self.page.locator("h1")).to_contain_text(reference)

    def test_a_cluster_in_the_list_opens_its_popup_with_a_zoom_button(self):
        self.page.goto(f"{self.live_server_url}/map/?lat=40.3&lng=47&z=6&layers=incidents")
        self.wait_for_map()
        self.page.locator(LIST_BUTTONS).first.press("Enter")
        expect(self.page.locator(".leaflet-popup-content")).to_contain_text("incident")

    def test_the_embed_draws_its_layers_and_follows_the_filters_in_its_address(self):
        self.page.set_viewport_size({"width": 700, "height": 480})
        self.page.goto(f"{self.live_server_url}/embed/map/?{CLOSE_VIEW}")
        self.wait_for_map(selector="#embed-map")
        counts = self.page.locator("#embed-map")
        self.assertEqual(counts.get_attribute("data-count-hazards"), "2")
        self.assertGreater(self.wait_for_painted(selector="#embed-map"), 0)
        self.page.goto(f"{self.live_server_url}/embed/map/?{CLOSE_VIEW}&category=cha")
        self.wait_for_map(selector="#embed-map")
        self.assertEqual(counts.get_attribute("data-count-hazards"), "1")
        # The embed keeps its own address, and its link opens the same view in the explorer.
        self.assertIn("category=cha", self.page.url)
        full = self.page.locator("#embed-open-full").get_attribute("href")
        self.assertEqual(parse_qs(urlparse(full).query)["category"], ["cha"])
        self.page.locator(".embed-records summary").click()
        self.assertEqual(self.listed()[0], "HA-CHA")

    def test_the_home_teaser_draws_the_areas_shaded_and_names_them(self):
        self.page.goto(f"{self.live_server_url}/")
        self.page.wait_for_function(
            "() => document.querySelector('#teaser-map').getAttribute('data-areas-loaded') === '2'"
        )
        areas = self.page.locator("#teaser-map path.leaflet-interactive")
        self.assertEqual(areas.count(), 2)
        # Westshire has the hazard areas: shaded; Eastshire none: the no-data colour.
        fills = sorted(areas.evaluate_all("paths => paths.map(p => p.getAttribute('fill'))"))
        self.assertEqual(len(set(fills)), 2)
        self.assertIn("#f4f1ee", fills)
        # The teaser has no filters: it asks the API for no record layer.
        self.assertIsNone(self.page.locator("#teaser-map").get_attribute("data-count-hazards"))

    def test_the_area_map_shows_only_its_areas_records(self):
        factories.make_hazard_area(
            reference="HA-EAST", geometry=factories.multi(factories.square(47.05, 39.95, 0.02))
        )
        requests = []
        self.page.on("request", lambda request: requests.append(request.url))
        self.page.goto(f"{self.live_server_url}/areas/AZ-WST/")
        self.wait_for_map(selector="#area-map")
        hazard_requests = [url for url in requests if "/api/v1/tiles/hazard-areas/" in url]
        self.assertTrue(hazard_requests)
        self.assertEqual(parse_qs(urlparse(hazard_requests[-1]).query)["area"], ["AZ-WST"])
        self.assertEqual(self.page.locator("#area-map").get_attribute("data-count-hazards"), "2")
        self.assertNotIn("HA-EAST", self.listed())
        # A list item opens its record's popup, with the link to its page.
        self.page.locator(LIST_BUTTONS, has_text="HA-CHA").press("Enter")
        record = HazardArea.objects.get(reference="HA-CHA")
        expect(self.page.locator(".leaflet-popup-content a").first).to_have_attribute(
            "href", record.get_absolute_url()
        )
        # At this scale incidents are counted per cell: listed as such.
        cluster = re.compile(r"^(One incident|\d+ incidents)")
        expect(self.page.locator(LIST_BUTTONS, has_text=cluster).first).to_be_attached()

    def test_the_record_map_draws_the_record_and_the_records_around_it(self):
        record = HazardArea.objects.get(reference="HA-SHA")
        self.page.goto(f"{self.live_server_url}{record.get_absolute_url()}")
        self.wait_for_map(selector="#record-map")
        # The record itself (highlighted) is drawn over the hazard layer.
        self.assertGreaterEqual(
            self.page.locator("#record-map path.leaflet-interactive").count(), 2
        )
        self.assertIn("HA-SHA", self.listed())
        # Zooming out reaches the records around it, in the map and in the list.
        self.page.evaluate("MineAtlas.maps[0].map.setZoom(10)")
        self.page.wait_for_function(
            "() => document.querySelectorAll('[data-records-of] button[data-key]').length >= 6"
        )
        self.assertIn("LR-CLEARED", self.listed())

    def test_map_pages_fit_a_phone(self):
        self.page.set_viewport_size({"width": 375, "height": 800})
        record = HazardArea.objects.get(reference="HA-CHA")
        for path in (f"/en/map/?{CLOSE_VIEW}", "/en/areas/AZ-WST/", record.get_absolute_url(), "/"):
            with self.subTest(path=path):
                self.page.goto(f"{self.live_server_url}{path}")
                self.page.wait_for_function(
                    "() => document.querySelector('[data-map][data-areas-loaded]')"
                )
                overflow = self.page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                self.assertLessEqual(overflow, 0, "the page scrolls sideways")
        # On a phone the list comes straight after the map.
        self.page.goto(f"{self.live_server_url}/map/?{CLOSE_VIEW}")
        self.wait_for_map()
        map_box = self.page.locator("#explorer-map").bounding_box()
        list_box = self.page.locator(".explorer > .map-records").bounding_box()
        self.assertAlmostEqual(list_box["y"], map_box["y"] + map_box["height"], delta=20)
        self.assertTrue(
            re.search(r"\d+ in view", self.page.locator("[data-records-of]").inner_text())
        )


OPEN_WESTSHIRE_POPUP = """MineAtlas.maps[0].areasLayer.eachLayer((layer) => {
    const p = layer.feature.properties;
    if ((p.code || p.iso_code) === "AZ-WST") layer.openPopup();
})"""


class MapLinkBrowserTests(BrowserTestCase):
    def map_centre(self):
        return self.page.evaluate(
            "(() => { const c = MineAtlas.maps[0].map.getCenter(); return [c.lng, c.lat]; })()"
        )

    def test_open_an_area_in_the_explorer_fits_the_map_to_it(self):
        # The area page's "Open Eastshire in the map explorer" link.
        self.page.goto(f"{self.live_server_url}/areas/AZ-EST/")
        self.page.get_by_role("link", name="Open Eastshire in the map explorer").click()
        self.page.wait_for_url("**/map/?area=AZ-EST**")
        self.wait_for_map()
        # Eastshire is the square 47-48 E, 39-40 N; the country is 46-48 E, 39-41 N.
        self.page.wait_for_function(
            "() => Math.abs(MineAtlas.maps[0].map.getCenter().lng - 47.5) < 0.1"
        )
        lng, lat = self.map_centre()
        self.assertAlmostEqual(lng, 47.5, delta=0.1)
        self.assertAlmostEqual(lat, 39.5, delta=0.1)
        bounds = self.page.evaluate("MineAtlas.maps[0].map.getBounds().toBBoxString()")
        west, south, east, north = (float(value) for value in bounds.split(","))
        self.assertGreater(west, 46.5)  # zoomed in past the whole country
        self.assertLess(north, 40.5)

    def test_a_search_result_opens_the_map_at_the_area(self):
        self.page.goto(f"{self.live_server_url}/search/?q=Eastshire")
        self.page.get_by_role("link", name="show on the map").first.click()
        self.page.wait_for_url("**/map/?area=AZ-EST**")
        self.wait_for_map()
        self.page.wait_for_function(
            "() => Math.abs(MineAtlas.maps[0].map.getCenter().lng - 47.5) < 0.1"
        )

    def test_a_date_filtered_area_popup_names_its_period(self):
        self.page.goto(f"{self.live_server_url}/map/?layers=areas&start=2023-01-01&end=2023-12-31")
        self.wait_for_map()
        self.page.evaluate(OPEN_WESTSHIRE_POPUP)
        popup = self.page.locator(".leaflet-popup-content")
        expect(popup).to_contain_text("Westshire")
        expect(popup).to_contain_text("Records dated 2023-01-01 to 2023-12-31")

    def test_an_area_popup_without_dates_names_no_period(self):
        self.page.goto(f"{self.live_server_url}/map/?layers=areas")
        self.wait_for_map()
        self.page.evaluate(OPEN_WESTSHIRE_POPUP)
        popup = self.page.locator(".leaflet-popup-content")
        expect(popup).to_contain_text("Westshire")
        expect(popup).not_to_contain_text("Records dated")
