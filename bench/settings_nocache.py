"""Production settings without Django's cache: what a request costs when nothing is cached.

bench/run.py measures the GeoJSON URLs that have an SQL floor a second time with these
settings, so that the database-built path itself is compared with the floor (the production
settings answer repeated requests from a cache keyed on the data version). Throttling uses the
cache too, so it is off here.
"""

from config.settings import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
