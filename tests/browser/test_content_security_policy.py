"""The site and the admin work under the Content-Security-Policy: no violation in Chromium."""

from django.apps import apps
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from contamination.models import HazardArea
from contamination.permissions import sync_editors_group
from tests import factories
from tests.accounts.test_sign_in import PASSWORD, current_code
from tests.browser.test_site import CLOSE_VIEW, BrowserTestCase

# Page scripts cannot hide a violation from this listener: Playwright adds it before any.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.cspViolations.push(
        `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
    );
});
"""


class ContentSecurityPolicyBrowserTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.console = []
        self.page.on("console", lambda message: self.console.append(message.text))
        self.context.add_init_script(RECORD_VIOLATIONS)

    def assert_no_violation(self):
        violations = self.page.evaluate("window.cspViolations")
        self.assertEqual(violations, [])
        reports = [text for text in self.console if "Content Security Policy" in text]
        self.assertEqual(reports, [])

    def test_public_pages_draw_without_a_violation(self):
        self.page.goto(f"{self.live_server_url}/map/?{CLOSE_VIEW}")
        self.wait_for_map()
        # The records are vector tiles drawn on canvas: drawn, and without a violation.
        self.assertGreater(self.wait_for_painted(), 0)
        self.assert_no_violation()
        for path in ["/", "/en/statistics/", "/en/embed/map/", "/en/embed/chart/land-released/"]:
            with self.subTest(page=path):
                self.page.goto(f"{self.live_server_url}{path}")
                self.page.wait_for_load_state("networkidle")
                self.assert_no_violation()

    def test_the_admin_change_form_map_draws_without_a_violation(self):
        # The live server's flush leaves the Editors group short of its permissions
        # (tests/browser/test_site.py restore_editors_group); grant them as migrate does.
        sync_editors_group(None, app_config=apps.get_app_config("contamination"), apps=apps)
        editor = factories.make_editor(username="cartographer")
        device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
        hazard = HazardArea.objects.get(reference="HA-CHA")

        self.page.goto(f"{self.live_server_url}/admin/login/")
        self.page.fill("#id_username", "cartographer")
        self.page.fill("#id_password", PASSWORD)
        self.page.click("input[type=submit]")
        self.page.wait_for_url("**/admin/mfa/verify/")
        self.page.fill("#id_code", current_code(device))
        self.page.click("input[type=submit]")
        self.page.wait_for_url(f"{self.live_server_url}/admin/")

        self.page.goto(f"{self.live_server_url}/admin/contamination/hazardarea/{hazard.pk}/change/")
        map_element = self.page.locator(".leaflet-container").first
        expect(map_element).to_be_visible()
        # The record's polygon (django-leaflet's widget) and the boundaries under it
        # (admin-extra/boundaries.js) are both drawn.
        expect(map_element.locator("path.leaflet-interactive").first).to_be_attached()
        expect(map_element.locator(".boundary-label").first).to_be_attached()
        expect(map_element.locator(".leaflet-draw-toolbar").first).to_be_visible()
        self.page.wait_for_load_state("networkidle")
        self.assert_no_violation()

    def test_the_first_sign_in_shows_the_qr_code_without_a_violation(self):
        factories.make_editor(username="newcomer")
        self.page.goto(f"{self.live_server_url}/admin/login/")
        self.page.fill("#id_username", "newcomer")
        self.page.fill("#id_password", PASSWORD)
        self.page.click("input[type=submit]")
        self.page.wait_for_url("**/admin/mfa/enrol/")
        qr_code = self.page.locator(".qr-code svg")
        expect(qr_code).to_be_visible()
        self.assertGreater(qr_code.bounding_box()["width"], 100)
        device = TOTPDevice.objects.get(user__username="newcomer")
        self.page.fill("#id_code", current_code(device))
        self.page.click("input[type=submit]")
        expect(self.page.locator(".recovery-codes li")).to_have_count(10)
        self.page.click("text=Continue to the admin")
        self.page.wait_for_url(f"{self.live_server_url}/admin/")
        self.assert_no_violation()
