"""The site in the reader's language, in a browser: the switcher keeps the reader on the same
record, the map speaks the page's language, and longer Azerbaijani and Russian words fit on a
phone and on a laptop."""

import gettext
import os
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from contamination.models import AdminArea, Incident
from tests import factories
from tests.browser.test_site import CLOSE_VIEW, BrowserTestCase

# Set to a folder to keep a screenshot of each page in each language and width (to look at).
SCREENSHOTS = os.environ.get("LANGUAGE_SCREENSHOTS", "")
WIDTHS = {"phone": {"width": 375, "height": 812}, "laptop": {"width": 1366, "height": 900}}


def map_words(language):
    """The map script's catalogue (djangojs) in `language`, as the page loads it."""
    catalogue = gettext.translation(
        "djangojs", localedir=settings.LOCALE_PATHS[0], languages=[language]
    )
    return catalogue.gettext


class LanguageBrowserTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        AdminArea.objects.filter(code="AZ-WST").update(name_local="Qərbşir", name_ru="Вестшир")
        person = factories.make_person(key="a-speaker", name="A Speaker")
        self.statement = factories.make_statement(
            reference="a-speaker-2023-05-25", speaker_person=person
        )

    def path(self, name, language, *args):
        with translation.override(language):
            return reverse(name, args=args)

    def test_switching_language_on_a_record_page_keeps_the_record(self):
        incident = Incident.objects.published().first()
        with translation.override("en"):
            english = incident.get_absolute_url()
        self.page.goto(self.live_server_url + english)
        self.page.locator('.language-switcher a[hreflang="ru"]').click()
        self.page.wait_for_load_state()
        with translation.override("ru"):
            russian = incident.get_absolute_url()
        self.assertEqual(self.page.url, self.live_server_url + russian)
        self.assertEqual(self.page.locator("html").get_attribute("lang"), "ru")
        expect(self.page.locator("h1")).to_contain_text(incident.reference)
        # And back, by the switcher's Azerbaijani link: the cookie then opens the root in az.
        self.page.locator('.language-switcher a[hreflang="az"]').click()
        self.page.wait_for_load_state()
        self.assertIn(f"/az/incidents/{incident.pk}/", self.page.url)
        self.page.goto(self.live_server_url + "/")
        self.assertTrue(self.page.url.endswith("/az/"), self.page.url)

    def test_the_maps_legend_filters_and_popups_are_in_the_pages_language(self):
        for language in ("ru", "az"):
            with self.subTest(language=language):
                words = map_words(language)
                self.page.goto(
                    self.live_server_url
                    + self.path("contamination:map", language)
                    + f"?{CLOSE_VIEW}&layers=areas,hazards,incidents"
                )
                self.wait_for_map()
                self.wait_for_painted()
                legend = self.page.locator("#map-legend")
                expect(legend).to_contain_text(words("Hazardous areas"))
                expect(legend).to_contain_text(words("Incidents"))
                # The filters are the server's, in the page's language; area names too.
                with translation.override(language):
                    hazard_category = str(translation.gettext("Hazard category"))
                    expect(self.page.locator("label[for=f-category]")).to_have_text(hazard_category)
                area_name = "Вестшир" if language == "ru" else "Qərbşir"
                expect(self.page.locator("#f-area")).to_contain_text(area_name)
                self.click_record("incidents:")
                popup = self.page.locator(".leaflet-popup-content").last  # the record's
                expect(popup).to_contain_text(words("Record page, sources and history"))
                self.assertNotIn("Record page", popup.inner_text())
                self.assertNotIn(" killed", popup.inner_text())

    def test_longer_words_fit_on_a_phone_and_a_laptop(self):
        pages = {
            "home": ("home",),
            "map": ("contamination:map",),
            "area": ("contamination:area-detail", "AZ-WST"),
            "statement": ("statements:statement-detail", self.statement.reference),
        }
        for width_name, viewport in WIDTHS.items():
            self.page.set_viewport_size(viewport)
            for language in ("az", "ru"):
                for page_name, (url_name, *args) in pages.items():
                    with self.subTest(page=page_name, language=language, width=width_name):
                        self.page.goto(self.live_server_url + self.path(url_name, language, *args))
                        self.page.wait_for_load_state("networkidle")
                        width = self.page.evaluate("document.documentElement.scrollWidth")
                        self.assertLessEqual(width, viewport["width"])
                        # No heading, button or label runs out of its own box either.
                        overflowing = self.page.evaluate(OVERFLOWING_TEXT)
                        self.assertEqual(overflowing, [], f"{page_name} in {language}")
                        if SCREENSHOTS:
                            slug = re.sub(r"\W+", "-", f"{page_name}-{language}-{width_name}")
                            self.page.screenshot(
                                path=str(Path(SCREENSHOTS) / f"{slug}.png"), full_page=True
                            )


# Elements whose text is wider than the element itself (a long word that does not wrap),
# among those a reader sees (labels for screen readers only are clipped on purpose).
OVERFLOWING_TEXT = """() => [...document.querySelectorAll(
    "h1, h2, h3, button, label, .site-header a, .language-switcher a, th, .legend"
  )].filter((element) => element.offsetParent !== null
    && !element.closest(".visually-hidden, .honeypot, [aria-hidden=true]")
    && element.scrollWidth > element.clientWidth + 1)
   .map((element) => element.tagName + ": " + element.textContent.trim().slice(0, 40))"""
