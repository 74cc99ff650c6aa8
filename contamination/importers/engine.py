"""The import engine: read rows, check every one, plan, then write all or nothing.

`import_file(kind, upload, ...)` returns an `ImportReport`. Nothing is written when any row
has a problem, on a dry run, or when the file itself is rejected. Rows are numbered from 1
in file order (for CSV, row 1 is the first line under the header).
"""

import hashlib
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import pghistory
from django.conf import settings
from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.gdal.error import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from contamination.importers.columns import GDAL_OWN_COLUMNS, KINDS, CellError
from contamination.importers.files import ImportRejected
from contamination.importers.sandbox import check_row_count, check_vertices, gdal_sandbox
from contamination.importers.sources import create_named_sources
from contamination.models import (
    AdminArea,
    Casualty,
    HazardArea,
    Organisation,
    PublicationStatus,
    Source,
)

BATCH_SIZE = 500
PROGRESS_EVERY = 1000


@dataclass
class Problem:
    row: int | None  # None: about the file or a whole column
    message: str
    reference: str = ""

    def __str__(self):
        where = f"Row {self.row}" if self.row else "File"
        ref = f" ({self.reference})" if self.reference else ""
        return f"{where}{ref}: {self.message}"


@dataclass
class ImportReport:
    kind: str
    file_name: str
    dry_run: bool
    publish: bool
    repair: bool
    format_label: str = ""
    rows_read: int = 0
    created: list = field(default_factory=list)  # references
    updated: list = field(default_factory=list)  # (reference, [fields])
    unchanged: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    repairs: list = field(default_factory=list)  # Problem-shaped notes
    warnings: list = field(default_factory=list)
    seconds: float = 0.0
    written: bool = False
    sources: str = ""  # what the source_notes step did (importers/sources.py), if it ran

    @property
    def ok(self):
        return not self.problems

    @property
    def bad_rows(self):
        return sorted({problem.row for problem in self.problems if problem.row})

    def summary(self):
        label = KINDS[self.kind].label
        counts = (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged"
        )
        if not self.ok and not self.bad_rows:
            return "Nothing imported: " + " ".join(p.message for p in self.problems)
        if not self.ok:
            rows = len(self.bad_rows)
            return (
                f"Nothing imported: {len(self.problems)} problem(s) in {rows} of "
                f"{self.rows_read} row(s) of {label}. Fix them and import the file again."
            )
        if self.dry_run:
            return f"Dry run, nothing written: {self.rows_read} {label} read; would be {counts}."
        state = "as published" if self.publish else "as drafts"
        return f"Imported {self.rows_read} {label} {state}: {counts} in {self.seconds:.1f} s."

    def lines(self, limit=None):
        """The report as text lines; at most `limit` created/updated lines (problems: all)."""
        lines = [f"{self.file_name}: {self.format_label}, {self.rows_read} row(s) read."]
        lines += [self.sources] if self.sources else []
        lines += [f"Problem: {problem}" for problem in self.problems]
        lines += [f"Repaired: {note}" for note in self.repairs]
        lines += [f"Warning: {note}" for note in self.warnings]
        if self.ok:
            verb = "would be " if self.dry_run else ""
            changes = [f"{verb}created: {reference}" for reference in self.created]
            changes += [
                f"{verb}updated: {reference} ({', '.join(fields)})"
                for reference, fields in self.updated
            ]
            if limit is not None and len(changes) > limit:
                more = len(changes) - limit
                changes = changes[:limit] + [f"… and {more} more (-v 2 lists them all)"]
            lines += changes
        lines.append(self.summary())
        return lines

    def plan_digest(self):
        """A fingerprint of what the import would do, to check a confirm matches its dry run."""
        plan = repr(
            (
                self.rows_read,
                sorted(self.created),
                sorted(self.updated),
                sorted(self.unchanged),
                [str(p) for p in self.problems],
            )
        )
        return hashlib.sha256(plan.encode()).hexdigest()


class Resolver:
    """Looks up organisations, hazard areas and sources from maps loaded once per import."""

    def __init__(self, kind):
        self.organisations = {}
        for org in Organisation.objects.only("id", "name", "acronym"):
            self.organisations[org.name.strip().lower()] = org
            if org.acronym:
                self.organisations.setdefault(org.acronym.strip().lower(), org)
        self.sources = {s.url.strip(): s for s in Source.objects.exclude(url="").only("id", "url")}
        self.hazard_areas = None
        if kind.key == "land-releases":
            self.hazard_areas = {
                reference: HazardArea(pk=pk, reference=reference)
                for reference, pk in HazardArea.objects.values_list("reference", "id")
            }

    def organisation(self, name):
        try:
            return self.organisations[name.lower()]
        except KeyError:
            raise CellError(
                f"no organisation is named or abbreviated “{name}”; add it in the admin first"
            ) from None

    def hazard_area(self, reference):
        try:
            return self.hazard_areas[reference]
        except KeyError:
            raise CellError(f"no hazard area has the reference “{reference}”") from None

    def source(self, url):
        try:
            return self.sources[url].id
        except KeyError:
            raise CellError(
                f"no source with the URL {url}; add the source in the admin first"
            ) from None


@dataclass
class Row:
    number: int
    reference: str
    values: dict  # model field -> value, only for columns present in the file
    geometry: GEOSGeometry | None
    casualties: list | None  # tuples (outcome, group, sex, age_band); None: not in the file
    sources: list | None  # Source ids


class RecordImporter:
    def __init__(self, kind, *, repair=False, publish=False, organisation=None, progress=None,
                 sources_accessed_on=None):  # fmt: skip
        self.kind = KINDS[kind]
        self.repair = repair
        self.publish = publish
        self.default_organisation = organisation
        self.progress = progress or (lambda message: None)
        # The access date of the Sources a `source_notes` column creates (default: today).
        self.sources_accessed_on = sources_accessed_on

    # --- reading ---------------------------------------------------------------------

    def import_upload(self, upload, *, dry_run, expected_digest=None):
        """Check and import a `StoredUpload`; return the report (never raises for bad input).

        With `expected_digest` (from a dry run's `plan_digest()`), nothing is written unless
        the import would do exactly what that dry run reported. An incidents CSV with a
        `source_notes` column first creates the Sources it names (importers/sources.py), in
        the same transaction as the records: a dry run or a refused import keeps none of them.
        """
        started = time.monotonic()
        report = ImportReport(
            kind=self.kind.key,
            file_name=upload.original_name,
            dry_run=dry_run,
            publish=self.publish,
            repair=self.repair,
            format_label=upload.format.label,
        )
        with transaction.atomic():
            try:
                datasource = upload.open()  # checks the content is the format it claims
                if self.kind.key == "incidents" and upload.format.key == "csv":
                    report.sources = create_named_sources(
                        upload.path, accessed_on=self.sources_accessed_on or timezone.localdate()
                    )
                # GDAL reads lazily: keep it off the network while the rows are read too.
                with quiet_geos(), gdal_sandbox():
                    rows = self.read(datasource, report)
                if report.ok:
                    plan = self.plan(rows, report)
                if report.ok:
                    self.warn_outside_boundaries(rows, report)
                if report.ok and expected_digest and report.plan_digest() != expected_digest:
                    raise ImportRejected(
                        "The records changed since the check, so the import would now do "
                        "something else than the report showed. Nothing was written: check the "
                        "file again."
                    )
                if report.ok and not dry_run:
                    self.write(plan, report)
            except ImportRejected as error:
                report.problems.append(Problem(None, str(error)))
            except GDALException as error:
                # A file that opens but breaks while its rows are read (truncated, corrupt).
                report.problems.append(
                    Problem(None, f"The file could not be read to the end: {error}")
                )
            if dry_run or not report.ok:
                transaction.set_rollback(True)  # the Sources made for the check go too
        report.seconds = time.monotonic() - started
        return report

    def layers(self, datasource, report):
        layers = list(datasource)
        if upload_is_kml(datasource):
            # LIBKML makes one layer per folder: read them all, in order (empty folders have
            # no columns to check).
            return [layer for layer in layers if layer.num_feat]
        if len(layers) != 1:
            names = ", ".join(layer.name for layer in layers)
            raise ImportRejected(
                f"The file has {len(layers)} layers ({names}); keep only the one to import."
            )
        return layers

    def column_map(self, layer_fields, report):
        """Map the file's columns to the kind's columns; report unknown and missing ones."""
        by_name = {}
        for column in self.kind.columns:
            for name in column.all_names():
                by_name.setdefault(name.lower(), column)
        mapping = {}
        unknown = []
        for name in layer_fields:
            column = by_name.get(name.lower())
            if column is None:
                if name.lower() not in GDAL_OWN_COLUMNS:
                    unknown.append(name)
            elif column.name in mapping.values():
                report.problems.append(
                    Problem(None, f"Two columns give {column.name} (one of them is “{name}”).")
                )
            else:
                mapping[name] = column.name
        missing = [
            c.name for c in self.kind.columns if c.required and c.name not in mapping.values()
        ]
        if missing:
            expected = ", ".join(c.name for c in self.kind.columns)
            raise ImportRejected(
                f"Required column(s) missing: {', '.join(missing)}. The columns for "
                f"{self.kind.label} are: {expected}. Found: {', '.join(layer_fields) or 'none'}."
            )
        if unknown:
            report.warnings.append(f"Column(s) not imported (unknown names): {', '.join(unknown)}.")
        return mapping

    def read(self, datasource, report):
        rows = []
        seen = {}
        number = 0
        for layer in self.layers(datasource, report):
            if not layer.num_feat:
                continue  # nothing to check; an empty file is reported below
            mapping = self.column_map(layer.fields, report)
            transform = self.transform_for(layer)
            resolver = getattr(self, "_resolver", None) or Resolver(self.kind)
            self._resolver = resolver
            for feature in layer:
                number += 1
                if number > settings.IMPORT_MAX_ROWS:  # the count from the bytes can miss
                    check_row_count(number)
                if number % PROGRESS_EVERY == 0:
                    self.progress(f"{number} rows read and checked")
                row = self.read_row(number, feature, mapping, transform, resolver, report)
                if row is None:
                    continue
                if row.reference in seen:
                    report.problems.append(
                        Problem(
                            number,
                            f"the reference {row.reference} is used again (first in row "
                            f"{seen[row.reference]}); each record needs its own",
                            row.reference,
                        )
                    )
                    continue
                seen[row.reference] = number
                rows.append(row)
        report.rows_read = number
        if number == 0:
            raise ImportRejected("The file holds no rows to import.")
        return rows

    def transform_for(self, layer):
        srs = layer.srs
        if srs is None:
            return None
        if srs.srid == 4326:
            return None
        try:
            return CoordTransform(srs, SpatialReference(4326))
        except GDALException:
            raise ImportRejected(
                f"The file's coordinate system ({srs.name}) cannot be converted to WGS 84."
            ) from None

    def read_row(self, number, feature, mapping, transform, resolver, report):
        errors = []
        values = {}
        cells = {}
        for name, field_name in mapping.items():
            cell = feature[name]
            raw = cell.value
            if isinstance(raw, str):
                raw = raw.strip()
            cells[field_name] = raw
        reference = cells.get("reference")
        reference = "" if reference in (None, "") else str(reference).strip()

        for field_name, raw in cells.items():
            column = self.kind.column(field_name)
            if raw is None or raw == "" or raw == []:
                if column.required:
                    errors.append(f"{field_name} is empty; it is required")
                else:
                    values[field_name] = column.empty
                continue
            try:
                values[field_name] = column.parse(raw, resolver)
            except CellError as error:
                errors.append(f"{field_name}: {error}")

        self.complete_values(values, errors)
        casualties = self.casualties_from(values, errors)
        sources = values.pop("sources", None)
        # Read for the sources step (importers/sources.py) and for checking, not stored.
        values.pop("source_notes", None)
        values.pop("district", None)

        geometry = None
        try:
            geometry = self.read_geometry(feature, transform, number, reference, report)
        except CellError as error:
            errors.append(str(error))

        if not errors:
            errors += self.model_errors(values, geometry)
        if errors:
            for message in errors:
                report.problems.append(Problem(number, message, reference))
            return None
        return Row(number, reference, values, geometry, casualties, sources)

    def complete_values(self, values, errors):
        """Fill what one column implies for another (default organisation, date precision)."""
        if "occurred_on" in values and isinstance(values["occurred_on"], tuple):
            date, precision = values["occurred_on"]
            values["occurred_on"] = date
            values.setdefault("occurred_on_precision", precision)
            if values["occurred_on_precision"] is None:
                values["occurred_on_precision"] = precision
        org_field = {"hazard-areas": "surveyed_by", "land-releases": "organisation"}.get(
            self.kind.key
        )
        if org_field and self.default_organisation and values.get(org_field) is None:
            values[org_field] = self.default_organisation
        started, completed = values.get("started_on"), values.get("completed_on")
        if started and completed and completed < started:
            errors.append(
                f"completed_on {completed:%Y-%m-%d} is before started_on {started:%Y-%m-%d}"
            )

    def casualties_from(self, values, errors):
        if self.kind.key != "incidents":
            return None
        counted = [name for name in list(values) if name.startswith(("killed_", "injured_"))]
        listed = values.pop("casualties", None)
        if not counted and listed is None:
            return None
        casualties = []
        for name in counted:
            outcome, group = name.split("_", 1)
            casualties += [(outcome, group, "unknown", "unknown")] * values.pop(name)
        if listed and casualties:
            errors.append(
                "casualties are given both in the count columns and in the casualties "
                "column; use one or the other"
            )
        return sorted(casualties + (listed or []))

    def read_geometry(self, feature, transform, number, reference, report):
        expected = self.kind.geometry_description
        try:
            ogr = feature.geom
        except GDALException:
            ogr = None
        if ogr is None:
            raise CellError(
                f"no geometry (a {expected} is required; in CSV, lon and lat columns or a "
                "wkt column)"
            )
        declared = transform is not None
        try:
            ogr.set_3d(False)
            ogr.set_measured(False)
            check_vertices(ogr, number)
            if declared:
                ogr.transform(transform)
            geometry = ogr.geos
        except (GDALException, GEOSException):
            raise CellError(
                "the geometry cannot be read or converted to WGS 84 longitude/latitude"
            ) from None
        geometry.srid = 4326
        if geometry.empty:
            raise CellError("the geometry is empty")
        if geometry.geom_type == "MultiPoint" and len(geometry) == 1:
            geometry = geometry[0]
            geometry.srid = 4326
        if geometry.geom_type not in self.kind.geometry_types:
            raise CellError(
                f"the geometry is a {geometry.geom_type}; {self.kind.label} need a {expected}"
            )
        # OGR's envelope is one C call; GEOSGeometry.extent walks every coordinate in Python.
        min_x, min_y, max_x, max_y = ogr.extent
        if min_x < -180 or max_x > 180 or min_y < -90 or max_y > 90:
            extent = f"{min_x:.6g}, {min_y:.6g}, {max_x:.6g}, {max_y:.6g}"
            if max(abs(min_x), abs(max_x), abs(min_y), abs(max_y)) > 1000:
                hint = (
                    "they look like projected coordinates (metres) but the file declares no "
                    "coordinate system: add one (.prj, GeoPackage CRS, GeoJSON crs) or convert "
                    "to WGS 84 longitude/latitude"
                )
            else:
                hint = "are longitude and latitude swapped?"
            raise CellError(
                f"coordinates are outside longitude -180..180 / latitude -90..90 (extent "
                f"{extent}); {hint}"
            )
        if geometry.geom_type in ("Polygon", "MultiPolygon") and not geometry.valid:
            reason = geometry.valid_reason
            if not self.repair:
                raise CellError(
                    f"the polygon is not valid: {reason}. Fix it in a GIS, or import with "
                    "--repair (“repair invalid polygons”) to make it valid"
                )
            geometry = polygonal_parts(geometry.make_valid())
            if geometry is None:
                raise CellError(f"the polygon is not valid ({reason}) and repair left no area")
            report.repairs.append(Problem(number, f"made valid (was: {reason})", reference))
        if geometry.geom_type == "Polygon":
            geometry = MultiPolygon(geometry, srid=4326)
        return geometry

    def model_errors(self, values, geometry):
        """Run the model's own field and record checks (no queries) on a draft instance."""
        # The geometry was checked above, with the same rules as the model's clean().
        instance = self.kind.model(**values)
        exclude = {*self.kind.fk_fields, "admin_area", "reference", self.kind.geometry_field}
        messages = []
        try:
            instance.clean_fields(exclude=exclude)
            instance.clean()
        except ValidationError as error:
            for field_name, field_messages in error.message_dict.items():
                for message in field_messages:
                    messages.append(f"{field_name}: {message}")
        return messages

    # --- planning --------------------------------------------------------------------

    def plan(self, rows, report):
        model = self.kind.model
        existing = {}
        references = [row.reference for row in rows]
        for start in range(0, len(references), 5000):
            chunk = references[start : start + 5000]
            for record in model.objects.filter(reference__in=chunk):
                existing[record.reference] = record
        casualties = {}
        citations = {}
        if self.kind.key == "incidents" and existing:
            ids = [record.pk for record in existing.values()]
            for incident_id, *values in Casualty.objects.filter(incident_id__in=ids).values_list(
                "incident_id", "outcome", "group", "sex", "age_band"
            ):
                casualties.setdefault(incident_id, []).append(tuple(values))
        if existing:
            through, fk = citation_model(model)
            ids = [record.pk for record in existing.values()]
            for record_id, source_id in through.objects.filter(**{f"{fk}__in": ids}).values_list(
                fk, "source_id"
            ):
                citations.setdefault(record_id, set()).add(source_id)

        target_status = PublicationStatus.PUBLISHED if self.publish else PublicationStatus.DRAFT
        plan = {"create": [], "update": [], "casualties": {}, "citations": {}}
        for row in rows:
            record = existing.get(row.reference)
            if record is None:
                instance = model(**row.values)
                setattr(instance, self.kind.geometry_field, row.geometry)
                instance.publication_status = target_status
                plan["create"].append((instance, row))
                report.created.append(row.reference)
                continue
            changed = self.changes(record, row)
            if row.casualties is not None and sorted(casualties.get(record.pk, [])) != sorted(
                row.casualties
            ):
                changed.append("casualties")
            new_sources = set(row.sources or []) - citations.get(record.pk, set())
            if new_sources:
                changed.append("sources")
            status = record.publication_status
            if changed and status == PublicationStatus.PUBLISHED and not self.publish:
                report.problems.append(
                    Problem(
                        row.number,
                        f"{row.reference} is published and the file changes "
                        f"{', '.join(changed)}; import with --publish (“Publish the imported "
                        "records”) to change published records (the change goes live), or edit "
                        "it in the admin",
                        row.reference,
                    )
                )
                continue
            if changed and status == PublicationStatus.RETRACTED:
                report.problems.append(
                    Problem(
                        row.number,
                        f"{row.reference} is retracted and the file changes "
                        f"{', '.join(changed)}; an import does not change retracted records",
                        row.reference,
                    )
                )
                continue
            if self.publish and status == PublicationStatus.DRAFT:
                changed.append("publication_status")
            if not changed:
                report.unchanged.append(row.reference)
                continue
            for name, value in row.values.items():
                setattr(record, name, value)
            setattr(record, self.kind.geometry_field, row.geometry)
            if "publication_status" in changed:
                record.publication_status = PublicationStatus.PUBLISHED
            plan["update"].append((record, row, changed))
            report.updated.append((row.reference, changed))
        return plan

    def changes(self, record, row):
        changed = []
        for name, value in row.values.items():
            current = getattr(record, name)
            if name in self.kind.fk_fields:
                current = getattr(record, f"{name}_id")
                value = value.pk if value else None
            if isinstance(current, list):
                if sorted(current) != sorted(value or []):
                    changed.append(name)
            elif current != value:
                changed.append(name)
        current_geometry = getattr(record, self.kind.geometry_field)
        # The same shape drawn from another starting vertex is no change.
        if current_geometry is None or not (
            current_geometry.equals_exact(row.geometry, 1e-9)
            or current_geometry.equals(row.geometry)
        ):
            changed.append(self.kind.geometry_field)
        return changed

    # --- writing ---------------------------------------------------------------------

    def write(self, plan, report):
        model = self.kind.model
        total = len(plan["create"]) + len(plan["update"])
        done = 0
        try:
            with transaction.atomic(), pghistory.context(import_file=report.file_name):
                created = [instance for instance, _row in plan["create"]]
                for start in range(0, len(created), BATCH_SIZE):
                    model.objects.bulk_create(created[start : start + BATCH_SIZE])
                    done += len(created[start : start + BATCH_SIZE])
                    self.report_progress(done, total)
                updates = plan["update"]
                fields = sorted(
                    {
                        name
                        for _record, _row, changed in updates
                        for name in changed
                        if name not in ("casualties", "sources")
                    }
                )
                for start in range(0, len(updates), BATCH_SIZE):
                    batch = [
                        record for record, _row, _changed in updates[start : start + BATCH_SIZE]
                    ]
                    if fields:
                        model.objects.bulk_update(batch, fields)
                    done += len(batch)
                    self.report_progress(done, total)
                pairs = [(instance, row) for instance, row in plan["create"]]
                pairs += [(record, row) for record, row, _changed in updates]
                self.write_casualties(plan)
                self.write_citations(pairs)
        except DatabaseError as error:
            report.problems.append(Problem(None, f"The database refused the import: {error}"))
            return
        report.written = True

    def report_progress(self, done, total):
        if total >= PROGRESS_EVERY and (done % PROGRESS_EVERY < BATCH_SIZE or done == total):
            self.progress(f"{done} of {total} rows written")

    def write_casualties(self, plan):
        """Create casualties of new incidents; replace them where the file changed them."""
        if self.kind.key != "incidents":
            return
        replaced = [
            (record, row) for record, row, changed in plan["update"] if "casualties" in changed
        ]
        Casualty.objects.filter(incident_id__in=[record.pk for record, _row in replaced]).delete()
        casualties = [
            Casualty(incident=record, outcome=outcome, group=group, sex=sex, age_band=age_band)
            for record, row in [*plan["create"], *replaced]
            for outcome, group, sex, age_band in row.casualties or []
        ]
        Casualty.objects.bulk_create(casualties, batch_size=BATCH_SIZE)

    def write_citations(self, pairs):
        through, fk = citation_model(self.kind.model)
        links = [
            through(**{fk: record.pk, "source_id": source_id})
            for record, row in pairs
            for source_id in row.sources or []
        ]
        through.objects.bulk_create(links, batch_size=BATCH_SIZE, ignore_conflicts=True)

    def warn_outside_boundaries(self, rows, report):
        """Warn about rows outside every loaded boundary (swapped lon/lat often lands there)."""
        if not rows or not AdminArea.objects.exists():
            return
        outside = []
        with connection.cursor() as cursor:
            for start in range(0, len(rows), 2000):
                batch = rows[start : start + 2000]
                cursor.execute(
                    """
                    SELECT t.n FROM unnest(%s::int[], %s::bytea[]) AS t(n, wkb)
                    WHERE NOT EXISTS (
                        SELECT 1 FROM contamination_adminarea a
                        WHERE ST_Intersects(a.geometry, ST_GeomFromWKB(t.wkb, 4326))
                    )
                    """,
                    [[row.number for row in batch], [bytes(row.geometry.wkb) for row in batch]],
                )
                outside += [number for (number,) in cursor.fetchall()]
        by_number = {row.number: row for row in rows}
        for number in sorted(outside):
            report.warnings.append(
                str(
                    Problem(
                        number,
                        "lies outside every loaded boundary, so it gets no admin area "
                        "(are longitude and latitude swapped?)",
                        by_number[number].reference,
                    )
                )
            )


def citation_model(model):
    """The through model of `model.sources` and the name of its column for `model`."""
    field = model._meta.get_field("sources")
    return field.remote_field.through, f"{field.m2m_field_name()}_id"


@contextmanager
def quiet_geos():
    """Silence GEOS's notices while checking rows: the report already states each reason."""
    logger = logging.getLogger("django.contrib.gis")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def upload_is_kml(datasource):
    return datasource.driver.name in ("LIBKML", "KML")


def polygonal_parts(geometry):
    """Keep the polygons of what ST_MakeValid returned; None when nothing polygonal is left."""
    if geometry.geom_type == "Polygon":
        return MultiPolygon(geometry, srid=4326)
    if geometry.geom_type == "MultiPolygon":
        geometry.srid = 4326
        return geometry
    polygons = []
    if geometry.geom_type == "GeometryCollection":
        for part in geometry:
            kept = polygonal_parts(part)
            if kept is not None:
                polygons += list(kept)
    if not polygons:
        return None
    merged = MultiPolygon(*polygons, srid=4326)
    return merged if merged.valid else polygonal_parts(merged.unary_union)


def import_file(kind, upload, *, dry_run=False, repair=False, publish=False, organisation=None,
                progress=None, expected_digest=None, sources_accessed_on=None):  # fmt: skip
    """Import a `StoredUpload` of `kind` records; return the ImportReport."""
    importer = RecordImporter(
        kind,
        repair=repair,
        publish=publish,
        organisation=organisation,
        progress=progress,
        sources_accessed_on=sources_accessed_on,
    )
    return importer.import_upload(upload, dry_run=dry_run, expected_digest=expected_digest)
