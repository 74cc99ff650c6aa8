"""Receive an uploaded file safely and open it with GDAL.

Every file is copied into a temporary folder this module creates, under a name it chooses,
and its content is checked against what its name says before GDAL sees it. GDAL opens it
with an allow-list of one or two drivers, and the driver it picked is checked again. ZIP files
are inspected from their central directory and only a shapefile's own parts are extracted,
with a byte budget, so a ZIP bomb or a path like `../x` is refused without unpacking.
"""

import re
import shutil
import tempfile
import zipfile
from ctypes import c_char_p
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.contrib.gis.gdal import DataSource, Driver
from django.contrib.gis.gdal.error import GDALException
from django.contrib.gis.gdal.prototypes import ds as capi
from django.template.defaultfilters import filesizeformat

import contamination.importers.sandbox as sandbox
from contamination.importers.errors import ImportRejected


@dataclass(frozen=True)
class FileFormat:
    key: str
    label: str
    extensions: tuple
    drivers: tuple  # GDAL drivers allowed to open it, in order of preference
    open_options: tuple = ()


GEOJSON = FileFormat("geojson", "GeoJSON", (".geojson", ".json"), ("GeoJSON",))
GEOPACKAGE = FileFormat("gpkg", "GeoPackage", (".gpkg",), ("GPKG",))
SHAPEFILE = FileFormat("shapefile", "zipped Shapefile", (".zip",), ("ESRI Shapefile",))
# LIBKML reads ExtendedData (the attribute columns); the plain KML driver only name/description.
KML = FileFormat("kml", "KML", (".kml",), ("LIBKML", "KML"))
CSV = FileFormat(
    "csv",
    "CSV",
    (".csv",),
    ("CSV",),
    open_options=(
        "X_POSSIBLE_NAMES=lon,longitude,lng,x",
        "Y_POSSIBLE_NAMES=lat,latitude,y",
        "GEOM_POSSIBLE_NAMES=wkt,geometry,geom",
        "KEEP_GEOM_COLUMNS=NO",
        # Keep cells as text: the importer parses them and explains what it cannot read.
        "AUTODETECT_TYPE=NO",
        "EMPTY_STRING_AS_NULL=YES",
    ),
)
FORMATS = (GEOJSON, GEOPACKAGE, SHAPEFILE, KML, CSV)
ACCEPTED_EXTENSIONS = tuple(ext for fmt in FORMATS for ext in fmt.extensions)

SHAPEFILE_PARTS = {".shp", ".shx", ".dbf", ".prj", ".cpg"}
# Other files a GIS writes next to a shapefile: allowed in the ZIP, never extracted.
SHAPEFILE_COMPANIONS = {".qix", ".sbn", ".sbx", ".xml", ".qmd", ".fix", ".txt", ".pdf", ".md"}
ZIP_MAX_MEMBERS = 50
# Shapefiles compress well (repeated attribute padding), but not 100 times.
ZIP_MAX_RATIO = 100
SNIFF_BYTES = 64 * 1024


def format_for_name(name):
    suffix = Path(name or "").suffix.lower()
    for fmt in FORMATS:
        if suffix in fmt.extensions:
            return fmt
    if suffix == ".kmz":
        raise ImportRejected("KMZ files are not accepted: unzip it and import the .kml inside.")
    accepted = ", ".join(ACCEPTED_EXTENSIONS)
    raise ImportRejected(
        f"“{name}” is not a file type the importer reads. Accepted: {accepted} "
        "(a Shapefile must be zipped with its .shp, .shx, .dbf and .prj)."
    )


def check_size(size):
    if size == 0:
        raise ImportRejected("The file is empty.")
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        raise ImportRejected(
            f"The file is {filesizeformat(size)}; the limit is {filesizeformat(limit)} "
            "(IMPORT_MAX_BYTES). Split it into smaller files."
        )


class StoredUpload:
    """A private copy of an uploaded file in a temporary folder; `cleanup()` removes it."""

    def __init__(self, directory, path, fmt, original_name):
        self.directory = Path(directory)
        self.path = Path(path)
        self.format = fmt
        self.original_name = original_name
        self.row_estimate = None  # set by open(): rows counted from the bytes

    @classmethod
    def from_chunks(cls, chunks, original_name, size=None, directory=None):
        """Copy `chunks` (bytes) into a new temporary folder, refusing to exceed the limit."""
        fmt = format_for_name(original_name)
        if size is not None:
            check_size(size)
        directory = Path(directory or tempfile.mkdtemp(prefix="mineatlas-import-"))
        path = directory / f"upload{fmt.extensions[0]}"
        written = 0
        try:
            with open(path, "wb") as target:
                for chunk in chunks:
                    written += len(chunk)
                    # The stated size may be wrong: count what actually arrives.
                    if written > settings.IMPORT_MAX_BYTES:
                        check_size(written)
                    target.write(chunk)
            check_size(written)
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        return cls(directory, path, fmt, original_name)

    @classmethod
    def from_path(cls, source_path, directory=None):
        source_path = Path(source_path)
        format_for_name(source_path.name)  # refuse an unknown type before touching the file
        if not source_path.is_file():
            raise ImportRejected(f"There is no file at {source_path}.")
        check_size(source_path.stat().st_size)
        with open(source_path, "rb") as source:
            chunks = iter(lambda: source.read(1024 * 1024), b"")
            return cls.from_chunks(chunks, source_path.name, directory=directory)

    @classmethod
    def reopen(cls, directory, original_name):
        """The stored copy made earlier (admin confirm step), or ImportRejected if gone."""
        fmt = format_for_name(original_name)
        path = Path(directory) / f"upload{fmt.extensions[0]}"
        if not path.is_file():
            raise ImportRejected("The uploaded file is no longer available: upload it again.")
        return cls(directory, path, fmt, original_name)

    def cleanup(self):
        shutil.rmtree(self.directory, ignore_errors=True)

    def open(self):
        """Check the content against the format, then open it with GDAL; return DataSource."""
        head = read_head(self.path)
        sniff = {
            "geojson": sniff_geojson,
            "gpkg": sniff_geopackage,
            "shapefile": sniff_zip,
            "kml": sniff_kml,
            "csv": sniff_csv,
        }[self.format.key]
        sniff(head, self.format)
        path = self.path
        if self.format is KML:
            refuse_kml_links(self.path)
            sandbox.check_kml(self.path)
            rows = sandbox.count_kml_features(self.path)
        elif self.format is GEOJSON:
            sandbox.check_geojson(self.path)
            rows = sandbox.count_geojson_features(self.path)
        elif self.format is GEOPACKAGE:
            rows = sandbox.check_geopackage(self.path)
        elif self.format is CSV:
            rows = sandbox.count_csv_rows(self.path)
        else:
            path = extract_shapefile(self.path, self.directory / "shapefile")
            rows = sandbox.count_shapefile_records(path.with_suffix(".shx"))
        # Counted from the bytes before GDAL parses anything: a million rows are refused in
        # milliseconds, not after minutes of checking.
        sandbox.check_row_count(rows)
        self.row_estimate = rows
        with sandbox.gdal_sandbox():
            return open_datasource(path, self.format)


def read_head(path):
    with open(path, "rb") as file:
        return file.read(SNIFF_BYTES)


def _text_start(head):
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return text


def _describe_content(head):
    """Say what a file looks like, for messages about a file that is not what it says."""
    start = _text_start(head)
    lowered = start[:512].lower()
    if head.startswith(b"PK\x03\x04"):
        return "a ZIP archive"
    if head.startswith(b"SQLite format 3\x00"):
        return "an SQLite database"
    if head.startswith(b"%PDF"):
        return "a PDF document"
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered:
        return "an HTML page"
    if b"<ogrvrtdatasource" in lowered:
        return "a GDAL VRT file"
    if start.startswith(b"<"):
        return "an XML document"
    if start.startswith((b"{", b"[")):
        return "JSON"
    return "something else"


def _not_what_it_says(head, fmt):
    return ImportRejected(
        f"The file is named as {fmt.label} but its content looks like "
        f"{_describe_content(head)}; it was not opened."
    )


def sniff_geojson(head, fmt):
    start = _text_start(head)
    if not start.startswith(b"{") or b'"type"' not in head and b"'type'" not in head:
        raise _not_what_it_says(head, fmt)


def sniff_geopackage(head, fmt):
    # SQLite header, then the GeoPackage application id at byte 68 ("GPKG", or GP10/GP11).
    if not head.startswith(b"SQLite format 3\x00") or head[68:72] not in (
        b"GPKG",
        b"GP10",
        b"GP11",
    ):
        raise _not_what_it_says(head, fmt)


def sniff_zip(head, fmt):
    if not head.startswith(b"PK\x03\x04"):
        raise _not_what_it_says(head, fmt)


XML_PROLOGUE = re.compile(rb"^(\s|<\?xml[^>]*\?>|<!--.*?-->)*", re.DOTALL)
XML_ROOT = re.compile(rb"^<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")


def sniff_kml(head, fmt):
    text = head.removeprefix(b"\xef\xbb\xbf")
    if re.search(rb"<!(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        # DTDs and entities are how XML reaches other files (XXE); KML never needs them.
        raise ImportRejected(
            "The KML file declares a DOCTYPE or entities, which are not accepted; "
            "export it again without them."
        )
    rest = text[XML_PROLOGUE.match(text).end() :]
    root = XML_ROOT.match(rest)
    if root is None or root.group(1) != b"kml":
        found = f"<{root.group(1).decode('ascii', 'replace')}>" if root else "no XML element"
        raise ImportRejected(
            f"The file is named as KML but its first element is {found}, not <kml>"
            f" (it looks like {_describe_content(head)}); it was not opened."
        )


KML_LINKS = re.compile(rb"<(?:[\w.-]+:)?(NetworkLink|!DOCTYPE|!ENTITY)\b", re.IGNORECASE)


def refuse_kml_links(path):
    """Refuse KML that makes a reader fetch other files or URLs (NetworkLink, entities)."""
    with open(path, "rb") as file:
        tail = b""
        while chunk := file.read(1024 * 1024):
            match = KML_LINKS.search(tail + chunk)
            if match:
                raise ImportRejected(
                    f"The KML file contains <{match.group(1).decode()}>, which links to other "
                    "files or addresses; it is not accepted. Export the placemarks themselves."
                )
            tail = chunk[-64:]  # a tag split across two chunks


def sniff_csv(head, fmt):
    start = _text_start(head)
    if b"\x00" in head or start.startswith((b"<", b"{", b"[", b"PK", b"SQLite", b"%PDF")):
        raise _not_what_it_says(head, fmt)
    try:
        # The head may end inside a multi-byte character: ignore at most the last 3 bytes.
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3:
            raise ImportRejected(
                "The CSV file is not UTF-8 text (byte "
                f"{error.start + 1} cannot be read); save it as CSV UTF-8."
            ) from None


def inspect_zip(path):
    """Return the shapefile members of a ZIP after checking it is safe; never unpack."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportRejected(f"The ZIP file cannot be read: {error}.") from None
    with archive:
        members = archive.infolist()
        if len(members) > ZIP_MAX_MEMBERS:
            raise ImportRejected(
                f"The ZIP holds {len(members)} files; a zipped shapefile has at most "
                f"{ZIP_MAX_MEMBERS}."
            )
        total = 0
        parts = {}
        others = []
        for member in members:
            name = member.filename
            pure = PurePosixPath(name.replace("\\", "/"))
            if pure.is_absolute() or ".." in pure.parts or re.match(r"^[A-Za-z]:", name):
                raise ImportRejected(
                    f"The ZIP contains the path “{name}”, which points outside the archive; "
                    "it was not unpacked."
                )
            if member.is_dir():
                continue
            # Unix mode bits in the high 16 bits of external_attr: 0o120000 is a symlink.
            if (member.external_attr >> 16) & 0o170000 == 0o120000:
                raise ImportRejected(f"The ZIP contains a symbolic link (“{name}”).")
            total += member.file_size
            if total > settings.IMPORT_MAX_UNZIPPED_BYTES:
                raise ImportRejected(
                    "The ZIP would unpack to more than "
                    f"{filesizeformat(settings.IMPORT_MAX_UNZIPPED_BYTES)} "
                    "(IMPORT_MAX_UNZIPPED_BYTES); it was not unpacked."
                )
            ratio = member.file_size / member.compress_size if member.compress_size else 0
            # Small members may compress absurdly well (padding); only large ones are bombs.
            if ratio > ZIP_MAX_RATIO and member.file_size > 1024 * 1024:
                raise ImportRejected(
                    f"“{name}” in the ZIP is compressed {ratio:.0f} times (more than "
                    f"{ZIP_MAX_RATIO}); this looks like a ZIP bomb and was not unpacked."
                )
            suffix = pure.suffix.lower()
            if pure.name.startswith("._") or "__MACOSX" in pure.parts:
                continue  # macOS resource forks
            if suffix in SHAPEFILE_PARTS:
                parts.setdefault(suffix, []).append(member)
            elif suffix not in SHAPEFILE_COMPANIONS:
                others.append(name)
    if others:
        raise ImportRejected(
            "The ZIP should hold one shapefile (.shp, .shx, .dbf, .prj); it also holds "
            + ", ".join(f"“{name}”" for name in others[:5])
            + "."
        )
    shp = parts.get(".shp", [])
    if len(shp) != 1:
        raise ImportRejected(
            "The ZIP is not a zipped shapefile: it must hold exactly one .shp file "
            f"(found {len(shp)})."
        )
    stem = PurePosixPath(shp[0].filename.replace("\\", "/")).with_suffix("").as_posix().lower()
    chosen = {}
    for suffix, candidates in parts.items():
        for member in candidates:
            member_stem = PurePosixPath(member.filename.replace("\\", "/")).with_suffix("")
            if member_stem.as_posix().lower() == stem:
                chosen[suffix] = member
    missing = [suffix for suffix in (".shx", ".dbf") if suffix not in chosen]
    if missing:
        raise ImportRejected(
            "The zipped shapefile lacks its " + " and ".join(missing) + " file next to the .shp."
        )
    return chosen


def extract_shapefile(zip_path, target):
    """Write the shapefile's parts under fixed names in `target`; return the .shp path."""
    chosen = inspect_zip(zip_path)
    target.mkdir(parents=True, exist_ok=True)
    try:
        _extract_members(zip_path, chosen, target)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as error:
        raise ImportRejected(f"The ZIP file cannot be unpacked: {error}.") from None
    shp = target / "layer.shp"
    with open(shp, "rb") as file:
        # Shapefile main header: big-endian file code 9994.
        if file.read(4) != b"\x00\x00\x27\x0a":
            raise ImportRejected("The .shp file in the ZIP is not a shapefile.")
    return shp


def _extract_members(zip_path, chosen, target):
    budget = settings.IMPORT_MAX_UNZIPPED_BYTES
    with zipfile.ZipFile(zip_path) as archive:
        for suffix, member in chosen.items():
            destination = target / f"layer{suffix}"
            with archive.open(member) as source, open(destination, "wb") as out:
                # The central directory's sizes can lie: count the bytes that come out.
                while chunk := source.read(1024 * 1024):
                    budget -= len(chunk)
                    if budget < 0:
                        raise ImportRejected(
                            "The ZIP unpacks to more than its directory says; it was rejected."
                        )
                    out.write(chunk)


def _string_list(items):
    array = (c_char_p * (len(items) + 1))()
    for index, item in enumerate(items):
        array[index] = item.encode()
    array[len(items)] = None
    return array


def open_datasource(path, fmt):
    """Open `path` with only `fmt`'s GDAL drivers and check the one GDAL picked."""
    Driver.ensure_registered()
    try:
        with sandbox.gdal_errors() as errors:
            pointer = capi.open_ds(
                str(path).encode(),
                capi.GDAL_OF_READONLY | capi.GDAL_OF_VECTOR,
                _string_list(list(fmt.drivers)),
                _string_list(list(fmt.open_options)),
                None,
            )
    except GDALException:
        raise sandbox.explain_gdal_error(fmt.label, errors) from None
    datasource = DataSource(pointer, ds_driver=capi.get_dataset_driver(pointer))
    if datasource.driver.name not in fmt.drivers:
        raise ImportRejected(f"The file was read as {datasource.driver.name}, not {fmt.label}.")
    return datasource
