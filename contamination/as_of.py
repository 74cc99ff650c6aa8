"""The records as they were public at a past moment (`?as_of=`), read from pghistory's events.

Every tracked table keeps each version of each row in its event table (`…event`, written by
pghistory's triggers: the row as it was after each insert and update, and before its
deletion). The state of a table at a moment T is, for every row, its last event written at
or before T, unless that event is the deletion.

`state_at(T)` makes every query of the block read that state instead of the live tables:
each SELECT that names a tracked table gets a common table expression of the same name in
front of it (`WITH contamination_incident AS (… events up to T …) SELECT …`), and a CTE
shadows a table of the same name in PostgreSQL. So the ORM code of every public surface —
`.published()`, the statistics, `with_public_location()`, the API's filters — runs unchanged
on the past: published then, retracted then, with the values it had then, computed in the
database (one anti-join per table, no Python loop over events).

A change is dated when its transaction wrote it (pghistory's `pgh_created_at`): a moment
inside a long import sees the import whole, never half of it.

A CTE is fine for a query that reads a few rows or one pass over a table, not for per-area
figures: there each area's correlated subqueries re-read the past state (a scan of the CTE,
which has no index, per area and figure — minutes). `state_at(T, materialise=models)` first
writes the past state of those tables once into temporary tables of the same names,
indexed on their foreign keys (1–3 s for 75,000 incidents and 125,000 casualties on a busy
2-core machine), which the session's queries read instead of the live tables (PostgreSQL
looks for an unqualified name in the session's temporary schema first); the per-area
figures then cost what they cost on the present. The tables live in a transaction of their
own and are dropped when it ends, whatever happens, so no later request on the connection
can read them. Temporary tables need a writable database: a read-only standby cannot make
them.
"""

import contextlib
import datetime
import re
from contextvars import ContextVar

from django.db import connection, transaction
from django.utils import timezone

from contamination.models import (
    AdminArea,
    Casualty,
    HazardArea,
    HazardAreaSource,
    Incident,
    IncidentSource,
    LandRelease,
    LandReleaseSource,
    Organisation,
    Source,
)

# Everything a public surface of the records reads. Statements are not here: the past state
# covers the records (contamination never imports statements).
TRACKED_MODELS = (
    HazardArea,
    LandRelease,
    Incident,
    Casualty,
    HazardAreaSource,
    LandReleaseSource,
    IncidentSource,
    AdminArea,
    Organisation,
    Source,
)


class BadMoment(ValueError):
    """An `as_of` value that names no moment the history can answer for."""


def parse(text, *, now=None):
    """The moment `as_of` names, or None when it is absent or empty; raises BadMoment.

    A data version or any ISO 8601 date-time (UTC when it has no zone) is that moment; a date
    alone (YYYY-MM-DD) is the end of that day, UTC. A moment in the future is refused: the
    history cannot answer for it yet (a date is in the future until its day is over).
    """
    text = (text or "").strip()
    if not text:
        return None
    try:
        if len(text) == 10:
            day = datetime.date.fromisoformat(text)
            moment = datetime.datetime.combine(day, datetime.time.max, datetime.UTC)
        else:
            moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise BadMoment(
            f"Expected a data version or an ISO 8601 date or time (e.g. 2025-06-30 or "
            f"2025-06-30T12:00:00Z), got {text[:40]!r}."
        ) from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.UTC)
    moment = moment.astimezone(datetime.UTC)
    now = now or timezone.now()
    if moment > now:
        raise BadMoment(
            f"{text[:40]} is in the future (it is now {now:%Y-%m-%dT%H:%M:%SZ}); a date stands "
            "for the end of its day, UTC. Use the data version you cite, or an earlier moment."
        )
    return moment


_moment = ContextVar("as_of_moment", default=None)
# Tracked tables the current block reads from temporary tables (see `state_at`), not CTEs.
_materialised = ContextVar("as_of_materialised", default=frozenset())


def active_moment():
    """The moment the current block reads the past at (see `state_at`), else None."""
    return _moment.get()


@contextlib.contextmanager
def state_at(moment, *, materialise=()):
    """Within the block, every query on the default database reads the state at `moment`.

    Only reads: a write to a tracked table in the block is refused (RuntimeError), since it
    would be a write to the past. The tables of the models in `materialise` (tracked ones)
    are first written into temporary tables of their past state (3 or 4 more queries, see
    `_materialised_state`); for answers that aggregate per area (see the module's docstring).
    """
    token = _moment.set(moment)
    features = connection.features
    groups_by_pk = features.allows_group_by_selected_pks
    # A CTE has no primary key, so PostgreSQL cannot infer the other columns from the id in
    # `GROUP BY id` (what Django writes for a table): group by every selected column instead.
    features.allows_group_by_selected_pks = False
    try:
        tables = (
            _materialised_state(moment, materialise) if materialise else contextlib.nullcontext()
        )
        with tables, connection.execute_wrapper(_past_reader(moment)):
            yield
    finally:
        features.allows_group_by_selected_pks = groups_by_pk
        _moment.reset(token)


@contextlib.contextmanager
def _materialised_state(moment, models):
    """The past state of `models`' tables as temporary tables, for the block.

    In a transaction of their own, created `ON COMMIT DROP`: an error rolls their creation
    back with the rest, the commit drops them, so they never outlive the block on a pooled
    connection (3 queries: BEGIN, the tables, COMMIT). Inside a transaction already (a
    savepoint then), the block drops them itself at its end (4: with the DROP).
    """
    tables = [model._meta.db_table for model in models]
    nested = connection.in_atomic_block
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(materialise_sql(moment, tables))
        token = _materialised.set(frozenset(tables))
        try:
            yield
        finally:
            _materialised.reset(token)
        # A block marked for rollback (an error caught inside it) is rolled back to the
        # savepoint on leaving `atomic`, which undoes the tables' creation.
        if nested and not connection.needs_rollback:
            names = ", ".join(f"pg_temp.{table}" for table in tables)
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE {names}")


def materialise_sql(moment, tables):
    """The statements writing each of `tables`' state at `moment` to a temporary table."""
    literal = f"'{moment.isoformat()}'::timestamptz"  # a datetime we made, never user text
    # ANALYZE's sample: 3,000 rows instead of 30,000 (for this transaction only) is enough
    # for the planner's choice between an index and a scan.
    statements = ["SET LOCAL default_statistics_target = 10"]
    for table in tables:
        statements += [statement.format(at=literal) for statement in MATERIALISE_SQL[table]]
    statements.append("SET LOCAL default_statistics_target TO DEFAULT")
    return "; ".join(statements)


def rewrite(sql, moment):
    """`sql` reading the tracked tables as they were at `moment` (unchanged if it names none).

    For SQL run outside Django's cursor wrappers (COPY through psycopg's own cursor). Tables
    the block has materialised (see `state_at`) are read as they are: their temporary table
    holds the past state already.
    """
    names = sorted(set(TABLE_NAMES.findall(sql)) - _materialised.get())
    if not names:
        if _materialised.get() and not _is_read(sql) and TABLE_NAMES.search(sql):
            raise RuntimeError("Only reads can run on the records as they were at a past moment.")
        return sql
    literal = f"'{moment.isoformat()}'::timestamptz"  # a datetime we made, never user text
    expressions = ", ".join(STATE_SQL[name].format(at=literal) for name in names)
    head = sql.lstrip()
    keyword = head[:6].upper()
    if keyword == "SELECT":
        return f"WITH {expressions} {head}"
    if keyword.startswith("WITH "):
        return f"WITH {expressions}, {head[5:]}"
    raise RuntimeError("Only reads can run on the records as they were at a past moment.")


def _is_read(sql):
    keyword = sql.lstrip()[:6].upper()
    return keyword == "SELECT" or keyword.startswith("WITH ")


def _past_reader(moment):
    def execute(execute, sql, params, many, context):
        return execute(rewrite(sql, moment), params, many, context)

    return execute


def _state_sql(model):
    """`table AS (…)`: each row's last event at or before {at}, unless it is a deletion.

    The anti-join reads the event table's (pgh_obj_id) index; the outer query's conditions
    (e.g. `publication_status = 'published'`, an id) are pushed down into it by the planner.
    """
    table = model._meta.db_table
    events = model.events.rel.related_model._meta.db_table
    columns = ", ".join(f"e.{field.column}" for field in model._meta.concrete_fields)
    return (
        f"{table} AS (SELECT {columns} FROM {events} e"
        " WHERE e.pgh_created_at <= {at} AND e.pgh_label <> 'delete'"
        f" AND NOT EXISTS (SELECT 1 FROM {events} later WHERE later.pgh_obj_id = e.pgh_obj_id"
        " AND later.pgh_id > e.pgh_id AND later.pgh_created_at <= {at}))"
    )


def _materialise_sql(model):
    """Write the table's state at {at} to a temporary table of its name, indexed and analysed.

    `DISTINCT ON` reads each object's events once, newest first, in the order of the event
    tables' index on (pgh_obj_id, pgh_id) (migration 0009): a backward index scan, no sort.
    The foreign keys are indexed for the per-area and per-record subqueries; ANALYZE gives
    the planner the sizes and distinct counts (autovacuum never looks at temporary tables),
    from a small sample (see `materialise_sql`) and only of the columns queries select on.
    """
    table = model._meta.db_table
    events = model.events.rel.related_model._meta.db_table
    fields = model._meta.concrete_fields
    columns = ", ".join(f'"{field.column}"' for field in fields)
    keys = [f'"{field.column}"' for field in fields if field.is_relation]
    analysed = ", ".join(
        ['"id"', *keys, *(f'"{field.column}"' for field in fields if field.choices)]
    )
    return [
        f"CREATE TEMPORARY TABLE {table} ON COMMIT DROP AS SELECT {columns} FROM"
        f" (SELECT DISTINCT ON (pgh_obj_id) {columns}, pgh_label FROM {events}"
        " WHERE pgh_created_at <= {at} ORDER BY pgh_obj_id DESC, pgh_id DESC) latest"
        " WHERE pgh_label <> 'delete'",
        *(f"CREATE INDEX ON pg_temp.{table} ({key})" for key in keys),
        f"ANALYZE pg_temp.{table} ({analysed})",
    ]


STATE_SQL = {model._meta.db_table: _state_sql(model) for model in TRACKED_MODELS}
MATERIALISE_SQL = {model._meta.db_table: _materialise_sql(model) for model in TRACKED_MODELS}
# What per-area figures read (stats.area_figure_annotations): the areas, the records counted
# and their casualties.
AREA_FIGURE_MODELS = (AdminArea, HazardArea, LandRelease, Incident, Casualty)
# A tracked table's own name, not a longer name that starts with it (…event, …source).
TABLE_NAMES = re.compile(r"\b(" + "|".join(sorted(STATE_SQL, key=len, reverse=True)) + r")\b")
