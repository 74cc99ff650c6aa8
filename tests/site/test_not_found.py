"""An unknown address answers with the site's own 404 page, DEBUG on or off."""

from django.test import TestCase, override_settings

from tests import factories


class NotFoundPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        factories.make_country()

    def test_an_unknown_address_shows_the_sites_page_in_every_mode(self):
        for debug in (False, True):
            with self.subTest(debug=debug), override_settings(DEBUG=debug):
                response = self.client.get("/no-such-page/")
                self.assertEqual(response.status_code, 404)
                self.assertContains(
                    response, "There is no public page at this address", status_code=404
                )
                self.assertNotContains(response, "URLconf", status_code=404)

    def test_an_unknown_record_shows_the_sites_page_with_debug_on(self):
        with override_settings(DEBUG=True):
            response = self.client.get("/en/hazard-areas/999999/")
        self.assertContains(response, "There is no public page at this address", status_code=404)

    def test_a_missing_slash_still_redirects_with_debug_on(self):
        with override_settings(DEBUG=True):
            response = self.client.get("/en/areas")
        self.assertRedirects(response, "/en/areas/", status_code=301)

    def test_the_api_keeps_its_json_answer(self):
        with override_settings(DEBUG=True):
            response = self.client.get("/api/v1/hazard-areas/999999/")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response["Content-Type"], "application/json")
