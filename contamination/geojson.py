"""GeoJSON FeatureCollections built by PostgreSQL in one query.

Serialising geometries in Python costs about twenty times the database's own time (see
SETUP-NOTES), so every GeoJSON surface that can return many features — API lists, map layers,
downloads — asks PostgreSQL for the finished text. Each feature is concatenated as text rather
than built with json_agg(... ::json), which would parse every geometry again.
"""

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, Func, Value


class SimplifyPreserveTopology(Func):
    function = "ST_SimplifyPreserveTopology"
    output_field = GeometryField(srid=4326)


def features_sql(queryset, properties, *, geometry_field="geometry", precision=6, tolerance=None):
    """Return (sql, params) selecting one text column: the comma-joined features.

    `properties` maps each output property name to a field path or expression of `queryset`
    (e.g. {"area": "admin_area__code"}). Row order is the queryset's order. `geometry_field`
    is a field name or an expression (e.g. a generalised location). `tolerance`, in degrees,
    simplifies geometry for small-scale maps. A second column counts the features.
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
    sql = (
        "SELECT COALESCE(string_agg("
        """'{"type":"Feature","id":' || to_json(t.feature_id)::text"""
        """ || ',"geometry":' || COALESCE(t.geojson, 'null')"""
        f""" || ',"properties":' || json_build_object({property_pairs})::text || '}}'"""
        f", ','), ''), count(*) FROM ({inner_sql}) t"
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


def _expression(value):
    return F(value) if isinstance(value, str) else value


def _sql_string(text):
    if not text.replace("_", "").isalnum():
        raise ValueError(f"Property names must be identifiers, not {text!r}.")
    return text
