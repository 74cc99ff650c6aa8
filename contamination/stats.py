"""Numbers across many records, aggregated in the database.

Each function takes querysets (already filtered: published, area, dates) and returns a small
dataclass whose field names carry their units. Callers pass `.published()` querysets: the
functions do not decide what is public.
"""

from dataclasses import dataclass, field

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    JSONField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, ExtractYear
from django.utils.translation import gettext_lazy as _

from contamination.models import Casualty, HazardArea, Incident, LandRelease


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
# Cross-tabulations the charts need beyond `release_by` / `items_found_by` / `casualties_by`
# (below): one row per year or sex, oldest first.


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


@dataclass(frozen=True)
class AreaYearCasualties:
    """People killed and injured in one first-level unit in one year."""

    area_code: str
    area_name: str
    year: int
    killed: int
    injured: int

    @property
    def total(self):
        return self.killed + self.injured


# Incidents whose point falls in no unit of the loaded boundaries (e.g. a unit the boundary
# source does not have) are still counted, under this label, never dropped.
NO_UNIT_LABEL = _("Not in a unit of the boundaries")


def casualties_by_area_and_year(incidents):
    """Killed and injured per first-level unit and year of the incident, units by name (those
    outside every unit last) and years oldest first (1 query)."""
    rows = (
        Casualty.objects.filter(incident__in=incidents)
        .annotate(year=ExtractYear("incident__occurred_on"))
        .values("incident__admin_area__code", "incident__admin_area__name_en", "year")
        .order_by("incident__admin_area__name_en", "year")
        .annotate(
            killed=Count("id", filter=Q(outcome=Casualty.Outcome.KILLED)),
            injured=Count("id", filter=Q(outcome=Casualty.Outcome.INJURED)),
        )
    )
    return [
        AreaYearCasualties(
            area_code=row["incident__admin_area__code"] or "",
            area_name=row["incident__admin_area__name_en"] or NO_UNIT_LABEL,
            year=row["year"],
            killed=row["killed"],
            injured=row["injured"],
        )
        for row in rows
    ]


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


# --- Grouped figures for the API (land released, items found, casualties, per area) ---------


@dataclass(frozen=True)
class ReleaseGroup:
    """Land released in one group (a year, a month, an area or an organisation)."""

    key: str | None
    label: str
    cancelled_km2: float
    reduced_km2: float
    cleared_km2: float
    count: int

    @property
    def total_km2(self):
        return self.cancelled_km2 + self.reduced_km2 + self.cleared_km2


@dataclass(frozen=True)
class ItemsGroup:
    """Explosive items found and destroyed in one group."""

    key: str | None
    label: str
    ap_mines: int
    at_mines: int
    uxo: int
    other: int

    @property
    def total(self):
        return self.ap_mines + self.at_mines + self.uxo + self.other


@dataclass(frozen=True)
class CasualtyGroup:
    """People killed and injured in one group."""

    key: str | None
    label: str
    killed: int
    injured: int

    @property
    def total(self):
        return self.killed + self.injured


@dataclass(frozen=True)
class AreaFigures:
    """What the published records show for one country or first-level unit."""

    code: str
    name: str
    level: int
    area_km2: float
    hazard_areas: int
    hazard_km2: float
    share_pct: float
    land_releases: int
    released_cancelled_km2: float
    released_reduced_km2: float
    released_cleared_km2: float
    incidents: int
    killed: int
    injured: int

    @property
    def released_km2(self):
        return self.released_cancelled_km2 + self.released_reduced_km2 + self.released_cleared_km2

    @property
    def casualties(self):
        return self.killed + self.injured


RELEASE_GROUPS = ("year", "month", "area", "organisation")
ITEMS_GROUPS = ("year", "area", "organisation")
CASUALTY_GROUPS = ("year", "group", "sex", "age_band", "area")


def _group_expressions(group_by, *, date_field, area_field, organisation_field=None):
    """(key expression, label expression) for grouping rows in the database."""
    if group_by == "year":
        key = Cast(ExtractYear(date_field), CharField())
        return key, key
    if group_by == "month":
        key = Func(F(date_field), Value("YYYY-MM"), function="to_char", output_field=CharField())
        return key, key
    if group_by == "area":
        return F(f"{area_field}__code"), F(f"{area_field}__name_en")
    if group_by == "organisation" and organisation_field:
        return (
            Cast(F(organisation_field), CharField()),
            F(f"{organisation_field}__name"),
        )
    raise ValueError(f"Cannot group by {group_by!r}.")


def release_by(land_releases, group_by):
    """Land released by method for each year, month, area or organisation (1 query)."""
    key, label = _group_expressions(
        group_by,
        date_field="completed_on",
        area_field="admin_area",
        organisation_field="organisation",
    )
    method = LandRelease.Method
    rows = (
        land_releases.order_by()
        .annotate(group_key=key, group_label=label)
        .values("group_key", "group_label")
        .annotate(
            cancelled=Sum("area_m2", filter=Q(method=method.CANCELLED)),
            reduced=Sum("area_m2", filter=Q(method=method.REDUCED)),
            cleared=Sum("area_m2", filter=Q(method=method.CLEARED)),
            count=Count("id"),
        )
        .order_by(F("group_key").asc(nulls_last=True), "group_label")
    )
    return [
        ReleaseGroup(
            key=row["group_key"],
            label=row["group_label"] or _("Not recorded"),
            cancelled_km2=_km2(row["cancelled"]),
            reduced_km2=_km2(row["reduced"]),
            cleared_km2=_km2(row["cleared"]),
            count=row["count"],
        )
        for row in rows
    ]


def items_found_by(land_releases, group_by):
    """Items found and destroyed, by type, for each year, area or organisation (1 query)."""
    key, label = _group_expressions(
        group_by,
        date_field="completed_on",
        area_field="admin_area",
        organisation_field="organisation",
    )
    rows = (
        land_releases.order_by()
        .annotate(group_key=key, group_label=label)
        .values("group_key", "group_label")
        .annotate(
            ap=Coalesce(Sum("ap_mines_found"), 0),
            at=Coalesce(Sum("at_mines_found"), 0),
            uxo=Coalesce(Sum("uxo_found"), 0),
            other=Coalesce(Sum("other_items_found"), 0),
        )
        .order_by(F("group_key").asc(nulls_last=True), "group_label")
    )
    return [
        ItemsGroup(
            key=row["group_key"],
            label=row["group_label"] or _("Not recorded"),
            ap_mines=row["ap"],
            at_mines=row["at"],
            uxo=row["uxo"],
            other=row["other"],
        )
        for row in rows
    ]


def casualties_by(incidents, group_by):
    """People killed and injured for each year, group, sex, age band or area (1 query)."""
    casualties = Casualty.objects.filter(incident__in=incidents)
    if group_by in ("group", "sex", "age_band"):
        choices = dict(Casualty._meta.get_field(group_by).choices)
        key = label = F(group_by)
    else:
        choices = {}
        key, label = _group_expressions(
            group_by, date_field="incident__occurred_on", area_field="incident__admin_area"
        )
    rows = (
        casualties.order_by()
        .annotate(group_key=key, group_label=label)
        .values("group_key", "group_label")
        .annotate(
            killed=Count("id", filter=Q(outcome=Casualty.Outcome.KILLED)),
            injured=Count("id", filter=Q(outcome=Casualty.Outcome.INJURED)),
        )
        .order_by(F("group_key").asc(nulls_last=True), "group_label")
    )
    return [
        CasualtyGroup(
            key=row["group_key"],
            label=choices.get(row["group_label"], row["group_label"]) or _("Not recorded"),
            killed=row["killed"],
            injured=row["injured"],
        )
        for row in rows
    ]


def _scalar(records, expression, output_field):
    """One aggregate of `records` in the outer area, its units' records included, 0 if none.

    Two correlated subqueries — the area's own records, its units' records — each an index
    scan on the foreign key; one subquery with `area OR parent` scanned every record for
    every area (9 s instead of 0.2 s for 78 units and 30,000 records).
    """
    aggregate = Func(expression, function="SUM" if output_field is not None else "COUNT")
    field = output_field or IntegerField()
    total = None
    for condition in ({"admin_area": OuterRef("pk")}, {"admin_area__parent": OuterRef("pk")}):
        rows = records.filter(**condition).order_by().annotate(value=aggregate).values("value")
        part = Coalesce(Subquery(rows[:1], output_field=field), Value(0), output_field=field)
        total = part if total is None else total + part
    return total


class AreaCasualties(Func):
    """People with one outcome in the outer area's incidents (its units' included), 0 if none.

    Counted per incident and summed per area, as correlated subqueries, this cost 4 s for 78
    units and 300,000 incidents (one casualty lookup per incident, per area, per outcome). Here
    one uncorrelated subquery — which PostgreSQL runs once per statement, as an InitPlan —
    counts every casualty of `incidents` by area and by parent area into a JSON object keyed by
    area id, and each row reads its own entry (0.4 s for the three casualty figures).
    """

    # The joiner puts "(object) ->> (area id" inside: the area's entry, as an integer.
    template = "COALESCE(((%(expressions)s)::text)::int, 0)"
    arg_joiner = ") ->> ("
    output_field = IntegerField()

    def __init__(self, incidents, outcome=None):
        """`outcome`: killed or injured; None counts both."""
        people = Q(casualties__outcome=outcome) if outcome else Q(casualties__isnull=False)
        # One row per casualty of the incidents passed, with the incident's area and parent.
        casualties = (
            incidents.filter(people)
            .order_by()
            .values(area=F("admin_area_id"), parent=F("admin_area__parent_id"))
        )
        sql, params = casualties.query.sql_with_params()
        by_area = RawSQL(
            "SELECT jsonb_object_agg(key, people) FROM ("
            " SELECT key, count(*) AS people"
            f" FROM ({sql}) c CROSS JOIN LATERAL (VALUES (c.area), (c.parent)) AS k(key)"
            " WHERE key IS NOT NULL GROUP BY key) counted",
            params,
            output_field=JSONField(),
        )
        super().__init__(by_area, F("pk"))


def area_figure_annotations(hazard_areas, land_releases, incidents):
    """Expressions giving each area's figures from the records passed (for `annotate`).

    Names are prefixed `figure_` (AdminArea has a `hazard_areas` relation already). Like
    `hazard_totals`, the hazard figures count areas still to release (not `released`).
    Each figure is one correlated subquery; an area counts the records of its units too.
    """
    method = LandRelease.Method
    float_field = FloatField()
    hazards = hazard_areas.exclude(status=HazardArea.Status.RELEASED)
    releases = land_releases

    hazard_m2 = _scalar(hazards, F("area_m2"), float_field)
    figures = {
        "hazard_areas": _scalar(hazards, F("id"), None),
        "hazard_km2": hazard_m2 / Value(1e6),
        "share_pct": Case(
            When(area_km2__gt=0, then=hazard_m2 / Value(1e4) / F("area_km2")),
            default=Value(0.0),
            output_field=float_field,
        ),
        "land_releases": _scalar(releases, F("id"), None),
        **{
            f"released_{name}_km2": _scalar(releases.filter(method=name), F("area_m2"), float_field)
            / Value(1e6)
            for name in (method.CANCELLED, method.REDUCED, method.CLEARED)
        },
        "incidents": _scalar(incidents, F("id"), None),
        "killed": AreaCasualties(incidents, Casualty.Outcome.KILLED),
        "injured": AreaCasualties(incidents, Casualty.Outcome.INJURED),
        "casualties": AreaCasualties(incidents),
    }
    return {f"figure_{name}": expression for name, expression in figures.items()}


def area_figures(areas, hazard_areas, land_releases, incidents):
    """Figures for each of `areas` from the records passed (1 query)."""
    annotations = area_figure_annotations(hazard_areas, land_releases, incidents)
    del annotations["figure_casualties"]  # AreaFigures adds killed and injured itself
    rows = areas.annotate(**annotations)
    return [
        AreaFigures(
            code=area.code,
            name=area.name_en,
            level=area.level,
            area_km2=area.area_km2 or 0.0,
            hazard_areas=area.figure_hazard_areas,
            hazard_km2=area.figure_hazard_km2,
            share_pct=area.figure_share_pct,
            land_releases=area.figure_land_releases,
            released_cancelled_km2=area.figure_released_cancelled_km2,
            released_reduced_km2=area.figure_released_reduced_km2,
            released_cleared_km2=area.figure_released_cleared_km2,
            incidents=area.figure_incidents,
            killed=area.figure_killed,
            injured=area.figure_injured,
        )
        for area in rows.defer("geometry")
    ]


# --- Recorded values beside stated figures ----------------------------------------------
#
# One function per metric the records can speak to. Each counts PUBLISHED records only in a
# scope (an AdminArea: a country with its units, or one unit) up to an as-of date, and says
# what it counted: the records' date range, how many, and how many are demo. The app that
# quotes stated figures sets these beside them; nothing here judges a figure.


@dataclass(frozen=True)
class RecordedValue:
    """A value computed from the records, with what it rests on."""

    value: float
    unit: str  # "km2", "pct", "items", "people" or "incidents"
    coverage: Coverage
    as_of: object
    since: object = None
    breakdown: dict = field(default_factory=dict)  # parts of the value: by method, type, group

    @property
    def is_demo(self):
        return self.coverage.is_demo

    @property
    def has_records(self):
        return self.coverage.records > 0


def _coverage_aggregates(date_field):
    return {
        "records": Count("id", distinct=True),
        "first_on": Min(date_field),
        "last_on": Max(date_field),
        "demo_records": Count("id", filter=Q(is_demo=True), distinct=True),
    }


def _coverage_from(row):
    return Coverage(
        records=row["records"],
        first_on=row["first_on"],
        last_on=row["last_on"],
        demo_records=row["demo_records"],
    )


def hazard_areas_open_on(scope, as_of):
    """Published hazard areas in `scope` identified by `as_of` and not yet released then.

    A released area still counts on `as_of` when one of its published releases was completed
    after that date; a released area without a later dated release counts as released.
    """
    later_release = LandRelease.objects.published().filter(
        hazard_area=OuterRef("pk"), completed_on__gt=as_of
    )
    released = Q(status=HazardArea.Status.RELEASED) & ~Exists(later_release)
    return (
        HazardArea.objects.published()
        .in_area(scope)
        .filter(identified_on__lte=as_of)
        .exclude(released)
    )


def recorded_hazard_area_km2(scope, as_of):
    """Area of hazard areas (SHA and CHA) open on `as_of` in `scope`, in km² (1 query)."""
    row = hazard_areas_open_on(scope, as_of).aggregate(
        total_m2=Sum("area_m2"),
        suspected_m2=Sum("area_m2", filter=Q(category=HazardArea.Category.SUSPECTED)),
        confirmed_m2=Sum("area_m2", filter=Q(category=HazardArea.Category.CONFIRMED)),
        **_coverage_aggregates("identified_on"),
    )
    return RecordedValue(
        value=_km2(row["total_m2"]),
        unit="km2",
        coverage=_coverage_from(row),
        as_of=as_of,
        breakdown={"suspected": _km2(row["suspected_m2"]), "confirmed": _km2(row["confirmed_m2"])},
    )


def recorded_share_in_hazard_areas(scope, as_of):
    """Share of the scope's area inside hazard areas open on `as_of`, in percent (1 query).

    The scope's own area is its boundary's geodesic area, computed by the database.
    """
    area = recorded_hazard_area_km2(scope, as_of)
    share = 100 * area.value / scope.area_km2 if scope.area_km2 else 0.0
    return RecordedValue(
        value=share,
        unit="pct",
        coverage=area.coverage,
        as_of=as_of,
        breakdown={"hazard_km2": area.value, "scope_km2": scope.area_km2, **area.breakdown},
    )


def recorded_land_released(scope, as_of, since=None, methods=None):
    """Land released in `scope` by releases completed from `since` to `as_of`, km² (1 query).

    `methods` (cancelled, reduced, cleared) picks what the value adds up; the breakdown always
    has all three, because land release reads correctly only method by method.
    """
    all_methods = LandRelease.Method.values
    methods = list(methods or all_methods)
    releases = LandRelease.objects.published().in_area(scope).between(since, as_of)
    row = releases.aggregate(
        **{m: Sum("area_m2", filter=Q(method=m)) for m in all_methods},
        **_coverage_aggregates("completed_on"),
    )
    breakdown = {m: _km2(row[m]) for m in all_methods}
    return RecordedValue(
        value=sum(breakdown[m] for m in methods),
        unit="km2",
        coverage=_coverage_from(row),
        as_of=as_of,
        since=since,
        breakdown=breakdown,
    )


ITEM_FIELDS = {
    "ap_mines": "ap_mines_found",
    "at_mines": "at_mines_found",
    "uxo": "uxo_found",
    "other": "other_items_found",
}


def recorded_items_found(scope, as_of, since=None, kinds=None):
    """Explosive items found in releases completed from `since` to `as_of` (1 query).

    `kinds` (ap_mines, at_mines, uxo, other) picks what the value adds up; default all.
    """
    kinds = list(kinds or ITEM_FIELDS)
    releases = LandRelease.objects.published().in_area(scope).between(since, as_of)
    row = releases.aggregate(
        **{kind: Coalesce(Sum(column), 0) for kind, column in ITEM_FIELDS.items()},
        **_coverage_aggregates("completed_on"),
    )
    breakdown = {kind: row[kind] for kind in ITEM_FIELDS}
    return RecordedValue(
        value=sum(breakdown[kind] for kind in kinds),
        unit="items",
        coverage=_coverage_from(row),
        as_of=as_of,
        since=since,
        breakdown=breakdown,
    )


def recorded_casualties(scope, as_of, since=None, groups=None, outcomes=None):
    """People killed or injured in incidents from `since` to `as_of` in `scope` (1 query).

    `groups` (civilian, deminer, military, unknown) and `outcomes` (killed, injured) pick what
    the value counts; the breakdown has every group and outcome. Coverage counts incidents.
    """
    all_groups, all_outcomes = Casualty.Group.values, Casualty.Outcome.values
    counted = Q(casualties__group__in=list(groups or all_groups)) & Q(
        casualties__outcome__in=list(outcomes or all_outcomes)
    )
    incidents = Incident.objects.published().in_area(scope).between(since, as_of)
    row = incidents.aggregate(
        value=Count("casualties", filter=counted),
        **{g: Count("casualties", filter=Q(casualties__group=g)) for g in all_groups},
        **{o: Count("casualties", filter=Q(casualties__outcome=o)) for o in all_outcomes},
        **_coverage_aggregates("occurred_on"),
    )
    return RecordedValue(
        value=row["value"],
        unit="people",
        coverage=_coverage_from(row),
        as_of=as_of,
        since=since,
        breakdown={key: row[key] for key in (*all_groups, *all_outcomes)},
    )


def recorded_incidents(scope, as_of, since=None):
    """Incidents from `since` to `as_of` in `scope`, with or without casualties (1 query)."""
    incidents = Incident.objects.published().in_area(scope).between(since, as_of)
    row = incidents.aggregate(
        in_hazard_area=Count("id", filter=Q(is_in_hazard_area=True)),
        **_coverage_aggregates("occurred_on"),
    )
    return RecordedValue(
        value=row["records"],
        unit="incidents",
        coverage=_coverage_from(row),
        as_of=as_of,
        since=since,
        breakdown={"in_hazard_area": row["in_hazard_area"]},
    )
