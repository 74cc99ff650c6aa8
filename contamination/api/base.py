"""What every public API view stands on, in both apps: negotiation, renderers, throttles,
the strict reading of query parameters, paging and JSON answers.

Every parameter is validated: an unknown or malformed one is a 400 naming it, and errors are
JSON whatever format was asked for.
"""

import csv
import io
import json
from urllib.parse import urlencode

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils.translation import gettext
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from contamination.api.schema import MAX_PAGE, PublicSchema
from contamination.spreadsheets import escape_dict
from ratelimit.throttling import DatabaseRateThrottle

# --- Negotiation and renderers -----------------------------------------------------------


class QueryParameterNegotiation(DefaultContentNegotiation):
    """Leave `?format=` to the views: DRF would answer an unknown format with a bare 404."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class GeoJSONRenderer(BaseRenderer):
    media_type = "application/geo+json"
    format = "geojson"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data, cls=DjangoJSONEncoder).encode()


class CSVRenderer(BaseRenderer):
    """CSV: bytes as PostgreSQL wrote them (COPY), or serialized rows, one per object, with
    nested fields flat (`speaker.name`). Text that would start a spreadsheet formula is
    escaped (contamination/spreadsheets.py)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        if isinstance(data, dict) and "results" in data:
            data = data["results"]
        if isinstance(data, dict):
            # An error or a single object: one row, so that errors still read.
            data = [data]
        rows = [flatten(item) for item in data or []]
        columns = []
        for row in rows:
            columns += [key for key in row if key not in columns]
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(escape_dict(row) for row in rows)
        return buffer.getvalue().encode(self.charset)


def flatten(row, prefix=""):
    """{'speaker': {'name': 'X'}} -> {'speaker.name': 'X'}; lists of objects as JSON text."""
    flat = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            if all(not isinstance(item, dict | list) for item in value):
                flat[name] = " | ".join("" if item is None else str(item) for item in value)
            else:
                flat[name] = json.dumps(value, ensure_ascii=False)
        else:
            flat[name] = "" if value is None else value
    return flat


# --- Throttles ---------------------------------------------------------------------------


class AnonymousThrottle(DatabaseRateThrottle):
    """Requests per client address, counted atomically in PostgreSQL (ratelimit/) so that the
    limit holds exactly across workers and hosts; the rate is read from settings on each
    request. One upsert per request: one query more in every API answer."""

    scope = "anon"
    setting = "API_RATE_LIMIT"

    def get_rate(self):
        return getattr(settings, self.setting)


class DownloadThrottle(AnonymousThrottle):
    scope = "download"
    setting = "API_DOWNLOAD_RATE_LIMIT"


# --- Query parameters --------------------------------------------------------------------

PAGE_PARAMETERS = {"page", "page_size"}
# Names and labels in this language (config/language.py activates it); values never change.
LANGUAGE_PARAMETER = "lang"
COMMA_LISTS = {"ordering"}  # comma-separated, besides the repeatable ones (`multi_valued`)


def language_codes():
    return [code for code, _name in settings.LANGUAGES]


def bad_request(parameter, message):
    return ValidationError({parameter: [message]})


class StrictQueryMixin:
    """A misspelt, unknown, empty or repeated parameter is a 400 naming it, not a silent
    no-op; errors are plain JSON, whatever the resource's own format; every client is
    throttled."""

    throttle_classes = [AnonymousThrottle]
    extra_parameters = set()  # accepted besides the FilterSet's, `format` and pagination
    multi_valued = set()  # parameters that may be given more than once
    paginated = True

    def allowed_parameters(self):
        allowed = {"format", LANGUAGE_PARAMETER} | set(self.extra_parameters)
        if self.paginated:
            allowed |= PAGE_PARAMETERS
        if getattr(self, "filterset_class", None):
            allowed |= set(self.filterset_class.base_filters)
        return allowed

    def unknown_parameters(self, request):
        """{name: [message]} for each parameter this view does not take."""
        allowed = self.allowed_parameters()
        message = gettext("Unknown parameter. Accepted here: %(names)s.") % {
            "names": ", ".join(sorted(allowed))
        }
        return {name: [message] for name in request.GET if name not in allowed}

    def parameter_errors(self, request):
        """{name: [message]} for each parameter that is unknown, empty or repeated.

        An empty value (`?bbox=`) is refused rather than read as "no filter": a client that
        meant to filter and sent nothing would otherwise get everything without noticing.
        """
        errors = self.unknown_parameters(request)
        for name, values in request.GET.lists():
            if name in errors:
                continue
            if len(values) > 1 and name not in self.multi_valued:
                errors[name] = [gettext("Given more than once; give it once.")]
            elif any(value == "" for value in values):
                errors[name] = [gettext("Empty. Give a value, or leave the parameter out.")]
            elif name in self.multi_valued | COMMA_LISTS and any(
                item.strip() == "" for value in values for item in value.split(",")
            ):
                errors[name] = [gettext("An empty item in the comma-separated list.")]
            elif name == LANGUAGE_PARAMETER and values[0] not in language_codes():
                errors[name] = [
                    gettext("Unknown language; use %(codes)s.")
                    % {"codes": ", ".join(language_codes())}
                ]
        return errors

    def reject_bad_parameters(self, request):
        errors = self.parameter_errors(request)
        if errors:
            raise ValidationError(errors)

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class PublicAPIView(StrictQueryMixin, GenericAPIView):
    """Read-only, strict about its query parameters, versioned answers (see caching.py)."""

    schema = PublicSchema()
    content_negotiation_class = QueryParameterNegotiation
    renderer_classes = [JSONRenderer]
    formats = ("json",)
    multi_valued = {"method", "category", "status", "hazard_type", "device_type", "kind"}
    multi_valued |= {"casualty_group", "layer"}
    default_page_size = 100
    max_page_size = 1000

    def check_query(self, request):
        """Reject unknown, empty and repeated parameters and unknown formats (400); return
        the format asked for."""
        errors = self.parameter_errors(request)
        output = request.GET.get("format", self.formats[0])
        if "format" not in errors and output not in self.formats:
            errors["format"] = [
                gettext("Unknown format %(format)s; use %(formats)s.")
                % {"format": repr(output[:20]), "formats": ", ".join(self.formats)}
            ]
        if errors:
            raise ValidationError(errors)
        return output

    def filterset(self, queryset):
        """The validated FilterSet for this request (400 naming the bad parameters)."""
        filterset = self.filterset_class(self.request.GET, queryset=queryset, request=self.request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset

    def page_numbers(self, request):
        """(page, size) asked for, within this view's limits."""
        page = positive_int(request, "page", 1, None)
        size = positive_int(request, "page_size", self.default_page_size, self.max_page_size)
        if page > MAX_PAGE:  # no such page; its offset would not even fit in SQL's bigint
            raise NotFound(gettext("Page %(page)s is past the last page.") % {"page": page})
        return page, size

    def page_links(self, request, page, size, count):
        last = max(1, -(-count // size))
        if page > last:
            raise NotFound(
                gettext("Page %(page)s is past the last page (%(last)s).")
                % {"page": page, "last": last}
            )
        return self.neighbour_links(request, page, page < last)

    def neighbour_links(self, request, page, more):
        """(next, previous) page addresses; `more`: whether a page follows this one."""

        def link(number):
            query = request.GET.copy()
            query["page"] = number
            return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

        return (link(page + 1) if more else None), (link(page - 1) if page > 1 else None)


def positive_int(request, name, default, maximum):
    text = request.GET.get(name)
    if text is None or text == "":
        return default
    if not text.isdigit() or int(text) < 1:
        raise bad_request(
            name,
            gettext("Expected a whole number from 1, got %(value)s.") % {"value": repr(text[:20])},
        )
    value = int(text)
    if maximum and value > maximum:
        raise bad_request(name, gettext("At most %(maximum)s.") % {"maximum": maximum})
    return value


def zoom_level(request, *, required=False):
    text = request.GET.get("zoom")
    if text is None or text == "":
        if required:
            raise bad_request("zoom", gettext("Required: the web-map zoom level, 0 to 22."))
        return None
    if not text.isdigit() or int(text) > 22:
        raise bad_request(
            "zoom",
            gettext("Expected a whole number from 0 to 22, got %(value)s.")
            % {"value": repr(text[:20])},
        )
    return int(text)


def filter_key(request):
    """The query without pagination and format, as a cache key part."""
    items = [
        (name, values)
        for name, values in sorted(request.GET.lists())
        if name not in PAGE_PARAMETERS | {"format", "zoom"}
    ]
    return urlencode(items, doseq=True)


def stable_order(queryset):
    """The requested order (else the model's), always ending with the id.

    Explicit, because Django drops Meta.ordering from GROUP BY queries (the casualty counts).
    """
    ordering = [str(term) for term in queryset.query.order_by] or list(
        queryset.model._meta.ordering
    )
    if not {"id", "-id", "pk", "-pk"} & set(ordering):
        ordering.append("id")
    return queryset.order_by(*ordering)


# --- Answers -----------------------------------------------------------------------------


def json_response(data, status_code=200):
    return HttpResponse(
        # DjangoJSONEncoder: descriptions are translatable (lazy) text.
        json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder),
        status=status_code,
        content_type="application/json",
    )


def csv_response(content, filename):
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def geojson_response(text, output):
    """GeoJSON text as `application/geo+json`, or as `application/json` for ?format=json."""
    content_type = "application/json" if output == "json" else "application/geo+json"
    return HttpResponse(text, content_type=content_type)
