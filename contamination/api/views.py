"""The public, read-only API (version 1).

Geo resources are answered with text PostgreSQL writes (GeoJSON via contamination/geojson.py,
CSV via COPY), never by serialising geometries in Python. Every answer carries the data
version as ETag/Last-Modified and is cached under it (see versioning.py). Every parameter is
validated: an unknown or malformed one is a 400 naming it.
"""

import io
import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.gis.db.models import GeometryField
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import FloatField, Func, TextField, Value
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

from contamination import geojson, stats
from contamination.api import filters
from contamination.api import serializers as s
from contamination.api.versioning import (
    cached_count,
    data_version,
    version_text,
    versioned_response,
)
from contamination.geojson import SimplifyPreserveTopology
from contamination.models import (
    AdminArea,
    HazardArea,
    Incident,
    LandRelease,
    Organisation,
    Source,
)
from contamination.querysets import PublicationStatus

# --- Plumbing shared by every view ------------------------------------------------------


class QueryParameterNegotiation(DefaultContentNegotiation):
    """Leave `?format=` to the views: DRF would answer an unknown format with a bare 404."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class GeoJSONRenderer(BaseRenderer):
    media_type = "application/geo+json"
    format = "geojson"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data).encode()


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else json.dumps(data).encode()


class AnonymousThrottle(SimpleRateThrottle):
    """Requests per client address; the rate is read from settings on each request."""

    scope = "anon"
    setting = "API_RATE_LIMIT"

    def get_rate(self):
        return getattr(settings, self.setting)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class DownloadThrottle(AnonymousThrottle):
    scope = "download"
    setting = "API_DOWNLOAD_RATE_LIMIT"


def get_schema(**kwargs):
    """Describe a view's GET (operation ids belong to methods, not classes)."""
    return extend_schema_view(get=extend_schema(**kwargs))


def bad_request(parameter, message):
    return ValidationError({parameter: [message]})


PAGE_PARAMETERS = {"page", "page_size"}
MAX_PAGE = 10**9
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


class PublicAPIView(GenericAPIView):
    """Read-only, strict about its query parameters, versioned answers."""

    schema = PublicSchema()
    content_negotiation_class = QueryParameterNegotiation
    throttle_classes = [AnonymousThrottle]
    renderer_classes = [JSONRenderer]
    formats = ("json",)
    extra_parameters = set()  # accepted besides the FilterSet's, `format` and pagination
    multi_valued = {"method", "category", "status", "hazard_type", "device_type", "kind"}
    multi_valued |= {"casualty_group"}
    paginated = True

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors raised as exceptions are plain JSON, whatever the resource's own format.
        if isinstance(response, Response):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def allowed_parameters(self):
        allowed = {"format"} | set(self.extra_parameters)
        if self.paginated:
            allowed |= PAGE_PARAMETERS
        if getattr(self, "filterset_class", None):
            allowed |= set(self.filterset_class.base_filters)
        return allowed

    def check_query(self, request):
        """Reject unknown parameters, repeated single values and unknown formats (400)."""
        allowed = self.allowed_parameters()
        errors = {}
        for name, values in request.GET.lists():
            if name not in allowed:
                errors[name] = [f"Unknown parameter. Accepted here: {', '.join(sorted(allowed))}."]
            elif len(values) > 1 and name not in self.multi_valued:
                errors[name] = ["Given more than once; give it once."]
        output = request.GET.get("format", self.formats[0])
        if "format" not in errors and output not in self.formats:
            errors["format"] = [f"Unknown format {output[:20]!r}; use {', '.join(self.formats)}."]
        if errors:
            raise ValidationError(errors)
        return output

    def filterset(self, queryset):
        """The validated FilterSet for this request (400 naming the bad parameters)."""
        filterset = self.filterset_class(self.request.GET, queryset=queryset, request=self.request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset

    def page_numbers(self, request, default_size, max_size):
        page = _positive_int(request, "page", 1, None)
        size = _positive_int(request, "page_size", default_size, max_size)
        if page > MAX_PAGE:  # no such page; its offset would not even fit in SQL's bigint
            raise NotFound(f"Page {page} is past the last page.")
        return page, size

    def page_links(self, request, page, size, count):
        last = max(1, -(-count // size))
        if page > last:
            raise NotFound(f"Page {page} is past the last page ({last}).")

        def link(number):
            query = request.GET.copy()
            query["page"] = number
            return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

        return (link(page + 1) if page < last else None), (link(page - 1) if page > 1 else None)


def _positive_int(request, name, default, maximum):
    text = request.GET.get(name)
    if text is None or text == "":
        return default
    if not text.isdigit() or int(text) < 1:
        raise bad_request(name, f"Expected a whole number from 1, got {text[:20]!r}.")
    value = int(text)
    if maximum and value > maximum:
        raise bad_request(name, f"At most {maximum}.")
    return value


def _zoom(request, *, required=False):
    text = request.GET.get("zoom")
    if text is None or text == "":
        if required:
            raise bad_request("zoom", "Required: the web-map zoom level, 0 to 22.")
        return None
    if not text.isdigit() or int(text) > 22:
        raise bad_request("zoom", f"Expected a whole number from 0 to 22, got {text[:20]!r}.")
    return int(text)


def json_response(data, status_code=200):
    return HttpResponse(
        json.dumps(data, ensure_ascii=False),
        status=status_code,
        content_type="application/json",
    )


def csv_response(content, filename):
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_copy(queryset, columns, geometry, precision, *, points=False):
    """CSV of `queryset` written by PostgreSQL's COPY: a header, the columns, the geometry as
    WKT and, for points, `lon`/`lat`."""
    names = [*columns, "wkt", *(["lon", "lat"] if points else [])]
    expressions = {
        f"c{index}": s._expression(value) for index, value in enumerate(columns.values())
    }
    expressions["c_wkt"] = Func(
        geometry, Value(precision), function="ST_AsText", output_field=TextField()
    )
    if points:
        for name, function in (("c_lon", "ST_X"), ("c_lat", "ST_Y")):
            coordinate = Func(geometry, function=function, output_field=FloatField())
            expressions[name] = s.rounded(coordinate, precision)
    rows = queryset.values(**expressions)
    try:
        inner, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return (",".join(names) + "\r\n").encode()
    selected = [f't.c{index} AS "{name}"' for index, name in enumerate(columns)]
    selected.append('t.c_wkt AS "wkt"')
    if points:
        selected += ['t.c_lon AS "lon"', 't.c_lat AS "lat"']
    return copy_csv(f"SELECT {', '.join(selected)} FROM ({inner}) t", params)


def copy_csv(sql, params):
    """Run COPY (sql) TO STDOUT as CSV with a header; return the bytes."""
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg2's own cursor: COPY is not part of the DB-API
        query = raw.mogrify(sql, params).decode()
        raw.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER)", buffer)
    return buffer.getvalue()


def error_responses():
    return {
        (400, "application/json"): OpenApiResponse(
            s.ERROR_SCHEMA, description="A parameter is unknown or malformed."
        ),
        (429, "application/json"): OpenApiResponse(
            s.DETAIL_SCHEMA, description="Too many requests: wait `Retry-After` seconds."
        ),
    }


def not_modified_response():
    return {304: OpenApiResponse(description="Not modified since the ETag/date you sent.")}


FORMAT_GEO = OpenApiParameter(
    "format",
    str,
    enum=["geojson", "json", "csv"],
    description="`geojson` (default, `application/geo+json`), `json` (the same GeoJSON as "
    "`application/json`) or `csv` (properties, geometry as WKT; `lon`/`lat` for points).",
)
FORMAT_JSON = OpenApiParameter("format", str, enum=["json"], description="Only `json`.")


def page_parameters(default_size, max_size):
    return [
        OpenApiParameter("page", int, description="Page number, from 1. Past the last page: 404."),
        OpenApiParameter(
            "page_size",
            int,
            description=f"Items per page, {default_size} by default, at most {max_size}.",
        ),
    ]


ZOOM = OpenApiParameter(
    "zoom",
    int,
    description="Web-map zoom level 0-22 (map layers): geometry is simplified "
    "(ST_SimplifyPreserveTopology to half a pixel) and coordinates rounded to suit the "
    "scale. Leave it out for full detail.",
)


# --- Geo resources ----------------------------------------------------------------------


class GeoListView(PublicAPIView):
    """A published geo resource as a paginated FeatureCollection or CSV."""

    resource = None
    renderer_classes = [GeoJSONRenderer, JSONRenderer, CSVRenderer]
    formats = ("geojson", "json", "csv")
    default_page_size = 1000
    max_page_size = 10000
    extra_parameters = {"zoom"}

    def get_queryset(self):
        return self.resource.model.objects.published().select_related(None)

    def filtered(self):
        queryset = self.filterset(self.get_queryset()).qs
        return stable_order(queryset)

    def get(self, request, *args, **kwargs):
        output = self.check_query(request)
        return versioned_response(request, lambda version: self.build(request, output, version))

    def geometry(self, zoom):
        geometry = self.resource.geometry()
        options = s.zoom_options(zoom, self.resource.precision)
        if options.get("tolerance") and self.resource.geometry_type != "Point":
            geometry = simplified(geometry, options["tolerance"])
        return geometry, options["precision"]

    def build(self, request, output, version):
        zoom = _zoom(request)
        page, size = self.page_numbers(request, self.default_page_size, self.max_page_size)
        queryset = self.filtered()
        window = queryset[(page - 1) * size : page * size]
        geometry, precision = self.geometry(zoom)
        if output == "csv":
            count = cached_count(queryset, version, f"{request.path}|{_filter_key(request)}")
            following, previous = self.page_links(request, page, size, count)
            content = csv_copy(
                window,
                self.resource.csv_columns(),
                geometry,
                precision,
                points=self.resource.point_columns,
            )
            response = csv_response(content, f"{self.resource.name}.csv")
            response["X-Total-Count"] = str(count)
            links = [
                f'<{url}>; rel="{rel}"'
                for rel, url in (("next", following), ("prev", previous))
                if url
            ]
            if links:
                response["Link"] = ", ".join(links)
            return response
        text, returned = geojson.features(
            window, self.resource.properties(), geometry_field=geometry, precision=precision
        )
        if page == 1 and returned < size:
            count = returned  # the whole result is on this page: no COUNT needed
        else:
            count = cached_count(queryset, version, f"{request.path}|{_filter_key(request)}")
        following, previous = self.page_links(request, page, size, count)
        body = geojson.collection_text(
            text,
            {
                "count": str(count),
                "next": json.dumps(following),
                "previous": json.dumps(previous),
            },
        )
        content_type = "application/json" if output == "json" else "application/geo+json"
        return HttpResponse(body, content_type=content_type)


def stable_order(queryset):
    """The requested order (else the model's), always ending with the id.

    Explicit, because Django drops Meta.ordering from GROUP BY queries (the casualty counts).
    """
    ordering = [str(term) for term in queryset.query.order_by] or list(
        queryset.model._meta.ordering
    )
    if not {"id", "-id", "pk", "-pk"} & set(ordering):
        ordering.append("id")
    return queryset.order_by(*ordering)


def simplified(geometry, tolerance):
    """Simplified for a small scale, still a MultiPolygon (GEOS may return a Polygon)."""
    return Func(
        SimplifyPreserveTopology(geometry, Value(tolerance)),
        function="ST_Multi",
        output_field=GeometryField(srid=4326),
    )


def _filter_key(request):
    """The query without pagination and format, as a cache key part."""
    items = [
        (name, values)
        for name, values in sorted(request.GET.lists())
        if name not in PAGE_PARAMETERS | {"format", "zoom"}
    ]
    return urlencode(items, doseq=True)


class GeoDetailView(PublicAPIView):
    """One published record as a GeoJSON Feature; a retracted one answers 410 with its note."""

    resource = None
    renderer_classes = [GeoJSONRenderer, JSONRenderer]
    formats = ("geojson", "json")
    paginated = False

    def get_queryset(self):
        return self.resource.model.objects.all()

    def get(self, request, pk):
        output = self.check_query(request)
        return versioned_response(request, lambda version: self.build(output, pk))

    def build(self, output, pk):
        if pk > MAX_ID:
            raise NotFound("No published record has this id.")
        records = self.get_queryset().filter(pk=pk)
        text, found = geojson.features(
            records.filter(publication_status=PublicationStatus.PUBLISHED),
            self.resource.properties(),
            geometry_field=self.resource.geometry(),
            precision=self.resource.precision,
        )
        if found:
            content_type = "application/json" if output == "json" else "application/geo+json"
            return HttpResponse(text, content_type=content_type)
        retracted = records.filter(publication_status=PublicationStatus.RETRACTED).first()
        if retracted:
            return json_response(
                {
                    "detail": "This record was retracted.",
                    "reference": retracted.reference,
                    "retracted_at": retracted.retracted_at and retracted.retracted_at.isoformat(),
                    "retraction_note": retracted.retraction_note,
                },
                status.HTTP_410_GONE,
            )
        raise NotFound("No published record has this id.")


def geo_list_schema(resource, tag, description, *, zoom=True):
    operation_id = f"{resource.name}_list"
    parameters = [FORMAT_GEO, *page_parameters(1000, 10000)]
    if zoom:
        parameters.append(ZOOM)
    return get_schema(
        operation_id=operation_id,
        tags=[tag],
        description=description,
        parameters=parameters,
        responses={
            (200, "application/geo+json"): OpenApiResponse(
                s.feature_collection_schema(resource),
                description="A page of features. `count`, `next` and `previous` are "
                "foreign members of the FeatureCollection (RFC 7946 §6.1).",
            ),
            (200, "application/json"): OpenApiResponse(s.feature_collection_schema(resource)),
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description="The same page as CSV; `X-Total-Count` gives the total and `Link` "
                "(RFC 8288) the next and previous pages.",
            ),
            **not_modified_response(),
            **error_responses(),
            (404, "application/json"): OpenApiResponse(s.DETAIL_SCHEMA, description="No page."),
        },
    )


RECORD_ID = OpenApiParameter(
    "id",
    {"type": "integer", "minimum": 0, "maximum": MAX_ID},
    OpenApiParameter.PATH,
    description="The record's id (the `id` of its Feature in the lists).",
)


def geo_detail_schema(resource, tag):
    return get_schema(
        operation_id=f"{resource.name}_retrieve",
        tags=[tag],
        description=f"One published record of {tag} as a GeoJSON Feature. A retracted record "
        "answers 410 with its retraction note; a draft or unknown id, 404.",
        parameters=[
            RECORD_ID,
            OpenApiParameter(
                "format",
                str,
                enum=["geojson", "json"],
                description="`geojson` (default) or `json`.",
            ),
        ],
        responses={
            (200, "application/geo+json"): OpenApiResponse(s.feature_schema(resource)),
            (200, "application/json"): OpenApiResponse(s.feature_schema(resource)),
            **not_modified_response(),
            **error_responses(),
            (404, "application/json"): OpenApiResponse(
                s.DETAIL_SCHEMA, description="No published record has this id."
            ),
            (410, "application/json"): OpenApiResponse(
                s.GONE_SCHEMA, description="The record was retracted."
            ),
        },
    )


@geo_list_schema(
    s.HAZARD_AREAS,
    "hazard areas",
    "Published suspected (SHA) and confirmed (CHA) hazardous areas, as polygons.",
)
class HazardAreaList(GeoListView):
    resource = s.HAZARD_AREAS
    filterset_class = filters.HazardAreaFilter


@geo_detail_schema(s.HAZARD_AREAS, "hazard areas")
class HazardAreaDetail(GeoDetailView):
    resource = s.HAZARD_AREAS


@geo_list_schema(
    s.LAND_RELEASES,
    "land releases",
    "Published land releases: land cancelled, reduced or cleared, as polygons. Land-release "
    "figures always keep the three methods apart.",
)
class LandReleaseList(GeoListView):
    resource = s.LAND_RELEASES
    filterset_class = filters.LandReleaseFilter


@geo_detail_schema(s.LAND_RELEASES, "land releases")
class LandReleaseDetail(GeoDetailView):
    resource = s.LAND_RELEASES


@geo_list_schema(
    s.INCIDENTS,
    "incidents",
    "Published explosive-ordnance incidents with their casualties counted by outcome, group, "
    "sex and age band (never anything that identifies a person). Each point is generalised "
    "to its stated location precision.",
    zoom=False,
)
class IncidentList(GeoListView):
    resource = s.INCIDENTS
    filterset_class = filters.IncidentFilter
    extra_parameters = set()


@geo_detail_schema(s.INCIDENTS, "incidents")
class IncidentDetail(GeoDetailView):
    resource = s.INCIDENTS


CLUSTERS_SQL = """
SELECT COALESCE(string_agg(
    '{{"type":"Feature","geometry":' || ST_AsGeoJSON(c.point, %s)
    || ',"properties":' || json_build_object(
        'count', c.n, 'killed', c.killed, 'injured', c.injured,
        'incident', CASE WHEN c.n = 1 THEN c.first_id END)::text
    || '}}', ',' ORDER BY c.n DESC, ST_X(c.point), ST_Y(c.point)), '')
FROM (
    SELECT ST_Centroid(ST_Collect(i.g)) AS point, count(*) AS n, min(i.id) AS first_id,
           COALESCE(sum(k.killed), 0) AS killed, COALESCE(sum(k.injured), 0) AS injured
    FROM ({incidents}) i
    LEFT JOIN LATERAL (
        SELECT count(*) FILTER (WHERE outcome = 'killed') AS killed,
               count(*) FILTER (WHERE outcome = 'injured') AS injured
        FROM contamination_casualty WHERE incident_id = i.id
    ) k ON true
    GROUP BY ST_SnapToGrid(i.g, %s)
) c
"""


@get_schema(
    operation_id="incidents_clusters",
    tags=["incidents"],
    description="Map layer: published incidents aggregated to a grid whose cell follows the "
    "zoom (about 60 screen pixels), as GeoJSON points with `count`, `killed` and `injured`. "
    "Takes the incident filters. Points are generalised to their location precision first.",
    parameters=[
        OpenApiParameter(
            "zoom", int, required=True, description="Web-map zoom level, 0 to 22 (required)."
        ),
        OpenApiParameter(
            "format",
            str,
            enum=["geojson", "json"],
            description="`geojson` (default) or `json`.",
        ),
    ],
    responses={
        (200, "application/geo+json"): OpenApiResponse(s.CLUSTER_SCHEMA),
        (200, "application/json"): OpenApiResponse(s.CLUSTER_SCHEMA),
        **not_modified_response(),
        **error_responses(),
    },
)
class IncidentClusters(PublicAPIView):
    filterset_class = filters.IncidentFilter
    renderer_classes = [GeoJSONRenderer, JSONRenderer]
    formats = ("geojson", "json")
    extra_parameters = {"zoom"}
    paginated = False

    def get_queryset(self):
        return Incident.objects.published()

    def get(self, request):
        output = self.check_query(request)
        zoom = _zoom(request, required=True)
        return versioned_response(request, lambda version: self.build(output, zoom))

    def build(self, output, zoom):
        incidents = (
            self.filterset(self.get_queryset())
            .qs.order_by()
            .values("id", g=s.generalised_location())
        )
        cell = s.cluster_cell_deg(zoom)
        precision = s.zoom_options(zoom, 5)["precision"]
        try:
            inner, params = incidents.query.sql_with_params()
        except EmptyResultSet:
            text = ""
        else:
            with connection.cursor() as cursor:
                cursor.execute(CLUSTERS_SQL.format(incidents=inner), [precision, *params, cell])
                text = cursor.fetchone()[0]
        body = geojson.collection_text(text, {"cell_deg": json.dumps(round(cell, 8))})
        content_type = "application/json" if output == "json" else "application/geo+json"
        return HttpResponse(body, content_type=content_type)


# --- Areas with their figures -----------------------------------------------------------


class AreaQuerysetMixin:
    def areas_with_figures(self, queryset):
        filterset = self.filterset(queryset)
        hazards, releases, incidents = filterset.record_querysets()
        annotations = stats.area_figure_annotations(hazards, releases, incidents)
        return filterset.qs.annotate(**annotations)


@get_schema(
    operation_id="areas_list",
    tags=["areas"],
    description="Countries and first-level units (rayons and cities) with the figures the "
    "published records give for each — for a choropleth. `?level=1` gives the units. The "
    "figure filters (dates, category, status, hazard_type, method, organisation) narrow the "
    "records counted, not the areas listed. A country counts its units' records.",
    parameters=[FORMAT_GEO, *page_parameters(1000, 10000), ZOOM],
    responses={
        (200, "application/geo+json"): OpenApiResponse(s.feature_collection_schema(s.AREAS)),
        (200, "application/json"): OpenApiResponse(s.feature_collection_schema(s.AREAS)),
        (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
        **not_modified_response(),
        **error_responses(),
        (404, "application/json"): OpenApiResponse(s.DETAIL_SCHEMA, description="No page."),
    },
)
class AreaList(AreaQuerysetMixin, GeoListView):
    resource = s.AREAS
    filterset_class = filters.AdminAreaFilter

    def get_queryset(self):
        return AdminArea.objects.all()

    def filtered(self):
        return self.areas_with_figures(self.get_queryset()).order_by("level", "code", "id")


@get_schema(
    operation_id="areas_retrieve",
    tags=["areas"],
    description="One area by its code (e.g. `AZ-AGM`), with its figures, as a GeoJSON Feature.",
    parameters=[
        OpenApiParameter(
            "code",
            {"type": "string", "pattern": filters.AREA_CODE_PATTERN.pattern},
            OpenApiParameter.PATH,
            description="ISO 3166 code of the country or unit, e.g. `AZ`, `AZ-AGM`.",
        ),
        OpenApiParameter(
            "format", str, enum=["geojson", "json"], description="`geojson` or `json`."
        ),
        ZOOM,
    ],
    responses={
        (200, "application/geo+json"): OpenApiResponse(s.feature_schema(s.AREAS)),
        (200, "application/json"): OpenApiResponse(s.feature_schema(s.AREAS)),
        **not_modified_response(),
        **error_responses(),
        (404, "application/json"): OpenApiResponse(s.DETAIL_SCHEMA, description="No area."),
    },
)
class AreaDetail(AreaQuerysetMixin, PublicAPIView):
    filterset_class = filters.AreaFigureFilter
    renderer_classes = [GeoJSONRenderer, JSONRenderer]
    formats = ("geojson", "json")
    extra_parameters = {"zoom"}
    paginated = False

    def get_queryset(self):
        return AdminArea.objects.all()

    def get(self, request, code):
        output = self.check_query(request)
        return versioned_response(request, lambda version: self.build(request, output, code))

    def build(self, request, output, code):
        if not filters.AREA_CODE_PATTERN.match(code):
            raise NotFound("No area has this code.")
        zoom = _zoom(request)
        areas = self.areas_with_figures(self.get_queryset().with_code(code))
        options = s.zoom_options(zoom, s.AREAS.precision)
        geometry = s.AREAS.geometry()
        if options.get("tolerance"):
            geometry = simplified(geometry, options["tolerance"])
        text, found = geojson.features(
            areas, s.AREAS.properties(), geometry_field=geometry, precision=options["precision"]
        )
        if not found:
            raise NotFound("No area has this code.")
        content_type = "application/json" if output == "json" else "application/geo+json"
        return HttpResponse(text, content_type=content_type)


# --- Plain lists ------------------------------------------------------------------------


class PlainListView(PublicAPIView):
    serializer_class = None
    default_page_size = 100
    max_page_size = 1000

    def get(self, request):
        self.check_query(request)
        return versioned_response(request, lambda version: self.build(request, version))

    def build(self, request, version):
        queryset = self.filterset(self.get_queryset()).qs
        queryset = stable_order(queryset)
        page, size = self.page_numbers(request, self.default_page_size, self.max_page_size)
        count = cached_count(queryset, version, f"{request.path}|{_filter_key(request)}")
        following, previous = self.page_links(request, page, size, count)
        rows = queryset[(page - 1) * size : page * size]
        return json_response(
            {
                "count": count,
                "next": following,
                "previous": previous,
                "results": self.get_serializer(rows, many=True).data,
            }
        )


def plain_list_schema(serializer, tag, description):
    return get_schema(
        tags=[tag],
        description=description,
        parameters=[FORMAT_JSON, *page_parameters(100, 1000)],
        responses={
            (200, "application/json"): s.paginated(serializer),
            **not_modified_response(),
            **error_responses(),
            (404, "application/json"): OpenApiResponse(s.DETAIL_SCHEMA, description="No page."),
        },
    )


@plain_list_schema(
    s.OrganisationSerializer,
    "organisations",
    "Organisations the records name: national authority, operators, agencies.",
)
class OrganisationList(PlainListView):
    serializer_class = s.OrganisationSerializer
    filterset_class = filters.OrganisationFilter
    pagination_class = None

    def get_queryset(self):
        return Organisation.objects.all()


@plain_list_schema(s.SourceSerializer, "sources", "Documents that records and statements cite.")
class SourceList(PlainListView):
    serializer_class = s.SourceSerializer
    filterset_class = filters.SourceFilter

    def get_queryset(self):
        return Source.objects.all()


# --- Changes feed -----------------------------------------------------------------------

CHANGE_KINDS = {
    "hazard_area": (HazardArea, "api:hazard-area-detail"),
    "land_release": (LandRelease, "api:land-release-detail"),
    "incident": (Incident, "api:incident-detail"),
}

CHANGES_SQL = """
SELECT kind, id, reference, change, changed_at, published_at, retracted_at, retraction_note
FROM (
{parts}
) changes
ORDER BY changed_at, kind, id
"""

CHANGE_PART_SQL = """
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
      AND (publication_status <> 'draft' OR published_at IS NOT NULL)
    UNION ALL
    SELECT '{kind}', pgh_obj_id, reference, 'deleted', pgh_created_at, published_at,
           retracted_at, ''
    FROM {table}event
    WHERE pgh_label = 'delete' AND pgh_created_at >= %(since)s
      AND (publication_status <> 'draft' OR published_at IS NOT NULL)
"""


# An incident whose casualties were added, changed or removed has changed too, even if its
# own row was not written (an import may replace casualties only).
CASUALTY_CHANGES_SQL = """
    SELECT 'incident', i.id, i.reference, 'changed', max(e.pgh_created_at), i.published_at,
           i.retracted_at, ''
    FROM contamination_casualtyevent e
    JOIN contamination_incident i ON i.id = e.incident_id
    WHERE e.pgh_created_at >= %(since)s AND i.updated_at < %(since)s
      AND i.publication_status = 'published'
    GROUP BY i.id
"""


class ChangeFilterForm(filters.forms.Form):
    since = filters.IsoDateTimeField(
        required=True,
        help_text="Changes at or after this moment (ISO 8601; UTC if no zone).",
    )
    kind = filters.CommaMultipleChoiceField(choices=[(k, k) for k in CHANGE_KINDS], required=False)


@get_schema(
    tags=["sync"],
    description="Records published, changed, retracted or deleted since a moment, oldest "
    "first — to keep a local copy in sync. Drafts never appear; a record sent back to draft "
    "after publication appears as `retracted`. Save `data_version` and pass it as `since` "
    "next time.",
    parameters=[
        OpenApiParameter(
            "since",
            OpenApiTypes.DATETIME,
            required=True,
            description="Changes at or after this moment (ISO 8601; UTC if no zone).",
        ),
        OpenApiParameter(
            "kind",
            str,
            many=True,
            enum=list(CHANGE_KINDS),
            explode=True,
            description="Only these kinds of record (repeat or comma-separate).",
        ),
        FORMAT_JSON,
        *page_parameters(1000, 10000),
    ],
    responses={
        (200, "application/json"): s.PaginatedChangesSerializer,
        **not_modified_response(),
        **error_responses(),
        (404, "application/json"): OpenApiResponse(s.DETAIL_SCHEMA, description="No page."),
    },
)
class ChangeList(PublicAPIView):
    extra_parameters = {"since", "kind"}
    multi_valued = {"kind"}

    def get(self, request):
        self.check_query(request)
        return versioned_response(request, lambda version: self.build(request, version))

    def build(self, request, version):
        form = ChangeFilterForm(
            {"since": request.GET.get("since"), "kind": request.GET.getlist("kind")}
        )
        if not form.is_valid():
            raise ValidationError(form.errors)
        kinds = form.cleaned_data["kind"] or list(CHANGE_KINDS)
        parts = "\n    UNION ALL\n".join(
            CHANGE_PART_SQL.format(kind=kind, table=CHANGE_KINDS[kind][0]._meta.db_table)
            for kind in kinds
        )
        if "incident" in kinds:
            parts += "\n    UNION ALL\n" + CASUALTY_CHANGES_SQL
        sql = CHANGES_SQL.format(parts=parts)
        page, size = self.page_numbers(request, 1000, 10000)
        params = {"since": form.cleaned_data["since"], "limit": size, "offset": (page - 1) * size}
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({sql}) c", params)
            count = cursor.fetchone()[0]
            following, previous = self.page_links(request, page, size, count)
            cursor.execute(f"{sql} LIMIT %(limit)s OFFSET %(offset)s", params)
            columns = [column[0] for column in cursor.description]
            rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        results = []
        for row in rows:
            url = None
            if row["change"] in ("published", "changed", "retracted"):
                url = request.build_absolute_uri(
                    reverse(CHANGE_KINDS[row["kind"]][1], args=[row["id"]])
                )
            results.append(
                {
                    **row,
                    "changed_at": _iso(row["changed_at"]),
                    "published_at": _iso(row["published_at"]),
                    "retracted_at": _iso(row["retracted_at"]),
                    "url": url,
                }
            )
        return json_response(
            {
                "count": count,
                "next": following,
                "previous": previous,
                "data_version": version and version_text(version),
                "results": results,
            }
        )


def _iso(moment):
    return moment and moment.isoformat().replace("+00:00", "Z")


# --- Statistics -------------------------------------------------------------------------


class StatsView(PublicAPIView):
    filterset_class = filters.StatsFilter
    paginated = False
    group_choices = ()
    default_group = None

    def get_queryset(self):
        return HazardArea.objects.none()

    def get(self, request):
        self.check_query(request)
        return versioned_response(request, lambda version: self.build(request, version))

    def group_by(self, request):
        value = request.GET.get("group_by", self.default_group)
        if value not in self.group_choices:
            raise bad_request(
                "group_by", f"Unknown grouping; use one of {', '.join(self.group_choices)}."
            )
        return value

    def build(self, request, version):
        group_by = self.group_by(request) if self.group_choices else None
        filterset = self.filterset(self.get_queryset())
        records = filterset.record_querysets()
        data = {
            "data_version": version and version_text(version),
            "filters": {
                name: ",".join(values)
                for name, values in sorted(request.GET.lists())
                if name != "format"
            },
            **self.figures(records, group_by),
        }
        return json_response(self.serializer_class(data).data)


def group_parameter(choices, default):
    return OpenApiParameter(
        "group_by",
        str,
        enum=list(choices),
        description=f"How to group the figures (default `{default}`).",
    )


def stats_schema(serializer, description, parameters=()):
    return get_schema(
        tags=["statistics"],
        description=description + " Computed in the database from published records only; "
        "filters as in the lists (each applies to the record kinds that have that field).",
        parameters=[FORMAT_JSON, *parameters],
        responses={
            (200, "application/json"): serializer,
            **not_modified_response(),
            **error_responses(),
        },
    )


@stats_schema(
    s.SummarySerializer,
    "Headline totals: hazard areas still to release by category, land released by method, "
    "items found by type, incidents and casualties, and what the records cover.",
)
class SummaryStats(StatsView):
    serializer_class = s.SummarySerializer

    def figures(self, records, group_by):
        summary = stats.summary(*records)
        return {
            "hazards": summary.hazards,
            "releases": summary.releases,
            "items": summary.items,
            "casualties": summary.casualties,
            "demo_records": summary.demo_records,
            "coverage": summary.coverage,
        }


@stats_schema(
    s.ReleaseStatsSerializer,
    "Land released by method (cancelled, reduced, cleared), grouped by year or month of "
    "completion, area or organisation.",
    [group_parameter(stats.RELEASE_GROUPS, "year")],
)
class ReleaseStats(StatsView):
    serializer_class = s.ReleaseStatsSerializer
    group_choices = stats.RELEASE_GROUPS
    default_group = "year"
    extra_parameters = {"group_by"}

    def figures(self, records, group_by):
        return {"group_by": group_by, "results": stats.release_by(records[1], group_by)}


@stats_schema(
    s.ItemsStatsSerializer,
    "Explosive items found and destroyed during land release, by type, grouped by year, "
    "area or organisation.",
    [group_parameter(stats.ITEMS_GROUPS, "year")],
)
class ItemsStats(StatsView):
    serializer_class = s.ItemsStatsSerializer
    group_choices = stats.ITEMS_GROUPS
    default_group = "year"
    extra_parameters = {"group_by"}

    def figures(self, records, group_by):
        return {
            "group_by": group_by,
            "totals": stats.items_found(records[1]),
            "results": stats.items_found_by(records[1], group_by),
        }


@stats_schema(
    s.CasualtyStatsSerializer,
    "People killed and injured, grouped by year, casualty group, sex, age band or area.",
    [group_parameter(stats.CASUALTY_GROUPS, "year")],
)
class CasualtyStats(StatsView):
    serializer_class = s.CasualtyStatsSerializer
    group_choices = stats.CASUALTY_GROUPS
    default_group = "year"
    extra_parameters = {"group_by"}

    def figures(self, records, group_by):
        return {"group_by": group_by, "results": stats.casualties_by(records[2], group_by)}


@stats_schema(
    s.AreaStatsSerializer,
    "Figures for each country and first-level unit (as in /api/v1/areas/, without geometry).",
    [
        OpenApiParameter(
            "level", int, enum=[0, 1], description="`0` countries, `1` units (default: both)."
        )
    ],
)
class AreaStats(StatsView):
    serializer_class = s.AreaStatsSerializer
    extra_parameters = {"level"}

    def figures(self, records, group_by):
        areas = AdminArea.objects.order_by("level", "code", "id")
        level = self.request.GET.get("level")
        if level is not None:
            if level not in ("0", "1"):
                raise bad_request("level", "Expected 0 (countries) or 1 (units).")
            areas = areas.filter(level=int(level))
        return {"results": stats.area_figures(areas, *records)}


@get_schema(
    operation_id="root",
    tags=["meta"],
    description="Every resource of version 1, by name, with its address, and the data version.",
    parameters=[FORMAT_JSON],
    responses={
        (200, "application/json"): OpenApiResponse(
            {
                "type": "object",
                "properties": {
                    "data_version": {
                        "type": "string",
                        "format": "date-time",
                        "description": "Time of the last published change.",
                    },
                    "documentation": {
                        "type": "string",
                        "format": "uri",
                        "description": "The guide for people: examples, licence, citation.",
                    },
                    "resources": {
                        "type": "object",
                        "additionalProperties": {"type": "string", "format": "uri"},
                        "description": "Resource name → address.",
                    },
                },
                "required": ["data_version", "documentation", "resources"],
            }
        ),
        **error_responses(),
    },
)
class ApiRoot(PublicAPIView):
    """What version 1 offers: every route without a path parameter, from config/api_urls.py."""

    paginated = False

    def get(self, request):
        self.check_query(request)
        from config import api_urls  # noqa: PLC0415 (the URL module imports these views)

        resources = {
            pattern.name: request.build_absolute_uri(reverse(f"api:{pattern.name}"))
            for pattern in api_urls.urlpatterns
            if str(pattern.pattern).startswith("v1/")
            and "<" not in str(pattern.pattern)
            and str(pattern.pattern) != "v1/"
        }
        return json_response(
            {
                "data_version": version_text(data_version()),
                "documentation": request.build_absolute_uri(reverse("api:index")),
                "resources": resources,
            }
        )


# --- The page for people ----------------------------------------------------------------


def api_index(request):
    """The /api/ page: what is there and how to use it."""
    return render(
        request,
        "api/index.html",
        {
            "rate_limit": settings.API_RATE_LIMIT,
            "download_rate_limit": settings.API_DOWNLOAD_RATE_LIMIT,
            "licence": settings.API_DATA_LICENCE,
            "licence_url": settings.API_DATA_LICENCE_URL,
            "citation": settings.API_CITATION,
            "data_version": version_text(data_version()),
            "base": request.build_absolute_uri("/api/v1/"),
            "site": request.build_absolute_uri("/"),
        },
    )
