"""Flat files that join: the tables of a bulk download beside the layers, and their descriptions.

Every CSV of a download has an `id` (or, for areas, the `code` the records cite) and the ids
it refers to, so that a researcher can `merge` them: the records' `sources` lists are spelt
out in link tables (`hazard_area_sources.csv`: hazard_area, source), and `sources.csv` and
`organisations.csv` hold exactly the sources and organisations the files refer to. Each
layer CSV gets GDAL's sidecar files (CSVT column types, a VRT naming the WKT column and
EPSG:4326, a PRJ), and `datapackage.json` describes every file and column as a Frictionless
Data Package, with the keys between them.

Other apps add tables through `register` (statements: `claims.csv`), so that contamination
never imports them (tests/test_layers.py).
"""

import csv
import io
import json
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from contamination import data_version, geojson
from contamination.api import resources
from contamination.models import (
    HazardAreaSource,
    IncidentSource,
    LandReleaseSource,
    Organisation,
    Source,
)
from contamination.spreadsheets import EscapingWriter

# WKT of EPSG:4326 (WGS 84), as GDAL writes it in a .prj (ESRI's form, which every GIS reads).
WGS84_PRJ = (
    'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
    'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
)


# --- Tables -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One column: its Table Schema type (string, integer, number, boolean, date, datetime)."""

    name: str
    type: str
    description: str


@dataclass(frozen=True)
class ForeignKey:
    field: str
    resource: str  # the table it joins, by name
    reference: str = "id"


@dataclass
class Table:
    """One CSV of the download, described well enough for datapackage.json and GDAL."""

    name: str
    description: str
    fields: list
    content: bytes
    primary_key: list = field(default_factory=list)
    foreign_keys: list = field(default_factory=list)
    geometry_type: str = ""  # WKT column `wkt` of this type (layers only)

    @property
    def path(self):
        return f"{self.name}.csv"


@dataclass
class Contribution:
    """What an app adds to a download: tables, and the organisations and sources they cite
    (querysets of ids), which then appear in organisations.csv and sources.csv."""

    tables: list = field(default_factory=list)
    organisation_ids: list = field(default_factory=list)
    source_ids: list = field(default_factory=list)
    readme: list = field(default_factory=list)  # lines for the README


class Contributor:
    """A source of extra tables (see statements/api/downloads.py)."""

    def version(self):
        """Text that changes whenever the tables would: it is part of the download's ETag."""
        return ""

    def contribute(self, request, filterset, layers):
        return Contribution()


CONTRIBUTORS = []


def register(contributor):
    """Add `contributor`'s tables to every download (called from an AppConfig.ready)."""
    if not any(type(known) is type(contributor) for known in CONTRIBUTORS):
        CONTRIBUTORS.append(contributor)


def contributors_version():
    return "|".join(contributor.version() for contributor in CONTRIBUTORS)


def schema_type(schema):
    """A column's OpenAPI schema as a Table Schema type: arrays are `;`-joined text in CSV."""
    kind = schema.get("type")
    if isinstance(kind, list):  # nullable: ["integer", "null"]
        kind = next((item for item in kind if item != "null"), "string")
    if kind == "string" and schema.get("format") == "date":
        return "date"
    if kind == "string" and schema.get("format") == "date-time":
        return "datetime"
    if kind in ("integer", "number", "boolean"):
        return kind
    return "string"


def column_fields(columns):
    return [
        Field(column.name, schema_type(column.schema), column.schema.get("description", ""))
        for column in columns
    ]


LAYER_KEYS = {
    # layer: [(column, table it joins, column there)]
    "hazard_areas": [("surveyed_by", "organisations", "id"), ("area", "areas", "code")],
    "land_releases": [
        ("hazard_area", "hazard_areas", "id"),
        ("organisation", "organisations", "id"),
        ("area", "areas", "code"),
    ],
    "incidents": [("area", "areas", "code")],
    "areas": [("parent", "areas", "code")],
}

LAYER_DESCRIPTIONS = {
    "hazard_areas": "Published hazard areas: land suspected or confirmed to be contaminated.",
    "land_releases": "Published land releases: land cancelled, reduced or cleared.",
    "incidents": "Published incidents, each at its public (generalised) location.",
    "areas": "Administrative areas with the figures of the records in this download.",
}


def layer_table(name, content, *, record_filters):
    """The description of a layer's CSV (its content written by downloads.layer_csv)."""
    resource = downloads_resource(name)
    fields = column_fields(resource.table_columns())
    fields.append(Field("wkt", "string", f"{resource.geometry_type} as WKT, EPSG:4326."))
    if resource.point_columns:
        fields += [
            Field("lon", "number", _("Longitude of the public point, WGS 84.")),
            Field("lat", "number", _("Latitude of the public point, WGS 84.")),
        ]
    return Table(
        name=name,
        description=LAYER_DESCRIPTIONS[name],
        fields=fields,
        content=content,
        primary_key=["code"] if name == "areas" else ["id"],
        # A filtered download may leave out a released hazard area: then the key is not
        # declared, so that a validator does not report the filter as broken data.
        foreign_keys=[
            ForeignKey(column, table, reference)
            for column, table, reference in LAYER_KEYS[name]
            if not (table == "hazard_areas" and record_filters)
        ],
        geometry_type=resource.geometry_type,
    )


def downloads_resource(name):
    return {
        "hazard_areas": resources.HAZARD_AREAS,
        "land_releases": resources.LAND_RELEASES,
        "incidents": resources.INCIDENTS,
        "areas": resources.AREAS,
    }[name]


# --- Sources and organisations ----------------------------------------------------------

CITATIONS = {
    # layer: (citation model, the record's field in it, the link table's name)
    "hazard_areas": (HazardAreaSource, "hazard_area", "hazard_area_sources"),
    "land_releases": (LandReleaseSource, "land_release", "land_release_sources"),
    "incidents": (IncidentSource, "incident", "incident_sources"),
}

ORGANISATION_COLUMNS = {  # layer: the column naming an organisation
    "hazard_areas": "surveyed_by_id",
    "land_releases": "organisation_id",
}


def link_table(layer, queryset):
    """Which source each record cites: one row per record and source (1 query)."""
    model, record, name = CITATIONS[layer]
    citations = model.objects.filter(**{f"{record}__in": queryset.order_by().values("pk")})
    content = geojson.csv_copy(
        citations.order_by(f"{record}_id", "source_id", "id"),
        {record: F(f"{record}_id"), "source": F("source_id"), "page": F("page")},
    )
    return Table(
        name=name,
        description=f"The sources each record of {layer}.csv cites, one row per pair.",
        fields=[
            Field(record, "integer", f"Id of the record in {layer}.csv."),
            Field("source", "integer", _("Id of the source in sources.csv.")),
            Field("page", "string", _("Page or section cited, if given.")),
        ],
        content=content,
        foreign_keys=[ForeignKey(record, layer), ForeignKey("source", "sources")],
    ), citations.values("source_id")


def sources_table(id_querysets):
    condition = Q(pk__in=[])
    for ids in id_querysets:
        condition |= Q(pk__in=ids)
    rows = Source.objects.filter(condition).order_by("id")
    return Table(
        name="sources",
        description="The documents the other files cite (`source` columns).",
        fields=[
            Field("id", "integer", _("The source's id, as the other files cite it.")),
            Field("title", "string", _("Title of the document.")),
            Field("publisher", "string", _("Who published it.")),
            Field("url", "string", _("Where it was published.")),
            Field("published_on", "date", _("When it was published.")),
            Field("accessed_on", "date", _("When it was last read.")),
            Field("archived_url", "string", _("An archived copy, if any.")),
            Field("language", "string", _("Language, ISO 639-1 code.")),
            Field("is_reprint", "boolean", _("Whether it reprints another publisher's text.")),
        ],
        content=geojson.csv_copy(
            rows,
            {
                name: F(name)
                for name in (
                    "id",
                    "title",
                    "publisher",
                    "url",
                    "published_on",
                    "accessed_on",
                    "archived_url",
                    "language",
                )
            }
            | {"is_reprint": resources.JsonText(F("is_reprint"))},
        ),
        primary_key=["id"],
    )


def organisations_table(id_querysets):
    condition = Q(pk__in=[])
    for ids in id_querysets:
        condition |= Q(pk__in=ids)
    rows = Organisation.objects.filter(condition).order_by("id")
    return Table(
        name="organisations",
        description="The organisations the other files refer to (operators, authorities, "
        "agencies).",
        fields=[
            Field("id", "integer", _("The organisation's id, as the other files cite it.")),
            Field("name", "string", _("Full name.")),
            Field("acronym", "string", _("Short name, if any.")),
            Field("kind", "string", _("What kind of body it is.")),
            Field("country", "string", _("Country, ISO 3166 code, if national.")),
            Field("website", "string", _("Its website, if any.")),
        ],
        content=geojson.csv_copy(
            rows,
            {name: F(name) for name in ("id", "name", "acronym", "kind", "country", "website")},
        ),
        primary_key=["id"],
    )


def tables(request, filterset, layers, layer_contents, *, record_filters):
    """Every CSV of the download: the layers, the link tables, the contributed tables, then
    sources.csv and organisations.csv (what all of them cite)."""
    found = []
    source_ids, organisation_ids = [], []
    for name, queryset in layers.items():
        found.append(layer_table(name, layer_contents[name], record_filters=record_filters))
        if name in CITATIONS:
            link, ids = link_table(name, queryset)
            found.append(link)
            source_ids.append(ids)
        if name in ORGANISATION_COLUMNS:
            organisation_ids.append(queryset.order_by().values(ORGANISATION_COLUMNS[name]))
    readme = []
    for contributor in CONTRIBUTORS:
        contribution = contributor.contribute(request, filterset, layers)
        found += contribution.tables
        source_ids += contribution.source_ids
        organisation_ids += contribution.organisation_ids
        readme += contribution.readme
    found.append(sources_table(source_ids))
    found.append(organisations_table(organisation_ids))
    present = {table.name for table in found}
    for table in found:
        # A key to a table this download leaves out (`layer=`) cannot be checked.
        table.foreign_keys = [key for key in table.foreign_keys if key.resource in present]
    return found, readme


# --- GDAL's sidecar files ---------------------------------------------------------------

CSVT_TYPES = {
    "string": "String",
    "integer": "Integer64",
    "number": "Real",
    "boolean": "String",  # GDAL's Integer(Boolean) reads 0/1, not true/false
    "date": "Date",
    "datetime": "DateTime",
}


def csvt(table):
    """GDAL's column types for the CSV driver (one quoted type per column; `wkt` is WKT)."""
    types = ["WKT" if item.name == "wkt" else CSVT_TYPES[item.type] for item in table.fields]
    return ",".join(f'"{kind}"' for kind in types) + "\n"


def vrt(table):
    """A VRT that opens the CSV as a layer with its geometry in EPSG:4326."""
    return (
        "<OGRVRTDataSource>\n"
        f"  <OGRVRTLayer name={quoteattr(table.name)}>\n"
        f'    <SrcDataSource relativeToVRT="1">{escape(table.path)}</SrcDataSource>\n'
        f"    <SrcLayer>{escape(table.name)}</SrcLayer>\n"
        f"    <GeometryType>wkb{table.geometry_type}</GeometryType>\n"
        "    <LayerSRS>EPSG:4326</LayerSRS>\n"
        '    <GeometryField encoding="WKT" field="wkt"/>\n'
        "  </OGRVRTLayer>\n"
        "</OGRVRTDataSource>\n"
    )


def sidecar_files(table):
    """{file name: text} beside a layer's CSV for GDAL and QGIS."""
    return {
        f"{table.name}.csvt": csvt(table),
        f"{table.name}.vrt": vrt(table),
        f"{table.name}.prj": WGS84_PRJ,
    }


# --- The data dictionary ----------------------------------------------------------------

DATA_DICTIONARY = "data-dictionary.csv"
DICTIONARY_LANGUAGES = ("en", "az", "ru")


def data_dictionary(tables, *, geojson_layers=False):
    """data-dictionary.csv: each file's columns with their type and their description in
    English, Azerbaijani and Russian. The column names are the same codes in every language
    (so scripts never break); the words that explain them are what is translated."""
    header = ["file", "column", "type", *(f"description_{code}" for code in DICTIONARY_LANGUAGES)]
    rows = []
    for table in tables:
        path = f"{table.name}.geojson" if geojson_layers and table.geometry_type else table.path
        for item in table.fields:
            descriptions = []
            for code in DICTIONARY_LANGUAGES:
                with translation.override(code):
                    descriptions.append(str(item.description))
            rows.append([path, item.name, item.type, *descriptions])
    return rows_csv(header, rows)


# --- The Data Package -------------------------------------------------------------------

OTHER_FILES = {
    "README.txt": ("text/plain", "What the download holds, its filters and fields."),
    DATA_DICTIONARY: (
        "text/csv",
        "Every column of every file, described in English, Azerbaijani and Russian.",
    ),
    "LICENSE.txt": ("text/plain", "The licence of the data."),
    "CITATION.cff": ("application/x-yaml", "How to cite the data (Citation File Format)."),
}

SIDECARS = {
    "csvt": ("text/plain", "GDAL's column types for {}."),
    "vrt": ("application/xml", "GDAL virtual layer: {} with its WKT geometry in EPSG:4326."),
    "prj": ("text/plain", "The coordinate system of {} (WGS 84, EPSG:4326)."),
}


def licence_id(text):
    """`CC BY 4.0` -> `CC-BY-4.0` (the SPDX form Data Packages use)."""
    return text.replace(" ", "-")


def datapackage(request, version, tables, *, demo):
    """datapackage.json: every file of the zip, with the columns, types and keys of each CSV."""
    moment = data_version.as_text(version)
    package = {
        # Not "tabular-data-package": the README, the licence and GDAL's files are described too.
        "profile": "data-package",
        "name": "mine-atlas",
        "title": "Mine Atlas — bulk download",
        "description": "Published records of landmine and explosive ordnance contamination, "
        "land release and incidents, with the sources and organisations they cite."
        + (
            " Contains generated DEMO records (is_demo = true), which are not real records "
            "and must not be cited as evidence."
            if demo
            else ""
        ),
        "version": moment,
        "created": moment,
        "homepage": request.build_absolute_uri("/"),
        "licenses": [
            {
                "name": licence_id(settings.API_DATA_LICENCE),
                "path": settings.API_DATA_LICENCE_URL,
                "title": settings.API_DATA_LICENCE,
            }
        ],
        "sources": [
            {"title": "Mine Atlas", "path": request.build_absolute_uri("/")},
            {"title": "Natural Earth (administrative boundaries, public domain)"},
        ],
        "resources": [],
    }
    for table in tables:
        package["resources"].append(
            {
                "name": table.name.replace("_", "-"),
                "path": table.path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": table.description,
                "schema": table_schema(table),
            }
        )
        if table.geometry_type:
            for extension, (mediatype, description) in SIDECARS.items():
                package["resources"].append(
                    {
                        "name": f"{table.name}-{extension}".replace("_", "-"),
                        "path": f"{table.name}.{extension}",
                        "profile": "data-resource",
                        "format": extension,
                        "mediatype": mediatype,
                        "description": description.format(table.path),
                    }
                )
    for path, (mediatype, description) in OTHER_FILES.items():
        package["resources"].append(
            {
                "name": path.lower().replace(".", "-"),
                "path": path,
                "profile": "data-resource",
                "format": path.rsplit(".", 1)[1].lower(),
                "mediatype": mediatype,
                "description": description,
            }
        )
    return json.dumps(package, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder) + "\n"


def table_schema(table):
    schema = {
        "fields": [
            {"name": item.name, "type": item.type, "description": item.description}
            for item in table.fields
        ],
        "missingValues": [""],
    }
    if table.primary_key:
        schema["primaryKey"] = table.primary_key
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {
                "fields": key.field,
                "reference": {"resource": key.resource.replace("_", "-"), "fields": key.reference},
            }
            for key in table.foreign_keys
        ]
    return schema


def rows_csv(header, rows):
    """CSV of Python rows, escaped as every CSV of the site is (for contributed tables)."""
    buffer = io.StringIO()
    writer = EscapingWriter(csv.writer(buffer, lineterminator="\r\n"))
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()
