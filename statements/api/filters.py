"""Filters of the statements API; the same names as the statements page where they overlap."""

import django_filters
from django.db.models import Q

from statements.models import Claim, Metric, Person, Statement


class StatementFilter(django_filters.FilterSet):
    speaker = django_filters.CharFilter(
        field_name="speaker_person__key", help_text="Key of the person who spoke."
    )
    organisation = django_filters.CharFilter(
        method="filter_organisation", help_text="Name or acronym of the organisation."
    )
    country = django_filters.CharFilter(
        field_name="speaker_organisation__country",
        lookup_expr="iexact",
        help_text="ISO 3166-1 code of the speaker's organisation's country.",
    )
    side = django_filters.CharFilter(help_text="'az', 'am', ... or 'int'.")
    occasion = django_filters.ChoiceFilter(
        choices=Statement.Occasion.choices, help_text="Where it was said."
    )
    text_kind = django_filters.ChoiceFilter(
        choices=Statement.TextKind.choices, help_text="`verbatim` or `paraphrase`."
    )
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", help_text="Said on or after (YYYY-MM-DD)."
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", help_text="Said on or before (YYYY-MM-DD)."
    )
    metric = django_filters.CharFilter(
        method="filter_metric", help_text="Code of a metric: statements with a claim on it."
    )
    q = django_filters.CharFilter(method="filter_text", help_text="Text contains (any language).")
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="Changed at or after (ISO 8601)."
    )

    class Meta:
        model = Statement
        fields = []

    def filter_organisation(self, queryset, name, value):
        return queryset.filter(
            Q(speaker_organisation__name__iexact=value)
            | Q(speaker_organisation__acronym__iexact=value)
        )

    def filter_metric(self, queryset, name, value):
        return queryset.about_metric(value)

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(text__icontains=value) | Q(original_text__icontains=value))


class ClaimFilter(django_filters.FilterSet):
    metric = django_filters.CharFilter(field_name="metric__code", help_text="Code of a metric.")
    statement = django_filters.CharFilter(
        field_name="statement__reference", help_text="Key of the statement."
    )
    speaker = django_filters.CharFilter(
        field_name="statement__speaker_person__key", help_text="Key of the person who spoke."
    )
    side = django_filters.CharFilter(field_name="statement__side", help_text="'az', ... or 'int'.")
    scope = django_filters.CharFilter(
        field_name="scope__code", lookup_expr="iexact", help_text="Code of the area."
    )
    as_of_from = django_filters.DateFilter(
        field_name="as_of", lookup_expr="gte", help_text="As of this date or later."
    )
    as_of_to = django_filters.DateFilter(
        field_name="as_of", lookup_expr="lte", help_text="As of this date or earlier."
    )

    class Meta:
        model = Claim
        fields = []


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_name", help_text="Name or a variant contains.")

    class Meta:
        model = Person
        fields = []

    def filter_name(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(name_variants__icontains=value))


class MetricFilter(django_filters.FilterSet):
    comparison = django_filters.ChoiceFilter(
        choices=Metric.Comparison.choices, help_text="What in the records it is set beside."
    )

    class Meta:
        model = Metric
        fields = []
