"""Reading the change feed: the public changes after a cursor, in commit order.

The feed's entries (models.py) say *which* event committed in which order; *what* an event
means publicly is the site's one vocabulary of public change (contamination/history.py):
published, corrected, retracted, withdrawn, republished, deleted. A draft's edits are not
changes: they are skipped, and no field of a draft is ever read into an answer.

Besides the records and statements that history describes, the feed tells the changes of
what they cite or contain, while it is public:

    claim                 a figure of a published statement (public exactly when it is)
    person, metric        a speaker of a published statement; a metric of a published figure
    organisation, source  one a published record or statement cites
    incident (casualties) a published incident's casualties added, changed or removed

A person, organisation or source that *becomes* public because a record or statement citing
it is published does not appear by itself: the publication does. Deleted ones are named by
id only, since whether they had been public is not known any more.
"""

from dataclasses import dataclass

from django.db import connection

from contamination import history
from contamination.models import (
    Casualty,
    HazardArea,
    Incident,
    LandRelease,
    Organisation,
    Source,
)
from statements.models import Claim, Metric, Person, Statement

# The biggest cursor SQL can compare (bigint): a larger one is refused, not an error.
MAX_CURSOR = 2**63 - 1


@dataclass(frozen=True)
class Kind:
    """One kind of thing the feed tells about."""

    model: type
    url_name: str | None = None  # the API detail, if it has one
    url_field: str = "pk"  # what the detail address takes
    public_fields: tuple = ()  # for the kinds history does not describe: what readers see

    @property
    def event_table(self):
        return self.model.events.rel.related_model._meta.db_table


KINDS = {
    "hazard_area": Kind(HazardArea, "api:hazard-area-detail"),
    "land_release": Kind(LandRelease, "api:land-release-detail"),
    "incident": Kind(Incident, "api:incident-detail"),
    "statement": Kind(Statement, "api:statement-detail", "reference"),
    "claim": Kind(
        Claim,
        "api:claim-detail",
        public_fields=(
            "statement",
            "position",
            "excerpt",
            "metric",
            "value",
            "value_max",
            "unit",
            "qualifier",
            "as_of",
            "as_of_precision",
            "since",
            "scope",
            "scope_note",
            "note",
        ),
    ),
    "person": Kind(
        Person, "api:person-detail", "key", public_fields=("key", "name", "name_variants", "note")
    ),
    "metric": Kind(
        Metric,
        "api:metric-detail",
        "code",
        public_fields=("code", "label", "unit", "description", "comparison"),
    ),
    "organisation": Kind(
        Organisation, public_fields=("name", "acronym", "kind", "country", "website")
    ),
    "source": Kind(
        Source,
        public_fields=(
            "publisher",
            "title",
            "url",
            "published_on",
            "accessed_on",
            "archived_url",
            "language",
            "is_reprint",
        ),
    ),
}
HISTORY_KINDS = ("hazard_area", "land_release", "incident", "statement")
CASUALTY_TABLE = Casualty.events.rel.related_model._meta.db_table


def tables_of(kinds):
    """The event tables that the feed reads for these kinds."""
    tables = [KINDS[kind].event_table for kind in kinds]
    if "incident" in kinds:
        tables.append(CASUALTY_TABLE)
    return tables


@dataclass
class FeedChange:
    """One public change at one position of the feed."""

    position: int
    committed_at: object
    kind: str
    id: int
    reference: str | None  # a record's or statement's reference, a person's key, a code
    change: str  # one of history.KINDS
    changed: list
    retraction_note: str = ""

    @property
    def cursor(self):
        return str(self.position)


@dataclass
class Page:
    changes: list
    next_cursor: int  # the position read up to: pass it as `after` next time
    more: bool  # whether committed entries remain after next_cursor


ENTRIES_SQL = """
SELECT position, event_table, event_id, committed_at, transaction_id FROM changefeed_entry
WHERE maybe_public AND position > %(after)s AND event_table = ANY(%(tables)s)
ORDER BY position
LIMIT %(limit)s
"""


def read(after, limit, kinds=None):
    """The public changes committed after position `after`, oldest first: a Page.

    Reads `limit` entries at a time and stops at the first batch that holds a public change
    (so an empty answer means the reader is up to date), or at the end of the feed.
    Queries: one per batch of entries, and one or two per kind of thing the batch touches.
    """
    kinds = list(kinds or KINDS)
    tables = tables_of(kinds)
    changes, cursor = [], after
    while True:
        with connection.cursor() as db:
            db.execute(ENTRIES_SQL, {"after": cursor, "tables": tables, "limit": limit + 1})
            entries = db.fetchall()
        more = len(entries) > limit
        entries = entries[:limit]
        if entries:
            cursor = entries[-1][0]
        changes = _describe(entries, kinds)
        if changes or not more:
            return Page(changes, cursor, more)


def _describe(entries, kinds):
    """The public changes these entries stand for, in position order."""
    by_table = {}
    for position, table, event_id, committed_at, transaction_id in entries:
        by_table.setdefault(table, {})[event_id] = (position, committed_at, transaction_id)
    found = []
    for kind in kinds:
        events = by_table.get(KINDS[kind].event_table)
        if events:
            describe = _history_changes if kind in HISTORY_KINDS else _plain_changes
            found += describe(kind, events)
    if "incident" in kinds and CASUALTY_TABLE in by_table:
        found += _casualty_changes(by_table[CASUALTY_TABLE])
    found.sort(key=lambda change: change.position)
    return found


def _history_changes(kind, events):
    """Records and statements: the site's vocabulary of public change (1 query)."""
    found = []
    for change in history.changes_among_events(KINDS[kind].model, events):
        position, committed_at, _ = events[change.event_id]
        found.append(
            FeedChange(
                position,
                committed_at,
                kind,
                change.record_id,
                change.reference,
                change.kind,
                change.changed,
                change.note if change.kind == "retracted" else "",
            )
        )
    return found


# The events of one table with, for each public column, whether it differs from the event
# before (the first event of a row compares with nothing).
PLAIN_SQL = """
SELECT * FROM (
    SELECT pgh_id, pgh_obj_id, pgh_label, {key} AS reference,
           lag(pgh_id) OVER history IS NULL AS is_first,
           {compared}
    FROM {table}
    WHERE pgh_obj_id IN (SELECT pgh_obj_id FROM {table} WHERE pgh_id = ANY(%(events)s))
    WINDOW history AS (PARTITION BY pgh_obj_id ORDER BY pgh_id)
) described
WHERE pgh_id = ANY(%(events)s)
"""


def _plain_changes(kind, events):
    """Claims, people, metrics, organisations, sources: created, corrected (the public
    fields that changed, by name only) or deleted, while public (2 queries)."""
    spec = KINDS[kind]
    model = spec.model
    fields = [model._meta.get_field(name) for name in spec.public_fields]
    key = spec.url_field if spec.url_field != "pk" else None
    sql = PLAIN_SQL.format(
        table=spec.event_table,
        key=model._meta.get_field(key).column if key else "NULL",
        compared=",\n           ".join(
            f"{field.column} IS DISTINCT FROM lag({field.column}) OVER history AS changed_{i}"
            for i, field in enumerate(fields)
        ),
    )
    with connection.cursor() as db:
        db.execute(sql, {"events": list(events)})
        names = [column[0] for column in db.description]
        rows = [dict(zip(names, row, strict=True)) for row in db.fetchall()]
    living = {row["pgh_obj_id"] for row in rows if row["pgh_label"] != "delete"}
    public = set(_public(kind).filter(pk__in=living).values_list("pk", flat=True))
    found = []
    for row in rows:
        position, committed_at, _ = events[row["pgh_id"]]
        common = {"position": position, "committed_at": committed_at, "kind": kind}
        if row["pgh_label"] == "delete":
            found.append(
                FeedChange(
                    **common, id=row["pgh_obj_id"], reference=None, change="deleted", changed=[]
                )
            )
            continue
        if row["pgh_obj_id"] not in public:
            continue  # not public now: neither its creation nor its edits are told
        changed = [str(field.verbose_name) for i, field in enumerate(fields) if row[f"changed_{i}"]]
        if row["is_first"]:
            change = "published"
        elif changed:
            change = "corrected"
        else:
            continue  # a write that changed nothing readers see (an editors' note)
        found.append(
            FeedChange(
                **common,
                id=row["pgh_obj_id"],
                reference=row["reference"],
                change=change,
                changed=[] if change == "published" else changed,
            )
        )
    return found


def _public(kind):
    """The public ones of a kind the history vocabulary does not describe."""
    if kind == "claim":
        return Claim.objects.published()
    if kind == "person":
        return Person.objects.published()
    if kind == "metric":
        return Metric.objects.filter(claims__in=Claim.objects.published()).distinct()
    return KINDS[kind].model.objects.cited_publicly()


# The first entry, in its transaction, of each incident's casualties: an import replaces
# them in bulk, and that is one correction, whichever page each entry falls on.
CASUALTY_SQL = """
SELECT e.pgh_id, i.id, i.reference
FROM changefeed_entry entry
JOIN contamination_casualtyevent e ON e.pgh_id = entry.event_id
JOIN contamination_incident i ON i.id = e.incident_id
WHERE entry.event_table = 'contamination_casualtyevent'
  AND entry.event_id = ANY(%(events)s)
  AND i.publication_status = 'published'
  AND NOT EXISTS (
      SELECT 1 FROM changefeed_entry earlier
      JOIN contamination_casualtyevent other ON other.pgh_id = earlier.event_id
      WHERE earlier.transaction_id = entry.transaction_id
        AND earlier.event_table = 'contamination_casualtyevent'
        AND earlier.position < entry.position
        AND other.incident_id = e.incident_id
  )
ORDER BY entry.position
"""


def _casualty_changes(events):
    """A published incident's casualties changed: a correction of the incident (1 query).
    Only that they changed is told, never who (victims' privacy)."""
    with connection.cursor() as db:
        db.execute(CASUALTY_SQL, {"events": list(events)})
        rows = db.fetchall()
    found = []
    for event_id, incident_id, reference in rows:
        position, committed_at, _ = events[event_id]
        found.append(
            FeedChange(
                position,
                committed_at,
                "incident",
                incident_id,
                reference,
                "corrected",
                ["casualties"],
            )
        )
    return found
