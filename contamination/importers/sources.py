"""Sources named in an incident file: one Source per URL, with publisher and dates.

An incident file may carry, beside its `sources` column of URLs, a `source_notes` column
that names each URL's publisher and publication date in the same order, separated by ;
("JAMnews 2020-12-10; Glavred n.d."). `upsert_sources()` creates the Sources the file
names and fills in what an existing Source lacks, so the row import can cite them by URL.
Re-running it on the same file changes nothing.
"""

import csv
import datetime
import re
from dataclasses import dataclass

from contamination.importers.columns import CellError
from contamination.importers.files import ImportRejected
from contamination.models import Source

# "Publisher (via someone) 2020-12-10", "Publisher 2020-12", "Publisher n.d. (Aug 2025)".
SOURCE_NOTE = re.compile(
    r"^(?P<publisher>.+?)\s+(?P<date>\d{4}-\d{2}-\d{2}|\d{4}-\d{2}|\d{4}|n\.d\.)"
    r"(?:\s*\((?P<approx>[^)]*)\))?$"
)


# The list records no titles: they stay empty, an editor's to-do in the admin (Title: missing).
UNTITLED = ""


@dataclass(frozen=True)
class NamedSource:
    url: str
    publisher: str
    published_on: datetime.date | None  # only when the day is known


def parse_source_note(note):
    """Return (publisher, published_on or None) from one entry of `source_notes`."""
    match = SOURCE_NOTE.match(note.strip())
    if not match:
        raise CellError(
            f"“{note.strip()}” must be a publisher followed by a date (YYYY-MM-DD, YYYY-MM, "
            "YYYY) or n.d., e.g. “JAMnews 2020-12-10”"
        )
    published_on = None
    if len(match["date"]) == 10:
        try:
            published_on = datetime.date.fromisoformat(match["date"])
        except ValueError:
            raise CellError(f"“{match['date']}” is not a date") from None
    return match["publisher"].strip(), published_on


def named_sources(urls_cell, notes_cell):
    """Pair each URL of a row with its publisher and date; raise CellError when they differ."""
    urls = [url.strip() for url in re.split(r"[\s;|]+", urls_cell or "") if url.strip()]
    notes = [note for note in (notes_cell or "").split(";") if note.strip()]
    if len(urls) != len(notes):
        raise CellError(
            f"sources lists {len(urls)} URL(s) but source_notes names {len(notes)}; give one "
            "publisher and date per URL, in the same order"
        )
    return [
        NamedSource(url, *parse_source_note(note)) for url, note in zip(urls, notes, strict=True)
    ]


def read_named_sources(path):
    """Every named source in a CSV file, first mention of each URL wins; (sources, problems)."""
    by_url, problems = {}, []
    with open(path, newline="", encoding="utf-8-sig") as file:
        reader = csv.DictReader(file)
        if "source_notes" not in (reader.fieldnames or []):
            return [], []
        for number, row in enumerate(reader, start=1):
            try:
                for named in named_sources(row.get("sources"), row.get("source_notes")):
                    by_url.setdefault(named.url, named)
            except CellError as error:
                problems.append(f"Row {number} ({row.get('reference', '')}): {error}")
    return list(by_url.values()), problems


def upsert_sources(named, *, accessed_on):
    """Create missing Sources; fill an existing one's blank dates. Return (created, updated)."""
    existing = {
        source.url: source for source in Source.objects.filter(url__in=[n.url for n in named])
    }
    created = updated = 0
    for item in named:
        source = existing.get(item.url)
        if source is None:
            source = Source(
                url=item.url,
                publisher=item.publisher[:200],
                # No title was recorded with the list; editors replace this in the admin.
                title=UNTITLED,
                published_on=item.published_on,
                accessed_on=accessed_on,
                note="Imported with an incident list; title to be checked by an editor.",
            )
            source.full_clean()
            source.save()
            created += 1
            continue
        changed = []
        if source.published_on is None and item.published_on:
            source.published_on = item.published_on
            changed.append("published_on")
        if source.accessed_on is None:
            source.accessed_on = accessed_on
            changed.append("accessed_on")
        if changed:
            source.save(update_fields=[*changed, "updated_at"])
            updated += 1
    return created, updated


def create_named_sources(path, *, accessed_on):
    """Create the Sources a CSV of incidents names in `source_notes`; return a report line.

    The one step both ways of importing take (`manage.py import_records` and the admin's
    upload, through the engine). Raises ImportRejected naming every row whose notes do not
    match its URLs; returns "" when the file has no `source_notes` column.
    """
    try:
        named, problems = read_named_sources(path)
    except (csv.Error, UnicodeDecodeError) as error:
        message = f"The sources and source_notes columns could not be read: {error}"
        raise ImportRejected(message) from None
    if problems:
        raise ImportRejected(" ".join(problems))
    if not named:
        return ""
    created, updated = upsert_sources(named, accessed_on=accessed_on)
    return (
        f"Sources: {len(named)} named, {created} created, {updated} completed, "
        f"{len(named) - created - updated} unchanged."
    )
