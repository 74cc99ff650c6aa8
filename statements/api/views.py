"""Read-only endpoints: /statements/, /claims/, /people/, /metrics/ (published only).

They stand on the records' API base (contamination/api/base.py): the same throttle, the same
400 naming an unknown, empty, repeated or malformed parameter (an unknown `?format=` too), the
same page limits, errors as JSON (also when CSV was asked for), one CSV renderer, every
parameter and answer described in the schema.
"""

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer

from contamination.api.base import (
    LANGUAGE_PARAMETER,
    CSVRenderer,
    StrictQueryMixin,
    bad_request,
    positive_int,
)
from contamination.api.schema import (
    DETAIL_SCHEMA,
    LANGUAGE,
    MAX_PAGE,
    error_responses,
    id_parameter,
    page_parameters,
)
from contamination.querysets import PublicationStatus
from statements.api import filters, serializers
from statements.models import Claim, Metric, Person, Statement, StatementSource


class StatementsPagination(PageNumberPagination):
    """Page numbers as the records' lists read them: `page` and `page_size` are whole
    numbers from 1 (else a 400 naming them), `page_size` at most `max_page_size`, and a page
    past the last is a 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def check_page_parameters(self, request):
        """400 for a malformed `page` or `page_size`, also where nothing is paged (CSV)."""
        page = positive_int(request, self.page_query_param, 1, None)
        if page > MAX_PAGE:
            raise NotFound(gettext("Page %(page)s is past the last page.") % {"page": page})
        self.get_page_size(request)

    def paginate_queryset(self, queryset, request, view=None):
        self.check_page_parameters(request)
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        return positive_int(request, self.page_size_query_param, self.page_size, self.max_page_size)

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        descriptions = {
            "count": "Rows matching the filters, on all pages.",
            "next": "The next page, if any.",
            "previous": "The previous page, if any.",
            "results": "This page's rows.",
        }
        for name, description in descriptions.items():
            response["properties"][name]["description"] = description
        return response


FORMATS = ("json", "csv")
FORMAT = OpenApiParameter(
    "format",
    str,
    enum=list(FORMATS),
    description="`json` (default) or `csv`: a list as CSV has every matching row in one file, "
    "nested fields flattened (`speaker_person.name`); a statement's sources and claims as "
    "`;`-joined ids.",
)
PAGE = page_parameters(StatementsPagination.page_size, StatementsPagination.max_page_size)
SLUG = {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}
NOT_FOUND = {
    (404, "application/json"): OpenApiResponse(
        DETAIL_SCHEMA, description="No such published item, or no such page."
    )
}


def list_schema(serializer, description, tag):
    return extend_schema(
        tags=[tag],
        description=description,
        parameters=[FORMAT, LANGUAGE, *PAGE],
        responses={
            (200, "application/json"): serializer(many=True),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="Every row."),
            **error_responses(),
            **NOT_FOUND,
        },
    )


def detail_schema(serializer, description, tag, lookup):
    return extend_schema(
        tags=[tag],
        description=description,
        parameters=[FORMAT, LANGUAGE, lookup],
        responses={
            (200, "application/json"): serializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One row."),
            **error_responses(),
            **NOT_FOUND,
        },
    )


class PublicViewSet(StrictQueryMixin, viewsets.ReadOnlyModelViewSet):
    """JSON or CSV (`?format=csv`: the whole filtered list in one file, not one page)."""

    renderer_classes = [JSONRenderer, CSVRenderer]
    pagination_class = StatementsPagination
    csv_name = "export"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.reject_bad_parameters(request)

    def allowed_parameters(self):
        if self.action == "retrieve":  # one item: nothing to filter or page
            return {"format", LANGUAGE_PARAMETER}
        return super().allowed_parameters()

    def perform_content_negotiation(self, request, force=False):
        """An unknown `?format=` is a 400 naming it, as in the records' API (DRF: a 404)."""
        output = request.query_params.get("format")
        if not force and output is not None and output not in FORMATS:
            raise bad_request(
                "format",
                gettext("Unknown format %(format)s; use %(formats)s.")
                % {"format": repr(output[:20]), "formats": "json, csv"},
            )
        return super().perform_content_negotiation(request, force)

    def is_csv(self):
        renderer = getattr(self.request, "accepted_renderer", None)
        return renderer is not None and renderer.format == "csv"

    def paginate_queryset(self, queryset):
        if self.is_csv():  # the whole list in one file; its page parameters still checked
            self.paginator.check_page_parameters(self.request)
            return None
        return super().paginate_queryset(queryset)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.is_csv() and response.status_code == 200:
            response["Content-Disposition"] = f'attachment; filename="{self.csv_name}.csv"'
        return response


@extend_schema_view(
    list=list_schema(
        serializers.StatementSerializer,
        "Published statements, newest first (undated last), each with its speaker, sources "
        "and claims. Filters as on the statements page.",
        "statements",
    ),
    retrieve=detail_schema(
        serializers.StatementSerializer,
        "One published statement by its key. Drafts and retracted statements: 404.",
        "statements",
        OpenApiParameter(
            "key", SLUG, OpenApiParameter.PATH, description="The statement's stable key."
        ),
    ),
)
class StatementViewSet(PublicViewSet):
    csv_name = "statements"
    serializer_class = serializers.StatementSerializer
    filterset_class = filters.StatementFilter
    lookup_field = "reference"
    lookup_url_kwarg = "key"
    queryset = (
        Statement.objects.published()
        .with_speaker()
        .prefetch_related(
            Prefetch("citations", queryset=StatementSource.objects.select_related("source")),
            Prefetch(
                "claims",
                queryset=Claim.objects.select_related("metric", "scope").defer("scope__geometry"),
            ),
        )
    )

    def get_serializer_class(self):
        # In CSV, sources and claims are ids: no JSON inside a cell.
        if self.is_csv():
            return serializers.StatementCSVSerializer
        return serializers.StatementSerializer


@extend_schema_view(
    list=list_schema(
        serializers.ClaimListSerializer,
        "Every figure in published statements, one row each, by metric and date.",
        "statements",
    ),
    retrieve=detail_schema(
        serializers.ClaimDetailSerializer,
        "One figure, with what the published records show for its area and dates "
        "(`records`), in its unit, and what those records cover.",
        "statements",
        id_parameter("The claim's id."),
    ),
)
class ClaimViewSet(PublicViewSet):
    csv_name = "claims"
    filterset_class = filters.ClaimFilter
    queryset = (
        Claim.objects.published()
        .select_related(
            "statement__speaker_person", "statement__speaker_organisation", "metric", "scope"
        )
        .defer("scope__geometry")
        .order_by("metric__code", "as_of", "id")
    )

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.ClaimDetailSerializer
        return serializers.ClaimListSerializer


@extend_schema_view(
    list=list_schema(
        serializers.PersonSerializer, "People with at least one published statement.", "statements"
    ),
    retrieve=detail_schema(
        serializers.PersonSerializer,
        "One person with at least one published statement.",
        "statements",
        OpenApiParameter("key", SLUG, OpenApiParameter.PATH, description="The person's key."),
    ),
)
class PersonViewSet(PublicViewSet):
    csv_name = "people"
    serializer_class = serializers.PersonSerializer
    filterset_class = filters.PersonFilter
    lookup_field = "key"
    queryset = Person.objects.published()


@extend_schema_view(
    list=list_schema(
        serializers.MetricSerializer,
        "What the published figures measure; `comparison` says what in the records each is "
        "set beside, if anything.",
        "statements",
    ),
    retrieve=detail_schema(
        serializers.MetricSerializer,
        "One metric with at least one published figure.",
        "statements",
        OpenApiParameter("code", SLUG, OpenApiParameter.PATH, description="The metric's code."),
    ),
)
class MetricViewSet(PublicViewSet):
    csv_name = "metrics"
    serializer_class = serializers.MetricSerializer
    filterset_class = filters.MetricFilter
    lookup_field = "code"
    queryset = (
        Metric.objects.annotate(
            published_claims=Count(
                "claims",
                filter=Q(claims__statement__publication_status=PublicationStatus.PUBLISHED),
            )
        )
        .filter(published_claims__gt=0)
        .order_by("code")
    )
