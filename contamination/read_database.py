"""Which database public reads come from now: the primary, or its streaming replica.

The state of one request, kept in a context variable: config/db_router.py's middleware opens
it (`reading_from`) for each request, its router reads it for every ORM query, and raw SQL
that reads public data takes its cursor from `connections[public_reads_alias()]`, so that the
whole page, its data version included, reads one state of the data. Outside a request
(management commands, the shell, jobs) everything reads the primary.
"""

import contextlib
import contextvars

from django.db import DEFAULT_DB_ALIAS

from contamination import as_of


class _Request:
    """Where the current request reads from, and whether it has written."""

    __slots__ = ("reads_from", "wrote")

    def __init__(self, reads_from):
        self.reads_from = reads_from
        self.wrote = False


_current = contextvars.ContextVar("mineatlas_read_database", default=None)


@contextlib.contextmanager
def reading_from(alias):
    """Within the block (one request), public reads come from `alias` until something writes.

    Yields the request's state: `.wrote` tells afterwards whether it wrote.
    """
    state = _Request(alias)
    token = _current.set(state)
    try:
        yield state
    finally:
        _current.reset(token)


def note_write():
    """Something wrote: the rest of the request reads the primary, which has the write."""
    state = _current.get()
    if state is not None:
        state.reads_from = DEFAULT_DB_ALIAS
        state.wrote = True


def public_reads_alias():
    """The database alias reads come from now (the primary outside a public request)."""
    state = _current.get()
    if state is None or state.reads_from == DEFAULT_DB_ALIAS:
        return DEFAULT_DB_ALIAS
    # `as_of.state_at` rewrites the queries of the default connection only: a page of the
    # past reads the primary.
    if as_of.active_moment() is not None:
        return DEFAULT_DB_ALIAS
    return state.reads_from
