"""Read-only endpoints: /statements/, /claims/, /people/, /metrics/ (published only)."""

from django.db.models import Count, Prefetch, Q
from rest_framework import viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer

from contamination.querysets import PublicationStatus
from statements.api import filters, serializers
from statements.api.renderers import CSVRenderer
from statements.models import Claim, Metric, Person, Statement, StatementSource


class StatementsPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class CSVMixin:
    """`?format=csv` returns every matching row in one file, not one page."""

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]
    pagination_class = StatementsPagination
    csv_name = "export"

    def is_csv(self):
        return getattr(self.request, "accepted_renderer", None) is not None and (
            self.request.accepted_renderer.format == "csv"
        )

    def paginate_queryset(self, queryset):
        if self.is_csv():
            return None
        return super().paginate_queryset(queryset)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.is_csv() and response.status_code == 200:
            response["Content-Disposition"] = f'attachment; filename="{self.csv_name}.csv"'
        return response


class StatementViewSet(CSVMixin, viewsets.ReadOnlyModelViewSet):
    """Published statements, newest first, with speaker, sources and claims."""

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


class ClaimViewSet(CSVMixin, viewsets.ReadOnlyModelViewSet):
    """Every figure in published statements, one row each."""

    csv_name = "claims"
    serializer_class = serializers.ClaimListSerializer

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.ClaimDetailSerializer
        return serializers.ClaimListSerializer

    filterset_class = filters.ClaimFilter
    queryset = (
        Claim.objects.published()
        .select_related(
            "statement__speaker_person", "statement__speaker_organisation", "metric", "scope"
        )
        .defer("scope__geometry")
        .order_by("metric__code", "as_of", "id")
    )


class PersonViewSet(CSVMixin, viewsets.ReadOnlyModelViewSet):
    """People with at least one published statement."""

    csv_name = "people"
    serializer_class = serializers.PersonSerializer
    filterset_class = filters.PersonFilter
    lookup_field = "key"
    queryset = Person.objects.published()


class MetricViewSet(CSVMixin, viewsets.ReadOnlyModelViewSet):
    """Metrics with at least one figure in a published statement."""

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
