"""Filters of the statements API; the same names as the statements page where they overlap.

Values are read as strictly as the records' filters (contamination/api/filters.py): dates as
YYYY-MM-DD, moments as ISO 8601, keys and codes by their pattern, a range whose end comes
before its start refused — each a 400 naming the parameter.
"""

import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from contamination.api.filters import (
    AREA_CODE_PATTERN,
    MAX_QUERY_LENGTH,
    IsoDateFilter,
    IsoDateTimeFilter,
    PlainTextField,
)
from statements.models import Claim, Metric, Person, Statement

KEY_PATTERN = re.compile(r"^[-a-zA-Z0-9_]+$")  # slugs: people's keys, statements', metrics'
SIDE_PATTERN = re.compile(r"^([a-z]{2}|int)$")
COUNTRY_PATTERN = re.compile(r"^[A-Za-z]{2}$")
MAX_NAME_LENGTH = 200


class PatternField(forms.CharField):
    """Text that must match `pattern`; `message` says what was expected."""

    def __init__(self, *, pattern, message, **kwargs):
        self.pattern, self.message = pattern, message
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value and not self.pattern.match(value):
            raise ValidationError(self.message)
        return value


def pattern_filter(pattern, message, **kwargs):
    """A CharFilter refusing values that do not match `pattern` (the schema says it too)."""

    @extend_schema_field({"type": "string", "pattern": pattern.pattern, "minLength": 1})
    class Filter(django_filters.CharFilter):
        field_class = PatternField

    return Filter(pattern=pattern, message=message, **kwargs)


def key_filter(help_text, **kwargs):
    return pattern_filter(
        KEY_PATTERN,
        _("Expected a key of letters, digits, '-' and '_'."),
        help_text=help_text,
        **kwargs,
    )


def side_filter(field_name):
    return pattern_filter(
        SIDE_PATTERN,
        _("Expected the lower-case ISO 3166-1 code of a country (e.g. 'az') or 'int'."),
        field_name=field_name,
        help_text="Whose side the speaker speaks for: a lower-case country code such as "
        "`az` or `am`, or `int` for international organisations, courts and NGOs.",
    )


@extend_schema_field({"type": "string", "minLength": 1, "maxLength": MAX_QUERY_LENGTH})
class TextFilter(django_filters.CharFilter):
    field_class = PlainTextField

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_QUERY_LENGTH)
        super().__init__(**kwargs)


class RangeForm(forms.Form):
    """Refuse a range whose end comes before its start (`ranges`: (start, end) names)."""

    ranges = ()

    def clean(self):
        data = super().clean()
        for start, end in self.ranges:
            if data.get(start) and data.get(end) and data[start] > data[end]:
                self.add_error(end, gettext("Comes before `%(start)s`.") % {"start": start})
        return data


class StatementForm(RangeForm):
    ranges = (("date_from", "date_to"),)


class ClaimForm(RangeForm):
    ranges = (("as_of_from", "as_of_to"),)


class StatementFilter(django_filters.FilterSet):
    speaker = key_filter("Key of the person who spoke.", field_name="speaker_person__key")
    organisation = extend_schema_field(
        {"type": "string", "minLength": 1, "maxLength": MAX_NAME_LENGTH}
    )(
        django_filters.CharFilter(
            method="filter_organisation",
            max_length=MAX_NAME_LENGTH,
            help_text="Name or acronym of the organisation.",
        )
    )
    country = pattern_filter(
        COUNTRY_PATTERN,
        _("Expected an ISO 3166-1 alpha-2 code such as AZ."),
        field_name="speaker_organisation__country",
        lookup_expr="iexact",
        help_text="ISO 3166-1 code of the speaker's organisation's country.",
    )
    side = side_filter("side")
    occasion = django_filters.ChoiceFilter(
        choices=Statement.Occasion.choices, help_text="Where it was said."
    )
    text_kind = django_filters.ChoiceFilter(
        choices=Statement.TextKind.choices, help_text="`verbatim` or `paraphrase`."
    )
    date_from = IsoDateFilter(
        field_name="date", lookup_expr="gte", help_text="Said on or after (YYYY-MM-DD)."
    )
    date_to = IsoDateFilter(
        field_name="date",
        lookup_expr="lte",
        help_text="Said on or before (YYYY-MM-DD); not before `date_from`.",
    )
    metric = key_filter("Code of a metric: statements with a claim on it.", method="filter_metric")
    q = TextFilter(method="filter_text", help_text="Text contains (any language).")
    updated_since = IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Changed at or after this moment (ISO 8601; UTC if no zone).",
    )

    class Meta:
        model = Statement
        fields = []
        form = StatementForm

    def filter_organisation(self, queryset, name, value):
        return queryset.filter(
            Q(speaker_organisation__name__iexact=value)
            | Q(speaker_organisation__acronym__iexact=value)
        )

    def filter_metric(self, queryset, name, value):
        return queryset.about_metric(value)

    def filter_text(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(text__icontains=value) | Q(original_text__icontains=value))


class ClaimFilter(django_filters.FilterSet):
    metric = key_filter("Code of a metric.", field_name="metric__code")
    statement = key_filter("Key of the statement.", field_name="statement__reference")
    speaker = key_filter(
        "Key of the person who spoke.", field_name="statement__speaker_person__key"
    )
    side = side_filter("statement__side")
    scope = pattern_filter(
        AREA_CODE_PATTERN,
        _("Expected an ISO 3166 code such as AZ or AZ-AGM (see /api/v1/areas/)."),
        field_name="scope__code",
        lookup_expr="iexact",
        help_text="Code of the area.",
    )
    as_of_from = IsoDateFilter(
        field_name="as_of", lookup_expr="gte", help_text="As of this date or later (YYYY-MM-DD)."
    )
    as_of_to = IsoDateFilter(
        field_name="as_of",
        lookup_expr="lte",
        help_text="As of this date or earlier (YYYY-MM-DD); not before `as_of_from`.",
    )

    class Meta:
        model = Claim
        fields = []
        form = ClaimForm


class PersonFilter(django_filters.FilterSet):
    q = TextFilter(method="filter_name", help_text="Name or a variant contains.")

    class Meta:
        model = Person
        fields = []

    def filter_name(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(name_variants__icontains=value))


class MetricFilter(django_filters.FilterSet):
    comparison = django_filters.ChoiceFilter(
        choices=Metric.Comparison.choices, help_text="What in the records it is set beside."
    )

    class Meta:
        model = Metric
        fields = []
