"""Read-only endpoints: /statements/, /claims/, /people/, /metrics/ (published only).

They follow the records' API: the same throttle, errors as JSON (also when CSV was asked
for), every parameter and answer described in the schema.
"""

from django.db.models import Count, Prefetch, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer

from contamination.api import serializers as contamination_serializers
from contamination.api.views import MAX_ID, AnonymousThrottle, error_responses
from contamination.querysets import PublicationStatus
from statements.api import filters, serializers
from statements.api.renderers import CSVRenderer
from statements.models import Claim, Metric, Person, Statement, StatementSource

PAGE_SIZE, MAX_PAGE_SIZE = 50, 500

FORMAT = OpenApiParameter(
    "format",
    str,
    enum=["json", "csv"],
    description="`json` (default) or `csv`: a list as CSV has every matching row in one file, "
    "nested fields flattened (`speaker_person.name`), lists of objects as JSON text.",
)
PAGE = [
    OpenApiParameter("page", int, description="Page number, from 1. Past the last page: 404."),
    OpenApiParameter(
        "page_size",
        int,
        description=f"Items per page, {PAGE_SIZE} by default, at most {MAX_PAGE_SIZE}.",
    ),
]
SLUG = {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}
NOT_FOUND = {
    (404, "application/json"): OpenApiResponse(
        contamination_serializers.DETAIL_SCHEMA,
        description="No such published item, no such page, or an unknown format.",
    )
}


def list_schema(serializer, description, tag):
    return extend_schema(
        tags=[tag],
        description=description,
        parameters=[FORMAT, *PAGE],
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
        parameters=[FORMAT, lookup],
        responses={
            (200, "application/json"): serializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One row."),
            **error_responses(),
            **NOT_FOUND,
        },
    )


class StatementsPagination(PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

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


class PublicViewSet(viewsets.ReadOnlyModelViewSet):
    """JSON or CSV (`?format=csv`: the whole filtered list in one file, not one page)."""

    renderer_classes = [JSONRenderer, CSVRenderer]
    pagination_class = StatementsPagination
    throttle_classes = [AnonymousThrottle]
    csv_name = "export"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # As in the records' API: a misspelt filter is a 400 naming it, not a silent no-op.
        allowed = {"format", "page", "page_size", *self.filterset_class.base_filters}
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            accepted = ", ".join(sorted(allowed))
            raise ValidationError(
                {name: [f"Unknown parameter. Accepted here: {accepted}."] for name in unknown}
            )

    def is_csv(self):
        renderer = getattr(self.request, "accepted_renderer", None)
        return renderer is not None and renderer.format == "csv"

    def paginate_queryset(self, queryset):
        if self.is_csv():
            return None
        return super().paginate_queryset(queryset)

    def finalize_response(self, request, response, *args, **kwargs):
        if response.status_code >= 400:
            # Errors are JSON whatever format was asked for, as in the records' API.
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
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
        OpenApiParameter(
            "id",
            {"type": "integer", "minimum": 0, "maximum": MAX_ID},
            OpenApiParameter.PATH,
            description="The claim's id.",
        ),
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
