"""Rate limits for heavy HTML pages and CSV files: a view decorator and a middleware.

Both count per client address (the address DRF's throttles use, so API_NUM_PROXIES applies)
in the same PostgreSQL counters as the API, and answer 429 with Retry-After.
"""

import functools
import re

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from rest_framework.throttling import BaseThrottle

from ratelimit.counters import hit, parse_rate


def client_address(request):
    return BaseThrottle().get_ident(request)


def refusal_if_over(request, scope, rate):
    """Count this request; return a 429 response if it is over `rate`, else None."""
    if not rate:
        return None
    limit, period_s = parse_rate(rate)
    current = hit(f"{scope}:{client_address(request)}", period_s)
    if current.count <= limit:
        return None
    response = HttpResponse(
        "Too many requests from your address for these pages. "
        f"Please try again in {current.retry_after_s} seconds.\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(current.retry_after_s)
    add_never_cache_headers(response)
    return response


def rate_limit(scope, rate_setting="PAGE_RATE_LIMIT"):
    """Limit a view to the rate named by `rate_setting` (read on each request), per address."""

    def decorator(view):
        @functools.wraps(view)
        def limited_view(request, *args, **kwargs):
            refusal = refusal_if_over(request, scope, getattr(settings, rate_setting))
            return refusal or view(request, *args, **kwargs)

        return limited_view

    return decorator


class PageRateLimitMiddleware:
    """Limit the paths matching PAGE_RATE_LIMITED_PATHS to PAGE_RATE_LIMIT per address.

    All those paths share one count per address ("pages"), so a client cannot multiply its
    allowance by spreading over several heavy pages. Other paths (the API, which has its own
    throttles, static files, /health/) are not counted.
    """

    scope = "pages"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and any(
            re.search(pattern, request.path_info) for pattern in settings.PAGE_RATE_LIMITED_PATHS
        ):
            refusal = refusal_if_over(request, self.scope, settings.PAGE_RATE_LIMIT)
            if refusal:
                return refusal
        return self.get_response(request)
