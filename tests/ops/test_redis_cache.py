"""The shared Redis cache (CACHE_URL=redis://…): Debian's redis-server, Django's RedisCache.

Each test module run starts its own redis-server on a free port (about 20 ms) and stops it.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_hazard_area
from tests.ops.test_ratelimit import wait_for_room_in_window

ROOT = Path(__file__).resolve().parents[2]
LIST = "/api/v1/hazard-areas/"

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
PRINT_CACHE = (
    "import django; from django.conf import settings; django.setup();"
    "print(settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'])"
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    port = free_port()
    server = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path_factory.mktemp("redis"))],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("redis-server did not start (scripts/system-packages.sh installs it)")
            time.sleep(0.01)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def redis_cache(settings, redis_url):
    """The site's cache is the Redis server, as with CACHE_URL set (emptied before and after)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "mineatlas",
        }
    }
    cache.clear()
    yield redis.Redis.from_url(redis_url)
    cache.clear()


def reads_of_records(queries):
    return [q["sql"] for q in queries if 'FROM "contamination_hazardarea"' in q["sql"]]


def cache_settings(**environment):
    """The cache backend and location config.settings picks with these variables set."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CACHE_")}
    env.update(environment, DEBUG="1", DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run(
        [sys.executable, "-c", PRINT_CACHE], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_cache_url_selects_the_redis_cache_over_the_file_cache():
    result = cache_settings(CACHE_URL="redis://cache.internal:6379/1", CACHE_DIR="/tmp/unused")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://cache.internal:6379/1",
    ]


def test_a_cache_url_of_another_kind_is_refused_with_a_clear_message():
    result = cache_settings(CACHE_URL="memcached://cache.internal:11211")
    assert result.returncode != 0
    assert "CACHE_URL must be a redis://, rediss:// or unix:// URL" in result.stderr


@pytest.mark.django_db
def test_api_answers_are_cached_in_redis_under_the_data_version(client, redis_cache):
    make_hazard_area(name="Field by the river")
    with CaptureQueriesContext(connection) as built:
        first = client.get(LIST)
    assert first.status_code == 200
    assert reads_of_records(built), "a miss reads the records"
    assert redis_cache.keys("mineatlas:*"), "the answer was stored in Redis"

    with CaptureQueriesContext(connection) as served:
        again = client.get(LIST)
    assert again.content == first.content
    # From the cache: the data version and the rate-limit count, never the records.
    assert reads_of_records(served) == []

    # A publish moves the data version on: the next answer is built anew, with the record.
    make_hazard_area(name="Orchard north of the road")
    fresh = client.get(LIST)
    assert len(fresh.json()["features"]) == 2
    assert first["ETag"] != fresh["ETag"]


@pytest.mark.django_db
def test_page_rate_limits_still_count_with_the_redis_cache(client, redis_cache, settings):
    """The limits count in PostgreSQL (ratelimit/), so every process on every machine shares
    them whatever the cache; this proves nothing in them came to depend on the cache."""
    settings.PAGE_RATE_LIMIT = "2/minute"
    wait_for_room_in_window(60, 10)
    statuses = [client.get("/en/statistics/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
