"""Template tags for pages outside the statements app (the home page)."""

from django import template

from statements.models import Statement

register = template.Library()


@register.inclusion_tag("statements/includes/latest_statements.html")
def latest_statements(count=5):
    """The newest published statements, dated ones first (1 query)."""
    statements = Statement.objects.published().with_speaker()[: int(count)]
    return {"statements": statements}
