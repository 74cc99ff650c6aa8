"""Which columns each record kind reads, and how a cell becomes a field value.

A parser takes the raw cell (text from CSV and KML, typed values from GeoJSON, GeoPackage
and shapefiles) and returns the field's value, or raises `CellError` with a message that
says what was wrong and what is allowed. Blank cells are handled before parsers run.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.utils import timezone

from contamination.models import Casualty, DatePrecision, HazardArea, Incident, LandRelease


class CellError(ValueError):
    pass


@dataclass(frozen=True)
class Column:
    name: str  # the model field (or the importer's own name for computed inputs)
    parse: object  # callable(raw, resolver) -> value
    description: str
    aliases: tuple = ()
    required: bool = False
    empty: object = None  # the value a blank cell stands for
    example: str = ""

    def all_names(self):
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class RecordKind:
    key: str  # hazard-areas, land-releases, incidents
    model: type
    label: str
    geometry_field: str
    geometry_types: tuple  # GEOS geom_type names accepted
    geometry_description: str
    columns: tuple
    fk_fields: tuple = ()  # resolved from preloaded maps, not validated by clean_fields
    extra: dict = field(default_factory=dict)

    def column(self, name):
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


def _text(raw):
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


def text(max_length):
    def parse(raw, resolver=None):
        value = _text(raw)
        if len(value) > max_length:
            raise CellError(f"is {len(value)} characters long; at most {max_length} fit")
        return value

    return parse


def _normalise(value):
    return re.sub(r"[\s\-/]+", "_", value.strip().lower())


def choice(choices):
    by_key = {}
    for value, label in choices.choices:
        by_key[_normalise(value)] = value
        by_key.setdefault(_normalise(label), value)

    def parse(raw, resolver=None):
        value = _text(raw)
        try:
            return by_key[_normalise(value)]
        except KeyError:
            allowed = ", ".join(choices.values)
            raise CellError(f"“{value}” is not one of the allowed values: {allowed}") from None

    parse.allowed = choices.values
    return parse


# GDAL writes string lists as "(2:ap_mine,uxo)" when a format has no list type.
GDAL_STRING_LIST = re.compile(r"^\((\d+):(.*)\)$")


def choice_list(choices):
    single = choice(choices)

    def parse(raw, resolver=None):
        if isinstance(raw, list | tuple):
            items = [str(item) for item in raw]
        else:
            value = _text(raw)
            listed = GDAL_STRING_LIST.match(value)
            if listed:
                value = listed.group(2)
            items = re.split(r"[;,|]", value)
        values = []
        for item in items:
            if item.strip():
                parsed = single(item)
                if parsed not in values:
                    values.append(parsed)
        return values

    return parse


DATE_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), DatePrecision.DAY),
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"), DatePrecision.DAY),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), DatePrecision.MONTH),
    (re.compile(r"^(\d{4})$"), DatePrecision.YEAR),
)


def parse_partial_date(raw):
    """Return (date, precision) from a date, 'YYYY-MM-DD', 'YYYY/MM/DD', 'YYYY-MM' or 'YYYY'."""
    if isinstance(raw, datetime.datetime):
        return _not_future(raw.date(), f"{raw:%Y-%m-%d}"), DatePrecision.DAY
    if isinstance(raw, datetime.date):
        return _not_future(raw, f"{raw:%Y-%m-%d}"), DatePrecision.DAY
    value = _text(raw)
    # Some drivers give a datetime as text ("2021-03-01T00:00:00" or "2021/03/01 00:00:00").
    value = re.sub(r"[T ]00:00(:00(\.0+)?)?(Z|[+-]00(:?00)?)?$", "", value)
    date = precision = None
    for pattern, pattern_precision in DATE_PATTERNS:
        match = pattern.match(value)
        if match:
            parts = [int(part) for part in match.groups()]
            parts += [1] * (3 - len(parts))
            try:
                date = datetime.date(*parts)
            except ValueError as error:
                raise CellError(f"“{value}” is not a date ({error})") from None
            precision = pattern_precision
            break
    if date is None:
        raise CellError(f"“{value}” is not a date; write it as YYYY-MM-DD")
    return _not_future(date, value), precision


def _not_future(date, written):
    if date > timezone.localdate():
        raise CellError(f"{written} is in the future")
    return date


def date_field(raw, resolver=None):
    date, precision = parse_partial_date(raw)
    if precision != DatePrecision.DAY:
        raise CellError(f"“{_text(raw)}” is not a full date; write it as YYYY-MM-DD")
    return date


def partial_date(raw, resolver=None):
    return parse_partial_date(raw)


COUNT_MAX = 2_147_483_647


def count(raw, resolver=None):
    if isinstance(raw, bool):
        raise CellError(f"“{raw}” is not a whole number")
    if isinstance(raw, int):
        number = raw
    else:
        value = _text(raw)
        try:
            as_float = float(value.replace(" ", ""))
        except ValueError:
            raise CellError(f"“{value}” is not a whole number") from None
        if not as_float.is_integer():
            raise CellError(f"“{value}” is not a whole number")
        number = int(as_float)
    if number < 0:
        raise CellError(f"must be 0 or more, not {number}")
    if number > COUNT_MAX:
        raise CellError(f"{number} is too large")
    return number


def organisation(raw, resolver):
    return resolver.organisation(_text(raw))


def hazard_area(raw, resolver):
    return resolver.hazard_area(_text(raw))


def source_urls(raw, resolver):
    urls = [url.strip() for url in re.split(r"[\s;|]+", _text(raw)) if url.strip()]
    return [resolver.source(url) for url in urls]


def casualty_list(raw, resolver=None):
    """Parse '2 killed civilian male child; 1 injured deminer' into casualty tuples."""
    outcome, group, sex, age_band = (
        choice(Casualty.Outcome),
        choice(Casualty.Group),
        choice(Casualty.Sex),
        choice(Casualty.AgeBand),
    )
    casualties = []
    for entry in re.split(r"[;|]", _text(raw)):
        words = entry.split()
        if not words:
            continue
        try:
            number = count(words[0])
        except CellError:
            raise CellError(
                f"“{entry.strip()}” must start with a number, e.g. “2 killed civilian male child”"
            ) from None
        rest = words[1:]
        if not 1 <= len(rest) <= 4:
            raise CellError(
                f"“{entry.strip()}” must be: count outcome [group [sex [age band]]], e.g. "
                "“2 killed civilian male child”"
            )
        parsers = (outcome, group, sex, age_band)
        parts = [parser(word) for parser, word in zip(parsers, rest, strict=False)]
        parts += ["unknown"] * (4 - len(parts))
        casualties += [tuple(parts)] * number
    return casualties


def count_columns():
    """killed_civilian, ..., injured_unknown: casualties by outcome and group."""
    columns = []
    for outcome in Casualty.Outcome.values:
        for group in Casualty.Group.values:
            name = f"{outcome}_{group}"
            columns.append(
                Column(
                    name,
                    count,
                    f"People {outcome}, group {group} (sex and age unknown).",
                    aliases=(name[:10],),
                    empty=0,
                    example="1" if name == "injured_civilian" else "0",
                )
            )
    return tuple(columns)


def reference_column(example):
    return Column(
        "reference",
        text(100),
        "The record's stable id (operator or IMSMA id). Rows are matched on it: a second "
        "import updates the record.",
        aliases=("ref",),
        required=True,
        example=example,
    )


HAZARD_AREAS = RecordKind(
    key="hazard-areas",
    model=HazardArea,
    label="hazard areas",
    geometry_field="geometry",
    geometry_types=("Polygon", "MultiPolygon"),
    geometry_description="Polygon or MultiPolygon",
    fk_fields=("surveyed_by",),
    columns=(
        reference_column("AGM-HA-0042"),
        Column("name", text(200), "Name used by the surveyors.", required=True,
               example="Field by the river"),
        Column("category", choice(HazardArea.Category), "sha or cha.", required=True,
               example="cha"),
        Column("status", choice(HazardArea.Status), "active, in_progress or released.",
               empty=HazardArea.Status.ACTIVE, example="active"),
        Column("hazard_types", choice_list(HazardArea.HazardType),
               "Kinds of ordnance, separated by ; (ap_mine; at_mine; cluster_munition; uxo; "
               "axo; ied; booby_trap).", aliases=("hazard_typ",), empty=[],
               example="ap_mine; uxo"),
        Column("identified_on", date_field, "Date recorded, YYYY-MM-DD.",
               aliases=("identified",), example="2021-03-01"),
        Column("surveyed_by", organisation, "Organisation name or acronym (must exist).",
               aliases=("surveyed_b", "organisation", "organisati"), example="ANAMA"),
        Column("geometry_precision", choice(HazardArea.GeometryPrecision),
               "surveyed, sketched, buffered_point or admin_area.",
               aliases=("geometry_p", "precision"),
               empty=HazardArea.GeometryPrecision.SURVEYED, example="surveyed"),
        Column("blocked_land_use", choice_list(HazardArea.LandUse),
               "Land uses blocked, separated by ; (agriculture; grazing; housing; "
               "infrastructure; forest; water; other).", aliases=("blocked_la", "land_use"),
               empty=[], example="agriculture; grazing"),
        Column("sources", source_urls, "URLs of sources already in the admin, separated by ;.",
               aliases=("source_urls", "source_url"), empty=[],
               example="https://example.org/report"),
    ),
)  # fmt: skip

LAND_RELEASES = RecordKind(
    key="land-releases",
    model=LandRelease,
    label="land releases",
    geometry_field="geometry",
    geometry_types=("Polygon", "MultiPolygon"),
    geometry_description="Polygon or MultiPolygon",
    fk_fields=("organisation", "hazard_area"),
    columns=(
        reference_column("AGM-LR-0107"),
        Column("method", choice(LandRelease.Method), "cancelled, reduced or cleared.",
               required=True, example="cleared"),
        Column("hazard_area", hazard_area, "Reference of the hazard area it released "
               "(must exist).", aliases=("hazard_are", "hazard_ref"), example="AGM-HA-0042"),
        Column("started_on", date_field, "Start, YYYY-MM-DD.", example="2022-04-01"),
        Column("completed_on", date_field, "Handed over as released, YYYY-MM-DD; not before "
               "the start.", aliases=("completed_", "completed"), example="2022-09-30"),
        Column("organisation", organisation, "Operator name or acronym (must exist).",
               aliases=("organisati", "operator"), example="ANAMA"),
        Column("ap_mines_found", count, "Anti-personnel mines found and destroyed.",
               aliases=("ap_mines_f", "ap_mines"), empty=0, example="12"),
        Column("at_mines_found", count, "Anti-vehicle mines found and destroyed.",
               aliases=("at_mines_f", "at_mines"), empty=0, example="0"),
        Column("uxo_found", count, "UXO found and destroyed.", aliases=("uxo",), empty=0,
               example="40"),
        Column("other_items_found", count, "Other explosive items found and destroyed.",
               aliases=("other_item", "other_items"), empty=0, example="3"),
        Column("sources", source_urls, "URLs of sources already in the admin, separated by ;.",
               aliases=("source_urls", "source_url"), empty=[],
               example="https://example.org/report"),
    ),
)  # fmt: skip

INCIDENTS = RecordKind(
    key="incidents",
    model=Incident,
    label="incidents",
    geometry_field="location",
    geometry_types=("Point",),
    geometry_description="Point",
    columns=(
        reference_column("AGM-IN-0311"),
        Column("occurred_on", partial_date, "YYYY-MM-DD; YYYY-MM or YYYY when only the month "
               "or year is known (the precision follows).", aliases=("occurred_o", "date"),
               required=True, example="2022-05-14"),
        Column("occurred_on_precision", choice(DatePrecision), "day, month or year (default: "
               "from occurred_on).", aliases=("date_prec",), example="day"),
        Column("location_precision", choice(Incident.LocationPrecision),
               "exact, approximate, settlement or district.", aliases=("location_p",),
               empty=Incident.LocationPrecision.APPROXIMATE, example="approximate"),
        Column("device_type", choice(Incident.DeviceType), "ap_mine, at_mine, "
               "cluster_munition, uxo, axo, ied, booby_trap or unknown.",
               aliases=("device_typ", "device"), empty=Incident.DeviceType.UNKNOWN,
               example="ap_mine"),
        Column("activity", choice(Incident.Activity), "demining, agriculture, herding, travel, "
               "construction, military, collecting, returning, other or unknown.",
               empty=Incident.Activity.UNKNOWN, example="agriculture"),
        Column("settlement", text(200), "Settlement or place named by the sources, as text.",
               empty="", example="Ashagi Seyidahmadli"),
        Column("district", text(200), "District named by the sources; read for checking "
               "only (the admin area comes from the point).", empty="", example="Fuzuli"),
        Column("source_notes", text(5000), "Publisher and date of each URL in sources, in "
               "the same order, separated by ; (“JAMnews 2020-12-10; Glavred n.d.”). With "
               "it, unknown URLs become new sources.", empty="",
               example="Example News 2022-05-15"),
        Column("summary", text(5000), "What happened, without names or identifying details.",
               aliases=("description",), empty="", example="Tractor hit a mine while ploughing."),
        *count_columns(),
        Column("casualties", casualty_list, "Alternative to the count columns, with sex and "
               "age: “count outcome [group [sex [age band]]]” entries separated by ;.",
               empty=[], example="1 killed civilian male adult; "
               "1 injured civilian female child"),
        Column("sources", source_urls, "URLs of sources already in the admin, separated by ;.",
               aliases=("source_urls", "source_url"), empty=[],
               example="https://example.org/report"),
    ),
)  # fmt: skip

KINDS = {kind.key: kind for kind in (HAZARD_AREAS, LAND_RELEASES, INCIDENTS)}

# Columns GDAL adds on its own (LIBKML styling, CSV coordinates): never reported as unknown.
GDAL_OWN_COLUMNS = {
    "description", "timestamp", "begin", "end", "altitudemode", "tessellate", "extrude",
    "visibility", "draworder", "icon", "lon", "longitude", "lng", "x", "lat", "latitude", "y",
    "wkt", "geometry", "geom", "fid", "ogc_fid", "snippet", "styleurl", "name",
}  # fmt: skip
