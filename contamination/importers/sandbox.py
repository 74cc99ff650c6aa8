"""Keep GDAL from reaching the network, and refuse files whose content would make it try.

GDAL follows links inside some files: a GeoJSON `crs` of type "link" is fetched over HTTP, a
GeoPackage view runs whatever SQL it holds, a KML NetworkLink loads another document. The
checks here read the file before GDAL opens it and refuse those constructs with a reason;
`gdal_sandbox()` then sets GDAL's own options so that anything the checks missed cannot
reach the network either (every HTTP request goes to a proxy address where nothing listens).
"""

import json
import logging
import re
import sqlite3
from contextlib import contextmanager

from django.conf import settings
from django.contrib.gis.gdal.libgdal import lgdal

from contamination.importers.errors import ImportRejected

# Port 1 (tcpmux) is not served on any host we run on: a request through it fails at once.
NOWHERE_PROXY = "127.0.0.1:1"


def gdal_options():
    """GDAL configuration for reading an uploaded file: no network, bounded objects."""
    # A GeoJSON feature is parsed whole before its vertices can be counted: a 1,000,000-vertex
    # polygon takes ~570 MB. Allow ~64 bytes of text per permitted vertex and no more.
    max_object_mb = max(1, settings.IMPORT_MAX_VERTICES * 64 // 1_000_000)
    return {
        "GDAL_HTTP_PROXY": NOWHERE_PROXY,
        "GDAL_HTTPS_PROXY": NOWHERE_PROXY,
        "GDAL_HTTP_MAX_RETRY": "0",
        "GDAL_HTTP_TIMEOUT": "1",
        "GDAL_HTTP_CONNECTTIMEOUT": "1",
        "GDAL_HTTP_NETRC": "NO",
        # /vsicurl/ and friends only open names with these extensions: none has this one.
        "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".mineatlas-no-remote-files",
        "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
        "LIBKML_RESOLVE_STYLE": "NO",
        "LIBKML_EXTERNAL_STYLE": "NO",
        "OSR_USE_NON_DEPRECATED": "NO",
        "PROJ_NETWORK": "OFF",
        "OGR_GEOJSON_MAX_OBJ_SIZE": str(max_object_mb),
    }


def _set_option(name, value):
    lgdal.CPLSetThreadLocalConfigOption(name.encode(), value.encode() if value else None)


@contextmanager
def gdal_sandbox():
    """Set `gdal_options()` for this thread while an uploaded file is opened and read."""
    options = gdal_options()
    for name, value in options.items():
        _set_option(name, value)
    try:
        yield
    finally:
        for name in options:
            _set_option(name, None)


class GDALErrors(logging.Handler):
    """Collects the GDAL errors Django logs (its GDALException only names the failed call)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@contextmanager
def gdal_errors():
    logger = logging.getLogger("django.contrib.gis")
    handler = GDALErrors()
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


def explain_gdal_error(fmt_label, messages):
    """An ImportRejected for a file GDAL refused, saying why when the reason is a limit."""
    if any("too complex/large" in message for message in messages):
        return ImportRejected(
            "A feature in the GeoJSON is too large to read: it would have more than "
            f"{settings.IMPORT_MAX_VERTICES:,} vertices (IMPORT_MAX_VERTICES). Simplify it "
            "in a GIS and import the file again."
        )
    return ImportRejected(f"GDAL could not read the file as {fmt_label}; check that it is one.")


# --- GeoJSON ---------------------------------------------------------------------------------

CRS_MEMBER = re.compile(rb'"crs"\s*:')
# JSON lets a key be written with escapes ("\u0063rs" is "crs"); no exporter escapes letters,
# so a file that does is refused rather than decoded twice.
ESCAPED_LETTER = re.compile(rb"\\u00(?:4[1-9a-fA-F]|5[0-9aA]|6[1-9a-fA-F]|7[0-9aA])")
CRS_NAME = re.compile(r"^(urn:ogc:def:crs:(EPSG|OGC)::?[A-Za-z0-9.]+|EPSG:\d+|OGC:CRS84)$")
CHUNK = 1024 * 1024


def check_geojson(path):
    """Refuse a `crs` that is anything but an EPSG/OGC name (a link, URL or file path)."""
    with open(path, "rb") as file:
        offset = 0
        tail = b""
        while chunk := file.read(CHUNK):
            window = tail + chunk
            if ESCAPED_LETTER.search(window):
                raise ImportRejected(
                    "The GeoJSON writes letters as \\u escapes, which hides what its members "
                    "are; it was not opened. Export it again from a GIS."
                )
            for match in CRS_MEMBER.finditer(window):
                start = offset - len(tail) + match.end()
                _check_crs_value(path, start)
            offset += len(chunk)
            tail = chunk[-16:]


def _check_crs_value(path, start):
    with open(path, "rb") as file:
        file.seek(start)
        text = file.read(64 * 1024).decode("utf-8", "replace").lstrip()
    try:
        crs, _end = json.JSONDecoder().raw_decode(text)
    except ValueError:
        crs = None
    if crs is None:
        return  # "crs": null says nothing; GDAL ignores it
    properties = crs.get("properties") if isinstance(crs, dict) else None
    kind = str(crs.get("type", "")).lower() if isinstance(crs, dict) else ""
    if isinstance(properties, dict):
        if kind == "name" and CRS_NAME.match(str(properties.get("name", ""))):
            return
        if kind == "epsg" and isinstance(properties.get("code"), int):
            return
    raise ImportRejected(
        "The GeoJSON's crs member is not an EPSG name such as "
        '"urn:ogc:def:crs:EPSG::32638" (links, URLs and file paths are refused, since '
        "reading them would make the server fetch them); it was not opened."
    )


def count_geojson_features(path):
    """An upper bound on the features: how often the text "Feature" occurs as a value."""
    return _count(path, b'"Feature"')


# --- GeoPackage --------------------------------------------------------------------------------

# The triggers GDAL and the GeoPackage standard write themselves. Triggers run only on
# writes and the file is opened read-only, but any other trigger is a sign of a crafted file.
STANDARD_TRIGGER = re.compile(
    r"^(rtree_.+_(insert|update[1-4]|delete)|trigger_(insert|delete)_feature_count_.+"
    r"|gpkg_tile_matrix_.+_(insert|update)|gpkg_metadata_reference_.+_(insert|update)"
    r"|gpkg_metadata_.+_(insert|update))$"
)
SQLITE_STEPS = 5_000_000


def check_geopackage(path):
    """Tables only: refuse views, unknown triggers, generated columns, odd virtual tables.

    Reads sqlite_master with Python's sqlite3 (read-only, immutable) before GDAL opens the
    file, with a step budget so that even this inspection cannot run long.
    """
    try:
        database = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as error:
        raise ImportRejected(f"The GeoPackage cannot be read: {error}.") from None
    steps = [0]

    def budget():
        steps[0] += 1
        return steps[0] > SQLITE_STEPS // 1000  # called every 1000 steps: nonzero aborts

    database.set_progress_handler(budget, 1000)
    try:
        schema = database.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        views = [name for kind, name, _sql in schema if kind == "view"]
        if views:
            raise ImportRejected(
                "The GeoPackage holds view(s) ("
                + ", ".join(f"“{name}”" for name in views[:5])
                + "); only tables are imported, since a view can run any query. Export the "
                "layer as a table."
            )
        triggers = [
            name
            for kind, name, _sql in schema
            if kind == "trigger" and not STANDARD_TRIGGER.match(name)
        ]
        if triggers:
            raise ImportRejected(
                "The GeoPackage holds trigger(s) GeoPackage does not define ("
                + ", ".join(f"“{name}”" for name in triggers[:5])
                + "); it was not opened. Export the layer again from a GIS."
            )
        for kind, name, sql in schema:
            if kind == "table" and sql and re.match(r"(?is)^\s*create\s+virtual\s+table", sql):
                if not re.search(r"(?i)\busing\s+rtree\s*\(", sql):
                    raise ImportRejected(
                        f"The GeoPackage holds the virtual table “{name}”, which is not a "
                        "spatial index; only tables are imported."
                    )
            elif (
                kind == "table" and sql and re.search(r"(?i)\bgenerated\s+always\b|\bas\s*\(", sql)
            ):
                raise ImportRejected(
                    f"The table “{name}” has computed (generated) columns; only stored "
                    "values are imported. Export the layer again from a GIS."
                )
        layers = _geopackage_layers(database)
        tables = {name for kind, name, _sql in schema if kind == "table"}
        for layer in layers:
            if layer not in tables:
                raise ImportRejected(f"The GeoPackage layer “{layer}” is not a table.")
        definitions = database.execute(
            "SELECT definition FROM gpkg_spatial_ref_sys WHERE definition IS NOT NULL"
        ).fetchall()
        for (definition,) in definitions:
            if re.search(r"://|/vsi|^\s*[@/]", str(definition)):
                raise ImportRejected(
                    "A coordinate system in the GeoPackage points to a file or address "
                    "instead of defining itself; it was not opened."
                )
        rows = 0
        for layer in layers:
            quoted = layer.replace('"', '""')
            rows += database.execute(f'SELECT count(*) FROM "{quoted}"').fetchone()[0]
        return rows
    except sqlite3.OperationalError as error:
        if "interrupted" in str(error):
            raise ImportRejected(
                "Inspecting the GeoPackage took too long; it was not opened."
            ) from None
        raise ImportRejected(f"The GeoPackage cannot be read: {error}.") from None
    except sqlite3.DatabaseError as error:
        raise ImportRejected(f"The GeoPackage cannot be read: {error}.") from None
    finally:
        database.close()


def _geopackage_layers(database):
    try:
        return [
            name
            for (name,) in database.execute(
                "SELECT table_name FROM gpkg_contents WHERE data_type IN ('features', 'attributes')"
            )
        ]
    except sqlite3.OperationalError:
        raise ImportRejected("The GeoPackage has no gpkg_contents table.") from None


# --- KML, CSV, Shapefile -----------------------------------------------------------------------

EXTERNAL_REFERENCE = re.compile(
    rb"<(?:[\w.-]+:)?(styleUrl|schemaUrl)>\s*(?!#)([^<\s]{1,200})", re.IGNORECASE
)
COORDINATES = re.compile(rb"<(?:[\w.-]+:)?coordinates\b[^>]*>|</(?:[\w.-]+:)?coordinates>")


def check_kml(path):
    """Refuse styles or schemas in other files, and coordinate lists too long to parse."""
    limit = settings.IMPORT_MAX_VERTICES * 64
    opened_at = None
    offset = 0
    tail = b""
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            window = tail + chunk
            base = offset - len(tail)
            match = EXTERNAL_REFERENCE.search(window)
            if match:
                raise ImportRejected(
                    f"The KML's <{match.group(1).decode()}> points to another file or address "
                    f"(“{match.group(2).decode('utf-8', 'replace')}”); only styles inside the "
                    "file (#id) are accepted."
                )
            for tag in COORDINATES.finditer(window):
                position = base + tag.start()
                if tag.group().startswith(b"</"):
                    opened_at = None
                elif opened_at is None or position > opened_at:
                    opened_at = position
            if opened_at is not None and offset + len(chunk) - opened_at > limit:
                raise _too_many_vertices()
            offset += len(chunk)
            tail = chunk[-256:]


def _too_many_vertices():
    return ImportRejected(
        "A geometry in the file has more than "
        f"{settings.IMPORT_MAX_VERTICES:,} vertices (IMPORT_MAX_VERTICES); simplify it "
        "in a GIS and import it again."
    )


def count_kml_features(path):
    return _count(path, b"<Placemark")


def count_csv_rows(path):
    """Lines after the header (quoted line breaks make it an upper bound).

    A line longer than a geometry of IMPORT_MAX_VERTICES vertices can be (a WKT cell) is
    refused here, before GDAL reads it.
    """
    limit = settings.IMPORT_MAX_VERTICES * 64
    lines = 0
    since_newline = 0
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            parts = chunk.split(b"\n")
            # The first part continues the line the previous chunk ended in.
            lengths = [since_newline + len(parts[0]), *(len(part) for part in parts[1:])]
            if max(lengths) > limit:
                raise _too_many_vertices()
            since_newline = lengths[-1]
            lines += len(parts) - 1
    with open(path, "rb") as file:
        file.seek(-1, 2)
        unterminated = file.read(1) != b"\n"
    return max(0, lines + unterminated - 1)


def count_shapefile_records(shx_path):
    # .shx: a 100-byte header, then 8 bytes per record.
    return max(0, (shx_path.stat().st_size - 100) // 8)


def _count(path, needle):
    count = 0
    tail = b""
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            window = tail + chunk
            count += window.count(needle)
            # Keep less than one needle's length, so nothing is counted twice.
            tail = window[-(len(needle) - 1) :] if len(needle) > 1 else b""
    return count


def check_row_count(rows):
    limit = settings.IMPORT_MAX_ROWS
    if rows > limit:
        raise ImportRejected(
            f"The file holds about {rows:,} rows; the limit is {limit:,} (IMPORT_MAX_ROWS). "
            "Split it into smaller files."
        )


def check_vertices(ogr, number):
    """Refuse the file at row `number` if its OGR geometry has too many vertices."""
    limit = settings.IMPORT_MAX_VERTICES
    # Two-dimensional WKB takes 16 bytes a vertex: one C call rules out most geometries.
    if ogr.wkb_size // 16 <= limit:
        return
    count = ogr.point_count
    if count > limit:
        raise ImportRejected(
            f"Row {number}: the geometry has {count:,} vertices; the limit is {limit:,} "
            "(IMPORT_MAX_VERTICES). Simplify it in a GIS and import the file again. "
            "Nothing was imported."
        )
