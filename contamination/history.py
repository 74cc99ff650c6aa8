"""The public change history of records, read from pghistory's trigger-written events.

Only published and retracted states are public: draft events are dropped before anything is
compared, so a draft's content never shows, and a change is described against the previous
*public* state of the record. Everything runs as one query per record type, with the previous
public state fetched by a window function rather than one query per event.
"""

from dataclasses import dataclass, field

from django.db.models import F, Subquery, Value, Window
from django.db.models.functions import Coalesce, Lag

from contamination.models import HazardArea, Incident, LandRelease
from contamination.querysets import PublicationStatus

# Fields whose change is a public correction, with the words the site uses for them.
PUBLIC_FIELDS = {
    HazardArea: {
        "name": "name",
        "category": "category",
        "status": "status",
        "hazard_types": "hazard types",
        "geometry": "boundary",
        "identified_on": "date identified",
        "surveyed_by_id": "surveyed by",
        "geometry_precision": "boundary precision",
        "blocked_land_use": "blocked land use",
        "is_demo": "demo flag",
    },
    LandRelease: {
        "method": "release method",
        "geometry": "released land boundary",
        "hazard_area_id": "hazard area released",
        "started_on": "start date",
        "completed_on": "completion date",
        "organisation_id": "organisation",
        "ap_mines_found": "anti-personnel mines found",
        "at_mines_found": "anti-vehicle mines found",
        "uxo_found": "UXO found",
        "other_items_found": "other items found",
        "is_demo": "demo flag",
    },
    Incident: {
        "occurred_on": "date",
        "occurred_on_precision": "date precision",
        "location": "location",
        "location_precision": "location precision",
        "device_type": "device type",
        "activity": "activity",
        "summary": "summary",
        "is_demo": "demo flag",
    },
}

KIND_LABELS = {HazardArea: "Hazard area", LandRelease: "Land release", Incident: "Incident"}


@dataclass
class Change:
    """One public event in a record's life: first publication, a correction, a retraction."""

    kind: str  # "published", "corrected", "retracted", "republished"
    at: object
    record_id: int
    reference: str
    model: type
    changed: list = field(default_factory=list)  # plain-word names of corrected fields
    note: str = ""

    @property
    def record_kind(self):
        return KIND_LABELS[self.model]

    @property
    def url(self):
        return self.model(pk=self.record_id).get_absolute_url()

    @property
    def label(self):
        return {
            "published": "Published",
            "corrected": "Corrected",
            "retracted": "Retracted",
            "republished": "Published again",
        }[self.kind]


def _public_events(model):
    """Non-draft events of `model`, each with the previous non-draft state's public fields."""
    event_model = model.events.rel.related_model
    fields = list(PUBLIC_FIELDS[model])
    window = {"partition_by": [F("pgh_obj_id")], "order_by": F("pgh_id").asc()}
    previous = {
        f"prev_{name}": Window(Lag(name), **window) for name in [*fields, "publication_status"]
    }
    return (
        event_model.objects.exclude(publication_status=PublicationStatus.DRAFT)
        .annotate(**previous)
        .only(
            "pgh_id",
            "pgh_created_at",
            "pgh_obj_id",
            "reference",
            "publication_status",
            "published_at",
            "retracted_at",
            "retraction_note",
            *fields,
        )
    )


def _change(model, event):
    status = event.publication_status
    before = event.prev_publication_status
    common = {"record_id": event.pgh_obj_id, "reference": event.reference, "model": model}
    if before is None:
        if status == PublicationStatus.RETRACTED:
            return Change("retracted", event.pgh_created_at, note=event.retraction_note, **common)
        return Change("published", event.published_at or event.pgh_created_at, **common)
    if status == PublicationStatus.RETRACTED and before != PublicationStatus.RETRACTED:
        return Change("retracted", event.pgh_created_at, note=event.retraction_note, **common)
    if status == PublicationStatus.PUBLISHED and before == PublicationStatus.RETRACTED:
        return Change("republished", event.pgh_created_at, **common)
    changed = [
        _describe(model, name, label, getattr(event, f"prev_{name}"), getattr(event, name))
        for name, label in PUBLIC_FIELDS[model].items()
        if getattr(event, name) != getattr(event, f"prev_{name}")
    ]
    if changed and status == PublicationStatus.PUBLISHED:
        return Change("corrected", event.pgh_created_at, changed=changed, **common)
    return None  # a write that changed nothing the public sees


# Shown as a bare field name: a boundary or free text does not fit in a sentence, and an
# id would mean nothing to a reader.
NAME_ONLY = {"geometry", "location", "summary", "surveyed_by_id", "organisation_id"}
NAME_ONLY |= {"hazard_area_id"}


def _value(model, name, value):
    if value is None or value == "" or value == []:
        return "not stated"
    field = model._meta.get_field(name)
    choices = dict(getattr(field, "base_field", field).choices or [])
    if isinstance(value, list):
        return ", ".join(str(choices.get(item, item)) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(choices.get(value, value))


def _describe(model, name, label, before, after):
    """'category from X to Y' in plain words; previous values were public, so may be shown."""
    if name in NAME_ONLY:
        return label
    return f"{label} from {_value(model, name, before)} to {_value(model, name, after)}"


def record_history(record):
    """The public changes of one record, oldest first (1 query)."""
    model = type(record)
    events = _public_events(model).filter(pgh_obj_id=record.pk).order_by("pgh_id")
    return [change for event in events if (change := _change(model, event))]


def latest_changes(kinds=("published", "corrected", "retracted", "republished"), limit=20):
    """The newest public changes across all records, newest first (1 query per record type).

    Each record type contributes at most `limit` events of the wanted kinds. The window that
    finds each event's previous public state runs only over the records touched by the newest
    `RECENT_EVENTS` public events (whole histories of those records, so the comparison is
    right); only if that yields too few changes is the whole history read.
    """
    changes = []
    for model in PUBLIC_FIELDS:
        found = _latest_of_model(model, kinds, limit, recent=RECENT_EVENTS)
        if found is None:
            found = _latest_of_model(model, kinds, limit, recent=None)
        changes += found
    changes.sort(key=lambda change: change.at, reverse=True)
    return changes[:limit]


# How many of the newest public events of a record type the home page's list looks among.
RECENT_EVENTS = 500


def _latest_of_model(model, kinds, limit, recent):
    """Up to `limit` newest changes of `model`, or None when `recent` was too narrow."""
    events = _public_events(model).order_by("-pgh_id")
    if recent:
        newest = (
            model.events.rel.related_model.objects.exclude(
                publication_status=PublicationStatus.DRAFT
            )
            .order_by("-pgh_id")
            .values("pgh_id")
        )
        records = newest.values("pgh_obj_id")[:recent]
        # The oldest event id inside the window (0 when there are fewer events than that).
        oldest = Coalesce(Subquery(newest[recent - 1 : recent]), Value(0))
        events = events.filter(pgh_obj_id__in=Subquery(records)).annotate(window_start=oldest)
    if "published" not in kinds:
        # A filter on the window's result: Django wraps the windowed query, so the
        # previous state is still looked up among all public events.
        events = events.filter(prev_publication_status__isnull=False)
    found = []
    window_start = 0
    for event in events.iterator(chunk_size=500):
        window_start = getattr(event, "window_start", 0)
        if event.pgh_id < window_start:
            return None  # older than the window: other records may have newer changes
        change = _change(model, event)
        if change and change.kind in kinds:
            found.append(change)
            if len(found) >= limit:
                return found
    # Too few inside a full window: older changes of other records may belong in the list.
    return None if window_start else found
