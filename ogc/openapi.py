"""The OpenAPI 3.0 definition of /ogc/, built from the collections' column contracts."""

from ogc.collections import COLLECTIONS

CRS_URIS = [
    "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
    "http://www.opengis.net/def/crs/EPSG/0/4326",
]
EXCEPTION = {
    "type": "object",
    "required": ["code"],
    "properties": {"code": {"type": "string"}, "description": {"type": "string"}},
}


def _parameter(name, description, schema, location="query", required=False):
    return (
        {
            "name": name,
            "in": location,
            "required": required,
            "description": description,
            "schema": schema,
            "style": "form",
            "explode": False,
        }
        if location == "query"
        else {
            "name": name,
            "in": location,
            "required": True,
            "description": description,
            "schema": schema,
        }
    )


F = _parameter("f", "`json` (default) or `html`.", {"type": "string", "enum": ["json", "html"]})
LIMIT = _parameter(
    "limit",
    "Features per page, 1 to 10,000; follow the `next` link for the rest.",
    {"type": "integer", "minimum": 1, "maximum": 10000, "default": 100},
)
OFFSET = _parameter(
    "offset", "Features to skip (the `next` link sets it).", {"type": "integer", "minimum": 0}
)
BBOX = _parameter(
    "bbox",
    "minLon,minLat,maxLon,maxLat (in `bbox-crs`; with EPSG:4326, latitude first): only "
    "features that intersect the box.",
    {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
)
BBOX_CRS = _parameter("bbox-crs", "CRS of `bbox`.", {"type": "string", "enum": CRS_URIS})
CRS = _parameter(
    "crs",
    "CRS of the coordinates returned (EPSG:4326: latitude first). Default CRS84.",
    {"type": "string", "enum": CRS_URIS},
)
DATETIME = _parameter(
    "datetime",
    "A date or an interval (`2023-01-01/2023-12-31`, `../2023-12-31`, `2023-01-01/..`); "
    "date-times count by their UTC date.",
    {"type": "string"},
)


def _json(schema, media_type="application/json"):
    return {
        "content": {media_type: {"schema": schema}, "text/html": {"schema": {"type": "string"}}}
    }


def _errors(*statuses):
    texts = {
        "400": "A bad parameter, named in the answer.",
        "404": "No such collection or feature.",
        "410": "The feature was retracted.",
        "429": "Too many requests.",
    }
    return {
        status: {
            "description": texts[status],
            "content": {"application/json": {"schema": EXCEPTION}},
        }
        for status in statuses
    }


def _feature_schema(collection):
    return {
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "integer"},
            "geometry": {"type": "object", "nullable": True},
            "properties": collection.resource.property_schema(),
            "links": {"type": "array", "items": {"type": "object"}},
        },
    }


def document(base_url):
    paths = {
        "/": {"get": _operation("landing", "The landing page.", [F])},
        "/conformance": {"get": _operation("conformance", "Conformance classes.", [F])},
        "/api": {"get": _operation("api", "This definition.", [F])},
        "/collections": {"get": _operation("collections", "The collections.", [F])},
    }
    paths["/api"]["get"]["responses"]["200"] = {
        "description": "This definition.",
        **_json({"type": "object"}, "application/vnd.oai.openapi+json;version=3.0"),
    }
    for collection in COLLECTIONS.values():
        queryables = [
            _parameter(
                name,
                f"Only features with this `{name}` (a comma list for any of "
                "several, where the property is a choice).",
                {"type": "string"},
            )
            for name in collection.queryables
        ]
        spatial = [BBOX, BBOX_CRS, CRS] if collection.spatial else []
        temporal = [DATETIME] if collection.temporal else []
        feature = _feature_schema(collection)
        base = f"/collections/{collection.id}"
        paths[base] = {
            "get": _operation(f"{collection.id}_collection", collection.title, [F], ("404",))
        }
        items = _operation(
            f"{collection.id}_items",
            f"{collection.title}: {collection.description}",
            [F, LIMIT, OFFSET, *spatial, *temporal, *queryables],
            ("400", "404", "429"),
        )
        items["responses"]["200"] = {
            "description": "A page of features.",
            **_json(
                {
                    "type": "object",
                    "required": ["type", "features"],
                    "properties": {
                        "type": {"type": "string", "enum": ["FeatureCollection"]},
                        "features": {"type": "array", "items": feature},
                        "numberMatched": {"type": "integer", "minimum": 0},
                        "numberReturned": {"type": "integer", "minimum": 0},
                        "timeStamp": {"type": "string", "format": "date-time"},
                        "links": {"type": "array", "items": {"type": "object"}},
                    },
                },
                "application/geo+json",
            ),
        }
        paths[f"{base}/items"] = {"get": items}
        one = _operation(
            f"{collection.id}_item",
            f"One of the {collection.title.lower()}.",
            [
                _parameter("featureId", "The feature's id.", {"type": "integer"}, "path"),
                F,
                *([CRS] if collection.spatial else []),
            ],
            ("400", "404", "410", "429"),
        )
        one["responses"]["200"] = {
            "description": "The feature.",
            **_json(feature, "application/geo+json"),
        }
        paths[f"{base}/items/{{featureId}}"] = {"get": one}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Mine Atlas — OGC API – Features",
            "version": "1.0",
            "description": "Published records only; incidents at their generalised public "
            "point. See docs/api.md in the project.",
        },
        "servers": [{"url": base_url.rstrip("/")}],
        "paths": paths,
    }


def _operation(operation_id, summary, parameters, errors=("400",)):
    return {
        "operationId": operation_id,
        "summary": summary,
        "parameters": parameters,
        "responses": {
            "200": {"description": "OK", **_json({"type": "object"})},
            **_errors(*sorted(set(errors) | {"400"})),
        },
    }
