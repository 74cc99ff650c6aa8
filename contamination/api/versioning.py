"""The data version, and what hangs on it: ETag, Last-Modified, 304s and a response cache.

The data version is the time of the last change anyone outside could see: a record published,
changed while published, retracted (or unpublished), a casualty of such a record, an
organisation, a source or a boundary. Every API answer is a function of (data version,
path, query), so that triple is the ETag and the cache key; nothing needs invalidating.
"""

import datetime
import gzip
import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe, quote_etag

# A record counts once it has been public: published or retracted now, or published before
# (published_at is kept when an editor sends it back to draft, which removes it publicly).
_SEEN_PUBLICLY = "(publication_status <> 'draft' OR published_at IS NOT NULL)"

# Each part is a backward index scan that stops at its first row (the indexes are in
# contamination/migrations/0003_api_filter_indexes.py): ~0.3 ms, however long the history.
DATA_VERSION_SQL = f"""
SELECT GREATEST(
    (SELECT max(updated_at) FROM contamination_hazardarea WHERE {_SEEN_PUBLICLY}),
    (SELECT max(updated_at) FROM contamination_landrelease WHERE {_SEEN_PUBLICLY}),
    (SELECT max(updated_at) FROM contamination_incident WHERE {_SEEN_PUBLICLY}),
    (SELECT e.pgh_created_at FROM contamination_casualtyevent e
        WHERE EXISTS (SELECT 1 FROM contamination_incident i WHERE i.id = e.incident_id
                      AND (i.publication_status <> 'draft' OR i.published_at IS NOT NULL))
        ORDER BY e.pgh_created_at DESC LIMIT 1),
    (SELECT max(pgh_created_at) FROM contamination_hazardareaevent
        WHERE pgh_label = 'delete' AND {_SEEN_PUBLICLY}),
    (SELECT max(pgh_created_at) FROM contamination_landreleaseevent
        WHERE pgh_label = 'delete' AND {_SEEN_PUBLICLY}),
    (SELECT max(pgh_created_at) FROM contamination_incidentevent
        WHERE pgh_label = 'delete' AND {_SEEN_PUBLICLY}),
    (SELECT max(updated_at) FROM contamination_organisation),
    (SELECT max(updated_at) FROM contamination_source),
    (SELECT max(pgh_created_at) FROM contamination_adminareaevent)
)
"""

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def data_version():
    """Time of the last published change, or None for an empty database (1 query)."""
    with connection.cursor() as cursor:
        cursor.execute(DATA_VERSION_SQL)
        return cursor.fetchone()[0]


def version_text(version):
    return (version or EPOCH).isoformat().replace("+00:00", "Z")


def etag_for(version, request, variant=""):
    query = sorted(request.GET.lists())
    # The host and scheme too: answers hold absolute links (next/previous pages).
    origin = f"{request.scheme}://{request.get_host()}"
    text = f"{version_text(version)}|{origin}{request.path}|{query}|{variant}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


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
    return int((version or EPOCH).timestamp()) <= since


def stamp(response, etag, version):
    response["ETag"] = quote_etag(etag)
    response["Last-Modified"] = http_date((version or EPOCH).timestamp())
    # Caches may keep a copy but must ask again; the answer is a cheap 304 when unchanged.
    response["Cache-Control"] = "public, no-cache"
    response["X-Data-Version"] = version_text(version)
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


GZIP_SUFFIX = "-gzip"
GZIP_MIN_BYTES = 1024
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
CACHED_HEADERS = ("Content-Type", "Content-Disposition", "Link", "X-Total-Count")


def accepts_gzip(request):
    return bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))


def versioned_response(request, build, *, variant=""):
    """Answer from the client's copy (304), the cache, or `build(version)`.

    `build` returns an HttpResponse; 200 answers up to API_CACHE_MAX_BYTES are cached under
    their ETag, so the cache never serves an answer from older data. Clients that accept gzip
    get the body compressed (10,000 polygons: 7.2 MB become 1.5 MB), compressed once per
    version at level 1, where it costs ~80 ms instead of ~270 ms at level 6 for 3 % more bytes.
    """
    version = data_version()
    etag = etag_for(version, request, variant)
    compress = accepts_gzip(request)
    if not_modified(request, etag, version):
        return stamp(HttpResponseNotModified(), etag + (GZIP_SUFFIX if compress else ""), version)
    key = f"api:response:{etag}"
    cached = cache.get(key)
    if cached is None:
        response = build(version)
        if response.status_code != 200:
            return stamp(response, etag, version)
        headers = {name: response[name] for name in CACHED_HEADERS if response.has_header(name)}
        cached = (response.content, headers)
        if len(response.content) <= settings.API_CACHE_MAX_BYTES:
            cache.set(key, cached, settings.API_CACHE_SECONDS)
    content, headers = cached
    if compress and len(content) >= GZIP_MIN_BYTES:
        compressed = cache.get(key + GZIP_SUFFIX)
        if compressed is None:
            compressed = gzip.compress(content, compresslevel=1, mtime=0)
            if len(compressed) <= settings.API_CACHE_MAX_BYTES:
                cache.set(key + GZIP_SUFFIX, compressed, settings.API_CACHE_SECONDS)
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
    cache_key = "api:count:" + hashlib.sha256(f"{version_text(version)}|{key}".encode()).hexdigest()
    count = cache.get(cache_key)
    if count is None:
        count = queryset.count()
        cache.set(cache_key, count, settings.API_CACHE_SECONDS)
    return count
