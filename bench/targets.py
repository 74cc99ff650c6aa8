"""What `make bench` measures: one table of URLs, plus the SQL floor and the peer's query.

Edit TARGETS to add, remove or change a measured URL. Placeholders in braces are filled in
from the benchmark database when the run starts (see bench/run.py `resolve_placeholders`):
{area} is the code of the unit with the most hazard areas, {statement} the address of a
published statement. A URL that answers 404 is reported as "not landed" and skipped.

`floor` names an entry of FLOORS: the same FeatureCollection produced by one SQL query, which
the run times with pgbench at the same concurrency. `peer` marks the query that pygeoapi is
asked for too (same table, bbox and limit).
"""

from dataclasses import dataclass, field

# Views of the map explorer (Leaflet bounds padded by 20 %, as static/js/map.js asks).
COUNTRY_BBOX = "44.0,38.0,51.0,42.2"  # Azerbaijan at zoom 7
COUNTRY_ZOOM = 7
DISTRICT_BBOX = "46.85,39.45,47.25,39.75"  # the Fuzuli area at zoom 11
DISTRICT_ZOOM = 11
# The researchers' "items" query, also asked of the peer: a page of 1,000 features in a bbox
# that holds about 3,000 hazard areas at the default scale.
ITEMS_BBOX = "46.4,39.4,47.3,40.0"
ITEMS_LIMIT = 1000
DOWNLOAD_LIMIT = 50_000

LEVELS = (1, 8, 32)


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    kind: str  # "page", "geojson", "csv" or "json": what the response must be
    group: str  # the line of the issue it answers ("pages", "map: country", ...)
    floor: str | None = None
    peer: bool = False
    levels: tuple[int, ...] = LEVELS
    notes: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)


TARGETS = [
    Target("home", "/", "page", "pages"),
    Target("statistics page", "/statistics/", "page", "pages"),
    Target("area page", "/areas/{area}/", "page", "pages"),
    Target("statement page", "{statement}", "page", "pages"),
    Target(
        "map country: hazard areas",
        f"/api/v1/hazard-areas/?bbox={COUNTRY_BBOX}&zoom={COUNTRY_ZOOM}",
        "geojson",
        "map: country-wide view",
        floor="map country: hazard areas",
    ),
    Target(
        "map country: land releases",
        f"/api/v1/land-releases/?bbox={COUNTRY_BBOX}&zoom={COUNTRY_ZOOM}",
        "geojson",
        "map: country-wide view",
    ),
    Target(
        "map country: incident clusters",
        f"/api/v1/incidents/clusters/?bbox={COUNTRY_BBOX}&zoom={COUNTRY_ZOOM}",
        "geojson",
        "map: country-wide view",
    ),
    Target(
        "map: areas (choropleth)", "/api/v1/areas/?level=1", "geojson", "map: country-wide view"
    ),
    Target(
        "map district: hazard areas",
        f"/api/v1/hazard-areas/?bbox={DISTRICT_BBOX}&zoom={DISTRICT_ZOOM}",
        "geojson",
        "map: district-wide view",
        floor="map district: hazard areas",
    ),
    Target(
        "map district: land releases",
        f"/api/v1/land-releases/?bbox={DISTRICT_BBOX}&zoom={DISTRICT_ZOOM}",
        "geojson",
        "map: district-wide view",
    ),
    Target(
        "map district: incidents",
        f"/api/v1/incidents/?bbox={DISTRICT_BBOX}&zoom={DISTRICT_ZOOM}",
        "geojson",
        "map: district-wide view",
    ),
    Target(
        "API 1,000 hazard areas GeoJSON",
        f"/api/v1/hazard-areas/?bbox={ITEMS_BBOX}&page_size={ITEMS_LIMIT}",
        "geojson",
        "API list",
        floor="items",
        peer=True,
    ),
    Target(
        "API 1,000 hazard areas CSV",
        f"/api/v1/hazard-areas/?bbox={ITEMS_BBOX}&page_size={ITEMS_LIMIT}&format=csv",
        "csv",
        "API list",
    ),
    Target("API statistics summary", "/api/v1/stats/summary/", "json", "statistics endpoint"),
    Target(
        "download 50,000 land releases GeoJSON",
        f"/api/v1/land-releases/?page_size={DOWNLOAD_LIMIT}",
        "geojson",
        "download",
        floor="download",
        levels=(1, 8),
    ),
]


# The floor: each query returns the finished FeatureCollection text, built as contamination/
# geojson.py builds it (string_agg of text features: json_agg(...::json) re-parses geometry).
# {properties} lists the same properties the API returns, so the bytes are comparable.
FEATURE_SQL = """
SELECT '{{"type":"FeatureCollection","features":['
       || COALESCE(string_agg(
            '{{"type":"Feature","id":' || t.id
            || ',"geometry":' || ST_AsGeoJSON({geometry}, 6)
            || ',"properties":' || json_build_object({properties})::text || '}}', ','), '')
       || ']}}'
FROM (SELECT * FROM {table} WHERE {where} ORDER BY {order} LIMIT {limit}) AS t
"""

HAZARD_AREA_PROPERTIES = (
    "'reference', t.reference, 'name', t.name, 'category', t.category, 'status', t.status, "
    "'area_m2', round(t.area_m2::numeric, 1), 'identified_on', t.identified_on"
)
LAND_RELEASE_PROPERTIES = (
    "'reference', t.reference, 'method', t.method, 'area_m2', round(t.area_m2::numeric, 1), "
    "'completed_on', t.completed_on"
)


def bbox_sql(bbox, column="geometry"):
    min_lon, min_lat, max_lon, max_lat = bbox.split(",")
    return f"{column} && ST_MakeEnvelope({min_lon}, {min_lat}, {max_lon}, {max_lat}, 4326)"


def zoom_tolerance(zoom):
    """Half a screen pixel at this zoom, in degrees: what a map can show."""
    return 360 / (256 * 2**zoom) / 2


FLOORS = {
    "map country: hazard areas": FEATURE_SQL.format(
        table="contamination_hazardarea",
        geometry=f"ST_SimplifyPreserveTopology(t.geometry, {zoom_tolerance(COUNTRY_ZOOM)})",
        properties=HAZARD_AREA_PROPERTIES,
        where=f"publication_status = 'published' AND {bbox_sql(COUNTRY_BBOX)}",
        order="identified_on DESC, id DESC",
        limit="ALL",
    ),
    "map district: hazard areas": FEATURE_SQL.format(
        table="contamination_hazardarea",
        geometry="t.geometry",
        properties=HAZARD_AREA_PROPERTIES,
        where=f"publication_status = 'published' AND {bbox_sql(DISTRICT_BBOX)}",
        order="identified_on DESC, id DESC",
        limit="ALL",
    ),
    "items": FEATURE_SQL.format(
        table="contamination_hazardarea",
        geometry="t.geometry",
        properties=HAZARD_AREA_PROPERTIES,
        where=f"publication_status = 'published' AND {bbox_sql(ITEMS_BBOX)}",
        order="identified_on DESC, id DESC",
        limit=ITEMS_LIMIT,
    ),
    "download": FEATURE_SQL.format(
        table="contamination_landrelease",
        geometry="t.geometry",
        properties=LAND_RELEASE_PROPERTIES,
        where="publication_status = 'published'",
        order="completed_on DESC, id DESC",
        limit=DOWNLOAD_LIMIT,
    ),
}

# pygeoapi serves the published hazard areas through a view with the API's properties, so that
# it returns the same rows and the same fields (bench/peer.py writes the view and the config).
PEER_VIEW = "bench_peer_hazardarea"
PEER_VIEW_SQL = f"""
CREATE OR REPLACE VIEW {PEER_VIEW} AS
SELECT id, reference, name, category, status, round(area_m2::numeric, 1) AS area_m2,
       identified_on, geometry
FROM contamination_hazardarea WHERE publication_status = 'published'
"""
PEER_PATH = f"/collections/hazard_areas/items?f=json&bbox={ITEMS_BBOX}&limit={ITEMS_LIMIT}"
