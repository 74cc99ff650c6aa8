"""What every public API answer carries: the data version, an ETag, 304s, and gzip.

The records' views build all of this themselves (contamination/api/caching.py: the ETag is
the data version and the query, the answer is cached under it). The other API answers (the
statements, claims, people and metrics lists, the schema) get it here: the ETag is a digest
of the body, so it changes exactly when the content does, whatever changed it.

gzip is for public JSON and CSV only. BREACH recovers a secret from the size of compressed
answers that also echo what an attacker sent; the API's answers hold no secret (no CSRF
token, no session, nothing per user), so compressing them gives nothing away. Pages, which
carry CSRF tokens, are not compressed here (see docs/security.md).
"""

import re

from django.middleware.gzip import GZipMiddleware
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag

from contamination import data_version

# Public answers without secrets: the API, the OGC API's JSON and the statistics as CSV.
PUBLIC_DATA_PATHS = re.compile(r"^/(api|ogc)/|^/(az|ru|en)/statistics/[^/]+\.csv$")
COMPRESSED_TYPES = re.compile(r"^(application/([a-z.+-]*json)|text/csv)\b")


class PublicDataVersionMiddleware:
    """`X-Data-Version` and a content ETag on API answers that have neither, and the 304."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not (
            request.path_info.startswith("/api/")
            and request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.has_header("ETag")
        ):
            return response
        response["X-Data-Version"] = data_version.as_text(data_version.current())
        if response.streaming:
            return response
        set_response_etag(response)
        if not response.has_header("Cache-Control"):
            # Caches may keep a copy but must ask again: a cheap 304 when unchanged.
            response["Cache-Control"] = "public, no-cache"
        patch_vary_headers(response, ["Accept-Encoding"])
        answer = get_conditional_response(request, etag=response["ETag"], response=response)
        answer["X-Data-Version"] = response["X-Data-Version"]  # a 304 names it too
        return answer


class PublicDataGZipMiddleware(GZipMiddleware):
    """Django's gzip (with its BREACH padding), for public JSON and CSV answers only."""

    def process_response(self, request, response):
        if not PUBLIC_DATA_PATHS.match(request.path_info):
            return response
        if not COMPRESSED_TYPES.match(response.get("Content-Type", "")):
            return response
        return super().process_response(request, response)
