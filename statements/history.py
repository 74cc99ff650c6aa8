"""Statements in the site's changelog: their public fields, registered with the records'
vocabulary of public change (contamination/history.py), which cannot import this app."""

from contamination import history
from statements.models import Statement

# Fields whose change is a public correction of a statement, in the site's words.
STATEMENT_PUBLIC_FIELDS = {
    "speaker_person_id": "speaker",
    "speaker_organisation_id": "speaker's organisation",
    "speaker_role": "speaker's role",
    "side": "side",
    "date": "date",
    "date_precision": "date precision",
    "occasion": "occasion",
    "text_kind": "verbatim or paraphrase",
    "language": "language",
    "text": "text",
    "original_text": "original text",
    "translation_note": "translation note",
    "note": "note",
    "is_demo": "demo flag",
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
    history.register(Statement, STATEMENT_PUBLIC_FIELDS, "Statement", name_only=NAME_ONLY)
