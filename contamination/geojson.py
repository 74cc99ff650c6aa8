"""Geodata written by PostgreSQL: GeoJSON FeatureCollections, incident clusters, CSV (COPY).

Serialising geometries in Python costs about twenty times the database's own time (see
SETUP-NOTES), so every surface that can return many features — API lists, map layers,
downloads — asks PostgreSQL for the finished text. Each feature is concatenated as text rather
than built with json_agg(... ::json), which would parse every geometry again.
"""

import io
import math

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, FloatField, Func, TextField, Value
from django.db.models.functions import Cast, Round

from contamination import as_of
from contamination.read_database import public_reads_alias
from contamination.spreadsheets import ESCAPE_SQL


class SimplifyPreserveTopology(Func):
    function = "ST_SimplifyPreserveTopology"
    output_field = GeometryField(srid=4326)


def simplified(geometry, tolerance):
    """Simplified for a small scale, still a MultiPolygon (GEOS may return a Polygon)."""
    return Func(
        SimplifyPreserveTopology(geometry, Value(tolerance)),
        function="ST_Multi",
        output_field=GeometryField(srid=4326),
    )


def rounded(value, places):
    """A number rounded in the database, written as a plain float (0.5, not 0.500000)."""
    return Cast(Round(_expression(value), places), FloatField())


# --- Web-map scales ----------------------------------------------------------------------


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


def features_sql(
    queryset, properties, *, geometry_field="geometry", precision=6, tolerance=None, keep=None
):
    """Return (sql, params) selecting one text column: the comma-joined features.

    `properties` maps each output property name to a field path or expression of `queryset`
    (e.g. {"area": "admin_area__code"}). Row order is the queryset's order. `geometry_field`
    is a field name or an expression (e.g. a generalised location). `tolerance`, in degrees,
    simplifies geometry for small-scale maps. A second column counts the rows. With `keep`,
    only the first `keep` rows become features; the count still says how many rows there
    were (a page read with one row more tells whether another page follows).
    """
    geometry = _expression(geometry_field)
    if tolerance:
        geometry = SimplifyPreserveTopology(geometry, Value(tolerance))
    columns = {f"p{index}": _expression(value) for index, value in enumerate(properties.values())}
    rows = queryset.values(
        feature_id=F("pk"), geojson=AsGeoJSON(geometry, precision=precision), **columns
    )
    inner_sql, params = rows.query.sql_with_params()
    property_pairs = ", ".join(
        f"'{_sql_string(name)}', t.p{index}" for index, name in enumerate(properties)
    )
    rows_sql = f"({inner_sql}) t"
    kept = ""
    if keep is not None:
        # Numbered over the rows the inner query returns (after its LIMIT), in their order.
        rows_sql = f"(SELECT r.*, row_number() OVER () AS n FROM ({inner_sql}) r) t"
        kept = f" FILTER (WHERE t.n <= {int(keep)})"
    sql = (
        "SELECT COALESCE(string_agg("
        """'{"type":"Feature","id":' || to_json(t.feature_id)::text"""
        """ || ',"geometry":' || COALESCE(t.geojson, 'null')"""
        f""" || ',"properties":' || json_build_object({property_pairs})::text || '}}'"""
        f", ','){kept}, ''), count(*) FROM {rows_sql}"
    )
    return sql, params


def features(queryset, properties, **options):
    """Return (comma-joined features, how many) for `queryset`, in one query."""
    try:
        sql, params = features_sql(queryset, properties, **options)
    except EmptyResultSet:  # e.g. `.none()`: Django knows without asking the database
        return "", 0
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        text, count = cursor.fetchone()
    return text, count


def collection_text(features_text, extra_members=None):
    """Wrap comma-joined features (from `features`) as a FeatureCollection."""
    members = "".join(f'"{name}":{value},' for name, value in (extra_members or {}).items())
    return f'{{"type":"FeatureCollection",{members}"features":[{features_text}]}}'


def feature_collection(queryset, properties, *, extra_members=None, **options):
    """Return a GeoJSON FeatureCollection (RFC 7946, no `crs` member) as a string.

    `extra_members` are top-level members added before "features" (already JSON-encoded
    values, e.g. {"numberMatched": "42"}).
    """
    text, _ = features(queryset, properties, **options)
    return collection_text(text, extra_members)


# --- Incident clusters ------------------------------------------------------------------

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


def incident_clusters(incidents, zoom, precision):
    """Comma-joined GeoJSON points, one per grid cell (its side: `cluster_cell_deg(zoom)`)
    holding any of `incidents`, with their counts of incidents, killed and injured.

    Cells gather the incidents' public (generalised) locations, never the exact points.
    """
    rows = incidents.with_public_location().order_by().values("id", g=F("public_location"))
    try:
        inner, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return ""
    with connections[incidents.db].cursor() as cursor:
        cursor.execute(
            CLUSTERS_SQL.format(incidents=inner), [precision, *params, cluster_cell_deg(zoom)]
        )
        return cursor.fetchone()[0]


# --- CSV -------------------------------------------------------------------------------


def csv_copy(queryset, columns, geometry=None, precision=5, *, points=False):
    """CSV of `queryset` written by PostgreSQL's COPY: a header, the columns and, with a
    `geometry`, that geometry as WKT and, for points, `lon`/`lat` (a plain table without)."""
    extra = ["wkt", *(["lon", "lat"] if points else [])] if geometry is not None else []
    names = [*columns, *extra]
    expressions = {f"c{index}": _expression(value) for index, value in enumerate(columns.values())}
    if geometry is not None:
        expressions["c_wkt"] = Func(
            geometry, Value(precision), function="ST_AsText", output_field=TextField()
        )
    if geometry is not None and points:
        for name, function in (("c_lon", "ST_X"), ("c_lat", "ST_Y")):
            coordinate = Func(geometry, function=function, output_field=FloatField())
            expressions[name] = rounded(coordinate, precision)
    rows = queryset.values(**expressions)
    try:
        inner, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return (",".join(names) + "\r\n").encode()
    # Text columns are escaped as every CSV of the site is (contamination/spreadsheets.py).
    texts = {
        alias
        for alias, annotation in rows.query.annotations.items()
        if annotation.output_field.get_internal_type() in ("CharField", "TextField")
    }
    selected = [
        f'{ESCAPE_SQL.format(f"t.c{index}") if f"c{index}" in texts else f"t.c{index}"} AS "{name}"'
        for index, name in enumerate(columns)
    ]
    selected += [f't.c_{name} AS "{name}"' for name in extra]
    return copy_csv(f"SELECT {', '.join(selected)} FROM ({inner}) t", params)


def copy_csv(sql, params):
    """Run COPY (sql) TO STDOUT as CSV with a header; return the bytes."""
    buffer = io.BytesIO()
    with connections[public_reads_alias()].cursor() as cursor:
        raw = cursor.cursor  # psycopg2's own cursor: COPY is not part of the DB-API
        query = raw.mogrify(sql, params).decode()
        # psycopg's own cursor passes Django's wrappers by: read the past here, if asked.
        if as_of.active_moment():
            query = as_of.rewrite(query, as_of.active_moment())
        raw.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER)", buffer)
    return buffer.getvalue()


def _expression(value):
    return F(value) if isinstance(value, str) else value


def _sql_string(text):
    if not text.replace("_", "").isalnum():
        raise ValueError(f"Property names must be identifiers, not {text!r}.")
    return text
