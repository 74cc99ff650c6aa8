"""What changed publicly: the one vocabulary of public change, read from pghistory's events.

Every surface that tells readers what changed — the changelog page, the Atom feed, a record's
own page, the home page's latest changes, the admin's history view and (through
`api_change_rows`) the API's `/changes/` — reads it here. The events, in the order a record
can live through them:

    published    first made public (or created already published)
    corrected    a published record's public fields changed
    retracted    withdrawn with a public note; the record stays visible as retracted
    withdrawn    a public record sent back to draft: it leaves every public surface
    republished  public again after a retraction or a withdrawal
    deleted      a record that had been public was deleted outright (superusers only)

Draft states are never compared with anything public: a correction is described against the
previous *public* state, so a draft's content never shows. Everything is one set-based query
per record type (window functions over the event table), whatever the number of events.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contamination.models import HazardArea, Incident, LandRelease
from contamination.querysets import PublicationStatus, seen_publicly_sql

# Fields whose change is a public correction, with the words the site uses for them.
PUBLIC_FIELDS = {
    HazardArea: {
        "name": _("name"),
        "category": _("category"),
        "status": _("status"),
        "hazard_types": _("hazard types"),
        "geometry": _("boundary"),
        "identified_on": _("date identified"),
        "surveyed_by_id": _("surveyed by"),
        "geometry_precision": _("boundary precision"),
        "blocked_land_use": _("blocked land use"),
        "is_demo": _("demo flag"),
    },
    LandRelease: {
        "method": _("release method"),
        "geometry": _("released land boundary"),
        "hazard_area_id": _("hazard area released"),
        "started_on": _("start date"),
        "completed_on": _("completion date"),
        "organisation_id": _("organisation"),
        "ap_mines_found": _("anti-personnel mines found"),
        "at_mines_found": _("anti-vehicle mines found"),
        "uxo_found": _("UXO found"),
        "other_items_found": _("other items found"),
        "is_demo": _("demo flag"),
    },
    Incident: {
        "occurred_on": _("date"),
        "occurred_on_precision": _("date precision"),
        "location": _("location"),
        "location_precision": _("location precision"),
        "device_type": _("device type"),
        "activity": _("activity"),
        "summary": _("summary"),
        "summary_az": _("summary (Azerbaijani)"),
        "summary_ru": _("summary (Russian)"),
        "is_demo": _("demo flag"),
    },
}

KIND_LABELS = {
    HazardArea: _("Hazard area"),
    LandRelease: _("Land release"),
    Incident: _("Incident"),
}
RECORD_MODELS = (HazardArea, LandRelease, Incident)


def register(model, public_fields, label, *, name_only=()):
    """Let another app's publishable model (a `Record` with pghistory events) join the
    vocabulary of public change: the changelog, its feed and the admin's history then tell
    its publications, corrections and retractions like the records' own.

    `public_fields` maps field names to the words the site uses for them; `name_only` are
    those whose values do not fit in a sentence (long text, ids). The registry is how the
    statements app joins without contamination importing it (tests/test_layers.py).
    """
    PUBLIC_FIELDS[model] = dict(public_fields)
    KIND_LABELS[model] = label
    NAME_ONLY.update(model._meta.get_field(name).column for name in name_only)


KINDS = ("published", "corrected", "retracted", "withdrawn", "republished", "deleted")
LABELS = {
    "published": _("Published"),
    "corrected": _("Corrected"),
    "retracted": _("Retracted"),
    "withdrawn": _("Withdrawn from publication"),
    "republished": _("Published again"),
    "deleted": _("Deleted"),
}
# What the changelog page and the feed list: every public change after first publication.
AFTER_PUBLICATION = ("corrected", "retracted", "withdrawn", "republished", "deleted")


@dataclass
class Change:
    """One public event in a record's life (see the module docstring for the kinds)."""

    kind: str
    at: object  # when it happened for the reader (a first publication: its published_at)
    record_id: int
    reference: str
    model: type
    event_id: int = 0  # pghistory's pgh_id of the event that made this change
    recorded_at: object = None  # when the event was written (pgh_created_at): the order
    changed: list = field(default_factory=list)  # plain-word names of corrected fields
    note: str = ""

    @property
    def record_kind(self):
        return KIND_LABELS[self.model]

    @property
    def url(self):
        """The record's public page; None when it has none (withdrawn to draft, deleted)."""
        if self.kind in ("withdrawn", "deleted"):
            return None
        return self.model(pk=self.record_id, reference=self.reference).get_absolute_url()

    @property
    def label(self):
        return LABELS[self.kind]


# Shown as a bare field name: a boundary or free text does not fit in a sentence, and an
# id would mean nothing to a reader.
NAME_ONLY = {"geometry", "location", "summary", "summary_az", "summary_ru"}
NAME_ONLY |= {"surveyed_by_id", "organisation_id"}
NAME_ONLY |= {"hazard_area_id"}

# How many of the newest events of a record type a limited list (home page, changelog, feed)
# looks among first; only if that window holds too few changes is the whole history read.
RECENT_EVENTS = 500


def latest_event_mark():
    """The newest history event of every kind of record that shows in the changelog, in one
    query: it moves with every change, of records and of statements alike (the data version
    follows the records only), so a list of changes can be cached under it.
    """
    tables = [model.events.rel.related_model._meta.db_table for model in PUBLIC_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(f"(SELECT max(pgh_id) FROM {table})" for table in tables)
        )
        return "-".join(str(value) for value in cursor.fetchone())


def changes_since(since=None, kinds=None, *, models=None, record=None, limit=None):
    """The public changes at or after `since` (all when None), newest first.

    `kinds` narrows to some of KINDS, `models` to some record types, `record` to one record;
    `limit` keeps the newest ones. One query per record type (two when a limited list must
    look beyond the newest RECENT_EVENTS events).
    """
    kinds = tuple(kinds or KINDS)
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"Unknown kinds of change: {sorted(unknown)}")
    if record is not None:
        models = [type(record)]
    changes = []
    for model in models or PUBLIC_FIELDS:
        changes += _changes_of_model(model, since, kinds, record, limit)
    changes.sort(key=lambda change: (change.recorded_at, change.event_id), reverse=True)
    return changes[:limit] if limit else changes


def _changes_of_model(model, since, kinds, record, limit):
    table = model.events.rel.related_model._meta.db_table
    scope, params = [], {"since": since, "record": record and record.pk, "recent": RECENT_EVENTS}
    if record is not None:
        scope.append("pgh_obj_id = %(record)s")
    if since is not None:
        # Whole histories of the records touched since then, so that each event is still
        # compared with the public state before it.
        scope.append(
            f"pgh_obj_id IN (SELECT pgh_obj_id FROM {table} WHERE pgh_created_at >= %(since)s)"
        )
    if limit and record is None:
        windowed, window_is_full = _run(model, table, [*scope, RECENT_WINDOW], params, True)
        found = [change for change in windowed if change.kind in kinds][:limit]
        if len(found) >= limit or not window_is_full:
            return found
    changes, _ = _run(model, table, scope, params, False)
    return [change for change in changes if change.kind in kinds][:limit]


def changes_among_events(model, event_ids):
    """The public changes that these events of `model` made, newest first (1 query).

    Each event is still described against the whole history of its record, like in
    `changes_since`; events that made no public change (a draft's edits) give nothing. The
    commit-ordered change feed (changefeed/feed.py) reads its events this way.
    """
    table = model.events.rel.related_model._meta.db_table
    params = {"since": None, "record": None, "recent": RECENT_EVENTS, "events": list(event_ids)}
    scope = [f"pgh_obj_id IN (SELECT pgh_obj_id FROM {table} WHERE pgh_id = ANY(%(events)s))"]
    changes, _ = _run(model, table, scope, params, False)
    return changes


# The records touched by the newest events: whole histories, so that every event inside the
# window is still compared with the public state before it.
RECENT_WINDOW = (
    "pgh_obj_id IN (SELECT pgh_obj_id FROM {table} ORDER BY pgh_id DESC LIMIT %(recent)s)"
)


def _run(model, table, scope, params, windowed):
    """The changes of one record type, and whether a window left older events unread."""
    columns = [model._meta.get_field(name).column for name in PUBLIC_FIELDS[model]]
    compared = ",\n".join(
        f"({column} IS DISTINCT FROM lag({column}) OVER public_state) AS changed_{column}"
        if column in NAME_ONLY
        else f"{column}, lag({column}) OVER public_state AS before_{column}"
        for column in columns
    )
    outer = ["TRUE"]
    if params["since"] is not None:
        outer.append("described.pgh_created_at >= %(since)s")
    if params.get("events") is not None:
        outer.append("described.pgh_id = ANY(%(events)s)")
    # Wrapped in a SELECT so that pghistory sees a read (it adds its context to other SQL).
    sql = (
        "SELECT * FROM ("
        + EVENTS_SQL
        + (WINDOWED_SELECT if windowed else PLAIN_SELECT)
        + ") changes ORDER BY pgh_id DESC"
    ).format(
        table=table,
        columns=", ".join(columns),
        scope=" AND ".join(scope).format(table=table) or "TRUE",
        compared=compared,
        outer=" AND ".join(outer),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, "window_offset": params["recent"] - 1})
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    window_is_full = windowed and rows[0]["window_start"] is not None
    changes = [change for row in rows if row["pgh_id"] and (change := _change(model, row))]
    return changes, window_is_full


# Events that can be public: non-draft states, the step from a public state back to draft,
# and the deletion of a record that had been public. `status_before` is the status of the
# previous of those.
EVENTS_SQL = """
WITH event AS (
    SELECT pgh_id, pgh_created_at, pgh_label, pgh_obj_id, reference, publication_status,
           published_at, retraction_note, {columns},
           lag(publication_status) OVER history AS status_before_any,
           bool_or(publication_status <> 'draft') OVER history AS has_been_public
    FROM {table}
    WHERE {scope}
    WINDOW history AS (PARTITION BY pgh_obj_id ORDER BY pgh_id)
), public_event AS (
    SELECT * FROM event
    WHERE publication_status <> 'draft'
       OR status_before_any <> 'draft'
       OR (pgh_label = 'delete' AND has_been_public)
), described AS (
    SELECT pgh_id, pgh_created_at, pgh_label, pgh_obj_id, reference, publication_status,
           published_at, retraction_note,
           lag(publication_status) OVER steps AS status_before,
           {compared}
    FROM public_event
    -- `public_state` puts the withdrawals (draft rows, whose content may already be a
    -- draft's) apart, so that content is compared with the previous published or retracted
    -- state only.
    WINDOW steps AS (PARTITION BY pgh_obj_id ORDER BY pgh_id),
           public_state AS (PARTITION BY pgh_obj_id, publication_status = 'draft'
                            ORDER BY pgh_id)
)
"""
PLAIN_SELECT = "SELECT * FROM described WHERE {outer}"
# Only events from the Nth newest on (its id is `window_start`; NULL when the table holds
# fewer, and then the window is the whole history). The one-row `bounds` joined on the left
# says so even when the window holds no change.
WINDOWED_SELECT = """, bounds AS (
    SELECT (SELECT pgh_id FROM {table} ORDER BY pgh_id DESC OFFSET %(window_offset)s LIMIT 1)
           AS window_start
)
SELECT bounds.window_start, described.*
FROM bounds LEFT JOIN described
     ON described.pgh_id >= coalesce(bounds.window_start, 0) AND {outer}
"""


def _change(model, row):
    """The Change one event row stands for, or None for a write the public does not see."""
    status, before = row["publication_status"], row["status_before"]
    at = row["pgh_created_at"]
    common = {
        "record_id": row["pgh_obj_id"],
        "reference": row["reference"],
        "model": model,
        "event_id": row["pgh_id"],
        "recorded_at": at,
    }
    if row["pgh_label"] == "delete":
        return Change("deleted", at, **common)
    if status == PublicationStatus.DRAFT:
        return Change("withdrawn", at, **common)
    if status == PublicationStatus.RETRACTED:
        if before == PublicationStatus.RETRACTED:
            return None  # a retracted record's later writes are not public corrections
        return Change("retracted", at, note=row["retraction_note"], **common)
    if before is None:
        return Change("published", row["published_at"] or at, **common)
    changed = []
    for name, label in PUBLIC_FIELDS[model].items():
        column = model._meta.get_field(name).column
        if column in NAME_ONLY:
            if row[f"changed_{column}"]:
                changed.append(str(label))
        elif row[column] != row[f"before_{column}"]:
            changed.append(_describe(model, name, label, row[f"before_{column}"], row[column]))
    if before != PublicationStatus.PUBLISHED:
        # After a retraction or a withdrawal, with what differs from the last public state.
        return Change("republished", at, changed=changed, **common)
    if changed:
        return Change("corrected", at, changed=changed, **common)
    return None  # a write that changed nothing the public sees


def _value(model, name, value):
    if value is None or value == "" or value == []:
        return gettext("not stated")
    field = model._meta.get_field(name)
    choices = dict(getattr(field, "base_field", field).choices or [])
    if isinstance(value, list):
        return ", ".join(str(choices.get(item, item)) for item in value)
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(choices.get(value, value))


def _describe(model, name, label, before, after):
    """'category from X to Y' in plain words; previous values were public, so may be shown."""
    return gettext("%(field)s from %(before)s to %(after)s") % {
        "field": label,
        "before": _value(model, name, before),
        "after": _value(model, name, after),
    }


# --- The API's /changes/ -----------------------------------------------------------------
#
# The API's sync feed is frozen by its contract (tests/api/expected/changes.json): one row per
# record whose row was written since `since`, giving its state now, in the API's older words.
# How they map onto the kinds above:
API_CHANGE_NAMES = {
    "published": "published",  # first published since `since`
    "corrected": "changed",
    "republished": "changed",
    "retracted": "retracted",
    "withdrawn": "retracted",  # with the note "Withdrawn from publication."
    "deleted": "deleted",
}
API_RECORD_KINDS = {"hazard_area": HazardArea, "land_release": LandRelease, "incident": Incident}

API_CHANGES_SQL = """
SELECT kind, id, reference, change, changed_at, published_at, retracted_at, retraction_note
FROM (
{parts}
) changes
ORDER BY changed_at, kind, id
"""

# {seen_publicly}: the record (or deleted row) has been public, see querysets.py.
API_CHANGE_PART_SQL = """
    SELECT '{kind}' AS kind, id, reference,
           CASE WHEN publication_status = 'retracted' THEN 'retracted'
                WHEN publication_status = 'draft' THEN 'retracted'
                WHEN published_at >= %(since)s THEN 'published'
                ELSE 'changed' END AS change,
           updated_at AS changed_at, published_at, retracted_at,
           CASE WHEN publication_status = 'draft' THEN 'Withdrawn from publication.'
                ELSE retraction_note END AS retraction_note
    FROM {table}
    WHERE updated_at >= %(since)s
      AND {seen_publicly}
    UNION ALL
    SELECT '{kind}', pgh_obj_id, reference, 'deleted', pgh_created_at, published_at,
           retracted_at, ''
    FROM {table}event
    WHERE pgh_label = 'delete' AND pgh_created_at >= %(since)s
      AND {seen_publicly}
"""

# An incident whose casualties were added, changed or removed has changed too, even if its
# own row was not written (an import may replace casualties only).
API_CASUALTY_CHANGES_SQL = """
    SELECT 'incident', i.id, i.reference, 'changed', max(e.pgh_created_at), i.published_at,
           i.retracted_at, ''
    FROM contamination_casualtyevent e
    JOIN contamination_incident i ON i.id = e.incident_id
    WHERE e.pgh_created_at >= %(since)s AND i.updated_at < %(since)s
      AND i.publication_status = 'published'
    GROUP BY i.id
"""


def api_change_rows(since, kinds=None, *, limit, offset=0):
    """(count, rows) of the API's /changes/ since `since`, oldest first (2 queries).

    `kinds` are keys of API_RECORD_KINDS (all when empty). Each row is a dict with kind, id,
    reference, change (the API's words, see API_CHANGE_NAMES), changed_at, published_at,
    retracted_at and retraction_note; the view adds the URL and formats the times.
    """
    kinds = list(kinds or API_RECORD_KINDS)
    parts = "\n    UNION ALL\n".join(
        API_CHANGE_PART_SQL.format(
            kind=kind,
            table=API_RECORD_KINDS[kind]._meta.db_table,
            seen_publicly=seen_publicly_sql(),
        )
        for kind in kinds
    )
    if "incident" in kinds:
        parts += "\n    UNION ALL\n" + API_CASUALTY_CHANGES_SQL
    sql = API_CHANGES_SQL.format(parts=parts)
    params = {"since": since, "limit": limit, "offset": offset}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sql}) c", params)
        count = cursor.fetchone()[0]
        cursor.execute(f"{sql} LIMIT %(limit)s OFFSET %(offset)s", params)
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return count, rows
