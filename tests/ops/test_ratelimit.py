"""The PostgreSQL rate-limit store: exact under concurrency, for the API and heavy pages."""

import datetime as dt
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from django.db import connection
from django.test import LiveServerTestCase, TestCase, TransactionTestCase, override_settings

from ratelimit.counters import hit, parse_rate
from ratelimit.models import RateLimitWindow


def wait_for_room_in_window(period_s, needed_s):
    """Sleep past the window's end if fewer than `needed_s` seconds remain in it, so that a
    burst is counted in one window (the windows are aligned on multiples of the period)."""
    left = period_s - time.time() % period_s
    if left < needed_s:
        time.sleep(left + 0.5)


class CounterTests(TransactionTestCase):
    def test_concurrent_hits_each_get_a_distinct_count(self):
        wait_for_room_in_window(3600, 60)
        counts = []
        lock = threading.Lock()

        def hit_many(times):
            try:
                mine = [hit("concurrency:192.0.2.1", 3600).count for _ in range(times)]
            finally:
                connection.close()  # each thread has its own connection
            with lock:
                counts.extend(mine)

        threads = [threading.Thread(target=hit_many, args=(24,)) for _ in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # No two requests saw the same count: no lost update, nothing skipped.
        self.assertEqual(sorted(counts), list(range(1, 1201)))
        self.assertEqual(RateLimitWindow.objects.get(key="concurrency:192.0.2.1").hits, 1200)

    def test_windows_are_aligned_on_the_period_and_keys_are_separate(self):
        first = hit("a:192.0.2.1", 60)
        hit("a:192.0.2.1", 60)
        self.assertEqual(hit("b:192.0.2.1", 60).count, 1)
        self.assertEqual(hit("a:192.0.2.1", 60).count, 3)
        self.assertTrue(0 < first.seconds_left <= 60)
        window = RateLimitWindow.objects.get(key="a:192.0.2.1")
        self.assertEqual(window.window_starts_at.timestamp() % 60, 0)
        self.assertEqual(window.window_ends_at - window.window_starts_at, dt.timedelta(minutes=1))

    @override_settings(RATELIMIT_PRUNE_EVERY=1)
    def test_windows_that_have_ended_are_pruned(self):
        RateLimitWindow.objects.create(
            key="old:192.0.2.1",
            window_starts_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
            window_ends_at=dt.datetime(2020, 1, 1, 0, 1, tzinfo=dt.UTC),
            hits=5,
        )
        hit("new:192.0.2.1", 60)
        self.assertEqual(
            list(RateLimitWindow.objects.values_list("key", flat=True)), ["new:192.0.2.1"]
        )

    def test_the_counter_table_is_unlogged_so_backups_leave_its_rows_out(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relpersistence FROM pg_class WHERE relname = %s",
                [RateLimitWindow._meta.db_table],
            )
            self.assertEqual(cursor.fetchone(), ("u",))

    def test_a_malformed_rate_is_refused_with_a_clear_message(self):
        self.assertEqual(parse_rate("300/minute"), (300, 60))
        self.assertEqual(parse_rate("60/hour"), (60, 3600))
        for rate in ("300", "x/minute", "3/fortnight", None):
            with self.subTest(rate=rate), self.assertRaisesMessage(ValueError, "300/minute"):
                parse_rate(rate)


@override_settings(ROOT_URLCONF="tests.ops.urls", API_RATE_LIMIT="2/minute")
class ThrottleTests(TestCase):
    def test_the_drf_throttle_answers_429_with_retry_after_past_the_limit(self):
        self.assertEqual(self.client.get("/limited-api/").status_code, 200)
        self.assertEqual(self.client.get("/limited-api/").status_code, 200)
        response = self.client.get("/limited-api/")
        self.assertEqual(response.status_code, 429)
        self.assertTrue(1 <= int(response["Retry-After"]) <= 60)
        self.assertIn("detail", response.json())

    def test_each_client_address_has_its_own_count(self):
        for _ in range(2):
            self.client.get("/limited-api/", REMOTE_ADDR="192.0.2.1")
        self.assertEqual(self.client.get("/limited-api/", REMOTE_ADDR="192.0.2.1").status_code, 429)
        self.assertEqual(self.client.get("/limited-api/", REMOTE_ADDR="192.0.2.2").status_code, 200)

    def test_a_forged_x_forwarded_for_does_not_give_a_new_count(self):
        for address in ("10.0.0.1", "10.0.0.2"):
            self.client.get("/limited-api/", headers={"X-Forwarded-For": address})
        response = self.client.get("/limited-api/", headers={"X-Forwarded-For": "10.0.0.3"})
        self.assertEqual(response.status_code, 429)


@override_settings(PAGE_RATE_LIMIT="2/minute")
class PageLimitTests(TestCase):
    def test_heavy_pages_share_one_limit_and_answer_429_with_retry_after(self):
        self.assertEqual(self.client.get("/en/changelog/").status_code, 200)
        self.assertEqual(self.client.get("/en/statistics/").status_code, 200)
        response = self.client.get("/en/changelog/")
        self.assertEqual(response.status_code, 429)
        self.assertTrue(1 <= int(response["Retry-After"]) <= 60)
        self.assertIn("try again in", response.content.decode())
        self.assertIn("no-store", response["Cache-Control"])

    def test_light_pages_the_api_and_the_health_check_are_not_counted(self):
        for _ in range(3):
            self.client.get("/en/changelog/")
        for path in ("/en/methodology/", "/api/v1/organisations/", "/health/"):
            with self.subTest(path=path):
                self.assertNotEqual(self.client.get(path).status_code, 429)

    @override_settings(PAGE_RATE_LIMIT="")
    def test_an_empty_rate_turns_the_page_limit_off(self):
        for _ in range(4):
            self.assertEqual(self.client.get("/en/changelog/").status_code, 200)

    @override_settings(ROOT_URLCONF="tests.ops.urls")
    def test_the_decorator_limits_a_single_view(self):
        self.assertEqual(self.client.get("/limited-page/").status_code, 200)
        self.assertEqual(self.client.get("/limited-page/").status_code, 200)
        self.assertEqual(self.client.get("/limited-page/").status_code, 429)


@override_settings(
    ROOT_URLCONF="tests.ops.urls", API_RATE_LIMIT="300/hour", PAGE_RATE_LIMIT="300/hour"
)
class ConcurrencyTests(LiveServerTestCase):
    """1,200 concurrent requests through a threaded server against a limit of 300."""

    def burst(self, path, requests=1200, concurrency=32):
        def fetch(_):
            try:
                with urllib.request.urlopen(self.live_server_url + path, timeout=60) as answer:
                    return answer.status
            except urllib.error.HTTPError as error:
                return error.code

        wait_for_room_in_window(3600, 120)
        with ThreadPoolExecutor(concurrency) as pool:
            statuses = list(pool.map(fetch, range(requests)))
        return statuses.count(200), statuses.count(429)

    def test_exactly_300_of_1200_concurrent_api_requests_pass(self):
        self.assertEqual(self.burst("/limited-api/"), (300, 900))

    def test_exactly_300_of_1200_concurrent_page_requests_pass(self):
        self.assertEqual(self.burst("/limited-page/"), (300, 900))
