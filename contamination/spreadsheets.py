"""Cells that are safe to open in a spreadsheet: no text is ever run as a formula.

Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`, `-` or `@` as a
formula (`=HYPERLINK(...)`, `+cmd|' /c calc'!A0`, `@SUM(...)`), and a leading tab or carriage
return can hide such a start. Every CSV the site writes passes its text through here, which
puts an apostrophe in front of such a cell (OWASP's advice): spreadsheets then show the text
as text, and anyone reading the CSV can still tell what was there.

Plain numbers are left alone, so that a negative longitude stays a number (-0.5, not '-0.5).
"""

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")

# The same rule in PostgreSQL, for CSV written by COPY: `{}` is a text expression.
ESCAPE_SQL = (
    "CASE WHEN {0} ~ '^[-=+@\\t\\r]' AND {0} !~ '^[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)"
    "([eE][-+]?[0-9]+)?$' THEN '''' || {0} ELSE {0} END"
)


def escape_cell(value):
    """`value` as a spreadsheet will show it: text that would start a formula gets a `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def escape_row(row):
    return [escape_cell(value) for value in row]


def escape_dict(row):
    return {key: escape_cell(value) for key, value in row.items()}


class EscapingWriter:
    """csv.writer's writerow/writerows, with every cell escaped (wraps any csv writer)."""

    def __init__(self, writer):
        self.writer = writer

    def writerow(self, row):
        return self.writer.writerow(escape_row(row))

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)
