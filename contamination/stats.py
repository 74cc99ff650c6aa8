"""Numbers across many records, aggregated in the database.

Each function takes querysets (already filtered: published, area, dates) and returns a small
dataclass whose field names carry their units. Callers pass `.published()` querysets: the
functions do not decide what is public.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import Coalesce

from contamination.models import Casualty, HazardArea, LandRelease


@dataclass(frozen=True)
class HazardTotals:
    suspected_km2: float
    confirmed_km2: float
    suspected_count: int
    confirmed_count: int

    @property
    def total_km2(self):
        return self.suspected_km2 + self.confirmed_km2

    @property
    def total_count(self):
        return self.suspected_count + self.confirmed_count


@dataclass(frozen=True)
class ReleaseTotals:
    cancelled_km2: float
    reduced_km2: float
    cleared_km2: float
    count: int

    @property
    def total_km2(self):
        return self.cancelled_km2 + self.reduced_km2 + self.cleared_km2


@dataclass(frozen=True)
class ItemsFound:
    ap_mines: int
    at_mines: int
    uxo: int
    other: int

    @property
    def total(self):
        return self.ap_mines + self.at_mines + self.uxo + self.other


@dataclass(frozen=True)
class CasualtyTotals:
    incidents: int
    killed: int
    injured: int
    civilians: int
    deminers: int
    military: int
    children: int

    @property
    def total(self):
        return self.killed + self.injured


@dataclass(frozen=True)
class Coverage:
    """What the records behind a figure cover: how many, which dates, whether demo."""

    records: int
    first_on: object = None
    last_on: object = None
    demo_records: int = 0

    @property
    def is_demo(self):
        return self.demo_records > 0


@dataclass(frozen=True)
class Summary:
    hazards: HazardTotals
    releases: ReleaseTotals
    items: ItemsFound
    casualties: CasualtyTotals
    demo_records: int = 0
    coverage: dict = field(default_factory=dict)

    @property
    def has_demo(self):
        return self.demo_records > 0


def _km2(value):
    return (value or 0.0) / 1e6


def hazard_totals(hazard_areas):
    """Area and count of hazard areas still to release (not released), by category (1 query)."""
    open_areas = ~Q(status=HazardArea.Status.RELEASED)
    row = hazard_areas.aggregate(
        sha_m2=Sum("area_m2", filter=open_areas & Q(category=HazardArea.Category.SUSPECTED)),
        cha_m2=Sum("area_m2", filter=open_areas & Q(category=HazardArea.Category.CONFIRMED)),
        sha=Count("id", filter=open_areas & Q(category=HazardArea.Category.SUSPECTED)),
        cha=Count("id", filter=open_areas & Q(category=HazardArea.Category.CONFIRMED)),
    )
    return HazardTotals(
        suspected_km2=_km2(row["sha_m2"]),
        confirmed_km2=_km2(row["cha_m2"]),
        suspected_count=row["sha"],
        confirmed_count=row["cha"],
    )


def release_totals(land_releases):
    """Land released by each method, in km² (1 query)."""
    method = LandRelease.Method
    row = land_releases.aggregate(
        cancelled=Sum("area_m2", filter=Q(method=method.CANCELLED)),
        reduced=Sum("area_m2", filter=Q(method=method.REDUCED)),
        cleared=Sum("area_m2", filter=Q(method=method.CLEARED)),
        count=Count("id"),
    )
    return ReleaseTotals(
        cancelled_km2=_km2(row["cancelled"]),
        reduced_km2=_km2(row["reduced"]),
        cleared_km2=_km2(row["cleared"]),
        count=row["count"],
    )


def items_found(land_releases):
    """Explosive items found and destroyed during release, by type (1 query)."""
    row = land_releases.aggregate(
        ap=Coalesce(Sum("ap_mines_found"), 0),
        at=Coalesce(Sum("at_mines_found"), 0),
        uxo=Coalesce(Sum("uxo_found"), 0),
        other=Coalesce(Sum("other_items_found"), 0),
    )
    return ItemsFound(ap_mines=row["ap"], at_mines=row["at"], uxo=row["uxo"], other=row["other"])


def casualty_totals(incidents):
    """Incidents and their casualties by outcome, group and age band (2 queries)."""
    casualties = Casualty.objects.filter(incident__in=incidents)
    row = casualties.aggregate(
        killed=Count("id", filter=Q(outcome=Casualty.Outcome.KILLED)),
        injured=Count("id", filter=Q(outcome=Casualty.Outcome.INJURED)),
        civilians=Count("id", filter=Q(group=Casualty.Group.CIVILIAN)),
        deminers=Count("id", filter=Q(group=Casualty.Group.DEMINER)),
        military=Count("id", filter=Q(group=Casualty.Group.MILITARY)),
        children=Count("id", filter=Q(age_band=Casualty.AgeBand.CHILD)),
    )
    return CasualtyTotals(incidents=incidents.count(), **row)


def coverage(records, date_field):
    """How many records, over which dates, and how many are demo (1 query)."""
    row = records.aggregate(
        records=Count("id"),
        first_on=Min(date_field),
        last_on=Max(date_field),
        demo_records=Count("id", filter=Q(is_demo=True)),
    )
    return Coverage(**row)


def summary(hazard_areas, land_releases, incidents):
    """The headline figures for a set of records (8 queries)."""
    coverages = {
        "hazard_areas": coverage(hazard_areas, "identified_on"),
        "land_releases": coverage(land_releases, "completed_on"),
        "incidents": coverage(incidents, "occurred_on"),
    }
    return Summary(
        hazards=hazard_totals(hazard_areas),
        releases=release_totals(land_releases),
        items=items_found(land_releases),
        casualties=casualty_totals(incidents),
        demo_records=sum(c.demo_records for c in coverages.values()),
        coverage=coverages,
    )
