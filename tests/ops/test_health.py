"""/health/ for load balancers: database, cache and migrations, public and terse."""

from django.core.cache import cache
from django.db.migrations.recorder import MigrationRecorder
from django.test import TestCase, override_settings


class HealthTests(TestCase):
    def test_it_answers_200_naming_each_check_when_all_is_well(self):
        response = self.client.get("/health/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json(),
            {
                "status": "ok",
                "checks": {"Database": "ok", "Cache": "ok", "MigrationsApplied": "ok"},
            },
        )

    def test_it_is_never_cached_and_needs_no_login(self):
        response = self.client.get("/health/")
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        self.assertNotIn("Set-Cookie", response.headers)

    def test_it_reports_unhealthy_while_a_migration_is_unapplied(self):
        # As after a deploy whose `migrate` did not run: the code has a migration the
        # database lacks (the deletion is rolled back with the test).
        latest = MigrationRecorder.Migration.objects.filter(app="ratelimit").latest("name")
        latest.delete()
        response = self.client.get("/health/")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["status"], "failing")
        self.assertEqual(response.json()["checks"]["MigrationsApplied"], "failing")
        self.assertEqual(response.json()["checks"]["Database"], "ok")

    @override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.dummy.DummyCache",  # stores nothing
            }
        }
    )
    def test_it_reports_unhealthy_when_the_cache_does_not_keep_values(self):
        response = self.client.get("/health/")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["checks"]["Cache"], "failing")

    def test_it_does_not_say_why_a_check_fails(self):
        MigrationRecorder.Migration.objects.filter(app="ratelimit").delete()
        body = self.client.get("/health/").content.decode()
        # The reason (which could name hosts, ports, databases) stays in the log.
        self.assertNotIn("migration", body.lower().replace("migrationsapplied", ""))
        self.assertNotIn("ratelimit", body)

    def test_it_is_not_rate_limited(self):
        with self.settings(PAGE_RATE_LIMIT="1/minute", API_RATE_LIMIT="1/minute"):
            statuses = {self.client.get("/health/").status_code for _ in range(5)}
        self.assertEqual(statuses, {200})

    def tearDown(self):
        cache.clear()
