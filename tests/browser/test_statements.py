"""The statement page in a real browser (Debian's Chromium driven by Playwright)."""

import datetime
import json
import os

from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from playwright.sync_api import sync_playwright

from contamination.models import Organisation
from statements.models import Metric
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


class StatementPageBrowserTests(StaticLiveServerTestCase):
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
        country = factories.make_country()
        anama = factories.make_organisation(
            name="Mine Action Agency", acronym="ANAMA", kind=Organisation.Kind.NATIONAL_AUTHORITY
        )
        metric = factories.make_metric(
            code="area_cleared_since_2020",
            label="Area cleared since the end of the 2020 war",
            unit="ha",
            comparison=Metric.Comparison.LAND_CLEARED,
        )
        source = factories.make_source(publisher="Trend", url="https://example.org/trend")
        reprint = factories.make_source(
            publisher="MENAFN", url="https://example.org/menafn", is_reprint=True
        )
        self.statement = factories.make_statement(
            reference="suleymanov-2023-05-25",
            speaker_person=factories.make_person(key="vugar-suleymanov", name="Vugar Suleymanov"),
            speaker_organisation=anama,
            speaker_role="Chairman of the Board, ANAMA",
            side="az",
            text=(
                "To date, 81,386 hectares of land have been cleared.\n\n"
                "In total, 302 people have become victims of mines."
            ),
            original_language="az",
            original_text="Bu günə qədər 81.386 hektar ərazi təmizlənib.",
            translation_note="English text as published by Trend.",
            sources=[source, reprint],
        )
        factories.make_claim(
            self.statement,
            excerpt="81,386 hectares",
            metric=metric,
            value=81386,
            since=datetime.date(2020, 11, 10),
            scope=country,
        )
        # One demo release: the panel must say the recorded side is demo data.
        factories.make_land_release(is_demo=True, completed_on=datetime.date(2022, 6, 1))
        self.page = self.browser.new_page(viewport={"width": 1200, "height": 900})

    def tearDown(self):
        self.page.close()

    def test_the_statement_page_reads_as_a_quotation_beside_the_records(self):
        page = self.page
        response = page.goto(self.live_server_url + self.statement.get_absolute_url())
        self.assertEqual(response.status, 200)

        quote = page.locator("figure.verbatim blockquote")
        self.assertTrue(quote.is_visible())
        self.assertIn("302 people have become victims", quote.inner_text())
        self.assertEqual(page.locator("figure.verbatim figcaption").inner_text()[:8], "Verbatim")

        mark = page.locator("blockquote mark")
        self.assertEqual(mark.inner_text(), "81,386 hectares")
        # The mark is highlighted, not just tagged.
        background = mark.evaluate("element => getComputedStyle(element).backgroundColor")
        self.assertNotIn(background, ("rgba(0, 0, 0, 0)", "transparent"))

        # Selecting the marked words goes to the figure beside the records.
        mark.locator("a").click()
        page.wait_for_url("**#claim-0")
        panel = page.locator("#claim-0")
        self.assertTrue(panel.is_visible())
        text = panel.inner_text()
        self.assertIn("STATED", text)  # headings are set in capitals by the stylesheet
        self.assertIn("81,386 ha", text)
        self.assertIn("RECORDS SHOW", text)
        self.assertIn("94.8 ha", text)
        self.assertIn("of which 1 is demo data", text)
        self.assertTrue(page.locator(".demo-notice").first.is_visible())

        self.assertEqual(page.locator(".reprint-badge").count(), 1)
        self.assertTrue(page.get_by_text("Bu günə qədər 81.386 hektar").is_visible())

        data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
        self.assertEqual(data["@graph"][0]["@type"], "Quotation")
        self.assertEqual(data["@graph"][1]["@type"], "Claim")

        if os.environ.get("SCREENSHOT_DIR"):
            page.screenshot(
                path=os.path.join(os.environ["SCREENSHOT_DIR"], "statement.png"), full_page=True
            )

    def test_a_paraphrase_is_labelled_and_not_quoted_on_a_narrow_screen(self):
        statement = factories.make_statement(
            reference="paraphrased",
            text_kind="paraphrase",
            text="The ministry said the maps were handed over in 2021.",
        )
        page = self.page
        page.set_viewport_size({"width": 375, "height": 800})
        page.goto(self.live_server_url + statement.get_absolute_url())
        label = page.locator(".paraphrase .text-kind")
        self.assertTrue(label.is_visible())
        self.assertIn("not a quotation", label.inner_text())
        self.assertEqual(page.locator("blockquote").count(), 0)
        self.assertEqual(page.locator("q").count(), 0)
        # Nothing runs off the side of a phone screen.
        overflowing = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .map(e => e.tagName + '.' + e.className)"""
        )
        self.assertEqual(overflowing, [])
