"""Public reads from the streaming replica, everything else from the primary (issue 14, §6).

The site is read-mostly: most requests are anonymous readers looking at published records,
which a replica serves as well as the primary does, a little later. Everything that must see
the latest state reads the primary:

- every write, and every read in a request after it has written (ORM writes go through
  `db_for_write`, which moves the rest of the request to the primary);
- signed-in users (editors in the admin see what they just saved, at once);
- any request that is not GET, HEAD or OPTIONS, and, for DATABASE_REPLICA_PIN_SECONDS after
  one, every request from the same browser (the PIN_COOKIE below), so that a reader who
  sent a form reads their own write however far the replica lags;
- the admin (sign-in included), management commands, the shell and background jobs: outside
  a request that the middleware marked public, reads go to the primary.

Without a "replica" database in settings.DATABASES the router sends everything to the
primary and the middleware does nothing. Both the replica and the primary only ever serve
what the querysets let through: published records; a draft is on neither public page.
"""

import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.utils.cache import patch_cache_control

from contamination import read_database

REPLICA = "replica"
# The browser reads from the primary until this Unix time. It holds nothing but a time.
PIN_COOKIE = "mineatlas_primary_until"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Pages whose readers must see the latest state, whoever they are.
PRIMARY_ONLY_PATHS = ("/admin/",)


def replica_alias():
    """The alias public reads use: "replica" when one is configured, else None.

    tests/conftest.py replaces this function in tests that read their own uncommitted data,
    which only the primary's connection can see.
    """
    return REPLICA if REPLICA in settings.DATABASES else None


class PrimaryReplicaRouter:
    """Django's database router: reads where the request reads from, writes to the primary."""

    def db_for_read(self, model, **hints):
        return read_database.public_reads_alias()

    def db_for_write(self, model, **hints):
        # Whatever this request reads next must see what it has just written.
        read_database.note_write()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A replica is read-only: it gets its tables by replication, never by `migrate`.
        return db == DEFAULT_DB_ALIAS


def reads_from_replica(request):
    """Whether this request may read from the replica (True only for public reads)."""
    if request.method not in SAFE_METHODS or request.path.startswith(PRIMARY_ONLY_PATHS):
        return False
    if pinned_until(request) > time.time():
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def pinned_until(request):
    try:
        return float(request.COOKIES.get(PIN_COOKIE, 0))
    except ValueError:
        return 0.0


class PublicReadsFromReplicaMiddleware:
    """Marks public reads for the router, and pins a browser to the primary after a write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        replica = replica_alias()
        if replica is None:
            return self.get_response(request)
        alias = replica if reads_from_replica(request) else DEFAULT_DB_ALIAS
        with read_database.reading_from(alias) as state:
            response = self.get_response(request)
        if state.wrote or request.method not in SAFE_METHODS:
            seconds = settings.DATABASE_REPLICA_PIN_SECONDS
            # Never kept by a shared cache: it would pin every reader it served.
            patch_cache_control(response, private=True)
            response.set_cookie(
                PIN_COOKIE,
                str(int(time.time() + seconds)),
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
