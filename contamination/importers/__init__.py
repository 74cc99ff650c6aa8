"""One import engine for hazard areas, land releases and incidents.

Used by `manage.py import_records` and by the admin's bulk upload page, so both accept the
same files, apply the same checks and produce the same report.
"""

from contamination.importers.columns import KINDS
from contamination.importers.engine import ImportReport, Problem, RecordImporter, import_file
from contamination.importers.files import (
    ACCEPTED_EXTENSIONS,
    FORMATS,
    ImportRejected,
    StoredUpload,
)

__all__ = [
    "ACCEPTED_EXTENSIONS",
    "FORMATS",
    "KINDS",
    "ImportRejected",
    "ImportReport",
    "Problem",
    "RecordImporter",
    "StoredUpload",
    "import_file",
]
