"""Browser security headers on every kind of page: CSP, Permissions-Policy, caching, cookies."""

import json
import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import TestCase
from django.urls import reverse

from config.settings import tile_source
from tests import factories
from tests.site.world import CacheClearing, build_world


def directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ") if part}


class InlineScriptFinder(HTMLParser):
    """Collect <script> elements that a browser would run without a `src`, and on*= handlers."""

    DATA_TYPES = {"application/json", "application/ld+json"}

    def __init__(self):
        super().__init__()
        self.inline = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and attrs.get("type") not in self.DATA_TYPES:
            self.inline.append(self.get_starttag_text())
        self.inline += [f"{tag} {name}" for name in attrs if name.startswith("on")]
        self.inline += [
            f"{tag} {name}"
            for name, value in attrs.items()
            if (value or "").strip().lower().startswith("javascript:")
        ]


class HeaderTests(CacheClearing, TestCase):
    @classmethod
    def setUpTestData(cls):
        build_world(cls)
        cls.statement = factories.make_statement()
        cls.draft_statement = factories.make_statement(publication_status="draft")

    def public_pages(self):
        return {
            "home": reverse("home"),
            "map": reverse("contamination:map"),
            "record": self.hazard.get_absolute_url(),
            "incident": self.incident.get_absolute_url(),
            "area": self.west.get_absolute_url(),
            "statistics": reverse("contamination:statistics"),
            "statement list": reverse("statements:statement-list"),
            "about": reverse("editorial:about"),
            "search": reverse("search:search") + "?q=Agdam",
            "statement": self.statement.get_absolute_url(),
            "API guide": reverse("api:index"),
            "API list": reverse("api:hazard-area-list"),
            "feed": reverse("changes-feed"),
            "not found": "/no-such-page/",
        }

    def embeds(self):
        return {
            "embed map": reverse("contamination:embed-map"),
            "embed chart": reverse("contamination:embed-chart", args=["land-released"]),
        }

    def test_every_page_has_the_policy_and_only_embeds_may_be_framed(self):
        for kind, url in {**self.public_pages(), **self.embeds()}.items():
            with self.subTest(page=kind):
                response = self.client.get(url)
                self.assertIn(response.status_code, {200, 404})
                policy = directives(response)
                self.assertEqual(policy["default-src"], ["'self'"])
                self.assertEqual(policy["script-src"], ["'self'"])  # no nonce, no inline
                self.assertEqual(policy["object-src"], ["'none'"])
                self.assertEqual(policy["base-uri"], ["'none'"])
                if kind.startswith("embed"):
                    self.assertEqual(policy["frame-ancestors"], ["*"])
                    self.assertNotIn("X-Frame-Options", response.headers)
                else:
                    self.assertEqual(policy["frame-ancestors"], ["'none'"])
                    self.assertEqual(response["X-Frame-Options"], "DENY")
                permissions = response["Permissions-Policy"]
                for feature in ["camera=()", "microphone=()", "geolocation=()", "payment=()"]:
                    self.assertIn(feature, permissions)
                self.assertNotIn("private", response.get("Cache-Control", ""))

    def test_no_page_has_inline_script(self):
        for kind, url in {**self.public_pages(), **self.embeds()}.items():
            response = self.client.get(url)
            if "html" not in response["Content-Type"]:
                continue
            with self.subTest(page=kind):
                finder = InlineScriptFinder()
                finder.feed(response.content.decode())
                self.assertEqual(finder.inline, [])

    def test_the_map_tiles_host_is_the_only_other_image_source(self):
        response = self.client.get(reverse("home"))
        expected = (
            ["'self'", tile_source(settings.MAP_TILE_URL)] if settings.MAP_TILE_URL else ["'self'"]
        )
        self.assertEqual(directives(response)["img-src"], expected)
        self.assertEqual(
            tile_source("https://{s}.tiles.example/{z}/{x}/{y}.png"), "https://*.tiles.example"
        )
        with self.assertRaises(ImproperlyConfigured):
            tile_source("{scheme}://tiles.example/{z}/{x}/{y}.png")

    def test_the_admin_answers_private_no_store_with_a_nonce_for_its_map(self):
        response = self.client.get(reverse("admin:login"))
        self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertEqual(directives(response)["script-src"], ["'self'"])
        self.client.force_login(factories.make_editor())
        pages = {
            "index": reverse("admin:index"),
            "change list": reverse("admin:contamination_hazardarea_changelist"),
            "change form": reverse("admin:contamination_hazardarea_change", args=[self.hazard.pk]),
        }
        for kind, url in pages.items():
            with self.subTest(page=kind):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Cache-Control"], "private, no-store")
                self.assertEqual(directives(response)["frame-ancestors"], ["'none'"])
        response = self.client.get(pages["change form"])
        script_sources = directives(response)["script-src"]
        self.assertEqual(script_sources[0], "'self'")
        nonce = script_sources[1].removeprefix("'nonce-").removesuffix("'")
        # django-leaflet's widget script carries it; every other inline script would be refused.
        self.assertContains(response, f'<script nonce="{nonce}">')
        finder = InlineScriptFinder()
        finder.feed(
            re.sub(
                rf'<script nonce="{re.escape(nonce)}">.*?</script>',
                "",
                response.content.decode(),
                flags=re.S,
            )
        )
        self.assertEqual(finder.inline, [])

    def test_the_second_factor_pages_are_private_too(self):
        response = self.client.get(reverse("admin:mfa-verify"))
        self.assertEqual(response["Cache-Control"], "private, no-store")

    def test_staff_previews_are_private_and_public_pages_for_staff_too(self):
        self.client.force_login(factories.make_editor())
        for url in [self.draft_statement.get_absolute_url(), reverse("statements:statement-list")]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Cache-Control"], "private, no-store")

    def test_api_docs_run_no_inline_script(self):
        for name in ["api:swagger-ui", "api:redoc"]:
            with self.subTest(page=name):
                response = self.client.get(reverse(name))
                self.assertEqual(response.status_code, 200)
                self.assertEqual(directives(response)["script-src"], ["'self'"])
                finder = InlineScriptFinder()
                finder.feed(response.content.decode())
                self.assertEqual(finder.inline, [])
                self.assertNotContains(response, "fonts.googleapis.com")


class ProductionSettingsTests(TestCase):
    def test_deploy_checks_pass_and_cookies_are_host_only(self):
        """Production settings (DEBUG=0) in a fresh process, the way a deployment starts."""
        # The test run's own DJANGO_ALLOW_ASYNC_UNSAFE (for Playwright) is not a deployment's.
        inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        env = {
            **inherited,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "mineatlas.example",
        }
        script = (
            "import django, json; django.setup();"
            "from django.conf import settings as s;"
            "from django.core.management import call_command;"
            "call_command('check', deploy=True, fail_level='WARNING');"
            "print(json.dumps({k: getattr(s, k) for k in ["
            "'SESSION_COOKIE_NAME', 'CSRF_COOKIE_NAME', 'SESSION_COOKIE_SECURE',"
            "'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_PATH', 'CSRF_COOKIE_PATH',"
            "'SESSION_COOKIE_DOMAIN', 'CSRF_COOKIE_DOMAIN', 'SILENCED_SYSTEM_CHECKS']}))"
        )
        result = subprocess.run(
            [sys.executable, "-c", script],
            env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
            capture_output=True,
            text=True,
            cwd=settings.BASE_DIR,
            check=False,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("no issues (1 silenced)", result.stdout + result.stderr)
        values = json.loads(result.stdout.strip().splitlines()[-1])
        self.assertEqual(values["SESSION_COOKIE_NAME"], "__Host-sessionid")
        self.assertEqual(values["CSRF_COOKIE_NAME"], "__Host-csrftoken")
        self.assertTrue(values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"])
        self.assertEqual((values["SESSION_COOKIE_PATH"], values["CSRF_COOKIE_PATH"]), ("/", "/"))
        self.assertIsNone(values["SESSION_COOKIE_DOMAIN"])
        self.assertIsNone(values["CSRF_COOKIE_DOMAIN"])
        self.assertEqual(values["SILENCED_SYSTEM_CHECKS"], ["gis.W001"])
