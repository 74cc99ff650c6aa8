"""Small formatting helpers for the public pages."""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils import translation
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext

from contamination.translated import in_reader_language as language_of

register = template.Library()


@register.filter
def km2(value, decimals=1):
    """Square kilometres as the reader's language writes them: 1,234.5 km² in English,
    1 234,5 km² in Azerbaijani and Russian."""
    if value is None:
        return "—"
    return f"{grouped(value, decimals)} km²"


def grouped(value, decimals):
    return number_format(
        round(value, int(decimals)), int(decimals), use_l10n=True, force_grouping=True
    )


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
    return f"{grouped(value, decimals)} %"


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """The public address of a path, for share links and embed codes."""
    return f"{context['SITE_URL'].rstrip('/')}{path}"


@register.simple_tag
def translated_text(obj, field):
    """An editor's public text in the reader's language, or the English original marked as
    such with a visible note when nobody has translated it yet."""
    text, language = language_of(obj, field)
    if language == translation.get_language() or not text:
        return linebreaksbr(text)
    return format_html(
        '<span lang="{}">{}</span> <span class="untranslated-note">{}</span>',
        language,
        linebreaksbr(text),
        gettext("Not yet translated: shown in the original (English)."),
    )


@register.simple_tag
def in_reader_language(obj, field):
    """A short editor's text (a label) in the reader's language, or the English original
    marked `lang="en"` (no note: a label in a list or a heading cannot carry one)."""
    text, language = language_of(obj, field)
    if language == translation.get_language():
        return text
    return format_html('<span lang="{}">{}</span>', language, text)


@register.filter
def language_name(code):
    """A language's name in the reader's language ("Azerbaijani", "азербайджанский"), or the
    code itself for a language Django does not know."""
    try:
        return translation.get_language_info(code)["name_translated"]
    except KeyError:
        return code
