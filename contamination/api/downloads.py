"""Bulk downloads: the published dataset (or any filtered part) as GeoJSON, CSV or GeoPackage.

Layers are written by PostgreSQL (GeoJSON text, CSV via COPY), so a download costs what the
database takes; the GeoPackage is converted from that GeoJSON by GDAL's `ogr2ogr`. Each
download carries a README (what, which filters, which fields, the data version), the licence
and a citation file — inside the zip, or as the `about` table inside the GeoPackage. Built
files are kept on disk under their ETag (data version + query), so a second request for the
same data costs a file read.
"""

import csv
import io
import json
import subprocess
import tempfile
import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, HttpResponseNotModified
from django.urls import reverse
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.exceptions import APIException, NotFound

from contamination import as_of, data_version, geojson, stats
from contamination.api import filters, flatfiles, resources
from contamination.api.base import (
    AnonymousThrottle,
    DownloadThrottle,
    PublicAPIView,
    json_response,
)
from contamination.api.caching import etag_for, not_modified, stamp
from contamination.api.past_state import AsOfMixin
from contamination.api.schema import (
    DETAIL_SCHEMA,
    FORMAT_JSON,
    error_responses,
    get_schema,
    not_modified_response,
    timestamp,
)
from contamination.models import AdminArea, HazardArea
from contamination.spreadsheets import EscapingWriter

EXTENSIONS = {
    "geojson.zip": ("application/zip", "GeoJSON FeatureCollections, one file per layer"),
    "csv.zip": (
        "application/zip",
        "CSV files, one per layer and table, geometry as WKT, with GDAL's .csvt/.prj/.vrt per "
        "layer and a Frictionless datapackage.json",
    ),
    "gpkg": (
        "application/geopackage+sqlite3",
        "one GeoPackage, one table per layer and per joined table",
    ),
}

RESOURCES = {
    "hazard_areas": resources.HAZARD_AREAS,
    "land_releases": resources.LAND_RELEASES,
    "incidents": resources.INCIDENTS,
    "areas": resources.AREAS,
}

# Files kept per process at most; the oldest go first.
KEEP_FILES = 20


class GdalError(APIException):
    status_code = 503
    default_detail = "The GeoPackage could not be built; try GeoJSON or CSV."


def layer_querysets(filterset):
    """The published rows of each requested layer, in a stable order."""
    hazards, releases, incidents = filterset.record_querysets()
    areas = AdminArea.objects.annotate(
        **stats.area_figure_annotations(hazards, releases, incidents)
    ).order_by("level", "code", "id")
    everything = {
        "hazard_areas": hazards.order_by("id"),
        "land_releases": releases.order_by("id"),
        "incidents": incidents.order_by("id"),
        "areas": areas,
    }
    return {name: everything[name] for name in filterset.layers()}


def layer_geojson(name, queryset):
    resource = RESOURCES[name]
    text, count = geojson.features(
        resource.rows(queryset),
        resource.properties(),
        geometry_field=resource.geometry(),
        precision=resource.precision,
    )
    return geojson.collection_text(text), count


def layer_csv(name, queryset):
    resource = RESOURCES[name]
    return geojson.csv_copy(
        resource.rows(queryset),
        resource.csv_columns(),
        resource.geometry(),
        resource.precision,
        points=resource.point_columns,
    )


def readme(request, version, counts, extension, has_demo, *, files=(), notes=()):
    """What the download holds, for people: data version, filters, files, fields, licence."""
    filters_given = {
        name: ",".join(values) for name, values in sorted(request.GET.lists()) if name != "format"
    }
    lines = [
        "Mine Atlas — bulk download",
        "=" * 26,
        "",
        f"Data version: {data_version.as_text(version)} (time of the last published change).",
        f"Downloaded from: {request.build_absolute_uri()}",
        "This file again, with these records as they were public then: "
        + data_version.reproducing_url(request.build_absolute_uri(), version),
        f"Format: {EXTENSIONS[extension][1]}.",
        "Filters: "
        + (", ".join(f"{key}={value}" for key, value in filters_given.items()) or "none"),
        "",
        "Only published records are included: drafts never, retracted records never (the",
        "changes feed /api/v1/changes/ lists retractions). Coordinates are WGS 84",
        "longitude/latitude (EPSG:4326). Areas are geodesic, on the WGS 84 ellipsoid.",
        "Incident locations are generalised to their stated precision.",
        "",
        "Layers:",
    ]
    for name, count in counts.items():
        lines.append(f"- {name}: {count} features")
    if files:
        lines += [
            "",
            "Tables that join the layers (CSV; every row has its `id`, and columns named after",
            "a table hold ids of that table's rows, e.g. land_releases.hazard_area =",
            "hazard_areas.id; `area` and `parent` hold areas.code):",
        ]
        lines += [f"- {path}" for path in files]
    lines += list(notes)  # what other apps' tables hold (claims.csv)
    if extension != "gpkg":
        lines += [
            "",
            "data-dictionary.csv: every column of every file with its type and its description",
            "in English, Azerbaijani and Russian (description_en, description_az, description_ru).",
        ]
    if extension == "csv.zip":
        lines += [
            "",
            "For GIS: each layer's .csvt (column types), .prj (EPSG:4326) and .vrt (open the",
            "layer with its geometry: `ogrinfo hazard_areas.vrt`, or drop it into QGIS).",
            "datapackage.json describes every file and column (a Frictionless Data Package:",
            "types, primary and foreign keys, licence, data version).",
        ]
    if has_demo:
        lines += [
            "",
            "NOTE: this database contains generated DEMO records (is_demo = true). They are",
            "not real records and must not be cited as evidence.",
        ]
    for name in counts:
        lines += ["", f"Fields of {name}:"]
        for column in RESOURCES[name].table_columns():
            lines.append(f"- {column.name}: {column.schema.get('description', '')}")
        lines.append("- geometry: " + RESOURCES[name].geometry_type + " (WKT column `wkt` in CSV)")
    lines += [
        "",
        f"Licence: {settings.API_DATA_LICENCE} ({settings.API_DATA_LICENCE_URL}); see LICENSE.txt.",
        "Boundaries: Natural Earth (public domain).",
        "",
        "Cite as:",
        citation_text(request, version, reproduced_by=stats_address(request)),
        "",
        "API documentation: " + request.build_absolute_uri(reverse("api:index")),
    ]
    return "\n".join(lines) + "\n"


def has_demo(layers):
    """Whether any record in the download is generated demo data."""
    return any(
        queryset.filter(is_demo=True).exists()
        for name, queryset in layers.items()
        if name != "areas"
    )


def citation_text(request, version, *, reproduced_by=None):
    """How to cite; with `reproduced_by` (this answer's address), the address that gives the
    same data again, whatever is corrected later (`?as_of=` the version)."""
    site = request.build_absolute_uri("/")
    text = f"{settings.API_CITATION}. Data version {data_version.as_text(version)}. {site}"
    if reproduced_by and version:
        text += f" (these data again: {data_version.reproducing_url(reproduced_by, version)})"
    return text


def stats_address(request):
    """Where the headline figures of this version can be read again (`?as_of=`)."""
    return request.build_absolute_uri(reverse("api:stats-summary"))


def licence_text():
    return (
        f"The Mine Atlas data are published under {settings.API_DATA_LICENCE}:\n"
        f"{settings.API_DATA_LICENCE_URL}\n\n"
        "Attribute them to Mine Atlas and the sources each record cites (`sources` ids; see\n"
        "/api/v1/sources/). Administrative boundaries: Made with Natural Earth (public domain).\n"
    )


def citation_cff(request, version, demo=False):
    moment = data_version.as_text(version)
    again = data_version.reproducing_url(stats_address(request), version)
    return (
        "cff-version: 1.2.0\n"
        'message: "If you use these data, please cite them as below."\n'
        "type: dataset\n"
        f"title: {json.dumps(settings.API_CITATION)}\n"
        "authors:\n"
        '  - name: "Mine Atlas"\n'
        f"version: {json.dumps(moment)}\n"
        f"date-released: {moment[:10]}\n"
        f"url: {json.dumps(request.build_absolute_uri('/'))}\n"
        f"license-url: {json.dumps(settings.API_DATA_LICENCE_URL)}\n"
        # The warning travels with the citation: a reference manager keeps the abstract.
        + (
            'abstract: "Contains generated DEMO records (is_demo = true), which are not real '
            'records and must not be cited as evidence."\n'
            if demo
            else ""
        )
        + (
            "identifiers:\n"
            "  - type: url\n"
            f"    value: {json.dumps(again)}\n"
            '    description: "The figures again, as they were at this version."\n'
            if version
            else ""
        )
    )


def record_filters(request):
    """The filters that leave records out (not `layer`, which leaves out whole files)."""
    return sorted(name for name in request.GET if name not in ("format", "layer"))


# Downloads are the same file in every language (their columns are codes, their README is
# English); data-dictionary.csv carries the descriptions in each language.
@translation.override("en")
def build_zip(request, version, filterset, layers, extension):
    """The zip: each layer (GeoJSON, or CSV with GDAL's sidecar files), the tables that join
    them (flatfiles.tables), datapackage.json for CSV, and the README, licence, citation."""
    buffer = io.BytesIO()
    counts = {}
    contents = {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, queryset in layers.items():
            if extension == "geojson.zip":
                text, counts[name] = layer_geojson(name, queryset)
                archive.writestr(f"{name}.geojson", text)
                contents[name] = b""
            else:
                contents[name] = layer_csv(name, queryset)
                counts[name] = queryset.count()
        tables, extra_readme = flatfiles.tables(
            request, filterset, layers, contents, record_filters=record_filters(request)
        )
        for table in tables:
            if table.geometry_type and extension == "geojson.zip":
                continue  # the layer is its GeoJSON file
            archive.writestr(table.path, table.content)
            if table.geometry_type:
                for path, text in flatfiles.sidecar_files(table).items():
                    archive.writestr(path, text)
        demo = has_demo(layers)
        files = [table.path for table in tables if not table.geometry_type]
        archive.writestr(
            "README.txt",
            readme(request, version, counts, extension, demo, files=files, notes=extra_readme),
        )
        archive.writestr("LICENSE.txt", licence_text())
        archive.writestr("CITATION.cff", citation_cff(request, version, demo))
        archive.writestr(
            flatfiles.DATA_DICTIONARY,
            flatfiles.data_dictionary(tables, geojson_layers=extension == "geojson.zip"),
        )
        if extension == "csv.zip":
            archive.writestr(
                "datapackage.json", flatfiles.datapackage(request, version, tables, demo=demo)
            )
    return buffer.getvalue()


@translation.override("en")
def build_geopackage(request, version, filterset, layers, target):
    """Write each layer's database-built GeoJSON, then convert it with ogr2ogr; the tables
    that join them (sources, organisations, links, claims) follow as plain tables."""
    counts = {}
    with tempfile.TemporaryDirectory(prefix="mineatlas-gpkg-") as folder:
        folder = Path(folder)
        output = folder / "mine-atlas.gpkg"
        for name, queryset in layers.items():
            text, counts[name] = layer_geojson(name, queryset)
            source = folder / f"{name}.geojson"
            source.write_text(text, encoding="utf-8")
            geometry_type = RESOURCES[name].geometry_type.upper()
            _ogr2ogr(
                output,
                source,
                name,
                "-nlt",
                geometry_type,
                "-lco",
                f"DESCRIPTION=Mine Atlas {name}, data version {data_version.as_text(version)}, "
                f"{settings.API_DATA_LICENCE}",
            )
        tables, extra_readme = flatfiles.tables(
            request,
            filterset,
            layers,
            {name: b"" for name in layers},
            record_filters=record_filters(request),
        )
        files = []
        for table in tables:
            if table.geometry_type:
                continue
            files.append(table.name)
            (folder / table.path).write_bytes(table.content)
            (folder / f"{table.name}.csvt").write_text(flatfiles.csvt(table), encoding="utf-8")
            _ogr2ogr(output, folder / table.path, table.name)
        about = folder / "about.csv"
        with about.open("w", encoding="utf-8", newline="") as handle:
            writer = EscapingWriter(csv.writer(handle))
            writer.writerow(["section", "text"])
            demo = has_demo(layers)
            writer.writerow(
                [
                    "readme",
                    readme(request, version, counts, "gpkg", demo, files=files, notes=extra_readme),
                ]
            )
            writer.writerow(["licence", licence_text()])
            writer.writerow(["citation", citation_cff(request, version, demo)])
        _ogr2ogr(output, about, "about")
        Path(target).write_bytes(output.read_bytes())


def _ogr2ogr(output, source, layer, *options):
    command = ["ogr2ogr", "-f", "GPKG"]
    if output.exists():
        command.append("-update")
    command += [str(output), str(source), "-nln", layer, *options]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=600)
    except (OSError, subprocess.SubprocessError) as error:
        raise GdalError() from error


def cache_dir():
    folder = Path(settings.API_DOWNLOAD_CACHE_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def prune(folder):
    files = sorted(folder.glob("*.download"), key=lambda path: path.stat().st_mtime)
    for old in files[:-KEEP_FILES]:
        old.unlink(missing_ok=True)


FILTER_NOTE = (
    "Takes the statistics' filters (dates, area, bbox, category, status, hazard_type, method, "
    "organisation), plus `updated_since` and `layer`."
)


@get_schema(
    operation_id="downloads_file",
    tags=["downloads"],
    description="The published dataset, or the part the filters select, as one file: "
    "`mine-atlas.geojson.zip`, `mine-atlas.csv.zip` or `mine-atlas.gpkg`. Each holds the "
    "tables that join the layers on their ids (sources, organisations, record-source links, "
    "claims), a README, the licence and a citation (in the GeoPackage: the `about` table); the "
    "CSV zip also GDAL's .csvt/.prj/.vrt per layer and `datapackage.json`. " + FILTER_NOTE,
    parameters=[
        OpenApiParameter(
            "extension",
            str,
            OpenApiParameter.PATH,
            enum=list(EXTENSIONS),
            description="`geojson.zip`, `csv.zip` or `gpkg`.",
        ),
        OpenApiParameter("format", str, enum=["file"], description="Only `file`."),
    ],
    responses={
        (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY),
        (200, "application/geopackage+sqlite3"): OpenApiResponse(OpenApiTypes.BINARY),
        **not_modified_response(),
        **error_responses(),
        (404, "application/json"): OpenApiResponse(DETAIL_SCHEMA, description="No such file."),
    },
)
class Download(AsOfMixin, PublicAPIView):
    filterset_class = filters.DownloadFilter
    materialises_past = as_of.TRACKED_MODELS  # the `areas` layer has per-area figures
    throttle_classes = [AnonymousThrottle, DownloadThrottle]
    formats = ("file",)
    paginated = False

    def get_queryset(self):
        return HazardArea.objects.none()

    def get(self, request, extension):
        self.check_query(request)
        if extension not in EXTENSIONS:
            raise NotFound(
                "Available: mine-atlas.geojson.zip, mine-atlas.csv.zip, mine-atlas.gpkg."
            )
        filterset = self.filterset(self.get_queryset())
        version = data_version.current()
        # Contributed tables (claims) change with their own data: their version is in the tag.
        etag = etag_for(version, request, f"{extension}|{flatfiles.contributors_version()}")
        if not_modified(request, etag, version):
            return stamp(HttpResponseNotModified(), etag, version)
        folder = cache_dir()
        path = folder / f"{etag}.download"
        if not path.exists():
            layers = layer_querysets(filterset)
            # A name of its own per request: two requests may build the same file at once.
            partial = folder / f"{etag}.{uuid.uuid4().hex}.partial"
            if extension == "gpkg":
                build_geopackage(request, version, filterset, layers, partial)
            else:
                partial.write_bytes(build_zip(request, version, filterset, layers, extension))
            partial.replace(path)  # atomic: a concurrent reader never sees half a file
            prune(folder)
        stamp_text = data_version.as_text(version).replace(":", "").replace("-", "")[:15]
        response = FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=f"mine-atlas-{stamp_text}.{extension}",
            content_type=EXTENSIONS[extension][0],
        )
        return stamp(response, etag, version)


@get_schema(
    operation_id="downloads_index",
    tags=["downloads"],
    description="What can be downloaded, the data version, the licence and the citation.",
    parameters=[FORMAT_JSON],
    responses={
        (200, "application/json"): OpenApiResponse(
            {
                "type": "object",
                "properties": {
                    "data_version": timestamp("Time of the last published change."),
                    "licence": {"type": "string", "description": "The data's licence."},
                    "licence_url": {
                        "type": "string",
                        "format": "uri",
                        "description": "The licence's text.",
                    },
                    "citation": {"type": "string", "description": "How to cite the data."},
                    "files": {
                        "type": "array",
                        "description": "The files, each with the filters as query string.",
                        "items": {
                            "type": "object",
                            "properties": {
                                "format": {"type": "string", "description": "File format."},
                                "description": {
                                    "type": "string",
                                    "description": "What the file holds.",
                                },
                                "url": {
                                    "type": "string",
                                    "format": "uri",
                                    "description": "Where to download it.",
                                },
                            },
                            "required": ["format", "description", "url"],
                        },
                    },
                    "filters": {"type": "string", "description": FILTER_NOTE},
                },
                "required": ["data_version", "licence", "licence_url", "citation", "files"],
            }
        ),
        **error_responses(),
    },
)
class DownloadIndex(PublicAPIView):
    paginated = False

    def get(self, request):
        self.check_query(request)
        version = data_version.current()
        files = [
            {
                "format": extension,
                "description": description,
                "url": request.build_absolute_uri(
                    reverse("api:download", kwargs={"extension": extension})
                ),
            }
            for extension, (_, description) in EXTENSIONS.items()
        ]
        return json_response(
            {
                "data_version": version and data_version.as_text(version),
                "licence": settings.API_DATA_LICENCE,
                "licence_url": settings.API_DATA_LICENCE_URL,
                "citation": citation_text(request, version),
                "files": files,
                "filters": FILTER_NOTE,
            }
        )
