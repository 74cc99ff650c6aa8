"""What `make bench` measures: one table of URLs, plus the SQL floor and the peer's query.

Edit TARGETS to add, remove or change a measured URL. Placeholders in braces are filled in
from the benchmark database when the run starts (see bench/run.py `resolve_placeholders`):
{area} is the code of the unit with the most hazard areas, {statement} the address of a
published statement. A URL that answers 404 is reported as "not landed" and skipped.

`floor` names an entry of FLOORS: the same FeatureCollection produced by one SQL query, which
the run times with pgbench at the same concurrency. `peer` marks the query that pygeoapi is
asked for too (same table, bbox and limit).
"""

import math
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
DOWNLOAD_LIMIT = 50_000  # more than the published land releases: the floor takes them all

LEVELS = (1, 8, 32)


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    kind: str  # "page", "geojson", "csv", "json" or "zip": what the response must be
    group: str  # the line of the issue it answers ("pages", "map: country", ...)
    floor: str | None = None
    peer: bool = False
    levels: tuple[int, ...] = LEVELS
    notes: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)


# The pages, each under every language's prefix: translation must not cost speed (issue 12).
PAGES = [
    ("home", "/"),
    ("statistics page", "/statistics/"),
    ("area page", "/areas/{area}/"),
    ("statement page", "{statement}"),
]
PAGE_LANGUAGES = ("en", "az", "ru")

TARGETS = [
    *(
        Target(f"{name} ({language})", f"/{language}{path}", "page", "pages")
        for language in PAGE_LANGUAGES
        for name, path in PAGES
    ),
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
        # From zoom 10 the map asks for the points themselves, without `zoom`.
        f"/api/v1/incidents/?bbox={DISTRICT_BBOX}",
        "geojson",
        "map: district-wide view",
    ),
    Target(
        "API 1,000 hazard areas GeoJSON",
        f"/api/v1/hazard-areas/?bbox={ITEMS_BBOX}&page_size={ITEMS_LIMIT}",
        "geojson",
        "API list",
        floor="items with their count",
        peer=True,
    ),
    Target(
        "OGC items: 1,000 hazard areas",
        f"/ogc/collections/hazard_areas/items?bbox={ITEMS_BBOX}&limit={ITEMS_LIMIT}",
        "geojson",
        "OGC API – Features",
        floor="items with their count",  # its answer says numberMatched
        peer=True,
        notes="the same features as the API list; pygeoapi answers the same query",
    ),
    Target(
        "API 1,000 hazard areas CSV",
        f"/api/v1/hazard-areas/?bbox={ITEMS_BBOX}&page_size={ITEMS_LIMIT}&format=csv",
        "csv",
        "API list",
    ),
    Target("API statistics summary", "/api/v1/stats/summary/", "json", "statistics endpoint"),
    Target(
        "download all land releases GeoJSON (zip)",
        "/api/v1/downloads/mine-atlas.geojson.zip?layer=land_releases",
        "zip",
        "download",
        floor="download",
        levels=(1, 8),
        notes="about 48,000 features at the default scale; built once per data version, "
        "then served from a file",
    ),
]


# The floor: each query returns the finished FeatureCollection text with the same features,
# properties, coordinate precision and simplification as the API's answer, built the way
# contamination/geojson.py builds it (string_agg of text: json_agg(...::json) would re-parse
# every geometry). Written by hand, not taken from the view, so that it also shows what the
# view's own query costs beyond the minimum. bench/run.py checks the ids match the site's.
FEATURE_SQL = """
SELECT '{{"type":"FeatureCollection",{count}"features":['
       || COALESCE(string_agg(
            '{{"type":"Feature","id":' || t.id
            || ',"geometry":' || ST_AsGeoJSON({geometry}, {precision})
            || ',"properties":' || json_build_object({properties})::text || '}}', ','), '')
       || ']}}'
FROM (
    SELECT r.*, a.code AS area_code,
           ARRAY(SELECT c.source_id FROM {citations} c WHERE c.{citation_key} = r.id ORDER BY 1)
               AS source_ids
    FROM {table} r LEFT JOIN contamination_adminarea a ON a.id = r.admin_area_id
    WHERE {where} ORDER BY {order} LIMIT {limit}
) AS t
"""

# The API's properties, in its order (contamination/api/resources.py).
PUBLICATION_PROPERTIES = (
    "'sources', t.source_ids, 'is_demo', t.is_demo, 'published_at', t.published_at, "
    "'updated_at', t.updated_at"
)
HAZARD_AREA_PROPERTIES = (
    "'reference', t.reference, 'name', t.name, 'category', t.category, 'status', t.status, "
    "'hazard_types', t.hazard_types, 'area_m2', round(t.area_m2::numeric, 0), "
    "'area', t.area_code, 'identified_on', t.identified_on, 'surveyed_by', t.surveyed_by_id, "
    "'geometry_precision', t.geometry_precision, 'blocked_land_use', t.blocked_land_use, "
    + PUBLICATION_PROPERTIES
)
LAND_RELEASE_PROPERTIES = (
    "'reference', t.reference, 'method', t.method, 'hazard_area', t.hazard_area_id, "
    "'area_m2', round(t.area_m2::numeric, 0), 'area', t.area_code, "
    "'started_on', t.started_on, 'completed_on', t.completed_on, "
    "'organisation', t.organisation_id, 'ap_mines_found', t.ap_mines_found, "
    "'at_mines_found', t.at_mines_found, 'uxo_found', t.uxo_found, "
    "'other_items_found', t.other_items_found, " + PUBLICATION_PROPERTIES
)
HAZARD_AREAS = {
    "table": "contamination_hazardarea",
    "citations": "contamination_hazardareasource",
    "citation_key": "hazard_area_id",
    "properties": HAZARD_AREA_PROPERTIES,
    "order": "r.identified_on DESC, r.id DESC",
}
LAND_RELEASES = {
    "table": "contamination_landrelease",
    "citations": "contamination_landreleasesource",
    "citation_key": "land_release_id",
    "properties": LAND_RELEASE_PROPERTIES,
    "order": "r.completed_on DESC, r.id DESC",
}
API_PRECISION = 5  # decimals of the API's coordinates without a zoom (about 1 m)
API_PAGE_SIZE = 1000  # the API's default page: what the map's first request gets


def bbox_sql(bbox, column="r.geometry"):
    min_lon, min_lat, max_lon, max_lat = bbox.split(",")
    envelope = f"ST_MakeEnvelope({min_lon}, {min_lat}, {max_lon}, {max_lat}, 4326)"
    return f"ST_Intersects({column}, {envelope})"


def zoom_options(zoom):
    """Tolerance (half a screen pixel, in degrees) and decimals for a zoom, as the API does."""
    pixel_deg = 360 / (256 * 2**zoom)
    decimals = math.ceil(math.log10(1 / pixel_deg)) + 1
    return pixel_deg / 2, max(1, min(API_PRECISION, decimals))


# The exact number of matches, for an answer that carries one (the researchers' list).
COUNT_SQL = """"count":' || (SELECT count(*) FROM {table} r WHERE {where}) || ',"""


def floor_sql(resource, *, where, limit, zoom=None, order=None, counted=False):
    geometry, precision = "t.geometry", API_PRECISION
    if zoom is not None:
        tolerance, precision = zoom_options(zoom)
        geometry = f"ST_Multi(ST_SimplifyPreserveTopology(t.geometry, {tolerance!r}))"
    where = f"r.publication_status = 'published' AND {where}"
    count = COUNT_SQL.format(table=resource["table"], where=where) if counted else ""
    return FEATURE_SQL.format(
        geometry=geometry,
        precision=precision,
        where=where,
        limit=limit,
        count=count.replace("{", "{{").replace("}", "}}"),
        **{**resource, "order": order or resource["order"]},
    )


FLOORS = {
    "map country: hazard areas": floor_sql(
        HAZARD_AREAS, where=bbox_sql(COUNTRY_BBOX), limit=API_PAGE_SIZE, zoom=COUNTRY_ZOOM
    ),
    "map district: hazard areas": floor_sql(
        HAZARD_AREAS, where=bbox_sql(DISTRICT_BBOX), limit=API_PAGE_SIZE, zoom=DISTRICT_ZOOM
    ),
    # The API's list and the OGC items say how many features match in all (count,
    # numberMatched): their floor counts them too.
    "items with their count": floor_sql(
        HAZARD_AREAS, where=bbox_sql(ITEMS_BBOX), limit=ITEMS_LIMIT, counted=True
    ),
    # The download orders by id (contamination/api/downloads.py).
    "download": floor_sql(LAND_RELEASES, where="true", limit=DOWNLOAD_LIMIT, order="r.id"),
}

# pygeoapi serves the published hazard areas through a view with the API's properties, so that
# it returns the same rows and fields (bench/peer.py writes the view and the config), sorted
# as the API sorts them so that the same bbox and limit give the same 1,000 features.
PEER_VIEW = "bench_peer_hazardarea"
PEER_VIEW_SQL = f"""
DROP VIEW IF EXISTS {PEER_VIEW};
CREATE VIEW {PEER_VIEW} AS
SELECT r.id, r.reference, r.name, r.category, r.status, r.hazard_types,
       round(r.area_m2::numeric, 0) AS area_m2, a.code AS area, r.identified_on,
       r.surveyed_by_id AS surveyed_by, r.geometry_precision, r.blocked_land_use,
       ARRAY(SELECT c.source_id FROM contamination_hazardareasource c
             WHERE c.hazard_area_id = r.id ORDER BY 1) AS sources,
       r.is_demo, r.published_at, r.updated_at, r.geometry
FROM contamination_hazardarea r LEFT JOIN contamination_adminarea a ON a.id = r.admin_area_id
WHERE r.publication_status = 'published'
"""
PEER_PATH = (
    f"/collections/hazard_areas/items?f=json&bbox={ITEMS_BBOX}&limit={ITEMS_LIMIT}"
    "&sortby=-identified_on,-id"
)
