"""Import hazard areas, land releases or incidents from a GIS file (the admin upload's engine)."""

import argparse
import datetime
import textwrap

from django.core.management.base import BaseCommand, CommandError

from contamination.importers import KINDS, ImportRejected, StoredUpload, import_file
from contamination.models import Organisation


def columns_help():
    lines = []
    for kind in KINDS.values():
        names = ", ".join(f"{c.name}{'*' if c.required else ''}" for c in kind.columns)
        lines.append(f"{kind.key} ({kind.geometry_description}):")
        lines += textwrap.wrap(names, width=76, initial_indent="  ", subsequent_indent="  ")
    return "\n".join(lines)


DESCRIPTION = textwrap.fill(
    "Import records from GeoJSON, GeoPackage, a zipped Shapefile, KML or CSV (lon/lat "
    "columns or a wkt column, WGS 84). Rows are matched on their reference: new ones are "
    "created, changed ones updated, the rest left alone. Nothing is written if any row has "
    "a problem; every bad row is listed. Imported records are drafts unless --publish. "
    "An incidents CSV with a source_notes column (publisher and date per URL) creates the "
    "sources it names; without it every URL must be a source in the admin already.",
    width=78,
)


class Command(BaseCommand):
    help = (
        f"{DESCRIPTION}\n\nColumns (* required; the README lists the values and the other\n"
        f"names each column is read as; CSV adds lon/lat or wkt):\n{columns_help()}"
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Keep the column lists' line breaks.
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS), help="What the file holds.")
        parser.add_argument("file", help="Path to the file (.geojson, .gpkg, .zip, .kml, .csv).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; write nothing."
        )
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Make invalid polygons valid (ST_MakeValid, polygonal parts kept) and report "
            "each repaired row, instead of rejecting them.",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the imported records (they have been reviewed). Without it new "
            "records are drafts, and changes to published records are refused.",
        )
        parser.add_argument(
            "--organisation",
            help="Name or acronym of the organisation for rows that name none "
            "(surveyed_by for hazard areas, organisation for land releases).",
        )

        parser.add_argument(
            "--accessed-on",
            type=datetime.date.fromisoformat,
            help="Access date (YYYY-MM-DD) of the sources a source_notes column creates "
            "(default: today).",
        )

    def handle(self, *args, kind, file, dry_run, repair, publish, organisation, **options):
        default_organisation = None
        if organisation and kind == "incidents":
            raise CommandError("--organisation applies to hazard-areas and land-releases only.")
        if organisation:
            default_organisation = (
                Organisation.objects.filter(name__iexact=organisation).first()
                or Organisation.objects.filter(acronym__iexact=organisation).first()
            )
            if default_organisation is None:
                raise CommandError(f"No organisation is named or abbreviated “{organisation}”.")
        try:
            upload = StoredUpload.from_path(file)
        except ImportRejected as error:
            raise CommandError(str(error)) from None
        try:
            # Sources and records are written together or not at all (the engine's step).
            report = import_file(
                kind,
                upload,
                dry_run=dry_run,
                repair=repair,
                publish=publish,
                organisation=default_organisation,
                progress=lambda message: self.stderr.write(f"… {message}"),
                sources_accessed_on=options["accessed_on"],
            )
        finally:
            upload.cleanup()
        limit = None if options["verbosity"] > 1 else 20
        for line in report.lines(limit)[:-1]:
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))
