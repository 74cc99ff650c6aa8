"""The data version: the time of the last change anyone outside could see.

A record published, changed while public, retracted or sent back to draft (or deleted after it
had been public), a casualty of such a record, an organisation, a source or a boundary, a
statement that had been public and its claims: each moves the version on, in the order the
transactions commit (the change feed's times, changefeed/models.py). Pages, feeds, downloads
and the API all name it (the citation on the Data page names the same version as the API's
downloads), and everything they compute is cached under it, so nothing ever needs
invalidating: a new version is a fresh cache key.
"""

import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.utils.translation import get_language

from contamination import as_of
from contamination.querysets import seen_publicly_sql
from contamination.read_database import public_reads_alias

SEEN_PUBLICLY = seen_publicly_sql()

# Each part is a backward index scan that stops at its first row (the indexes are in
# contamination/migrations/0003_api_filter_indexes.py): ~0.3 ms, however long the history.
# {until} limits the event tables read directly to a past moment (see `current`).
SQL_TEMPLATE = f"""
SELECT GREATEST(
    (SELECT max(updated_at) FROM contamination_hazardarea WHERE {SEEN_PUBLICLY}),
    (SELECT max(updated_at) FROM contamination_landrelease WHERE {SEEN_PUBLICLY}),
    (SELECT max(updated_at) FROM contamination_incident WHERE {SEEN_PUBLICLY}),
    (SELECT e.pgh_created_at FROM contamination_casualtyevent e
        WHERE EXISTS (SELECT 1 FROM contamination_incident i WHERE i.id = e.incident_id
                      AND {seen_publicly_sql("i")})
        {{until_e}}
        ORDER BY e.pgh_created_at DESC LIMIT 1),
    (SELECT max(pgh_created_at) FROM contamination_hazardareaevent
        WHERE pgh_label = 'delete' AND {SEEN_PUBLICLY} {{until}}),
    (SELECT max(pgh_created_at) FROM contamination_landreleaseevent
        WHERE pgh_label = 'delete' AND {SEEN_PUBLICLY} {{until}}),
    (SELECT max(pgh_created_at) FROM contamination_incidentevent
        WHERE pgh_label = 'delete' AND {SEEN_PUBLICLY} {{until}}),
    (SELECT max(updated_at) FROM contamination_organisation),
    (SELECT max(updated_at) FROM contamination_source),
    (SELECT max(pgh_created_at) FROM contamination_adminareaevent WHERE TRUE {{until}}),
    -- The change feed's commit times (changefeed/models.py): the parts above are the times
    -- rows were written, and a transaction that commits after a later one has been read
    -- would leave the version (and every ETag built on it) where it was. Statements, claims
    -- and people move it too from here.
    (SELECT max(committed_at) FROM changefeed_entry WHERE maybe_public {{until_committed}})
)
"""
SQL = SQL_TEMPLATE.format(until="", until_e="", until_committed="")
SQL_UNTIL = SQL_TEMPLATE.format(
    until="AND pgh_created_at <= %(at)s",
    until_e="AND e.pgh_created_at <= %(at)s",
    until_committed="AND committed_at <= %(at)s",
)

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def current():
    """Time of the last public change, or None for an empty database (1 query).

    Inside `as_of.state_at(T)` it is the version then: the last public change at or before T
    (the live tables' parts read the past state; the event tables are cut at T). Pages and
    API answers built in the past therefore share their cache entries with the answers
    built when that version was the newest: they are the same figures.
    """
    moment = as_of.active_moment()
    # Where the page's own queries read: a version from the primary over rows from a replica
    # that lags behind would file the older rows under the newer version for good.
    with connections[public_reads_alias()].cursor() as cursor:
        if moment is None:
            cursor.execute(SQL)
            return cursor.fetchone()[0]
        cursor.execute(SQL_UNTIL, {"at": moment})
        version = cursor.fetchone()[0]
    # A row's updated_at is the wall clock of its write, its event's time the start of its
    # transaction: a transaction running across T may stamp a time after T.
    return version and min(version, moment)


def as_text(version):
    """The version as ISO 8601 UTC text (`2024-01-15T13:00:00Z`); the epoch when empty."""
    return (version or EPOCH).isoformat().replace("+00:00", "Z")


def cache_key(version, *parts, localised=True):
    """A cache key that belongs to one data version and one language (pages and API build
    theirs with it: a page's labels and an API answer's names are in the reader's language),
    or, for what is the same in every language (`localised=False`), to the version alone."""
    language = (get_language() or "") if localised else ""
    return ":".join([as_text(version), language, *parts])


def cache_seconds():
    """How long pages and API keep what they computed for one data version.

    One rule for both, because both key their entries on the version: an entry can never be
    stale, a publication makes every key new. The lifetime therefore only decides how long an
    unchanged answer stays cached; a day (API_CACHE_SECONDS) outlives the quiet hours
    between editors' sessions, and the cache's own size limits (CACHE_MAX_BYTES,
    CACHE_MAX_ENTRIES) drop what nobody asks for. A shorter life would only recompute
    identical figures.
    """
    return settings.API_CACHE_SECONDS


def cached(version, key, compute):
    """compute(), cached for this data version."""
    return cache.get_or_set(cache_key(version, key), compute, cache_seconds())


def reproducing_url(url, version):
    """`url` with `?as_of=` set to `version`: the address that answers with that version's
    data again, whatever was corrected since (see contamination/as_of.py). Unchanged for an
    empty database, which has no version to name."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "as_of"]
    if version:
        query.append(("as_of", as_text(version)))
    return urlunsplit(parts._replace(query=urlencode(query)))
