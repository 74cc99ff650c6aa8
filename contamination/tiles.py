"""Mapbox Vector Tiles of the published records, written by PostGIS (ST_AsMVT).

A tile is one SQL statement: the rows a queryset selects (published, filtered, inside the
tile) projected to Web Mercator and encoded by `ST_AsMVTGeom`/`ST_AsMVT`. Django builds the
row selection, so the tiles take exactly the filters of the API's lists
(contamination/api/filters.py); nothing is serialised in Python.

Three layers, each one MVT layer of the same name:

- `hazard-areas` and `land-releases`: polygons. A polygon smaller than the tile's grid cell
  would vanish from the tile; it is kept as a point on its surface instead, so that every
  record stays on the map at every zoom. Far out (below `FAR_BELOW_ZOOM`), where most records
  are far smaller than a pixel, the small ones are marks: one point per cell of
  1/`MARK_CELLS` tile and per colour (category, method), with the `count` of its records, and
  a lone record's own attributes. The country view then holds thousands of marks rather than
  70,000 points drawn over each other, and every record is still counted.
- `incidents`: each at its public (generalised) location only, never the exact point. Below
  `CLUSTER_BELOW_ZOOM` a tile holds clusters: one point per grid cell with its counts.

Every feature carries its record's `id` as an attribute (map libraries read attributes, not
always MVT feature ids). Coordinates are in tile units (`EXTENT` per tile side); features
reach `BUFFER` units (points `POINT_BUFFER`) over the edge, so that strokes and circles drawn
near a border are not cut by it.
"""

import math
import re
from dataclasses import dataclass

from django.contrib.gis.db.models import Extent
from django.contrib.gis.geos import Polygon
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F

from contamination.models import HazardArea, Incident, LandRelease

EXTENT = 4096
# Far out, a tile's shapes need less precision than its 512 px allow at 4096 units a side:
# 2048 units are still 4 per pixel, and each coordinate takes a bit less (the country view's
# tiles are 2.05 MB at 4096, over the 2 MB a view may cost; docs/benchmark.md).
FAR_EXTENT = 2048
FAR_BELOW_ZOOM = 9
BUFFER = 64
# A cluster's circle is up to 23 px across a 512 px tile: the neighbour tile must draw it too.
POINT_BUFFER = 256
# Tiles from this zoom on hold single incidents; further out, clusters. The site's map draws
# tiles as 512 px, so it shows single incidents from its zoom 10.5 (z 10 tiles) on.
CLUSTER_BELOW_ZOOM = 10
# A cluster gathers the incidents of a cell of this many tile units a side (1/8 of a tile).
CLUSTER_CELL_UNITS = 512
MAX_ZOOM = 22
# Far out, records smaller than a cell of 1/MARK_CELLS tile side (4 px of a 512 px tile) are
# drawn as one mark per cell and colour.
MARK_CELLS = 128
# Deepest zoom with tiles of their own: past it, a client scales these (TileJSON `maxzoom`).
DATA_MAX_ZOOM = 16


@dataclass(frozen=True)
class TileLayer:
    name: str  # in the URL and as the MVT layer
    title: str
    model: type
    # MVT attribute -> field path of the model: small, for the legend, filters and the list.
    properties: dict
    fields: dict  # attribute -> description, for TileJSON's vector_layers
    # The attribute that colours a far-out mark: its records share it (None: no marks).
    mark_key: str = None

    def rows(self, queryset):
        return queryset


class IncidentTileLayer(TileLayer):
    def rows(self, queryset):
        return queryset.with_public_location()


MARKS_NOTE = (
    f"Number (zoom < {FAR_BELOW_ZOOM}): a mark of this many records too small to draw, in one "
    f"cell of 1/{MARK_CELLS} tile; only `{{key}}` and `is_demo` (all of them demo) are given. "
    "Absent on a single record."
)
CELL_NOTE = (
    'String (with `count`): the mark\'s cell, "column,row" of the grid of its zoom; the same '
    "in every tile that holds the mark."
)

HAZARD_AREAS = TileLayer(
    name="hazard-areas",
    title="Hazard areas",
    model=HazardArea,
    properties={
        "reference": "reference",
        "category": "category",
        "status": "status",
        "identified_on": "identified_on",
        "organisation": "surveyed_by_id",
        "is_demo": "is_demo",
    },
    fields={
        "id": "Number: the record's id (/api/v1/<layer>/<id>/).",
        "reference": "String: the public reference.",
        "category": "String: sha (suspected) or cha (confirmed).",
        "status": "String: where release of the area stands.",
        "identified_on": "String: date identified (YYYY-MM-DD).",
        "organisation": "Number: id of the organisation that surveyed it (/api/v1/organisations/).",
        "is_demo": "Boolean: a generated demonstration record, not real data.",
        "count": MARKS_NOTE.format(key="category"),
        "cell": CELL_NOTE,
    },
    mark_key="category",
)
LAND_RELEASES = TileLayer(
    name="land-releases",
    title="Land releases",
    model=LandRelease,
    properties={
        "reference": "reference",
        "method": "method",
        "completed_on": "completed_on",
        "organisation": "organisation_id",
        "is_demo": "is_demo",
    },
    fields={
        "id": "Number: the record's id (/api/v1/<layer>/<id>/).",
        "reference": "String: the public reference.",
        "method": "String: cancelled, reduced or cleared.",
        "completed_on": "String: date completed (YYYY-MM-DD).",
        "organisation": "Number: id of the organisation that released it.",
        "is_demo": "Boolean: a generated demonstration record, not real data.",
        "count": MARKS_NOTE.format(key="method"),
        "cell": CELL_NOTE,
    },
    mark_key="method",
)
INCIDENTS = IncidentTileLayer(
    name="incidents",
    title="Incidents",
    model=Incident,
    properties={
        "reference": "reference",
        "occurred_on": "occurred_on",
        "device_type": "device_type",
        "is_demo": "is_demo",
    },
    fields={
        "id": "Number: the record's id (/api/v1/<layer>/<id>/).",
        "reference": "String: the public reference.",
        "occurred_on": "String: date of the incident (YYYY-MM-DD).",
        "device_type": "String: the device that caused it.",
        "is_demo": "Boolean: a generated demonstration record, not real data.",
        "count": f"Number (zoom < {CLUSTER_BELOW_ZOOM}, clusters): incidents in the cell.",
        "killed": f"Number (zoom < {CLUSTER_BELOW_ZOOM}): people killed in them.",
        "injured": f"Number (zoom < {CLUSTER_BELOW_ZOOM}): people injured in them.",
        "incident": f"Number (zoom < {CLUSTER_BELOW_ZOOM}): the incident's id when count is 1.",
    },
)
LAYERS = {layer.name: layer for layer in (HAZARD_AREAS, LAND_RELEASES, INCIDENTS)}


# --- Tile geometry ----------------------------------------------------------------------


def tile_bounds(z, x, y, margin=0.0):
    """(west, south, east, north) in degrees of tile z/x/y, grown by `margin` tile sides."""
    n = 2**z

    def lon(tx):
        return tx / n * 360 - 180

    def lat(ty):
        ty = min(max(ty, 0), n)  # the margin stops at the poles of Web Mercator
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * ty / n))))

    return (
        max(-180.0, lon(x - margin)),
        lat(y + 1 + margin),
        min(180.0, lon(x + 1 + margin)),
        lat(y - margin),
    )


def tiles_covering(bounds, z):
    """(z, x, y) of every tile of zoom z that a (west, south, east, north) box touches."""
    n = 2**z
    west, south, east, north = bounds

    def column(lon):
        return min(n - 1, max(0, int((lon + 180) / 360 * n)))

    def row(lat):
        lat = min(max(lat, -85.0511), 85.0511)
        y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
        return min(n - 1, max(0, int(y)))

    return [
        (z, x, y)
        for x in range(column(west), column(east) + 1)
        for y in range(row(north), row(south) + 1)
    ]


def published_bounds(layer, queryset):
    """(west, south, east, north) of the rows of `queryset` in `layer` (incidents at their
    public location), or None when there are none. One query."""
    if layer is INCIDENTS:
        extent = Extent("public_location")
        queryset = queryset.with_public_location()
    else:
        extent = Extent("geometry")
    return queryset.order_by().aggregate(box=extent)["box"]


def tile_polygon(z, x, y, margin=0.0):
    box = Polygon.from_bbox(tile_bounds(z, x, y, margin))
    box.srid = 4326
    return box


def cluster_cell_deg(z):
    """Side of a cluster cell in degrees of longitude at zoom z (the same grid everywhere, so
    a cell is one cluster whichever tile asks)."""
    return CLUSTER_CELL_UNITS / EXTENT * 360 / 2**z


# --- SQL ---------------------------------------------------------------------------------

# {rows}: the selection (id, p0…pn, g in EPSG:4326); {columns}: `r.p0 AS "name"`, ….
# The polygon's own geometry, or a point on its surface when it is too small for the grid.
SHAPES_SQL = """
WITH tile AS (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS box),
features AS (
    SELECT r.id{columns},
           COALESCE(
               ST_AsMVTGeom(ST_Transform(r.g, 3857), tile.box, {extent}, {buffer}, true),
               ST_AsMVTGeom(ST_Transform(ST_PointOnSurface(r.g), 3857), tile.box,
                            {extent}, {buffer}, true)
           ) AS geom
    FROM ({rows}) r, tile
)
SELECT ST_AsMVT(features.*, %(layer)s, {extent}, 'geom')
FROM features WHERE geom IS NOT NULL
"""

# Far out: the polygons of at least a cell as above; the smaller ones as marks, one per cell
# and colour ({key}), at the centre of their points on surface. A lone record keeps its
# attributes ({single}: `CASE WHEN count = 1 THEN …`); a mark of several gives its `count` and
# its `cell` (column,row of the grid: the same mark in each tile that holds it, however close
# a neighbour cell's mark is drawn).
FAR_SHAPES_SQL = """
WITH tile AS (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS box),
records AS (
    SELECT r.*, ST_XMax(b) - ST_XMin(b) < %(cell)s AND ST_YMax(b) - ST_YMin(b) < %(cell)s AS small
    FROM ({rows}) r, Box2D(r.g::geometry) b
),
marks AS (
    SELECT count(*)::int AS count, (array_agg(r.id))[1] AS id{aggregated},
           ST_Centroid(ST_Collect(r.anchor)) AS point, r.grid
    FROM (
        SELECT *, ST_SnapToGrid(anchor, %(cell)s) AS grid
        FROM (SELECT *, ST_PointOnSurface(g) AS anchor FROM records WHERE small) small
    ) r
    GROUP BY r.{key}, r.grid
),
features AS (
    SELECT r.id{columns}, NULL::int AS count, NULL::text AS cell,
           COALESCE(
               ST_AsMVTGeom(ST_Transform(r.g, 3857), tile.box, {extent}, {buffer}, true),
               ST_AsMVTGeom(ST_Transform(ST_PointOnSurface(r.g), 3857), tile.box,
                            {extent}, {buffer}, true)
           ) AS geom
    FROM records r, tile
    WHERE NOT r.small
    UNION ALL
    SELECT CASE WHEN m.count = 1 THEN m.id END{single}, NULLIF(m.count, 1),
           CASE WHEN m.count > 1 THEN
               round(ST_X(m.grid) / %(cell)s)::int || ',' || round(ST_Y(m.grid) / %(cell)s)::int
           END,
           ST_AsMVTGeom(ST_Transform(m.point, 3857), tile.box, {extent}, {buffer}, true)
    FROM marks m, tile
)
SELECT ST_AsMVT(features.*, %(layer)s, {extent}, 'geom')
FROM features WHERE geom IS NOT NULL
"""

POINTS_SQL = """
WITH tile AS (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS box),
features AS (
    SELECT r.id{columns},
           ST_AsMVTGeom(ST_Transform(r.g, 3857), tile.box, {extent}, {buffer}, true) AS geom
    FROM ({rows}) r, tile
)
SELECT ST_AsMVT(features.*, %(layer)s, {extent}, 'geom')
FROM features WHERE geom IS NOT NULL
"""

# One point per cell at the centre of its incidents' public locations; the casualties are
# counted per incident first, by a join rather than a lateral count per incident (a
# country-wide tile of 300,000 incidents: 1.0 s instead of 1.5 s).
CLUSTERS_SQL = """
WITH tile AS (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS box),
incidents AS (
    SELECT r.id, r.g,
           count(c.id) FILTER (WHERE c.outcome = 'killed') AS killed,
           count(c.id) FILTER (WHERE c.outcome = 'injured') AS injured
    FROM ({rows}) r
    LEFT JOIN contamination_casualty c ON c.incident_id = r.id
    GROUP BY r.id, r.g
),
cells AS (
    SELECT ST_Centroid(ST_Collect(i.g)) AS point, count(*)::int AS count,
           CASE WHEN count(*) = 1 THEN min(i.id) END AS incident,
           sum(i.killed)::int AS killed, sum(i.injured)::int AS injured
    FROM incidents i
    GROUP BY ST_SnapToGrid(i.g, %(cell)s)
),
features AS (
    SELECT c.count, c.killed, c.injured, c.incident,
           ST_AsMVTGeom(ST_Transform(c.point, 3857), tile.box, {extent}, {buffer}, true) AS geom
    FROM cells c, tile
)
SELECT ST_AsMVT(features.*, %(layer)s, {extent}, 'geom')
FROM features WHERE geom IS NOT NULL
"""


def extent_for(z):
    """Tile units per side at zoom z (the MVT layer says it; clients scale by it)."""
    return FAR_EXTENT if z < FAR_BELOW_ZOOM else EXTENT


def is_clustered(layer, z):
    return layer is INCIDENTS and z < CLUSTER_BELOW_ZOOM


def has_marks(layer, z):
    return layer.mark_key is not None and z < FAR_BELOW_ZOOM


def mark_cell_deg(z):
    """Side of a mark's cell in degrees at zoom z (one grid everywhere, as for clusters)."""
    return 360 / 2**z / MARK_CELLS


def tile_sql(layer, queryset, z, x, y):
    """(sql, params) of tile z/x/y of `layer` for the published rows of `queryset` (already
    filtered), or None when the selection is empty by construction."""
    buffer = POINT_BUFFER if layer is INCIDENTS else BUFFER
    margin = buffer / EXTENT
    if layer is INCIDENTS:
        if is_clustered(layer, z):
            # Whole cells: every incident of a cell that reaches into the tile is read, so a
            # cluster has the same position and count in each tile that shows it.
            margin += CLUSTER_CELL_UNITS / EXTENT
        selection = layer.rows(queryset).public_location_in(tile_polygon(z, x, y, margin))
        geometry = F("public_location")
    else:
        if has_marks(layer, z):
            margin += 1 / MARK_CELLS  # whole cells, as for clusters
        selection = queryset.filter(geometry__bboverlaps=tile_polygon(z, x, y, margin))
        geometry = F("geometry")
    clustered = is_clustered(layer, z)
    marked = has_marks(layer, z)
    names = [] if clustered else list(layer.properties)
    values = {f"p{index}": F(layer.properties[name]) for index, name in enumerate(names)}
    rows = selection.order_by().values("id", **values, g=geometry)
    try:
        inner, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return None
    columns = "".join(f', r.p{index} AS "{name}"' for index, name in enumerate(names))
    if clustered:
        template = CLUSTERS_SQL
    elif layer is INCIDENTS:
        template = POINTS_SQL
    else:
        template = FAR_SHAPES_SQL if marked else SHAPES_SQL
    extent = extent_for(z)
    marks = mark_columns(names, layer.mark_key) if marked else {}
    sql = template.format(
        rows=inner,
        columns=columns,
        extent=extent,
        buffer=buffer * extent // EXTENT,  # the same share of the tile at either extent
        **marks,
    )
    cell = mark_cell_deg(z) if marked else cluster_cell_deg(z)
    return sql, params, {"z": z, "x": x, "y": y, "layer": layer.name, "cell": cell}


def mark_columns(names, key):
    """The parts of FAR_SHAPES_SQL that differ by layer: a mark's colour, whether all of its
    records are demo, and a lone record's other attributes."""
    aggregated = []
    single = []
    for index, name in enumerate(names):
        column = f"p{index}"
        if name == key:
            aggregated.append(f", r.{column}")
            single.append(f", m.{column}")
        elif name == "is_demo":
            aggregated.append(f", bool_and(r.{column}) AS {column}")
            single.append(f", m.{column}")
        else:
            aggregated.append(f", (array_agg(r.{column}))[1] AS {column}")
            single.append(f", CASE WHEN m.count = 1 THEN m.{column} END")
    return {
        "key": f"p{names.index(key)}",
        "aggregated": "".join(aggregated),
        "single": "".join(single),
    }


def render(layer, queryset, z, x, y):
    """The tile's bytes (empty when no feature falls in it: an empty MVT is zero bytes).
    One query."""
    built = tile_sql(layer, queryset, z, x, y)
    if built is None:
        return b""
    sql, positional, named = built
    with connection.cursor() as cursor:
        cursor.execute(*merge_parameters(sql, positional, named))
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""


PARAMETER = re.compile(r"%\((\w+)\)s|%s")


def merge_parameters(sql, positional, named):
    """One parameter style for the driver: the tile's named parameters become positional ones
    in the order they appear, around the selection's own `%s`."""
    values = iter(positional)
    pattern = PARAMETER
    ordered = []

    def replace(match):
        ordered.append(named[match.group(1)] if match.group(1) else next(values))
        return "%s"

    return pattern.sub(replace, sql), ordered
