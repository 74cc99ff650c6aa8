"""A small per-sender limit on reports, without keeping the sender's address: the cache key
is an HMAC of the address (keyed with SECRET_KEY), so the cache holds nothing that can be
read back to an address, and the entry expires with its window."""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache


def client_address(request):
    return request.META.get("REMOTE_ADDR", "")


def over_limit(request):
    """Count this request against the sender's window; True when it is past the limit."""
    count, window = settings.READER_REPORT_LIMIT
    digest = hmac.new(
        settings.SECRET_KEY.encode(), client_address(request).encode(), hashlib.sha256
    ).hexdigest()[:32]
    key = f"reader-report:{digest}"
    if cache.add(key, 1, window):
        return False
    try:
        return cache.incr(key) > count
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, window)
        return False
