"""The public, read-only API (version 1): the records' resource views.

Geo resources are answered with text PostgreSQL writes (GeoJSON and CSV via
contamination/geojson.py), never by serialising geometries in Python; their columns are the
contract in resources.py. Every answer carries the data version as ETag/Last-Modified and is
cached under it (caching.py); the plumbing every view shares is in base.py, the OpenAPI
helpers in schema.py.
"""

import csv
import io
import json

from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import JSONRenderer

from contamination import as_of, data_version, geojson, history, stats
from contamination.api import filters, resources, schema
from contamination.api import serializers as s
from contamination.api.base import (
    CSVRenderer,
    GeoJSONRenderer,
    PublicAPIView,
    bad_request,
    csv_response,
    filter_key,
    flatten,
    geojson_response,
    json_response,
    stable_order,
    zoom_level,
)
from contamination.api.caching import cached_count, versioned_response
from contamination.api.past_state import AsOfMixin
from contamination.api.schema import (
    FORMAT_GEO,
    FORMAT_GEOJSON_OR_JSON,
    FORMAT_JSON,
    MAX_ID,
    PAGES,
    ZOOM,
    error_responses,
    geo_detail_schema,
    geo_list_schema,
    get_schema,
    group_parameter,
    no_page_response,
    not_modified_response,
    plain_list_schema,
    stats_schema,
)
from contamination.models import (
    AdminArea,
    HazardArea,
    Incident,
    LandRelease,
    Organisation,
    Source,
)
from contamination.querysets import PublicationStatus
from contamination.spreadsheets import escape_dict

# --- Geo resources ----------------------------------------------------------------------


class GeoListView(AsOfMixin, PublicAPIView):
    """A published geo resource as a paginated FeatureCollection or CSV."""

    resource = None
    renderer_classes = [GeoJSONRenderer, JSONRenderer, CSVRenderer]
    formats = ("geojson", "json", "csv")
    default_page_size = 1000
    max_page_size = 10000
    extra_parameters = {"zoom"}

    def get_queryset(self):
        return self.resource.rows(self.resource.model.objects.published().select_related(None))

    def filtered(self):
        queryset = self.filterset(self.get_queryset()).qs
        return stable_order(queryset)

    def get(self, request, *args, **kwargs):
        output = self.check_query(request)
        return versioned_response(request, lambda version: self.build(request, output, version))

    def geometry(self, zoom):
        geometry = self.resource.geometry()
        options = geojson.zoom_options(zoom, self.resource.precision)
        if options.get("tolerance") and self.resource.geometry_type != "Point":
            geometry = geojson.simplified(geometry, options["tolerance"])
        return geometry, options["precision"]

    def build(self, request, output, version):
        zoom = zoom_level(request)
        page, size = self.page_numbers(request)
        queryset = self.filtered()
        window = queryset[(page - 1) * size : page * size]
        geometry, precision = self.geometry(zoom)
        if output == "csv":
            count = cached_count(queryset, version, f"{request.path}|{filter_key(request)}")
            following, previous = self.page_links(request, page, size, count)
            content = geojson.csv_copy(
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
        # One row more than the page: whether another page follows, without counting.
        text, returned = geojson.features(
            queryset[(page - 1) * size : page * size + 1],
            self.resource.properties(),
            geometry_field=geometry,
            precision=precision,
            keep=size,
        )
        if returned > size and zoom is not None:
            # A map layer with pages after this one: no exact COUNT, which over a large box
            # costs more than the page itself (docs/api.md). `next` is exact all the same.
            count = None
            following, previous = self.neighbour_links(request, page, True)
        else:
            if returned > size or (returned == 0 and page > 1):
                count = cached_count(queryset, version, f"{request.path}|{filter_key(request)}")
            else:
                count = (page - 1) * size + returned  # this is the last page: no COUNT needed
            following, previous = self.page_links(request, page, size, count)
        body = geojson.collection_text(
            text,
            {
                "count": json.dumps(count),
                "next": json.dumps(following),
                "previous": json.dumps(previous),
            },
        )
        return geojson_response(body, output)


class GeoDetailView(AsOfMixin, PublicAPIView):
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
            raise NotFound(gettext("No published record has this id."))
        records = self.get_queryset().filter(pk=pk)
        text, found = geojson.features(
            self.resource.rows(records.filter(publication_status=PublicationStatus.PUBLISHED)),
            self.resource.properties(),
            geometry_field=self.resource.geometry(),
            precision=self.resource.precision,
        )
        if found:
            return geojson_response(text, output)
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
        raise NotFound(gettext("No published record has this id."))


@geo_list_schema(
    resources.HAZARD_AREAS,
    "hazard areas",
    "Published suspected (SHA) and confirmed (CHA) hazardous areas, as polygons.",
)
class HazardAreaList(GeoListView):
    resource = resources.HAZARD_AREAS
    filterset_class = filters.HazardAreaFilter


@geo_detail_schema(resources.HAZARD_AREAS, "hazard areas")
class HazardAreaDetail(GeoDetailView):
    resource = resources.HAZARD_AREAS


@geo_list_schema(
    resources.LAND_RELEASES,
    "land releases",
    "Published land releases: land cancelled, reduced or cleared, as polygons. Land-release "
    "figures always keep the three methods apart.",
)
class LandReleaseList(GeoListView):
    resource = resources.LAND_RELEASES
    filterset_class = filters.LandReleaseFilter


@geo_detail_schema(resources.LAND_RELEASES, "land releases")
class LandReleaseDetail(GeoDetailView):
    resource = resources.LAND_RELEASES


@geo_list_schema(
    resources.INCIDENTS,
    "incidents",
    "Published explosive-ordnance incidents with their casualties counted by outcome, group, "
    "sex and age band (never anything that identifies a person). Each point is generalised "
    "to its stated location precision.",
    zoom=False,
)
class IncidentList(GeoListView):
    resource = resources.INCIDENTS
    filterset_class = filters.IncidentFilter
    extra_parameters = set()


@geo_detail_schema(resources.INCIDENTS, "incidents")
class IncidentDetail(GeoDetailView):
    resource = resources.INCIDENTS


@get_schema(
    operation_id="incidents_clusters",
    tags=["incidents"],
    description="Map layer: published incidents aggregated to a grid whose cell follows the "
    "zoom (about 60 screen pixels), as GeoJSON points with `count`, `killed` and `injured`. "
    "Takes the incident filters. Points are generalised to their location precision first.",
    parameters=[
        OpenApiParameter(
            "zoom",
            schema.ZOOM_SCHEMA,
            required=True,
            description="Web-map zoom level, 0 to 22 (required).",
        ),
        FORMAT_GEOJSON_OR_JSON,
    ],
    responses={
        (200, "application/geo+json"): OpenApiResponse(schema.CLUSTER_SCHEMA),
        (200, "application/json"): OpenApiResponse(schema.CLUSTER_SCHEMA),
        **not_modified_response(),
        **error_responses(),
    },
)
class IncidentClusters(AsOfMixin, PublicAPIView):
    filterset_class = filters.IncidentFilter
    renderer_classes = [GeoJSONRenderer, JSONRenderer]
    formats = ("geojson", "json")
    extra_parameters = {"zoom"}
    paginated = False

    def get_queryset(self):
        return Incident.objects.published()

    def get(self, request):
        output = self.check_query(request)
        zoom = zoom_level(request, required=True)
        return versioned_response(request, lambda version: self.build(output, zoom))

    def build(self, output, zoom):
        precision = geojson.zoom_options(zoom, resources.INCIDENTS.precision)["precision"]
        text = geojson.incident_clusters(self.filterset(self.get_queryset()).qs, zoom, precision)
        cell = geojson.cluster_cell_deg(zoom)
        body = geojson.collection_text(text, {"cell_deg": json.dumps(round(cell, 8))})
        return geojson_response(body, output)


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
    parameters=[FORMAT_GEO, PAGES, ZOOM],
    responses={
        (200, "application/geo+json"): OpenApiResponse(
            schema.feature_collection_schema(resources.AREAS)
        ),
        (200, "application/json"): OpenApiResponse(
            schema.feature_collection_schema(resources.AREAS)
        ),
        (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
        **not_modified_response(),
        **error_responses(),
        **no_page_response(),
    },
)
class AreaList(AreaQuerysetMixin, GeoListView):
    resource = resources.AREAS
    filterset_class = filters.AdminAreaFilter
    materialises_past = as_of.AREA_FIGURE_MODELS  # each figure is a correlated subquery

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
        (200, "application/geo+json"): OpenApiResponse(schema.feature_schema(resources.AREAS)),
        (200, "application/json"): OpenApiResponse(schema.feature_schema(resources.AREAS)),
        **not_modified_response(),
        **error_responses(),
        (404, "application/json"): OpenApiResponse(schema.DETAIL_SCHEMA, description="No area."),
    },
)
class AreaDetail(AreaQuerysetMixin, AsOfMixin, PublicAPIView):
    filterset_class = filters.AreaFigureFilter
    renderer_classes = [GeoJSONRenderer, JSONRenderer]
    formats = ("geojson", "json")
    extra_parameters = {"zoom"}
    paginated = False
    materialises_past = as_of.AREA_FIGURE_MODELS

    def get_queryset(self):
        return AdminArea.objects.all()

    def get(self, request, code):
        output = self.check_query(request)
        return versioned_response(request, lambda version: self.build(request, output, code))

    def build(self, request, output, code):
        if not filters.AREA_CODE_PATTERN.match(code):
            raise NotFound(gettext("No area has this code."))
        zoom = zoom_level(request)
        areas = self.areas_with_figures(self.get_queryset().with_code(code))
        options = geojson.zoom_options(zoom, resources.AREAS.precision)
        geometry = resources.AREAS.geometry()
        if options.get("tolerance"):
            geometry = geojson.simplified(geometry, options["tolerance"])
        text, found = geojson.features(
            areas,
            resources.AREAS.properties(),
            geometry_field=geometry,
            precision=options["precision"],
        )
        if not found:
            raise NotFound(gettext("No area has this code."))
        return geojson_response(text, output)


# --- Plain lists ------------------------------------------------------------------------


class PlainListView(AsOfMixin, PublicAPIView):
    serializer_class = None
    default_page_size = 100
    max_page_size = 1000

    def get(self, request):
        self.check_query(request)
        return versioned_response(request, lambda version: self.build(request, version))

    def build(self, request, version):
        queryset = self.filterset(self.get_queryset()).qs
        queryset = stable_order(queryset)
        page, size = self.page_numbers(request)
        count = cached_count(queryset, version, f"{request.path}|{filter_key(request)}")
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


@plain_list_schema(
    s.paginated(s.OrganisationSerializer),
    "organisations",
    "Organisations the records name: national authority, operators, agencies.",
)
class OrganisationList(PlainListView):
    serializer_class = s.OrganisationSerializer
    filterset_class = filters.OrganisationFilter
    pagination_class = None

    def get_queryset(self):
        return Organisation.objects.cited_publicly()


@plain_list_schema(
    s.paginated(s.SourceSerializer),
    "sources",
    "Documents that records and other published items cite.",
)
class SourceList(PlainListView):
    serializer_class = s.SourceSerializer
    filterset_class = filters.SourceFilter

    def get_queryset(self):
        return Source.objects.cited_publicly()


# --- Changes feed -----------------------------------------------------------------------

CHANGE_KINDS = {
    "hazard_area": (HazardArea, "api:hazard-area-detail"),
    "land_release": (LandRelease, "api:land-release-detail"),
    "incident": (Incident, "api:incident-detail"),
}


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
        PAGES,
    ],
    responses={
        (200, "application/json"): s.PaginatedChangesSerializer,
        **not_modified_response(),
        **error_responses(),
        **no_page_response(),
    },
)
class ChangeList(PublicAPIView):
    extra_parameters = {"since", "kind"}
    multi_valued = {"kind"}
    default_page_size = 1000
    max_page_size = 10000

    def get(self, request):
        self.check_query(request)
        return versioned_response(request, lambda version: self.build(request, version))

    def build(self, request, version):
        form = ChangeFilterForm(
            {"since": request.GET.get("since"), "kind": request.GET.getlist("kind")}
        )
        if not form.is_valid():
            raise ValidationError(form.errors)
        page, size = self.page_numbers(request)
        count, rows = history.api_change_rows(
            form.cleaned_data["since"],
            form.cleaned_data["kind"],
            limit=size,
            offset=(page - 1) * size,
        )
        following, previous = self.page_links(request, page, size, count)
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
                "data_version": version and data_version.as_text(version),
                "results": results,
            }
        )


def _iso(moment):
    return moment and moment.isoformat().replace("+00:00", "Z")


# --- Statistics -------------------------------------------------------------------------


class StatsView(AsOfMixin, PublicAPIView):
    filterset_class = filters.StatsFilter
    paginated = False
    group_choices = ()
    default_group = None

    def get_queryset(self):
        return HazardArea.objects.none()

    renderer_classes = [JSONRenderer, CSVRenderer]  # errors stay JSON (base.py)
    formats = ("json", "csv")

    def get(self, request):
        output = self.check_query(request)
        return versioned_response(request, lambda version: self.build(request, version, output))

    def group_by(self, request):
        value = request.GET.get("group_by", self.default_group)
        if value not in self.group_choices:
            raise bad_request(
                "group_by", f"Unknown grouping; use one of {', '.join(self.group_choices)}."
            )
        return value

    def build(self, request, version, output="json"):
        group_by = self.group_by(request) if self.group_choices else None
        filterset = self.filterset(self.get_queryset())
        records = filterset.record_querysets()
        data = {
            "data_version": version and data_version.as_text(version),
            "filters": {
                name: ",".join(values)
                for name, values in sorted(request.GET.lists())
                if name != "format"
            },
            **self.figures(records, group_by),
        }
        data = self.serializer_class(data).data
        if output == "csv":
            return csv_response(stats_csv(data), f"{request.path.strip('/').split('/')[-1]}.csv")
        return json_response(data)


def stats_csv(data):
    """Figures as CSV: a row per group (`results`), else one row of totals, nested figures
    flattened (`hazards.total_km2`); the data version and grouping in every row."""
    context = {"data_version": data["data_version"]}
    if "group_by" in data:
        context["group_by"] = data["group_by"]
    if "results" in data:
        rows = [{**context, **flatten(result)} for result in data["results"]]
    else:
        rows = [{**context, **flatten({k: v for k, v in data.items() if k not in ("filters",)})}]
    columns = list(dict.fromkeys(name for row in rows for name in row)) or list(context)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(escape_dict(row) for row in rows)
    return buffer.getvalue().encode()


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
    materialises_past = as_of.AREA_FIGURE_MODELS  # see AreaList

    def figures(self, records, group_by):
        areas = AdminArea.objects.order_by("level", "code", "id")
        level = self.request.GET.get("level")
        if level is not None:
            if level not in ("0", "1"):
                raise bad_request("level", gettext("Expected 0 (countries) or 1 (units)."))
            areas = areas.filter(level=int(level))
        return {"results": stats.area_figures(areas, *records)}
