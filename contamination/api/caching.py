"""What hangs on the data version in the API: ETag, Last-Modified, 304s and a response cache.

Every API answer is a function of (data version, path, query), so that triple is the ETag and
the cache key; nothing needs invalidating (see contamination/data_version.py).
"""

import gzip
import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.utils.translation import get_language

from contamination import data_version


def etag_for(version, request, variant="", localised=True):
    """The answer's tag: of the data version, path, query and `variant`, and, when the
    answer is `localised`, of the reader's language and the site's address too."""
    query = sorted(request.GET.lists())
    if localised:
        # The host and scheme: answers hold absolute links (next/previous pages). The
        # language: names and labels follow ?lang= or Accept-Language (config/language.py).
        origin = f"{request.scheme}://{request.get_host()}"
        language = get_language()
    else:
        # The same bytes for every reader (a vector tile holds codes and numbers only): one
        # cached copy, whichever language asked first, and warm_cache fills it for all.
        origin = language = ""
    text = f"{data_version.as_text(version)}|{language}|{origin}{request.path}|{query}|{variant}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def last_modified(version):
    return (version or data_version.EPOCH).timestamp()


def not_modified(request, etag, version):
    """Whether the client's copy is current (If-None-Match wins over If-Modified-Since).

    Either encoding's tag matches: the body is the same data, compressed or not.
    """
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        ours = {quote_etag(etag), quote_etag(etag + GZIP_SUFFIX)}
        return bool(ours & tags) or "*" in tags
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    if since is None:
        return False
    return int(last_modified(version)) <= since


def stamp(response, etag, version):
    response["ETag"] = quote_etag(etag)
    response["Last-Modified"] = http_date(last_modified(version))
    # Caches may keep a copy but must ask again; the answer is a cheap 304 when unchanged.
    response["Cache-Control"] = "public, no-cache"
    response["X-Data-Version"] = data_version.as_text(version)
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


GZIP_SUFFIX = "-gzip"
GZIP_MIN_BYTES = 1024
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
CACHED_HEADERS = ("Content-Type", "Content-Disposition", "Link", "X-Total-Count")


def accepts_gzip(request):
    return bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))


def versioned_response(request, build, *, variant="", localised=True):
    """Answer from the client's copy (304), the cache, or `build(version)`.

    `build` returns an HttpResponse; 200 answers up to API_CACHE_MAX_BYTES are cached under
    their ETag, so the cache never serves an answer from older data. Clients that accept gzip
    get the body compressed (10,000 polygons: 7.2 MB become 1.5 MB), compressed once per
    version at level 1, where it costs ~80 ms instead of ~270 ms at level 6 for 3 % more bytes.
    """
    version = data_version.current()
    etag = etag_for(version, request, variant, localised)
    compress = accepts_gzip(request)
    if not_modified(request, etag, version):
        return stamp(HttpResponseNotModified(), etag + (GZIP_SUFFIX if compress else ""), version)
    key = data_version.cache_key(version, "api", "response", etag, localised=localised)
    cached = cache.get(key)
    if cached is None:
        response = build(version)
        if response.status_code != 200:
            return stamp(response, etag, version)
        headers = {name: response[name] for name in CACHED_HEADERS if response.has_header(name)}
        cached = (response.content, headers)
        if len(response.content) <= settings.API_CACHE_MAX_BYTES:
            cache.set(key, cached, data_version.cache_seconds())
    content, headers = cached
    if compress and len(content) >= GZIP_MIN_BYTES:
        compressed = cache.get(key + GZIP_SUFFIX)
        if compressed is None:
            compressed = gzip.compress(content, compresslevel=1, mtime=0)
            if len(compressed) <= settings.API_CACHE_MAX_BYTES:
                cache.set(key + GZIP_SUFFIX, compressed, data_version.cache_seconds())
        response = HttpResponse(compressed)
        response["Content-Encoding"] = "gzip"
        etag += GZIP_SUFFIX
    else:
        response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    return stamp(response, etag, version)


def cached_count(queryset, version, key):
    """`queryset.count()`, computed once per data version and query (COUNTs of large
    bounding boxes cost more than the page itself)."""
    digest = hashlib.sha256(key.encode()).hexdigest()
    return data_version.cached(version, f"api:count:{digest}", lambda: queryset.count())
