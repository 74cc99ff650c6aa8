"""The data version: the time of the last change anyone outside could see.

A record published, changed while public, retracted or sent back to draft (or deleted after it
had been public), a casualty of such a record, an organisation, a source or a boundary: each
moves the version on. Pages, feeds, downloads and the API all name it (the citation on the Data
page names the same version as the API's downloads), and everything they compute is cached
under it, so nothing ever needs invalidating: a new version is a fresh cache key.
"""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from contamination.querysets import seen_publicly_sql

SEEN_PUBLICLY = seen_publicly_sql()

# Each part is a backward index scan that stops at its first row (the indexes are in
# contamination/migrations/0003_api_filter_indexes.py): ~0.3 ms, however long the history.
SQL = f"""
SELECT GREATEST(
    (SELECT max(updated_at) FROM contamination_hazardarea WHERE {SEEN_PUBLICLY}),
    (SELECT max(updated_at) FROM contamination_landrelease WHERE {SEEN_PUBLICLY}),
    (SELECT max(updated_at) FROM contamination_incident WHERE {SEEN_PUBLICLY}),
    (SELECT e.pgh_created_at FROM contamination_casualtyevent e
        WHERE EXISTS (SELECT 1 FROM contamination_incident i WHERE i.id = e.incident_id
                      AND {seen_publicly_sql("i")})
        ORDER BY e.pgh_created_at DESC LIMIT 1),
    (SELECT max(pgh_created_at) FROM contamination_hazardareaevent
        WHERE pgh_label = 'delete' AND {SEEN_PUBLICLY}),
    (SELECT max(pgh_created_at) FROM contamination_landreleaseevent
        WHERE pgh_label = 'delete' AND {SEEN_PUBLICLY}),
    (SELECT max(pgh_created_at) FROM contamination_incidentevent
        WHERE pgh_label = 'delete' AND {SEEN_PUBLICLY}),
    (SELECT max(updated_at) FROM contamination_organisation),
    (SELECT max(updated_at) FROM contamination_source),
    (SELECT max(pgh_created_at) FROM contamination_adminareaevent)
)
"""

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def current():
    """Time of the last public change, or None for an empty database (1 query)."""
    with connection.cursor() as cursor:
        cursor.execute(SQL)
        return cursor.fetchone()[0]


def as_text(version):
    """The version as ISO 8601 UTC text (`2024-01-15T13:00:00Z`); the epoch when empty."""
    return (version or EPOCH).isoformat().replace("+00:00", "Z")


def cache_key(version, *parts):
    """A cache key that belongs to one data version (pages and API build theirs with it)."""
    return ":".join([as_text(version), *parts])


def cache_seconds():
    """How long pages and API keep what they computed for one data version.

    One rule for both, because both key their entries on the version: an entry can never be
    stale, a publication makes every key new. The lifetime therefore only decides how long an
    unchanged answer stays in memory; a day (API_CACHE_SECONDS) outlives the quiet hours
    between editors' sessions, and the cache's own size limit (CACHE_MAX_ENTRIES) drops what
    nobody asks for. A shorter life would only recompute identical figures.
    """
    return settings.API_CACHE_SECONDS


def cached(version, key, compute):
    """compute(), cached for this data version."""
    return cache.get_or_set(cache_key(version, key), compute, cache_seconds())
