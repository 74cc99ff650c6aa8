"""The statements list's filters, validated so that bad input gets a message, not a 500."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contamination.models import Organisation
from statements.models import Metric, Person, side_label, side_validator

PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def parse_filter_date(value, end=False):
    """'2023', '2023-05' or '2023-05-25'; with `end`, the last day the value can mean."""
    match = PARTIAL_DATE.match(value.strip())
    if not match:
        raise ValidationError(_("Use a year (2023), a month (2023-05) or a day (2023-05-25)."))
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        if month is None:
            return datetime.date(year, 12, 31) if end else datetime.date(year, 1, 1)
        if day is None:
            first = datetime.date(year, month, 1)
            if not end:
                return first
            following = first.replace(day=28) + datetime.timedelta(days=4)
            return following - datetime.timedelta(days=following.day)
        return datetime.date(year, month, day)
    except ValueError:
        raise ValidationError(
            _("%(value)s is not a date in the calendar.") % {"value": value}
        ) from None


class PartialDateField(forms.Field):
    """A year, a month or a day; `end` makes it mean the last day of the period."""

    widget = forms.TextInput(attrs={"placeholder": _("YYYY or YYYY-MM-DD"), "size": 10})

    def __init__(self, *args, end=False, **kwargs):
        self.end = end
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        if len(value) > 10:
            raise ValidationError(_("Use a year (2023), a month (2023-05) or a day (2023-05-25)."))
        return parse_filter_date(value, end=self.end)


class MetricChoiceField(forms.ModelChoiceField):
    """Metrics by their label in the reader's language."""

    def label_from_instance(self, obj):
        return obj.shown_label


class StatementFilterForm(forms.Form):
    q = forms.CharField(label=_("Text contains"), required=False, max_length=200)
    speaker = forms.ModelChoiceField(
        label=_("Speaker"),
        queryset=Person.objects.published(),
        to_field_name="key",
        required=False,
        empty_label=_("Anyone"),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(statements__publication_status="published")
        .distinct()
        .order_by("name"),
        required=False,
        empty_label=_("Any"),
    )
    country = forms.CharField(
        label=_("Country of the organisation"),
        required=False,
        max_length=2,
        help_text=_("ISO 3166-1 code, e.g. AZ."),
    )
    side = forms.CharField(
        label=_("Side"), required=False, max_length=3, validators=[side_validator]
    )
    metric = MetricChoiceField(
        label=_("Figure about"),
        queryset=Metric.objects.filter(claims__statement__publication_status="published")
        .distinct()
        .order_by("label"),
        to_field_name="code",
        required=False,
        empty_label=_("Any metric"),
    )
    date_from = PartialDateField(label=pgettext_lazy("start of a period", "From"), required=False)
    date_to = PartialDateField(
        label=pgettext_lazy("end of a period", "To"), required=False, end=True
    )

    def __init__(self, *args, sides=(), countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["side"].widget = forms.Select(
            choices=[("", _("All sides")), *((s, side_label(s)) for s in sides)]
        )
        self.fields["country"].widget = forms.Select(
            choices=[("", _("Any country")), *((c, c) for c in countries)]
        )

    def clean_country(self):
        country = self.cleaned_data["country"].strip().upper()
        if country and not re.fullmatch(r"[A-Z]{2}", country):
            raise ValidationError(_("Use a two-letter country code, e.g. AZ."))
        return country

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date comes before the start date."))
        return cleaned

    def filter(self, statements):
        data = self.cleaned_data
        if data.get("q"):
            statements = statements.search(data["q"])
        if data.get("speaker"):
            statements = statements.filter(speaker_person=data["speaker"])
        if data.get("organisation"):
            statements = statements.filter(speaker_organisation=data["organisation"])
        if data.get("country"):
            statements = statements.filter(speaker_organisation__country=data["country"])
        if data.get("side"):
            statements = statements.filter(side=data["side"])
        if data.get("metric"):
            statements = statements.about_metric(data["metric"])
        return statements.between(data.get("date_from"), data.get("date_to"))
