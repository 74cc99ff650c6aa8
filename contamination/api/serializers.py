"""The public JSON contract: which properties each resource has, what they mean, their types.

Geo resources are not serialised in Python: each `GeoResource` lists its columns as database
expressions, and PostgreSQL writes the GeoJSON (contamination/geojson.py) or the CSV (COPY)
from them. The same list documents the OpenAPI schema, so the schema and the output cannot
drift apart. Plain resources (organisations, sources, changes, statistics) use DRF
serializers.
"""

import math
from dataclasses import dataclass, field

from django.contrib.gis.db.models.functions import SnapToGrid
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Round
from rest_framework import serializers

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

# --- Columns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One property: its database expression, its OpenAPI schema (with a description)."""

    name: str
    source: object
    schema: dict
    csv: object = None  # a different expression for CSV (arrays joined, ISO timestamps)

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


def rounded(value, places):
    """A number rounded in the database, written as a plain float (0.5, not 0.500000)."""
    return Cast(Round(_expression(value), places), FloatField())


def _expression(value):
    return F(value) if isinstance(value, str) else value


def string(description, **extra):
    return {"type": "string", "description": description, **extra}


def nullable_string(description, **extra):
    return {"type": "string", "nullable": True, "description": description, **extra}


def integer(description, nullable=False):
    schema = {"type": "integer", "description": description}
    return {**schema, "nullable": True} if nullable else schema


def number(description, nullable=False):
    schema = {"type": "number", "description": description}
    return {**schema, "nullable": True} if nullable else schema


def choice(choices, description, nullable=False):
    values = [value for value, _ in choices]
    labels = "; ".join(f"`{value}`: {label}" for value, label in choices)
    schema = {"type": "string", "enum": values, "description": f"{description} {labels}."}
    if nullable:
        schema = {**schema, "nullable": True, "enum": [*values, None]}
    return schema


def choice_array(choices, description):
    labels = "; ".join(f"`{value}`: {label}" for value, label in choices)
    return {
        "type": "array",
        "items": {"type": "string", "enum": [value for value, _ in choices]},
        "description": f"{description} {labels}. In CSV, joined with `;`.",
    }


def date(description, nullable=True):
    schema = {"type": "string", "format": "date", "description": description}
    return {**schema, "nullable": True} if nullable else schema


def timestamp(description, nullable=True):
    schema = {"type": "string", "format": "date-time", "description": description}
    return {**schema, "nullable": True} if nullable else schema


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
        Column("published_at", "published_at", timestamp("When the record was published.")),
        Column(
            "updated_at",
            "updated_at",
            timestamp("Last change to the record (UTC).", nullable=False),
        ),
    ]


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

    def geometry(self):
        """The geometry as published (an expression)."""
        return F(self.geometry_field)

    def properties(self):
        return {column.name: column.source for column in self.columns}

    def csv_columns(self):
        columns = {column.name: column.csv_source for column in self.columns}
        return columns

    def property_schema(self):
        return {
            "type": "object",
            "properties": {column.name: column.schema for column in self.columns},
            "required": [column.name for column in self.columns],
        }


class GeneralisedIncidentResource(GeoResource):
    """Incident locations snapped to a grid matching their stated precision."""

    def geometry(self):
        return generalised_location()


# Grid size (degrees) a published incident location is snapped to, by its precision: an exact
# location is kept to ~1 m, a settlement to ~1 km, a district to ~10 km.
LOCATION_GRID_DEG = {
    Incident.LocationPrecision.EXACT: 0.00001,
    Incident.LocationPrecision.APPROXIMATE: 0.001,
    Incident.LocationPrecision.SETTLEMENT: 0.01,
    Incident.LocationPrecision.DISTRICT: 0.1,
}


def generalised_location():
    grid = Case(
        *[
            When(location_precision=precision, then=Value(size))
            for precision, size in LOCATION_GRID_DEG.items()
        ],
        default=Value(0.1),
        output_field=FloatField(),
    )
    return SnapToGrid("location", grid)


HAZARD_AREAS = GeoResource(
    name="hazard_areas",
    model=HazardArea,
    geometry_field="geometry",
    geometry_type="MultiPolygon",
    columns=[
        Column("reference", "reference", string("Public reference, stable across imports.")),
        Column("name", "name", string("Name used by the surveyors.")),
        Column(
            "category",
            "category",
            choice(HazardArea.Category.choices, "Evidence for the hazard."),
        ),
        Column("status", "status", choice(HazardArea.Status.choices, "Where release stands.")),
        Column(
            "hazard_types",
            "hazard_types",
            choice_array(HazardArea.HazardType.choices, "Kinds of explosive ordnance."),
        ),
        Column(
            "area_m2",
            Round("area_m2"),
            number("Geodesic area in square metres (WGS 84 ellipsoid), rounded.", True),
        ),
        Column("area", "admin_area__code", nullable_string(AREA_CODE_TEXT)),
        Column("identified_on", "identified_on", date("When the area was recorded.")),
        Column(
            "surveyed_by",
            "surveyed_by_id",
            integer("Id of the organisation that surveyed it (see /api/v1/organisations/).", True),
        ),
        Column(
            "geometry_precision",
            "geometry_precision",
            choice(HazardArea.GeometryPrecision.choices, "How exactly the boundary is known."),
        ),
        Column(
            "blocked_land_use",
            "blocked_land_use",
            choice_array(HazardArea.LandUse.choices, "Land use the contamination blocks."),
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
        Column("reference", "reference", string("Public reference, stable across imports.")),
        Column(
            "method",
            "method",
            choice(LandRelease.Method.choices, "How the land was released."),
        ),
        Column(
            "hazard_area",
            "hazard_area_id",
            integer("Id of the hazard area this released, where known.", True),
        ),
        Column(
            "area_m2",
            Round("area_m2"),
            number("Geodesic area in square metres (WGS 84 ellipsoid), rounded.", True),
        ),
        Column("area", "admin_area__code", nullable_string(AREA_CODE_TEXT)),
        Column("started_on", "started_on", date("When work started.")),
        Column("completed_on", "completed_on", date("When the land was handed over.")),
        Column(
            "organisation",
            "organisation_id",
            integer("Id of the operator that released it (see /api/v1/organisations/).", True),
        ),
        Column("ap_mines_found", "ap_mines_found", integer("Anti-personnel mines destroyed.")),
        Column("at_mines_found", "at_mines_found", integer("Anti-vehicle mines destroyed.")),
        Column("uxo_found", "uxo_found", integer("Unexploded ordnance destroyed.")),
        Column("other_items_found", "other_items_found", integer("Other items destroyed.")),
        source_ids(LandReleaseSource, "land_release"),
        *publication_columns(),
    ],
)


def _casualties(name, description, **condition):
    lookups = {f"casualties__{key}": value for key, value in condition.items()}
    return Column(name, Count("casualties", filter=Q(**lookups)), integer(description))


INCIDENTS = GeneralisedIncidentResource(
    name="incidents",
    model=Incident,
    geometry_field="location",
    geometry_type="Point",
    point_columns=True,
    columns=[
        Column("reference", "reference", string("Public reference, stable across imports.")),
        Column("occurred_on", "occurred_on", date("When it happened.", nullable=False)),
        Column(
            "occurred_on_precision",
            "occurred_on_precision",
            choice(Incident._meta.get_field("occurred_on_precision").choices, "Date known to."),
        ),
        Column(
            "location_precision",
            "location_precision",
            choice(
                Incident.LocationPrecision.choices,
                "How exactly the location is known. The published point is generalised to "
                "match: about 1 m (exact), 100 m (approximate), 1 km (settlement), 10 km "
                "(district).",
            ),
        ),
        Column("area", "admin_area__code", nullable_string(AREA_CODE_TEXT)),
        Column("device_type", "device_type", choice(Incident.DeviceType.choices, "The device.")),
        Column(
            "activity",
            "activity",
            choice(Incident.Activity.choices, "What the people involved were doing."),
        ),
        Column(
            "is_in_hazard_area",
            "is_in_hazard_area",
            {
                "type": "boolean",
                "description": "Whether the location lies in a published hazard area.",
            },
        ),
        Column("summary", "summary", string("What happened, without identifying details.")),
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
        "hazard_areas", "figure_hazard_areas", integer("Hazard areas still to release (count).")
    ),
    Column("hazard_km2", rounded("figure_hazard_km2", 6), number("Their geodesic area, km².")),
    Column(
        "share_pct",
        rounded("figure_share_pct", 4),
        number("That area as a percentage of the unit's area."),
    ),
    Column("land_releases", "figure_land_releases", integer("Land releases (count).")),
    Column(
        "released_cancelled_km2",
        rounded("figure_released_cancelled_km2", 6),
        number("Land cancelled by non-technical survey, km²."),
    ),
    Column(
        "released_reduced_km2",
        rounded("figure_released_reduced_km2", 6),
        number("Land reduced by technical survey, km²."),
    ),
    Column(
        "released_cleared_km2",
        rounded("figure_released_cleared_km2", 6),
        number("Land cleared, km²."),
    ),
    Column(
        "released_km2",
        rounded(
            F("figure_released_cancelled_km2")
            + F("figure_released_reduced_km2")
            + F("figure_released_cleared_km2"),
            6,
        ),
        number("All land released, km² (the three methods added)."),
    ),
    Column("incidents", "figure_incidents", integer("Incidents (count).")),
    Column("killed", "figure_killed", integer("People killed in those incidents.")),
    Column("injured", "figure_injured", integer("People injured in those incidents.")),
    Column(
        "casualties", F("figure_killed") + F("figure_injured"), integer("People killed or injured.")
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
        Column("code", "code", string("ISO 3166 code (3166-2 for units).")),
        Column("level", "level", integer("0 country, 1 first-level unit.")),
        Column("parent", "parent__code", nullable_string("Code of the country of a unit.")),
        Column("name_en", "name_en", string("Name in English.")),
        Column("name_local", "name_local", string("Name in the official language.")),
        Column("name_ru", "name_ru", string("Name in Russian.")),
        Column("unit_type", "unit_type", string("e.g. Rayon, Municipality.")),
        Column("economic_region", "economic_region", string("Economic region, if any.")),
        Column("area_km2", rounded("area_km2", 3), number("Geodesic area, km².", True)),
        *AREA_FIGURE_COLUMNS,
    ],
)


def zoom_options(zoom, precision):
    """Simplification tolerance (degrees) and decimals for a web-map zoom level.

    One screen pixel at zoom z spans 360 / (256 * 2^z) degrees of longitude: simplify to
    half of that and keep one decimal more than a pixel needs.
    """
    if zoom is None:
        return {"precision": precision}
    pixel_deg = 360 / (256 * 2**zoom)
    decimals = math.ceil(math.log10(1 / pixel_deg)) + 1
    return {"precision": max(1, min(precision, decimals)), "tolerance": pixel_deg / 2}


CLUSTER_CELL_PX = 60  # roughly the size of a marker, so that clustered markers do not overlap


def cluster_cell_deg(zoom):
    return CLUSTER_CELL_PX * 360 / (256 * 2**zoom)


# --- Schemas of the GeoJSON responses ---------------------------------------------------


def geometry_schema(geometry_type):
    position = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 3}
    if geometry_type == "Point":
        coordinates = position
    else:  # MultiPolygon: polygons of rings of positions
        coordinates = {
            "type": "array",
            "items": {"type": "array", "items": {"type": "array", "items": position}},
        }
    return {
        "type": "object",
        "description": f"A GeoJSON {geometry_type} in WGS 84 longitude/latitude.",
        "properties": {
            "type": {"type": "string", "enum": [geometry_type], "description": "Geometry type."},
            "coordinates": {
                **coordinates,
                "description": "Longitude, latitude (WGS 84 degrees), nested as GeoJSON says.",
            },
        },
        "required": ["type", "coordinates"],
    }


def feature_schema(resource, id_description="The record's id."):
    return {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["Feature"], "description": "Always `Feature`."},
            "id": {"type": "integer", "description": id_description},
            "geometry": {**geometry_schema(resource.geometry_type), "nullable": True},
            "properties": {
                **resource.property_schema(),
                "description": "The record's fields (see each).",
            },
        },
        "required": ["type", "id", "geometry", "properties"],
    }


def page_link(description):
    return {"type": "string", "format": "uri", "nullable": True, "description": description}


def feature_collection_schema(resource, paginated=True):
    properties = {
        "type": {
            "type": "string",
            "enum": ["FeatureCollection"],
            "description": "Always `FeatureCollection`.",
        }
    }
    if paginated:
        properties.update(
            count={
                "type": "integer",
                "description": "Features matching the filters, on all pages.",
            },
            next=page_link("The next page, or null on the last."),
            previous=page_link("The previous page, or null on the first."),
        )
    properties["features"] = {
        "type": "array",
        "items": feature_schema(resource),
        "description": "The features of this page, in the requested order.",
    }
    return {
        "type": "object",
        "description": "A GeoJSON FeatureCollection (RFC 7946): WGS 84 longitude/latitude, "
        "no `crs` member.",
        "properties": properties,
        "required": list(properties),
    }


CLUSTER_SCHEMA = {
    "type": "object",
    "description": "Incidents aggregated to a grid cell whose size follows the zoom: a GeoJSON "
    "FeatureCollection of points at the centre of each cell's (generalised) incidents.",
    "properties": {
        "type": {
            "type": "string",
            "enum": ["FeatureCollection"],
            "description": "Always `FeatureCollection`.",
        },
        "cell_deg": {"type": "number", "description": "Side of the grid cell, in degrees."},
        "features": {
            "type": "array",
            "description": "One point per grid cell holding incidents, the largest first.",
            "items": {
                "type": "object",
                "properties": {
                    "type": {
                        "type": "string",
                        "enum": ["Feature"],
                        "description": "Always `Feature`.",
                    },
                    "geometry": geometry_schema("Point"),
                    "properties": {
                        "type": "object",
                        "description": "What the cell holds.",
                        "properties": {
                            "count": integer("Incidents in the cell."),
                            "killed": integer("People killed in them."),
                            "injured": integer("People injured in them."),
                            "incident": integer(
                                "The incident's id when the cell holds exactly one.", True
                            ),
                        },
                        "required": ["count", "killed", "injured", "incident"],
                    },
                },
                "required": ["type", "geometry", "properties"],
            },
        },
    },
    "required": ["type", "cell_deg", "features"],
}


# --- Plain serializers ------------------------------------------------------------------


class RoundedFloatField(serializers.FloatField):
    """A float rounded for display: figures in km² to the square metre."""

    def __init__(self, *, decimals=6, **kwargs):
        self.decimals = decimals
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return round(float(value), self.decimals)


class OrganisationSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(
        choices=Organisation.Kind.choices, help_text="What kind of body it is."
    )

    class Meta:
        model = Organisation
        fields = ["id", "name", "acronym", "kind", "country", "website", "updated_at"]
        extra_kwargs = {
            "id": {"help_text": "The organisation's id, as records cite it."},
            "website": {"help_text": "Its website, if any."},
            "name": {"help_text": "Full name."},
            "acronym": {"help_text": "Short name, if any."},
            "updated_at": {"help_text": "Last change (UTC)."},
        }


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = [
            "id",
            "publisher",
            "title",
            "url",
            "published_on",
            "accessed_on",
            "archived_url",
            "language",
            "is_reprint",
            "note",
            "updated_at",
        ]
        extra_kwargs = {
            "id": {"help_text": "The source's id, as records cite it (`sources`)."},
            "updated_at": {"help_text": "Last change (UTC)."},
        }


def paginated(serializer_class):
    """A page of `serializer_class` rows, as the plain lists answer it."""
    name = serializer_class.__name__.removesuffix("Serializer")
    return type(
        f"Paginated{name}List",
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(help_text="Rows matching, on all pages."),
            "next": serializers.URLField(allow_null=True, help_text="The next page."),
            "previous": serializers.URLField(allow_null=True, help_text="The previous page."),
            "results": serializer_class(many=True, help_text="The rows of this page."),
        },
    )


class ChangeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["hazard_area", "land_release", "incident"], help_text="Which kind of record."
    )
    id = serializers.IntegerField(help_text="The record's id.")
    reference = serializers.CharField(help_text="The record's public reference.")
    change = serializers.ChoiceField(
        choices=["published", "changed", "retracted", "deleted"],
        help_text="`published`: first published since `since`; `changed`: a published record "
        "changed; `retracted`: withdrawn (keep it, marked, or drop it from your copy); "
        "`deleted`: removed outright (drop it).",
    )
    changed_at = serializers.DateTimeField(help_text="When the change was made (UTC).")
    published_at = serializers.DateTimeField(
        allow_null=True, help_text="When the record was first published."
    )
    retracted_at = serializers.DateTimeField(allow_null=True, help_text="When it was retracted.")
    retraction_note = serializers.CharField(help_text="Why it was retracted (empty otherwise).")
    url = serializers.CharField(
        allow_null=True,
        help_text="The record in the API (a GeoJSON Feature), null for deleted records.",
    )


class PaginatedChangesSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Changes matching, on all pages.")
    next = serializers.URLField(allow_null=True, help_text="The next page.")
    previous = serializers.URLField(allow_null=True, help_text="The previous page.")
    data_version = serializers.DateTimeField(
        allow_null=True,
        help_text="Time of the last published change: pass it as `since` next time.",
    )
    results = ChangeSerializer(many=True, help_text="The changes, oldest first.")


class HazardTotalsSerializer(serializers.Serializer):
    suspected_km2 = RoundedFloatField(help_text="Suspected hazardous areas still to release.")
    confirmed_km2 = RoundedFloatField(help_text="Confirmed hazardous areas still to release.")
    total_km2 = RoundedFloatField(help_text="Both categories.")
    suspected_count = serializers.IntegerField(help_text="Suspected areas (count).")
    confirmed_count = serializers.IntegerField(help_text="Confirmed areas (count).")
    total_count = serializers.IntegerField(help_text="Both categories (count).")


class ReleaseTotalsSerializer(serializers.Serializer):
    cancelled_km2 = RoundedFloatField(help_text="Cancelled by non-technical survey.")
    reduced_km2 = RoundedFloatField(help_text="Reduced by technical survey.")
    cleared_km2 = RoundedFloatField(help_text="Cleared.")
    total_km2 = RoundedFloatField(help_text="All three methods.")
    count = serializers.IntegerField(help_text="Land releases (count).")


class ItemsSerializer(serializers.Serializer):
    ap_mines = serializers.IntegerField(help_text="Anti-personnel mines found and destroyed.")
    at_mines = serializers.IntegerField(help_text="Anti-vehicle mines found and destroyed.")
    uxo = serializers.IntegerField(help_text="Unexploded ordnance found and destroyed.")
    other = serializers.IntegerField(help_text="Other explosive items.")
    total = serializers.IntegerField(help_text="All items.")


class CasualtyTotalsSerializer(serializers.Serializer):
    incidents = serializers.IntegerField(help_text="Incidents (count).")
    killed = serializers.IntegerField(help_text="People killed.")
    injured = serializers.IntegerField(help_text="People injured.")
    total = serializers.IntegerField(help_text="People killed or injured.")
    civilians = serializers.IntegerField(help_text="Civilian casualties.")
    deminers = serializers.IntegerField(help_text="Deminer casualties.")
    military = serializers.IntegerField(help_text="Military or security casualties.")
    children = serializers.IntegerField(help_text="Casualties under 18.")


class CoverageSerializer(serializers.Serializer):
    records = serializers.IntegerField(help_text="Records counted.")
    first_on = serializers.DateField(allow_null=True, help_text="Earliest main date.")
    last_on = serializers.DateField(allow_null=True, help_text="Latest main date.")
    demo_records = serializers.IntegerField(help_text="How many of them are demo data.")


class CoveragesSerializer(serializers.Serializer):
    hazard_areas = CoverageSerializer(help_text="By `identified_on`.")
    land_releases = CoverageSerializer(help_text="By `completed_on`.")
    incidents = CoverageSerializer(help_text="By `occurred_on`.")


class StatsEnvelopeSerializer(serializers.Serializer):
    data_version = serializers.DateTimeField(
        allow_null=True, help_text="Time of the last published change behind the figures."
    )
    filters = serializers.DictField(
        child=serializers.CharField(), help_text="The filters applied, as given."
    )


class SummarySerializer(StatsEnvelopeSerializer):
    hazards = HazardTotalsSerializer(help_text="Hazard areas still to release.")
    releases = ReleaseTotalsSerializer(help_text="Land released, by method.")
    items = ItemsSerializer(help_text="Items found during release, by type.")
    casualties = CasualtyTotalsSerializer(help_text="Incidents and casualties.")
    demo_records = serializers.IntegerField(help_text="Demo records among those counted.")
    coverage = CoveragesSerializer(help_text="What the records behind the figures cover.")


class GroupSerializer(serializers.Serializer):
    key = serializers.CharField(
        allow_null=True,
        help_text="The group: a year (`2023`), a month (`2023-05`), an area code, an "
        "organisation id or a category value; null when not recorded.",
    )
    label = serializers.CharField(help_text="The group's name for people.")


class ReleaseGroupSerializer(GroupSerializer):
    cancelled_km2 = RoundedFloatField(help_text="Cancelled by non-technical survey.")
    reduced_km2 = RoundedFloatField(help_text="Reduced by technical survey.")
    cleared_km2 = RoundedFloatField(help_text="Cleared.")
    total_km2 = RoundedFloatField(help_text="All three methods.")
    count = serializers.IntegerField(help_text="Land releases (count).")


class ItemsGroupSerializer(GroupSerializer, ItemsSerializer):
    pass


class CasualtyGroupSerializer(GroupSerializer):
    killed = serializers.IntegerField(help_text="People killed.")
    injured = serializers.IntegerField(help_text="People injured.")
    total = serializers.IntegerField(help_text="People killed or injured.")


class ReleaseStatsSerializer(StatsEnvelopeSerializer):
    group_by = serializers.CharField(help_text="How the rows are grouped.")
    results = ReleaseGroupSerializer(many=True, help_text="One row per group.")


class ItemsStatsSerializer(StatsEnvelopeSerializer):
    group_by = serializers.CharField(help_text="How the rows are grouped.")
    totals = ItemsSerializer(help_text="All groups together.")
    results = ItemsGroupSerializer(many=True, help_text="One row per group.")


class CasualtyStatsSerializer(StatsEnvelopeSerializer):
    group_by = serializers.CharField(help_text="How the rows are grouped.")
    results = CasualtyGroupSerializer(many=True, help_text="One row per group.")


class AreaFiguresSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="ISO 3166 code.")
    name = serializers.CharField(help_text="Name in English.")
    level = serializers.IntegerField(help_text="0 country, 1 first-level unit.")
    area_km2 = RoundedFloatField(decimals=3, help_text="Geodesic area of the unit, km².")
    hazard_areas = serializers.IntegerField(help_text="Hazard areas still to release.")
    hazard_km2 = RoundedFloatField(help_text="Their area, km².")
    share_pct = RoundedFloatField(decimals=4, help_text="Share of the unit's area, %.")
    land_releases = serializers.IntegerField(help_text="Land releases (count).")
    released_cancelled_km2 = RoundedFloatField(help_text="Cancelled, km².")
    released_reduced_km2 = RoundedFloatField(help_text="Reduced, km².")
    released_cleared_km2 = RoundedFloatField(help_text="Cleared, km².")
    released_km2 = RoundedFloatField(help_text="All methods, km².")
    incidents = serializers.IntegerField(help_text="Incidents (count).")
    killed = serializers.IntegerField(help_text="People killed.")
    injured = serializers.IntegerField(help_text="People injured.")
    casualties = serializers.IntegerField(help_text="People killed or injured.")


class AreaStatsSerializer(StatsEnvelopeSerializer):
    results = AreaFiguresSerializer(many=True, help_text="One row per area.")


ERROR_SCHEMA = {
    "type": "object",
    "description": "What is wrong with the request: each key names a query parameter (or "
    "`detail` for the request as a whole), each value lists its problems, e.g. "
    '`{"bbox": ["Expected 4 numbers minLon,minLat,maxLon,maxLat; got 3 values."]}`.',
    "additionalProperties": {
        "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]
    },
}

DETAIL_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What happened, for people."}},
    "required": ["detail"],
}

GONE_SCHEMA = {
    "type": "object",
    "description": "The record was retracted: it stays listed in /api/v1/changes/ with its note.",
    "properties": {
        "detail": {"type": "string", "description": "Says that the record was retracted."},
        "reference": {"type": "string", "description": "The record's public reference."},
        "retracted_at": {
            "type": "string",
            "format": "date-time",
            "nullable": True,
            "description": "When it was retracted (UTC).",
        },
        "retraction_note": {"type": "string", "description": "Why it was retracted."},
    },
    "required": ["detail", "reference", "retracted_at", "retraction_note"],
}
