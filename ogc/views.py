"""OGC API – Features endpoints: landing page, conformance, collections, items, one item, API.

JSON answers are versioned like the records API (ETag, 304, cache, gzip: contamination/api/
caching.py) and throttled by the same per-client limit. Every parameter is checked: an
unknown, repeated or malformed one is a 400 whose JSON names it (the OGC exception fields
`code` and `description`, plus `{parameter: [message]}` as everywhere in the API).
"""

import datetime
import json
from functools import wraps

from django.conf import settings
from django.contrib.gis.db.models import Extent, GeometryField
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Func, Max, Min
from django.forms import ValidationError as FormValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_safe

from contamination import data_version, geojson
from contamination.api.base import AnonymousThrottle, json_response, stable_order
from contamination.api.caching import cached_count, versioned_response
from contamination.api.filters import BBoxField
from ogc import openapi
from ogc.collections import COLLECTIONS

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
SUPPORTED_CRS = (CRS84, EPSG_4326)
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
]
DEFAULT_LIMIT = 100
MAX_LIMIT = 10000
MAX_OFFSET = 10**9
GEOJSON = "application/geo+json"
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.0"


class ParameterError(Exception):
    """A bad query parameter: answered 400, naming it."""

    def __init__(self, parameter, message):
        super().__init__(message)
        self.parameter, self.message = parameter, message


def error_response(status, code, description, parameter=None):
    body = {"code": code, "description": description}
    if parameter:
        body[parameter] = [description]
    return json_response(body, status)


def ogc_endpoint(view):
    """Safe methods only, the API's throttle, and JSON errors whatever format was asked."""

    @require_safe
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        throttle = AnonymousThrottle()
        if not throttle.allow_request(request, None):
            response = error_response(429, "TooManyRequests", "Too many requests; slow down.")
            response["Retry-After"] = str(int(throttle.wait() or 1))
            return response
        try:
            response = view(request, *args, **kwargs)
        except ParameterError as error:
            return error_response(400, "InvalidParameterValue", error.message, error.parameter)
        except Http404 as error:
            return error_response(404, "NotFound", str(error) or "Not found.")
        response["Vary"] = "Accept, Accept-Encoding"
        return response

    return wrapper


# --- Parameters --------------------------------------------------------------------------


LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def check_parameters(request, allowed):
    allowed = {*allowed, "lang"}  # the language of titles and labels (config/language.py)
    for name, values in request.GET.lists():
        if name not in allowed:
            raise ParameterError(
                name, f"Unknown parameter. Accepted here: {', '.join(sorted(allowed))}."
            )
        if len(values) > 1:
            raise ParameterError(name, "Given more than once; give it once.")
        if values[0] == "":
            raise ParameterError(name, "Empty; give a value or leave the parameter out.")
        if name == "lang" and values[0] not in LANGUAGE_CODES:
            raise ParameterError(name, f"Unknown language; use {', '.join(LANGUAGE_CODES)}.")


def output_format(request):
    """`f` wins; else the Accept header: HTML only for clients that prefer it (browsers)."""
    asked = request.GET.get("f")
    if asked is not None:
        if asked not in ("json", "html"):
            raise ParameterError("f", f"Unknown format {asked[:20]!r}; use json or html.")
        return asked
    accept = request.headers.get("Accept", "")
    if "text/html" in accept and "json" not in accept:
        return "html"
    return "json"


def whole_number(request, name, default, minimum, maximum):
    text = request.GET.get(name)
    if text is None:
        return default
    if not text.isdigit() or not minimum <= int(text) <= maximum:
        raise ParameterError(
            name, f"Expected a whole number from {minimum} to {maximum}, got {text[:20]!r}."
        )
    return int(text)


def crs_parameter(request, name):
    uri = request.GET.get(name, CRS84)
    if uri not in SUPPORTED_CRS:
        raise ParameterError(name, f"Unsupported CRS; use {' or '.join(SUPPORTED_CRS)}.")
    return uri


def bounding_box(request):
    """The `bbox` as a polygon in CRS84, or None. EPSG:4326 boxes come latitude first."""
    text = request.GET.get("bbox")
    box_crs = crs_parameter(request, "bbox-crs")
    if text is None:
        return None
    parts = text.split(",")
    if len(parts) == 6:  # minimum and maximum heights: the data is two-dimensional
        parts = [parts[0], parts[1], parts[3], parts[4]]
    if len(parts) == 4 and box_crs == EPSG_4326:
        parts = [parts[1], parts[0], parts[3], parts[2]]
    try:
        return BBoxField().clean(",".join(parts))
    except FormValidationError as error:
        raise ParameterError("bbox", " ".join(error.messages)) from None


def moment(text):
    """A date, or a date-time (RFC 3339) taken as its UTC date; None for an open end."""
    if text in ("", ".."):
        return None
    try:
        day = parse_date(text) if len(text) == 10 else None
        instant = None if day else parse_datetime(text)
    except ValueError:  # well formed but no such day, e.g. 2024-02-30
        day = instant = None
    if day:
        return day
    if instant is None or instant.tzinfo is None:
        raise ParameterError(
            "datetime",
            f"{text[:40]!r} is not a date (2024-01-31) or an RFC 3339 date-time with a zone.",
        )
    return instant.astimezone(datetime.UTC).date()


def time_interval(request, collection):
    """(start, end) dates from `datetime` (an instant or `start/end`, `..` open), or None."""
    text = request.GET.get("datetime")
    if text is None:
        return None
    if collection.temporal is None:
        raise ParameterError("datetime", f"The collection {collection.id} has no time property.")
    parts = text.split("/")
    if len(parts) > 2:
        raise ParameterError("datetime", "Expected an instant or one interval start/end.")
    if len(parts) == 1:
        start = end = moment(parts[0])
        if start is None:
            raise ParameterError("datetime", "An instant cannot be open ('..').")
    else:
        start, end = moment(parts[0]), moment(parts[1])
        if start and end and start > end:
            raise ParameterError("datetime", "The interval ends before it starts.")
    return start, end


# --- Links and pages ---------------------------------------------------------------------


def absolute(request, name, *args, **query):
    url = request.build_absolute_uri(reverse(f"ogc:{name}", args=args))
    if not query:
        return url
    encoded = QueryDict(mutable=True)
    encoded.update(query)
    return f"{url}?{encoded.urlencode()}"


def self_links(request, name, *args, json_type="application/json"):
    """self and alternate links of a resource that has JSON and HTML forms."""
    output = output_format(request)
    forms = {"json": json_type, "html": "text/html"}
    links = []
    for form, media_type in forms.items():
        links.append(
            {
                "href": absolute(request, name, *args, f=form),
                "rel": "self" if form == output else "alternate",
                "type": media_type,
                "title": f"This document as {form.upper()}",
            }
        )
    return links


def answer(request, build, template, *, variant=""):
    """The resource as JSON (built by `build(version)`, a dict) or as an HTML page."""
    output = output_format(request)

    def response(version):
        document = build(version)
        if output == "html":
            return render(request, template, {"document": document, "request": request})
        return json_response(document)

    return versioned_response(request, response, variant=f"{output}|{variant}")


# --- Endpoints ---------------------------------------------------------------------------


@ogc_endpoint
def landing(request):
    check_parameters(request, {"f"})

    def build(version):
        return {
            "title": "Mine Atlas — OGC API – Features",
            "description": "Published records of landmine contamination, land release and "
            "explosive-ordnance incidents, and the figures stated about them.",
            "links": [
                *self_links(request, "landing"),
                {
                    "href": absolute(request, "api"),
                    "rel": "service-desc",
                    "type": OPENAPI_JSON,
                    "title": "The API definition (OpenAPI 3.0)",
                },
                {
                    "href": absolute(request, "api", f="html"),
                    "rel": "service-doc",
                    "type": "text/html",
                    "title": "The API definition as a page",
                },
                {
                    "href": absolute(request, "conformance"),
                    "rel": "conformance",
                    "type": "application/json",
                    "title": "Conformance classes implemented",
                },
                {
                    "href": absolute(request, "collections"),
                    "rel": "data",
                    "type": "application/json",
                    "title": "The collections",
                },
            ],
        }

    return answer(request, build, "ogc/landing.html")


@ogc_endpoint
def conformance(request):
    check_parameters(request, {"f"})
    return answer(
        request,
        lambda version: {"conformsTo": CONFORMANCE, "links": self_links(request, "conformance")},
        "ogc/conformance.html",
    )


@ogc_endpoint
def api(request):
    check_parameters(request, {"f"})
    output = output_format(request)
    document = openapi.document(request.build_absolute_uri(reverse("ogc:landing")))
    if output == "html":
        return render(
            request,
            "ogc/api.html",
            {
                "document": document,
                "text": json.dumps(document, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder),
            },
        )
    response = json_response(document)
    response["Content-Type"] = OPENAPI_JSON
    return response


def extent(collection, version):
    """The collection's spatial and temporal extent, computed once per data version."""

    def compute():
        rows = collection.extent_rows().order_by()
        aggregates = {}
        if collection.spatial:
            aggregates["box"] = Extent(collection.bbox_field)
        if collection.temporal_field:
            aggregates["first"] = Min(collection.temporal_field)
            aggregates["last"] = Max(collection.temporal_field)
        found = rows.aggregate(**aggregates) if aggregates else {}
        described = {}
        if found.get("box"):
            described["spatial"] = {"bbox": [list(found["box"])], "crs": CRS84}
        if collection.temporal_field:
            interval = [found.get(end) and found[end].isoformat() for end in ("first", "last")]
            described["temporal"] = {"interval": [interval], "trs": TRS}
        return described

    return data_version.cached(version, f"ogc:extent:{collection.id}", compute)


TRS = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"


def collection_document(request, collection, version):
    document = {
        "id": collection.id,
        "title": collection.title,
        "description": collection.description,
        "itemType": "feature",
        "links": [
            *self_links(request, "collection", collection.id),
            {
                "href": absolute(request, "items", collection.id, f="json"),
                "rel": "items",
                "type": GEOJSON,
                "title": f"{collection.title} as GeoJSON",
            },
            {
                "href": absolute(request, "items", collection.id, f="html"),
                "rel": "items",
                "type": "text/html",
                "title": f"{collection.title} as a page",
            },
        ],
        "extent": extent(collection, version),
    }
    if collection.spatial:
        document["crs"] = list(SUPPORTED_CRS)
        document["storageCrs"] = CRS84
    return document


@ogc_endpoint
def collections(request):
    check_parameters(request, {"f"})

    def build(version):
        return {
            "links": self_links(request, "collections"),
            "collections": [
                collection_document(request, collection, version)
                for collection in COLLECTIONS.values()
            ],
        }

    return answer(request, build, "ogc/collections.html")


def find_collection(collection_id):
    try:
        return COLLECTIONS[collection_id]
    except KeyError:
        raise Http404(
            f"No collection {collection_id[:40]!r}; see /ogc/collections for the list."
        ) from None


@ogc_endpoint
def collection(request, collection_id):
    found = find_collection(collection_id)
    check_parameters(request, {"f"})
    return answer(
        request,
        lambda version: collection_document(request, found, version),
        "ogc/collection.html",
    )


def output_geometry(collection, crs):
    geometry = collection.resource.geometry()
    if collection.spatial and crs == EPSG_4326:  # EPSG:4326 axis order: latitude first
        geometry = Func(geometry, function="ST_FlipCoordinates", output_field=GeometryField())
    return geometry


def crs_header(response, crs):
    response["Content-Crs"] = f"<{crs}>"
    return response


@ogc_endpoint
def items(request, collection_id):
    found = find_collection(collection_id)
    allowed = {"f", "limit", "offset", *found.queryables}
    if found.spatial:
        allowed |= {"bbox", "bbox-crs", "crs"}
    if found.temporal:
        allowed.add("datetime")
    check_parameters(request, allowed)
    output = output_format(request)
    limit = whole_number(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = whole_number(request, "offset", 0, 0, MAX_OFFSET)
    crs = crs_parameter(request, "crs")
    box = bounding_box(request) if found.spatial else None
    interval = time_interval(request, found)

    filter_data = QueryDict(mutable=True)
    for name, parameter in found.queryables.items():
        if name in request.GET:
            filter_data[parameter] = request.GET[name]
    if interval:
        for parameter, day in zip(found.temporal, interval, strict=True):
            if day:
                filter_data[parameter] = day.isoformat()
    filterset = found.filterset_class(filter_data, queryset=found.rows(), request=request)
    if not filterset.is_valid():
        back = {parameter: name for name, parameter in found.queryables.items()}
        back.update(dict.fromkeys(found.temporal or (), "datetime"))
        parameter, messages = next(iter(filterset.errors.items()))
        raise ParameterError(back.get(parameter, parameter), " ".join(messages))
    queryset = filterset.qs
    if box is not None:
        queryset = queryset.filter(**{f"{found.bbox_field}__intersects": box})
    queryset = stable_order(queryset)

    def build(version):
        window = queryset[offset : offset + limit]
        text, returned = geojson.features(
            window,
            found.resource.properties(),
            geometry_field=output_geometry(found, crs),
            precision=found.resource.precision,
        )
        if offset == 0 and returned < limit:
            matched = returned  # all of it is on this page: no COUNT needed
        else:
            matched = cached_count(queryset, version, f"ogc|{found.id}|{filter_data.urlencode()}")
        links = page_links(request, found, offset, limit, matched, output)
        if output == "html":
            features = json.loads(geojson.collection_text(text))["features"]
            columns = list(found.resource.properties())
            return render(
                request,
                "ogc/items.html",
                {
                    "collection": found,
                    "features": features,
                    "rows": [
                        (feature["id"], [feature["properties"][name] for name in columns])
                        for feature in features
                    ],
                    "columns": columns,
                    "matched": matched,
                    "offset": offset,
                    "links": links,
                },
            )
        body = geojson.collection_text(
            text,
            {
                "numberMatched": str(matched),
                "numberReturned": str(returned),
                "timeStamp": json.dumps(timezone.now().isoformat(timespec="seconds")),
                "links": json.dumps(links),
            },
        )
        return HttpResponse(body, content_type=GEOJSON)

    response = versioned_response(request, build, variant=output)
    return crs_header(response, crs) if found.spatial else response


def page_links(request, collection, offset, limit, matched, output):
    query = {key: request.GET[key] for key in request.GET}

    def link(rel, media_type, form, start):
        page_query = {**query, "f": form}
        if start:
            page_query["offset"] = str(start)
        else:
            page_query.pop("offset", None)
        return {
            "href": absolute(request, "items", collection.id, **page_query),
            "rel": rel,
            "type": media_type,
        }

    types = {"json": GEOJSON, "html": "text/html"}
    links = [
        link("self" if form == output else "alternate", media_type, form, offset)
        for form, media_type in types.items()
    ]
    if offset + limit < matched:
        links.append(link("next", types[output], output, offset + limit))
    if offset > 0:
        links.append(link("prev", types[output], output, max(0, offset - limit)))
    links.append(
        {
            "href": absolute(request, "collection", collection.id),
            "rel": "collection",
            "type": "application/json",
        }
    )
    return links


@ogc_endpoint
def item(request, collection_id, feature_id):
    found = find_collection(collection_id)
    allowed = {"f", "crs"} if found.spatial else {"f"}
    check_parameters(request, allowed)
    output = output_format(request)
    crs = crs_parameter(request, "crs")
    if not feature_id.isdigit() or int(feature_id) > 2**31 - 1:
        raise Http404(f"No published feature {feature_id[:20]!r} in {found.id}.")
    pk = int(feature_id)

    def build(version):
        text, count = geojson.features(
            found.rows().filter(pk=pk),
            found.resource.properties(),
            geometry_field=output_geometry(found, crs),
            precision=found.resource.precision,
        )
        if not count:
            if found.retracted(pk):
                return error_response(410, "Gone", "This feature was retracted.")
            return error_response(404, "NotFound", f"No published feature {pk} in {found.id}.")
        links = [
            *self_links(request, "item", found.id, feature_id, json_type=GEOJSON),
            {
                "href": absolute(request, "collection", found.id),
                "rel": "collection",
                "type": "application/json",
            },
        ]
        if output == "html":
            feature = json.loads(text)
            return render(
                request,
                "ogc/item.html",
                {"collection": found, "feature": feature, "links": links},
            )
        body = text[:-1] + ',"links":' + json.dumps(links) + "}"
        return HttpResponse(body, content_type=GEOJSON)

    response = versioned_response(request, build, variant=output)
    return crs_header(response, crs) if found.spatial and response.status_code < 400 else response


@ogc_endpoint
def not_found(request, rest):
    raise Http404("No such OGC API resource; start at /ogc/.")
