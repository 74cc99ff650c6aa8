"""Every public page type at a phone's width (375 px): nothing wider than the screen, charts
show their latest years without a sideways scroll, wide tables keep their key column."""

import os
import re
from pathlib import Path

from django.urls import reverse

from contamination.models import HazardArea, Incident, LandRelease
from tests import factories
from tests.browser.test_site import BrowserTestCase

PHONE = {"width": 375, "height": 812}
# Set to a folder to keep a full-page screenshot of each page (to look at them).
SCREENSHOTS = os.environ.get("PHONE_SCREENSHOTS", "")


class PhoneWidthBrowserTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.context.close()
        self.context = self.browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        metric = factories.make_metric(code="victims_since_2020", label="Mine victims since 2020")
        person = factories.make_person(key="a-speaker", name="A Speaker")
        self.statement = factories.make_statement(
            reference="a-speaker-2023-05-25", speaker_person=person
        )
        factories.make_claim(self.statement, metric=metric)

    def public_pages(self):
        hazard = HazardArea.objects.published().first()
        release = LandRelease.objects.published().first()
        incident = Incident.objects.published().first()
        return {
            "home": reverse("home"),
            "map": reverse("contamination:map"),
            "area list": reverse("contamination:area-list"),
            "area": reverse("contamination:area-detail", args=["AZ-WST"]),
            "hazard area": hazard.get_absolute_url(),
            "land release": release.get_absolute_url(),
            "incident": incident.get_absolute_url(),
            "statistics": reverse("contamination:statistics"),
            "methodology": reverse("contamination:methodology"),
            "data": reverse("contamination:data"),
            "changelog": reverse("contamination:changelog"),
            "statement list": reverse("statements:statement-list"),
            "statement": self.statement.get_absolute_url(),
            "people": reverse("statements:person-list"),
            "person": reverse("statements:person-detail", args=["a-speaker"]),
            "metrics": reverse("statements:metric-list"),
            "metric": reverse("statements:metric-detail", args=["victims_since_2020"]),
            "about": reverse("editorial:about"),
            "privacy": reverse("editorial:privacy"),
            "report": reverse("editorial:report"),
            "search": reverse("search:search") + "?q=Westshire",
            "not found": "/no-such-page/",
            "chart embed": reverse("contamination:embed-chart", args=["killed-injured"]),
            "map embed": reverse("contamination:embed-map"),
        }

    def test_no_public_page_is_wider_than_a_phone(self):
        for name, path in self.public_pages().items():
            with self.subTest(page=name):
                self.page.goto(self.live_server_url + path)
                self.page.wait_for_load_state("networkidle")
                width = self.page.evaluate("document.documentElement.scrollWidth")
                self.assertLessEqual(width, PHONE["width"], f"{path} is {width} px wide")
                if SCREENSHOTS:
                    slug = re.sub(r"\W+", "-", name)
                    shot = Path(SCREENSHOTS) / f"{slug}.png"
                    self.page.screenshot(path=str(shot), full_page=True)

    def test_charts_show_their_latest_year_without_scrolling(self):
        self.page.goto(self.live_server_url + reverse("contamination:statistics"))
        charts = self.page.locator(".chart-image")
        self.assertGreater(charts.count(), 0)
        for index in range(charts.count()):
            chart = charts.nth(index)
            with self.subTest(chart=chart.evaluate("(c) => c.closest('figure').id")):
                # Nothing hidden to the right: the picture is as wide as its box.
                self.assertLessEqual(chart.evaluate("(c) => c.scrollWidth - c.clientWidth"), 0)
                box = chart.bounding_box()
                self.assertLessEqual(box["x"] + box["width"], PHONE["width"])

    def test_a_wide_table_keeps_its_key_column_in_view(self):
        self.page.goto(self.live_server_url + reverse("contamination:statistics"))
        first_cell = self.page.locator(".table-scroll tbody th[scope=row]").first
        first_cell.evaluate("(cell) => cell.closest('details').open = true")
        self.assertEqual(first_cell.evaluate("(cell) => getComputedStyle(cell).position"), "sticky")
