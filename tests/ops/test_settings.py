"""Deployment safety: DEBUG off unless set, and an app role without superuser rights."""

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection
from django.test import SimpleTestCase, TestCase

ROOT = Path(__file__).resolve().parents[2]
PRINT_SETTINGS = (
    "import django; from django.conf import settings; django.setup();"
    "print(settings.DEBUG, settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE)"
)


def load_settings(**environment):
    """Import config.settings in a fresh interpreter with exactly these variables set."""
    env = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    env.pop("SECRET_KEY", None)
    env.update(environment, DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True
    )


class DebugSettingTests(SimpleTestCase):
    def test_debug_is_off_with_the_secure_settings_when_the_variable_is_unset(self):
        result = load_settings(SECRET_KEY="a-real-secret-key-for-this-test-only")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.split(), ["False", "True", "True"])

    def test_without_debug_the_development_secret_key_is_refused(self):
        result = load_settings()
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("Set SECRET_KEY", result.stderr)

    def test_debug_is_on_only_when_asked_for(self):
        result = load_settings(DEBUG="1")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.split()[0], "True")


class DatabaseRoleTests(TestCase):
    def test_the_app_role_is_not_a_superuser_and_still_ran_every_migration(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            self.assertEqual(cursor.fetchone(), (False,))
            # The test database was made and migrated by this role: its tables are its own.
            cursor.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
                " AND tableowner <> current_user AND tablename <> 'spatial_ref_sys'"
            )
            self.assertEqual(cursor.fetchone(), (0,))

    def test_the_extensions_the_app_needs_are_there(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT extname FROM pg_extension")
            present = {name for (name,) in cursor.fetchall()}
        self.assertLessEqual({"postgis", "unaccent", "pg_trgm"}, present)
