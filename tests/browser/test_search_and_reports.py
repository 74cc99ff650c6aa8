"""A reader searches in any spelling and lands on the district; a reader sends a tip from a
record page and an editor finds it in the queue."""

from playwright.sync_api import expect

from contamination.models import AdminArea, Incident
from editorial.models import ReaderReport
from tests import factories
from tests.browser.test_site import BrowserTestCase


class SearchInTheBrowserTests(BrowserTestCase):
    def test_each_spelling_of_agdam_reaches_the_district_page(self):
        country = AdminArea.objects.get(level=0)
        factories.make_unit(
            country,
            code="AZ-AGM",
            name_en="Agdam",
            name_local="Ağdam",
            name_ru="Агдамский район",
            geometry=factories.multi(factories.square(46.8, 39.9, 0.2)),
        )
        for query in ["Agdam", "Ağdam", "Aghdam", "Агдам"]:
            with self.subTest(query=query):
                self.page.goto(self.live_server_url + "/")
                self.page.get_by_role("searchbox", name="Search the site").fill(query)
                self.page.keyboard.press("Enter")
                self.page.wait_for_url("**/search/?q=*")
                expect(self.page.get_by_role("heading", name="Areas (1)")).to_be_visible()
                self.page.get_by_role("link", name="Agdam", exact=True).click()
                self.page.wait_for_url("**/areas/AZ-AGM/")
                expect(self.page.get_by_role("heading", level=1)).to_contain_text("Agdam")


class TipFromARecordPageTests(BrowserTestCase):
    def test_a_tip_sent_from_an_incident_page_reaches_the_editors_queue(self):
        incident = Incident.objects.get(reference="IN-1")
        self.page.goto(self.live_server_url + incident.get_absolute_url())
        self.page.get_by_text("Report an error or send a tip").click()
        self.page.get_by_label("A tip or new information").check()
        self.page.get_by_label("Your message").fill("A local report gives a different date.")
        self.page.get_by_role("button", name="Send to the editors").click()
        expect(self.page.get_by_role("heading", level=1)).to_contain_text("Thank you")
        report = ReaderReport.objects.get()
        self.assertEqual(report.subject, incident)
        self.assertEqual(report.kind, "tip")

        editor = factories.make_superuser(username="queue-editor")
        self.context.add_cookies([self.session_cookie(editor)])
        self.page.goto(self.live_server_url + "/admin/editorial/readerreport/")
        expect(self.page.get_by_text("A local report gives a different date.")).to_be_visible()
        self.page.screenshot(path="/tmp/mineatlas-report-queue.png", full_page=True)

    def session_cookie(self, user):
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        return {
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": self.live_server_url,
        }
