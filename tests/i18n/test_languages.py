"""The site in three languages: addresses, the switcher, hreflang, the sitemap and the API."""

import re

from django.conf import settings
from django.test import TestCase
from django.urls import reverse

from tests.i18n.pages import PAGE_TYPES, build_pages_world, page_path
from tests.site.world import CacheClearing

LANGUAGES = ("az", "ru", "en")


class EveryPageInEveryLanguageTests(CacheClearing, TestCase):
    @classmethod
    def setUpTestData(cls):
        build_pages_world(cls)

    def test_every_page_type_answers_under_each_prefix_with_its_lang_and_alternates(self):
        for page_type, url_name, arguments in PAGE_TYPES:
            for language in LANGUAGES:
                path = page_path(self, url_name, arguments, language)
                with self.subTest(page_type, language=language):
                    self.assertTrue(path.startswith(f"/{language}/"), path)
                    response = self.client.get(path)
                    self.assertEqual(response.status_code, 200)
                    html = response.content.decode()
                    self.assertIn(f'<html lang="{language}">', html)
                    self.assertEqual(response["Content-Language"], language)
                    for other in LANGUAGES:
                        other_path = page_path(self, url_name, arguments, other)
                        self.assertIn(
                            f'<link rel="alternate" hreflang="{other}" '
                            f'href="http://testserver{other_path}">',
                            html,
                        )
                    neutral = path.removeprefix(f"/{language}")
                    self.assertIn(f'hreflang="x-default" href="http://testserver{neutral}"', html)


class AddressTests(TestCase):
    def test_the_root_opens_in_the_language_the_browser_asks_for(self):
        for header, expected in (
            ("ru-RU,ru;q=0.9,en;q=0.5", "/ru/"),
            ("az", "/az/"),
            ("de-DE,de;q=0.9", "/en/"),  # a language the site does not have: English
            ("", "/en/"),
        ):
            with self.subTest(header):
                response = self.client.get("/", HTTP_ACCEPT_LANGUAGE=header)
                self.assertRedirects(response, expected, fetch_redirect_response=False)

    def test_the_switchers_cookie_wins_over_the_browsers_language(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "az"
        response = self.client.get("/", HTTP_ACCEPT_LANGUAGE="ru")
        self.assertRedirects(response, "/az/", fetch_redirect_response=False)

    def test_an_old_address_without_a_prefix_keeps_its_page_and_query(self):
        response = self.client.get("/statistics/?area=AZ-WST", HTTP_ACCEPT_LANGUAGE="ru")
        self.assertRedirects(response, "/ru/statistics/?area=AZ-WST", fetch_redirect_response=False)

    def test_a_language_the_site_does_not_have_is_not_found(self):
        self.assertEqual(self.client.get("/de/statistics/").status_code, 404)
        self.assertEqual(self.client.get("/language/de/?next=/en/").status_code, 404)


class SwitcherTests(CacheClearing, TestCase):
    @classmethod
    def setUpTestData(cls):
        build_pages_world(cls)

    def test_the_switcher_opens_the_same_record_with_its_query_in_the_other_language(self):
        page = f"/en/incidents/{self.incident.pk}/?as_of=2026-01-01"
        html = self.client.get(page).content.decode()
        links = {
            language: href
            for href, language in re.findall(r'<a href="(/language/[^"]+)" lang="(\w+)"', html)
        }
        self.assertEqual(set(links), set(LANGUAGES))
        response = self.client.get(links["ru"].replace("&amp;", "&"))
        self.assertRedirects(
            response,
            f"/ru/incidents/{self.incident.pk}/?as_of=2026-01-01",
            fetch_redirect_response=False,
        )
        self.assertEqual(response.cookies[settings.LANGUAGE_COOKIE_NAME].value, "ru")
        self.assertIn("no-cache", response["Cache-Control"])
        # The choice is remembered: the bare root now opens in Russian.
        root = self.client.get("/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertRedirects(root, "/ru/", fetch_redirect_response=False)

    def test_the_current_language_is_marked_and_each_name_is_in_its_own_language(self):
        html = self.client.get("/az/statistics/").content.decode()
        self.assertRegex(html, r'lang="az" hreflang="az" aria-current="true">Azərbaycanca<')
        self.assertIn('lang="ru" hreflang="ru">Русский<', html)
        self.assertIn('lang="en" hreflang="en">English<', html)

    def test_the_switcher_never_sends_a_reader_to_another_site(self):
        for next_page in ("https://evil.example/", "//evil.example/", "/\\evil.example/"):
            with self.subTest(next_page):
                response = self.client.get("/language/ru/", {"next": next_page})
                self.assertEqual(response.status_code, 302)
                self.assertFalse(response["Location"].startswith(("http", "//", "/\\")))


class SitemapTests(CacheClearing, TestCase):
    @classmethod
    def setUpTestData(cls):
        build_pages_world(cls)

    def test_each_record_is_listed_in_each_language_with_its_alternates(self):
        xml = self.client.get("/sitemap-hazard-areas.xml").content.decode()
        for language in LANGUAGES:
            location = f"http://testserver/{language}/hazard-areas/{self.hazard.pk}/"
            self.assertIn(f"<loc>{location}</loc>", xml)
            self.assertIn(f'hreflang="{language}" href="{location}"', xml)
        self.assertIn(
            f'hreflang="x-default" href="http://testserver/hazard-areas/{self.hazard.pk}/"', xml
        )
        self.assertNotIn(f"/hazard-areas/{self.draft_hazard.pk}/", xml)


class APILanguageTests(CacheClearing, TestCase):
    @classmethod
    def setUpTestData(cls):
        build_pages_world(cls)

    def test_lang_or_accept_language_chooses_the_answers_language(self):
        url = "/api/v1/organisations/"
        for kwargs, expected in (
            ({"data": {"lang": "ru"}}, "ru"),
            ({"data": {"lang": "az"}, "HTTP_ACCEPT_LANGUAGE": "ru"}, "az"),
            ({"HTTP_ACCEPT_LANGUAGE": "ru"}, "ru"),
            ({}, "en"),
        ):
            with self.subTest(kwargs):
                response = self.client.get(url, **kwargs)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Content-Language"], expected)
                self.assertIn("Accept-Language", response["Vary"])

    def test_an_unknown_language_is_a_400_naming_the_parameter(self):
        for url in ("/api/v1/hazard-areas/", "/api/v1/statements/", "/ogc/collections"):
            with self.subTest(url):
                response = self.client.get(url, {"lang": "xx"})
                self.assertEqual(response.status_code, 400)
                self.assertIn("lang", str(response.json()))

    def test_each_language_has_its_own_etag(self):
        url = "/api/v1/hazard-areas/"
        tags = {self.client.get(url, HTTP_ACCEPT_LANGUAGE=lang)["ETag"] for lang in LANGUAGES}
        self.assertEqual(len(tags), 3)
        # A client's English copy is not "not modified" for a Russian request.
        english = self.client.get(url, HTTP_ACCEPT_LANGUAGE="en")["ETag"]
        response = self.client.get(url, HTTP_ACCEPT_LANGUAGE="ru", HTTP_IF_NONE_MATCH=english)
        self.assertEqual(response.status_code, 200)

    def test_the_schema_documents_lang_on_every_operation(self):
        schema = self.client.get(reverse("api:schema"), {"format": "json"}).json()
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                names = {parameter["name"] for parameter in operation.get("parameters", [])}
                with self.subTest(path, method=method):
                    self.assertIn("lang", names)
