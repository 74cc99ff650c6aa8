"""Editors' public words in the reader's language: the English original, or its Azerbaijani
or Russian version (`<field>_az`, `<field>_ru`) beside it."""

from django.conf import settings
from django.utils import translation


def in_reader_language(obj, field):
    """`obj.<field>` in the active language, and the language it is actually in.

    Editors write public text in English (`field`) and, when they can, in Azerbaijani and
    Russian (`field_az`, `field_ru`). A missing translation falls back to the English
    original, and the caller says so to the reader: never silently.
    """
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language != settings.LANGUAGE_CODE:
        own = getattr(obj, f"{field}_{language}", "")
        if own:
            return own, language
    return getattr(obj, field), settings.LANGUAGE_CODE
