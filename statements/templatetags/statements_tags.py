"""Template tags for pages outside the statements app (home, statistics, area pages)."""

from django import template

from contamination.models import AdminArea
from statements import coverage
from statements.models import Statement

register = template.Library()


@register.inclusion_tag("statements/includes/latest_statements.html")
def latest_statements(count=5):
    """The newest published statements, dated ones first (1 query)."""
    statements = Statement.objects.published().with_speaker()[: int(count)]
    return {"statements": statements}


@register.inclusion_tag("statements/includes/casualty_coverage.html")
def casualty_coverage(area=None):
    """How much of the latest official running total for `area` the records hold (3 queries).

    With no area (a page over every record) the country is used when there is exactly one.
    """
    if area is None:
        countries = list(
            AdminArea.objects.filter(level=AdminArea.Level.COUNTRY).defer("geometry")[:2]
        )
        area = countries[0] if len(countries) == 1 else None
    return {"coverage": coverage.casualty_coverage(area)}


@register.simple_tag
def counted_records(comparison, count):
    """ "3 published incident records" for a comparison (statements.bridge)."""
    return comparison.counted_records(count)


@register.simple_tag
def silence_text(comparison, area):
    """What to say when no published record counts for a claim's area and period."""
    return comparison.silence_text(area)
