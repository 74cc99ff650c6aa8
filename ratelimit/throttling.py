"""DRF throttles that count in PostgreSQL (ratelimit.counters) instead of the cache."""

from rest_framework.throttling import SimpleRateThrottle

from ratelimit.counters import hit


class DatabaseRateThrottle(SimpleRateThrottle):
    """SimpleRateThrottle's rates, scopes and keys, counted by one atomic upsert per request.

    A drop-in base class: subclasses keep overriding `scope`, `get_rate()` and
    `get_cache_key()` as with SimpleRateThrottle. The cache's read-modify-write (which let
    1,200 of 1,200 concurrent requests through a 300/min limit) is replaced by a fixed
    window in the database: the first N requests of a window pass, exactly.
    """

    def get_cache_key(self, request, view):
        return f"{self.scope}:{self.get_ident(request)}"

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.last_hit = hit(key, self.duration)
        return self.last_hit.count <= self.num_requests

    def wait(self):
        return self.last_hit.retry_after_s


class AnonymousDatabaseThrottle(DatabaseRateThrottle):
    """Per client address, at REST_FRAMEWORK's DEFAULT_THROTTLE_RATES['anon']."""

    scope = "anon"
