"""The column contract: which properties each geo resource has, what they mean, their types.

Geo resources are not serialised in Python: each `GeoResource` lists its columns as database
expressions, and PostgreSQL writes the GeoJSON or the CSV (COPY) from them
(contamination/geojson.py). The same list documents the OpenAPI schema and the README of the
bulk downloads, so schema, files and output cannot drift apart.
"""

from dataclasses import dataclass, field

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import CharField, Count, Expression, F, Func, OuterRef, Q, Value
from django.db.models.functions import Coalesce, NullIf, Round
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from contamination.api.schema import (
    choice,
    choice_array,
    date,
    integer,
    nullable_string,
    number,
    string,
    timestamp,
)
from contamination.geojson import rounded
from contamination.models import (
    AdminArea,
    Casualty,
    HazardArea,
    HazardAreaSource,
    Incident,
    IncidentSource,
    LandRelease,
    LandReleaseSource,
)

# --- Columns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One property: its database expression, its OpenAPI schema (with a description)."""

    name: str
    source: object
    schema: dict
    csv: object = None  # a different expression for CSV (arrays joined, ISO timestamps)
    # False: in GeoJSON and JSON only. A column whose value depends on the answer's language
    # stays out of CSVs and downloads, whose columns mean the same in every language.
    in_tables: bool = True

    @property
    def csv_source(self):
        if self.csv is not None:
            return self.csv
        if self.schema.get("type") == "array":
            return Func(
                _expression(self.source),
                Value(";"),
                function="array_to_string",
                output_field=CharField(),
            )
        if self.schema.get("format") == "date-time" or self.schema.get("type") == "boolean":
            return JsonText(_expression(self.source))
        return self.source


class JsonText(Func):
    """The value as JSON writes it, unquoted: ISO 8601 timestamps, true/false."""

    template = "(to_json(%(expressions)s) #>> '{}')"
    output_field = CharField()


class NameInReaderLanguage(Expression):
    """An area's name in the answer's language (`?lang=`, Accept-Language): Azerbaijani is
    `name_local`, Russian `name_ru`; English, or a name missing in that language, `name_en`.
    Chosen when the query is built, so one module-level column serves every language."""

    output_field = CharField()
    COLUMNS = {"az": "name_local", "ru": "name_ru"}

    def resolve_expression(self, *args, **kwargs):
        column = self.COLUMNS.get((get_language() or "en")[:2])
        name = F("name_en")
        if column is not None:
            name = Coalesce(NullIf(F(column), Value("")), F("name_en"), output_field=CharField())
        return name.resolve_expression(*args, **kwargs)


def _expression(value):
    return F(value) if isinstance(value, str) else value


def source_ids(citation_model, record_field):
    return Column(
        "sources",
        ArraySubquery(
            citation_model.objects.filter(**{record_field: OuterRef("pk")})
            .order_by("source_id")
            .values("source_id")
        ),
        {
            "type": "array",
            "items": {"type": "integer"},
            "description": "Ids of the sources cited (see /api/v1/sources/). In CSV, joined "
            "with `;`.",
        },
    )


def publication_columns():
    return [
        Column("is_demo", "is_demo", {"type": "boolean", "description": DEMO_TEXT}),
        Column("published_at", "published_at", timestamp(_("When the record was published."))),
        Column(
            "updated_at",
            "updated_at",
            timestamp(_("Last change to the record (UTC)."), nullable=False),
        ),
    ]


ID_COLUMN = Column("id", "pk", integer(_("The row's id: what other files and the API refer to.")))

DEMO_TEXT = "Generated demo data for trying the software, not a real record."
AREA_CODE_TEXT = (
    "Code of the first-level unit (or the country) the record lies in, computed by the "
    "database from the geometry (see /api/v1/areas/)."
)


# --- Geo resources ----------------------------------------------------------------------


@dataclass(frozen=True)
class GeoResource:
    name: str
    model: type
    geometry_field: str
    geometry_type: str
    columns: list = field(default_factory=list)
    # Decimal places of coordinates: 5 is about 1 m, finer than any survey behind the data.
    precision: int = 5
    point_columns: bool = False  # add lon/lat columns to CSV

    def rows(self, queryset):
        """`queryset` made ready for output (whatever `geometry()` needs)."""
        return queryset

    def geometry(self):
        """The geometry as published (an expression over `rows()`)."""
        return F(self.geometry_field)

    def properties(self):
        return {column.name: column.source for column in self.columns}

    def csv_columns(self):
        """The CSV's columns: the row's `id` first (GeoJSON has it as the feature's id), so
        that the ids other files refer to (`land_releases.hazard_area`) join."""
        return {column.name: column.csv_source for column in self.table_columns()}

    def table_columns(self):
        return [ID_COLUMN, *(column for column in self.columns if column.in_tables)]

    def property_schema(self):
        return {
            "type": "object",
            "properties": {column.name: column.schema for column in self.columns},
            "required": [column.name for column in self.columns],
        }


class IncidentResource(GeoResource):
    """Incidents: the published point is the public location, generalised to the stated
    precision in the database (IncidentQuerySet.with_public_location)."""

    def rows(self, queryset):
        return queryset.with_public_location()


HAZARD_AREAS = GeoResource(
    name="hazard_areas",
    model=HazardArea,
    geometry_field="geometry",
    geometry_type="MultiPolygon",
    columns=[
        Column("reference", "reference", string(_("Public reference, stable across imports."))),
        Column("name", "name", string(_("Name used by the surveyors."))),
        Column(
            "category",
            "category",
            choice(HazardArea.Category.choices, _("Evidence for the hazard.")),
        ),
        Column("status", "status", choice(HazardArea.Status.choices, _("Where release stands."))),
        Column(
            "hazard_types",
            "hazard_types",
            choice_array(HazardArea.HazardType.choices, _("Kinds of explosive ordnance.")),
        ),
        Column(
            "area_m2",
            Round("area_m2"),
            number(_("Geodesic area in square metres (WGS 84 ellipsoid), rounded."), True),
        ),
        Column("area", "admin_area__code", nullable_string(AREA_CODE_TEXT)),
        Column("identified_on", "identified_on", date(_("When the area was recorded."))),
        Column(
            "surveyed_by",
            "surveyed_by_id",
            integer(
                _("Id of the organisation that surveyed it (see /api/v1/organisations/)."), True
            ),
        ),
        Column(
            "geometry_precision",
            "geometry_precision",
            choice(HazardArea.GeometryPrecision.choices, _("How exactly the boundary is known.")),
        ),
        Column(
            "blocked_land_use",
            "blocked_land_use",
            choice_array(HazardArea.LandUse.choices, _("Land use the contamination blocks.")),
        ),
        source_ids(HazardAreaSource, "hazard_area"),
        *publication_columns(),
    ],
)

LAND_RELEASES = GeoResource(
    name="land_releases",
    model=LandRelease,
    geometry_field="geometry",
    geometry_type="MultiPolygon",
    columns=[
        Column("reference", "reference", string(_("Public reference, stable across imports."))),
        Column(
            "method",
            "method",
            choice(LandRelease.Method.choices, _("How the land was released.")),
        ),
        Column(
            "hazard_area",
            "hazard_area_id",
            integer(_("Id of the hazard area this released, where known."), True),
        ),
        Column(
            "area_m2",
            Round("area_m2"),
            number(_("Geodesic area in square metres (WGS 84 ellipsoid), rounded."), True),
        ),
        Column("area", "admin_area__code", nullable_string(AREA_CODE_TEXT)),
        Column("started_on", "started_on", date(_("When work started."))),
        Column("completed_on", "completed_on", date(_("When the land was handed over."))),
        Column(
            "organisation",
            "organisation_id",
            integer(_("Id of the operator that released it (see /api/v1/organisations/)."), True),
        ),
        Column("ap_mines_found", "ap_mines_found", integer(_("Anti-personnel mines destroyed."))),
        Column("at_mines_found", "at_mines_found", integer(_("Anti-vehicle mines destroyed."))),
        Column("uxo_found", "uxo_found", integer(_("Unexploded ordnance destroyed."))),
        Column("other_items_found", "other_items_found", integer(_("Other items destroyed."))),
        source_ids(LandReleaseSource, "land_release"),
        *publication_columns(),
    ],
)


def _casualties(name, description, **condition):
    lookups = {f"casualties__{key}": value for key, value in condition.items()}
    return Column(name, Count("casualties", filter=Q(**lookups)), integer(description))


INCIDENTS = IncidentResource(
    name="incidents",
    model=Incident,
    geometry_field="public_location",
    geometry_type="Point",
    point_columns=True,
    columns=[
        Column("reference", "reference", string(_("Public reference, stable across imports."))),
        Column("occurred_on", "occurred_on", date(_("When it happened."), nullable=False)),
        Column(
            "occurred_on_precision",
            "occurred_on_precision",
            choice(Incident._meta.get_field("occurred_on_precision").choices, _("Date known to.")),
        ),
        Column(
            "location_precision",
            "location_precision",
            choice(
                Incident.LocationPrecision.choices,
                _(
                    "How exactly the location is known. The published point is generalised to "
                    "match: about 1 m (exact), 100 m (approximate), 1 km (settlement), 10 km "
                    "(district)."
                ),
            ),
        ),
        Column("area", "admin_area__code", nullable_string(AREA_CODE_TEXT)),
        Column("device_type", "device_type", choice(Incident.DeviceType.choices, _("The device."))),
        Column(
            "activity",
            "activity",
            choice(Incident.Activity.choices, _("What the people involved were doing.")),
        ),
        Column(
            "is_in_hazard_area",
            "is_in_hazard_area",
            {
                "type": "boolean",
                "description": "Whether the location lies in a published hazard area.",
            },
        ),
        Column("summary", "summary", string(_("What happened, without identifying details."))),
        _casualties("killed", "People killed.", outcome=Casualty.Outcome.KILLED),
        _casualties("injured", "People injured.", outcome=Casualty.Outcome.INJURED),
        _casualties("civilian", "Civilian casualties.", group=Casualty.Group.CIVILIAN),
        _casualties("deminer", "Deminer casualties.", group=Casualty.Group.DEMINER),
        _casualties("military", "Military or security casualties.", group=Casualty.Group.MILITARY),
        _casualties("group_unknown", "Casualties of unknown group.", group=Casualty.Group.UNKNOWN),
        _casualties("female", "Female casualties.", sex=Casualty.Sex.FEMALE),
        _casualties("male", "Male casualties.", sex=Casualty.Sex.MALE),
        _casualties("sex_unknown", "Casualties of unknown sex.", sex=Casualty.Sex.UNKNOWN),
        _casualties("child", "Casualties under 18.", age_band=Casualty.AgeBand.CHILD),
        _casualties("adult", "Adult casualties.", age_band=Casualty.AgeBand.ADULT),
        _casualties("age_unknown", "Casualties of unknown age.", age_band=Casualty.AgeBand.UNKNOWN),
        source_ids(IncidentSource, "incident"),
        *publication_columns(),
    ],
)

AREA_FIGURE_COLUMNS = [
    Column(
        "hazard_areas", "figure_hazard_areas", integer(_("Hazard areas still to release (count)."))
    ),
    Column("hazard_km2", rounded("figure_hazard_km2", 6), number(_("Their geodesic area, km²."))),
    Column(
        "share_pct",
        rounded("figure_share_pct", 4),
        number(_("That area as a percentage of the unit's area.")),
    ),
    Column("land_releases", "figure_land_releases", integer(_("Land releases (count)."))),
    Column(
        "released_cancelled_km2",
        rounded("figure_released_cancelled_km2", 6),
        number(_("Land cancelled by non-technical survey, km².")),
    ),
    Column(
        "released_reduced_km2",
        rounded("figure_released_reduced_km2", 6),
        number(_("Land reduced by technical survey, km².")),
    ),
    Column(
        "released_cleared_km2",
        rounded("figure_released_cleared_km2", 6),
        number(_("Land cleared, km².")),
    ),
    Column(
        "released_km2",
        rounded(
            F("figure_released_cancelled_km2")
            + F("figure_released_reduced_km2")
            + F("figure_released_cleared_km2"),
            6,
        ),
        number(_("All land released, km² (the three methods added).")),
    ),
    Column("incidents", "figure_incidents", integer(_("Incidents (count)."))),
    Column("killed", "figure_killed", integer(_("People killed in those incidents."))),
    Column("injured", "figure_injured", integer(_("People injured in those incidents."))),
    Column(
        "casualties",
        "figure_casualties",
        integer(_("People killed or injured.")),
    ),
]

AREAS = GeoResource(
    name="areas",
    model=AdminArea,
    geometry_field="geometry",
    geometry_type="MultiPolygon",
    # Natural Earth boundaries are generalised: ~10 m is already more than they hold.
    precision=4,
    columns=[
        Column("code", "code", string(_("ISO 3166 code (3166-2 for units)."))),
        Column("level", "level", integer(_("0 country, 1 first-level unit."))),
        Column("parent", "parent__code", nullable_string(_("Code of the country of a unit."))),
        Column(
            "name",
            NameInReaderLanguage(),
            string(_("Name in the answer's language (`lang`), else in English.")),
            in_tables=False,
        ),
        Column("name_en", "name_en", string(_("Name in English."))),
        Column("name_local", "name_local", string(_("Name in the official language."))),
        Column("name_ru", "name_ru", string(_("Name in Russian."))),
        Column("unit_type", "unit_type", string(_("e.g. Rayon, Municipality."))),
        Column("economic_region", "economic_region", string(_("Economic region, if any."))),
        Column("area_km2", rounded("area_km2", 3), number(_("Geodesic area, km²."), True)),
        *AREA_FIGURE_COLUMNS,
    ],
)
