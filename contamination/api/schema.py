"""The OpenAPI description: schema helpers, the shared parameters and error answers.

Page limits in the descriptions are read from the view classes, so the schema says what the
views do. The property schemas of the geo resources come from their column contract
(resources.py), so the schema and the output cannot drift apart.
"""

from django.conf import settings
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)

MAX_ID = 2**63 - 1  # PostgreSQL bigint: a larger id cannot exist (and must not reach SQL)


class DescribedFilterExtension(DjangoFilterExtension):
    """Keep a filter's help_text as its description when its type is set by hand
    (drf-spectacular drops it then)."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        help_text = filter_field.extra.get("help_text")
        for parameter in parameters:
            if help_text and not parameter.get("description"):
                parameter["description"] = help_text
        return parameters


class PublicSchema(AutoSchema):
    """Document the FilterSet's parameters on every view that has one, lists or not (the
    GeoJSON lists are described by raw schemas, which drf-spectacular does not take for
    lists)."""

    def get_filter_backends(self):
        if getattr(self.view, "filterset_class", None):
            return self.view.filter_backends
        return []

    def get_override_parameters(self):
        parameters = [*super().get_override_parameters(), LANGUAGE]
        if getattr(self.view, "answers_as_of", False):  # past_state.AsOfMixin
            parameters = [*parameters, AS_OF]
        return parameters


LANGUAGE = OpenApiParameter(
    "lang",
    OpenApiTypes.STR,
    enum=[code for code, _name in settings.LANGUAGES],
    description="The language of names and labels (area names, choices' labels, messages): "
    "`az`, `ru` or `en`. Without it, Accept-Language decides, else English. Codes, ids and "
    "CSV headers are the same in every language.",
)


AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.STR,
    description="Answer from the records as they were public at this moment: a data version "
    "(as in `data_version` or the X-Data-Version header), an ISO 8601 date-time (UTC if no "
    "zone) or a date (the end of that day, UTC). Not in the future; before the first record, "
    "the answer is empty.",
)


# In a `parameters` list given to `get_schema`: the view's own `page` and `page_size`.
PAGES = object()


def get_schema(**kwargs):
    """Describe a view's GET (operation ids belong to methods, not classes).

    `PAGES` among the parameters stands for the view's page parameters, described with the
    limits the view class sets (`default_page_size`, `max_page_size`).
    """

    def decorate(view_class):
        options = dict(kwargs)
        if "parameters" in options:
            options["parameters"] = [
                described
                for parameter in options["parameters"]
                for described in (
                    view_page_parameters(view_class) if parameter is PAGES else [parameter]
                )
            ]
        return extend_schema_view(get=extend_schema(**options))(view_class)

    return decorate


MAX_PAGE = 10**9  # no list has that many pages; a larger one is refused before SQL


def page_parameters(default_size, max_size):
    return [
        OpenApiParameter(
            "page",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            description="Page number, from 1. Past the last page: 404.",
        ),
        OpenApiParameter(
            "page_size",
            {"type": "integer", "minimum": 1, "maximum": max_size},
            description=f"Items per page, {default_size} by default, at most {max_size}.",
        ),
    ]


def view_page_parameters(view_class):
    return page_parameters(view_class.default_page_size, view_class.max_page_size)


def id_parameter(description):
    """A record's integer id in the path (never larger than a bigint)."""
    return OpenApiParameter(
        "id",
        {"type": "integer", "minimum": 0, "maximum": MAX_ID},
        OpenApiParameter.PATH,
        description=description,
    )


RECORD_ID = id_parameter("The record's id (the `id` of its Feature in the lists).")

FORMAT_GEO = OpenApiParameter(
    "format",
    str,
    enum=["geojson", "json", "csv"],
    description="`geojson` (default, `application/geo+json`), `json` (the same GeoJSON as "
    "`application/json`) or `csv` (properties, geometry as WKT; `lon`/`lat` for points).",
)
FORMAT_JSON = OpenApiParameter("format", str, enum=["json"], description="Only `json`.")
FORMAT_GEOJSON_OR_JSON = OpenApiParameter(
    "format",
    str,
    enum=["geojson", "json"],
    description="`geojson` (default) or `json`.",
)

ZOOM_SCHEMA = {"type": "integer", "minimum": 0, "maximum": 22}
ZOOM = OpenApiParameter(
    "zoom",
    ZOOM_SCHEMA,
    description="Web-map zoom level 0-22 (map layers): geometry is simplified "
    "(ST_SimplifyPreserveTopology to half a pixel) and coordinates rounded to suit the "
    "scale. Leave it out for full detail.",
)


def refuse_empty_values(result, generator, request, public):
    """drf-spectacular post-processing hook: every text query parameter says `minLength: 1`
    and every list `minItems: 1`, as the views refuse an empty value (`?bbox=`) with a 400
    (base.StrictQueryMixin)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter.get("in") != "query":
                    continue
                if schema.get("type") == "string":
                    schema.setdefault("minLength", 1)
                elif schema.get("type") == "array":
                    schema.setdefault("minItems", 1)
    return result


# --- Answers every view may give ---------------------------------------------------------


def error_responses():
    return {
        (400, "application/json"): OpenApiResponse(
            ERROR_SCHEMA, description="A parameter is unknown or malformed."
        ),
        (429, "application/json"): OpenApiResponse(
            DETAIL_SCHEMA, description="Too many requests: wait `Retry-After` seconds."
        ),
    }


def not_modified_response():
    return {304: OpenApiResponse(description="Not modified since the ETag/date you sent.")}


def no_page_response():
    return {(404, "application/json"): OpenApiResponse(DETAIL_SCHEMA, description="No page.")}


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


# --- Property schemas --------------------------------------------------------------------


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


def _joined_labels(choices):
    return "; ".join(f"`{value}`: {label}" for value, label in choices)


# "`sha`: Suspected hazardous area (SHA); …", joined when read, in the language read in. One
# lazy function for every call: lazy() itself builds a proxy class each time it is called.
choice_labels = lazy(_joined_labels, str)


def choice(choices, description, nullable=False):
    values = [value for value, _label in choices]
    schema = {
        "type": "string",
        "enum": values,
        "description": format_lazy("{} {}.", description, choice_labels(choices)),
    }
    if nullable:
        schema = {**schema, "nullable": True, "enum": [*values, None]}
    return schema


def choice_array(choices, description):
    return {
        "type": "array",
        "items": {"type": "string", "enum": [value for value, _label in choices]},
        "description": format_lazy(
            "{} {}. {}", description, choice_labels(choices), _("In CSV, joined with `;`.")
        ),
    }


def date(description, nullable=True):
    schema = {"type": "string", "format": "date", "description": description}
    return {**schema, "nullable": True} if nullable else schema


def timestamp(description, nullable=True):
    schema = {"type": "string", "format": "date-time", "description": description}
    return {**schema, "nullable": True} if nullable else schema


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
                "nullable": True,
                "description": "Features matching the filters, on all pages. Null on a map "
                "layer's page (a request with `zoom`) that has pages after it: follow `next`.",
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


# --- The descriptions of each kind of view -----------------------------------------------


def geo_list_schema(resource, tag, description, *, zoom=True):
    parameters = [FORMAT_GEO, PAGES]
    if zoom:
        parameters.append(ZOOM)
    return get_schema(
        operation_id=f"{resource.name}_list",
        tags=[tag],
        description=description,
        parameters=parameters,
        responses={
            (200, "application/geo+json"): OpenApiResponse(
                feature_collection_schema(resource),
                description="A page of features. `count`, `next` and `previous` are "
                "foreign members of the FeatureCollection (RFC 7946 §6.1).",
            ),
            (200, "application/json"): OpenApiResponse(feature_collection_schema(resource)),
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description="The same page as CSV; `X-Total-Count` gives the total and `Link` "
                "(RFC 8288) the next and previous pages.",
            ),
            **not_modified_response(),
            **error_responses(),
            **no_page_response(),
        },
    )


def geo_detail_schema(resource, tag):
    return get_schema(
        operation_id=f"{resource.name}_retrieve",
        tags=[tag],
        description=f"One published record of {tag} as a GeoJSON Feature. A retracted record "
        "answers 410 with its retraction note; a draft or unknown id, 404.",
        parameters=[RECORD_ID, FORMAT_GEOJSON_OR_JSON],
        responses={
            (200, "application/geo+json"): OpenApiResponse(feature_schema(resource)),
            (200, "application/json"): OpenApiResponse(feature_schema(resource)),
            **not_modified_response(),
            **error_responses(),
            (404, "application/json"): OpenApiResponse(
                DETAIL_SCHEMA, description="No published record has this id."
            ),
            (410, "application/json"): OpenApiResponse(
                GONE_SCHEMA, description="The record was retracted."
            ),
        },
    )


def plain_list_schema(page_serializer, tag, description):
    return get_schema(
        tags=[tag],
        description=description,
        parameters=[FORMAT_JSON, PAGES],
        responses={
            (200, "application/json"): page_serializer,
            **not_modified_response(),
            **error_responses(),
            **no_page_response(),
        },
    )


def group_parameter(choices, default):
    return OpenApiParameter(
        "group_by",
        str,
        enum=list(choices),
        description=f"How to group the figures (default `{default}`).",
    )


FORMAT_STATS = OpenApiParameter(
    "format",
    str,
    enum=["json", "csv"],
    description="`json` (default) or `csv`: one row per group (or one row of totals), nested "
    "figures as `hazards.total_km2`, with the data version in each row.",
)


def stats_schema(serializer, description, parameters=()):
    return get_schema(
        tags=["statistics"],
        description=description + " Computed in the database from published records only; "
        "filters as in the lists (each applies to the record kinds that have that field).",
        parameters=[FORMAT_STATS, *parameters],
        responses={
            (200, "application/json"): serializer,
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="The same figures as CSV."
            ),
            **not_modified_response(),
            **error_responses(),
        },
    )
