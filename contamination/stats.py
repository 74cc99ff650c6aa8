"""Numbers across many records, aggregated in the database.

Each function takes querysets (already filtered: published, area, dates) and returns a small
dataclass whose field names carry their units. Callers pass `.published()` querysets: the
functions do not decide what is public.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import Coalesce, ExtractYear

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


# --- Series for the public site's charts (site) ------------------------------------------
# Each returns a list of small dataclasses, one per row of the chart's data table, oldest first.


@dataclass(frozen=True)
class ReleaseYear:
    year: int
    cancelled_km2: float
    reduced_km2: float
    cleared_km2: float
    count: int

    @property
    def total_km2(self):
        return self.cancelled_km2 + self.reduced_km2 + self.cleared_km2


@dataclass(frozen=True)
class ItemsYear:
    year: int
    ap_mines: int
    at_mines: int
    uxo: int
    other: int

    @property
    def total(self):
        return self.ap_mines + self.at_mines + self.uxo + self.other


@dataclass(frozen=True)
class CasualtyYear:
    year: int
    civilian: int
    deminer: int
    military: int
    unknown: int
    killed: int
    injured: int

    @property
    def total(self):
        return self.killed + self.injured


@dataclass(frozen=True)
class CasualtyBreakdown:
    """Casualties of one sex, counted by age band."""

    sex: str
    sex_label: str
    child: int
    adult: int
    unknown: int

    @property
    def total(self):
        return self.child + self.adult + self.unknown


@dataclass(frozen=True)
class HazardRemainingYear:
    """Recorded hazard area at the end of a year, before and after land released so far."""

    year: int
    identified_km2: float
    released_km2: float

    @property
    def remaining_km2(self):
        return max(self.identified_km2 - self.released_km2, 0.0)


def releases_by_year(land_releases):
    """Land released per completion year, by method, in km² (1 query)."""
    method = LandRelease.Method
    rows = (
        land_releases.filter(completed_on__isnull=False)
        .annotate(year=ExtractYear("completed_on"))
        .values("year")
        .order_by("year")
        .annotate(
            cancelled=Sum("area_m2", filter=Q(method=method.CANCELLED)),
            reduced=Sum("area_m2", filter=Q(method=method.REDUCED)),
            cleared=Sum("area_m2", filter=Q(method=method.CLEARED)),
            count=Count("id"),
        )
    )
    return [
        ReleaseYear(
            year=row["year"],
            cancelled_km2=_km2(row["cancelled"]),
            reduced_km2=_km2(row["reduced"]),
            cleared_km2=_km2(row["cleared"]),
            count=row["count"],
        )
        for row in rows
    ]


def items_by_year(land_releases):
    """Explosive items found and destroyed per completion year, by type (1 query)."""
    rows = (
        land_releases.filter(completed_on__isnull=False)
        .annotate(year=ExtractYear("completed_on"))
        .values("year")
        .order_by("year")
        .annotate(
            ap=Coalesce(Sum("ap_mines_found"), 0),
            at=Coalesce(Sum("at_mines_found"), 0),
            uxo=Coalesce(Sum("uxo_found"), 0),
            other=Coalesce(Sum("other_items_found"), 0),
        )
    )
    return [
        ItemsYear(
            year=row["year"],
            ap_mines=row["ap"],
            at_mines=row["at"],
            uxo=row["uxo"],
            other=row["other"],
        )
        for row in rows
    ]


def casualties_by_year(incidents):
    """Casualties per year of the incident, by group and by outcome (1 query)."""
    group = Casualty.Group
    rows = (
        Casualty.objects.filter(incident__in=incidents)
        .annotate(year=ExtractYear("incident__occurred_on"))
        .values("year")
        .order_by("year")
        .annotate(
            civilian=Count("id", filter=Q(group=group.CIVILIAN)),
            deminer=Count("id", filter=Q(group=group.DEMINER)),
            military=Count("id", filter=Q(group=group.MILITARY)),
            unknown=Count("id", filter=Q(group=group.UNKNOWN)),
            killed=Count("id", filter=Q(outcome=Casualty.Outcome.KILLED)),
            injured=Count("id", filter=Q(outcome=Casualty.Outcome.INJURED)),
        )
    )
    return [CasualtyYear(**row) for row in rows]


def casualties_by_sex_and_age(incidents):
    """Casualties by sex, each split by age band; every sex listed, even at zero (1 query)."""
    band = Casualty.AgeBand
    rows = {
        row["sex"]: row
        for row in Casualty.objects.filter(incident__in=incidents)
        .values("sex")
        .order_by("sex")
        .annotate(
            child=Count("id", filter=Q(age_band=band.CHILD)),
            adult=Count("id", filter=Q(age_band=band.ADULT)),
            unknown=Count("id", filter=Q(age_band=band.UNKNOWN)),
        )
    }
    return [
        CasualtyBreakdown(
            sex=sex.value,
            sex_label=sex.label,
            child=rows.get(sex.value, {}).get("child", 0),
            adult=rows.get(sex.value, {}).get("adult", 0),
            unknown=rows.get(sex.value, {}).get("unknown", 0),
        )
        for sex in Casualty.Sex
    ]


def hazard_remaining_by_year(hazard_areas, land_releases):
    """Recorded hazard area identified by the end of each year, and land released by then (2
    queries).

    Remaining = identified so far - released so far: a hazard area counts from the year it was
    identified, released land from the year its release was completed.
    """
    identified = dict(
        hazard_areas.filter(identified_on__isnull=False)
        .annotate(year=ExtractYear("identified_on"))
        .values("year")
        .order_by("year")
        .annotate(m2=Sum("area_m2"))
        .values_list("year", "m2")
    )
    released = dict(
        land_releases.filter(completed_on__isnull=False)
        .annotate(year=ExtractYear("completed_on"))
        .values("year")
        .order_by("year")
        .annotate(m2=Sum("area_m2"))
        .values_list("year", "m2")
    )
    years = sorted(set(identified) | set(released))
    if not years:
        return []
    rows, identified_m2, released_m2 = [], 0.0, 0.0
    for year in range(years[0], years[-1] + 1):
        identified_m2 += identified.get(year) or 0.0
        released_m2 += released.get(year) or 0.0
        rows.append(
            HazardRemainingYear(
                year=year, identified_km2=_km2(identified_m2), released_km2=_km2(released_m2)
            )
        )
    return rows


def data_version():
    """A string that changes whenever any record or casualty is written or deleted (1 query).

    Every insert, update and delete writes a history event through a trigger (pghistory), so
    the newest event ids move on publish, correction, retraction and deletion alike. Caches of
    public figures are keyed on it.
    """
    tables = ("hazardarea", "landrelease", "incident", "casualty")
    sql = "SELECT " + ", ".join(
        f"(SELECT max(pgh_id) FROM contamination_{table}event)" for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        ids = cursor.fetchone()
    return "-".join(str(value or 0) for value in ids)


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
