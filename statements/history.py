"""Statements in the site's changelog: their public fields, registered with the records'
vocabulary of public change (contamination/history.py), which cannot import this app."""

from django.utils.translation import gettext_lazy as _

from contamination import history
from statements.models import Statement

# Fields whose change is a public correction of a statement, in the site's words.
STATEMENT_PUBLIC_FIELDS = {
    "speaker_person_id": _("speaker"),
    "speaker_organisation_id": _("speaker's organisation"),
    "speaker_role": _("speaker's role"),
    "side": _("side"),
    "date": _("date"),
    "date_precision": _("date precision"),
    "occasion": _("occasion"),
    "text_kind": _("verbatim or paraphrase"),
    "language": _("language"),
    "text": _("text"),
    "original_text": _("original text"),
    "translation_note": _("translation note"),
    "note": _("note"),
    "is_demo": _("demo flag"),
}
# Long text and ids: named, not quoted, in a correction.
NAME_ONLY = (
    "speaker_person_id",
    "speaker_organisation_id",
    "text",
    "original_text",
    "translation_note",
    "note",
)


def register():
    history.register(Statement, STATEMENT_PUBLIC_FIELDS, _("Statement"), name_only=NAME_ONLY)
