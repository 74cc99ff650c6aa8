"""Small formatting helpers for the public pages."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


@register.filter
def km2(value, decimals=1):
    """Format square kilometres with thousands separators: 1,234.5 km²."""
    if value is None:
        return "—"
    return f"{intcomma(f'{value:.{int(decimals)}f}')} km²"


@register.filter
def m2_as_km2(value, decimals=3):
    """Format an area held in m² as km² (records store m²)."""
    if value is None:
        return "—"
    return km2(value / 1e6, decimals)


@register.filter
def percent(value, decimals=1):
    if value is None:
        return "—"
    return f"{value:.{int(decimals)}f} %"


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """The public address of a path, for share links and embed codes."""
    return f"{context['SITE_URL'].rstrip('/')}{path}"
