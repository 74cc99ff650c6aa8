"""Feed the importer hostile files, each as a job in a child process, and print a table."""

import gc
import json
import math
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from contamination.importers import jobs
from contamination.models import HazardArea, ImportJob, Incident

SQUARE = [[[46.5, 40], [46.51, 40], [46.51, 40.01], [46.5, 40.01], [46.5, 40]]]
HAZARD = {"reference": "AUDIT-1", "name": "Audit", "category": "sha"}


def collection(geometry=None, **extra):
    feature = {"type": "Feature", "properties": HAZARD,
               "geometry": geometry or {"type": "Polygon", "coordinates": SQUARE}}  # fmt: skip
    return json.dumps({"type": "FeatureCollection", "features": [feature], **extra})


def hostile_files(folder):
    """(label, kind, file name, bytes) for each hostile file; built here, deterministically."""
    n = 1_000_000
    ring = [[round(46.5 + 0.01 * math.cos(2 * math.pi * i / n), 7),
             round(40 + 0.01 * math.sin(2 * math.pi * i / n), 7)] for i in range(n)]  # fmt: skip
    ring.append(ring[0])
    rows = "".join(f"A-{i},2021-05-01,46.{i % 1000:03d},40.1\n" for i in range(n))
    crs = {"type": "link", "properties": {"href": "http://127.0.0.1:1/crs.wkt"}}
    yield "GeoJSON crs link", "hazard-areas", "crs.geojson", collection(crs=crs)
    yield (
        "crs behind \\u escapes",
        "hazard-areas",
        "esc.geojson",
        collection(crs=crs).replace('"crs"', '"\\u0063rs"'),
    )
    yield (
        "1M-vertex polygon (GeoJSON)",
        "hazard-areas",
        "big.geojson",
        collection({"type": "Polygon", "coordinates": [ring]}),
    )
    yield "1M-row CSV", "incidents", "rows.csv", "reference,occurred_on,lon,lat\n" + rows
    yield (
        "1M-vertex polygon (CSV wkt)",
        "hazard-areas",
        "big.csv",
        (
            'reference,name,category,wkt\nAUDIT-1,Audit,sha,"POLYGON(('
            + ",".join(f"{x} {y}" for x, y in ring)
            + '))"\n'
        ),
    )
    gpkg = folder / "source.gpkg"
    source = folder / "source.geojson"
    source.write_text(collection())
    subprocess.run(["ogr2ogr", str(gpkg), str(source)], check=True, capture_output=True)
    database = sqlite3.connect(gpkg)
    with database:
        database.execute(
            "CREATE VIEW endless AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
            "FROM n) SELECT i AS fid, NULL AS geom, 'x' AS reference FROM n"
        )
        database.execute("DELETE FROM gpkg_contents")
        database.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
            "VALUES ('endless', 'features', 'endless', 4326)"
        )
    database.close()
    yield "GeoPackage recursive view", "hazard-areas", "view.gpkg", gpkg.read_bytes()
    yield (
        "VRT named .kml",
        "hazard-areas",
        "a.kml",
        (
            "<OGRVRTDataSource><OGRVRTLayer name='x'><SrcDataSource>/etc/passwd</SrcDataSource>"
            "</OGRVRTLayer></OGRVRTDataSource>"
        ),
    )
    yield (
        "KML XXE",
        "incidents",
        "xxe.kml",
        (
            '<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            "<kml><Placemark><name>&x;</name></Placemark></kml>"
        ),
    )
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    yield (
        "KML billion laughs",
        "incidents",
        "laughs.kml",
        (f'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY l0 "lol">{laughs}]><kml>&l9;</kml>'),
    )
    yield (
        "KML NetworkLink",
        "incidents",
        "link.kml",
        (
            '<kml xmlns="http://www.opengis.net/kml/2.2"><NetworkLink><Link>'
            "<href>http://127.0.0.1:1/x.kml</href></Link></NetworkLink></kml>"
        ),
    )
    bomb = folder / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("layer.shp", b"\0" * 150_000_000)
        archive.writestr("layer.shx", b"\0" * 100)
        archive.writestr("layer.dbf", b"\0" * 100)
    yield "ZIP bomb", "hazard-areas", "bomb.zip", bomb.read_bytes()
    slip = folder / "slip.zip"
    with zipfile.ZipFile(slip, "w") as archive:
        archive.writestr("../../layer.shp", b"x")
    yield "ZIP slip", "hazard-areas", "slip.zip", slip.read_bytes()
    link = folder / "link.zip"
    with zipfile.ZipFile(link, "w") as archive:
        info = zipfile.ZipInfo("layer.shp")
        info.external_attr = 0o120777 << 16
        archive.writestr(info, "/etc/passwd")
    yield "ZIP symlink", "hazard-areas", "symlink.zip", link.read_bytes()
    yield "HTML named .geojson", "hazard-areas", "page.geojson", "<html>Sign in</html>"


class Command(BaseCommand):
    help = (
        "Run each hostile file of the import audit (crs link, recursive GeoPackage view, "
        "1,000,000-vertex polygon, 1,000,000-row CSV, XXE, ZIP bomb, …) as an import job in "
        "a child process with the configured limits; print the result, the reason, the time "
        "and the child's peak memory. Writes nothing: every job is a dry run, and its job "
        "row is removed afterwards."
    )

    def handle(self, *args, **options):
        folder = Path(tempfile.mkdtemp(prefix="mineatlas-audit-"))
        before = HazardArea.objects.count() + Incident.objects.count()
        results = []
        try:
            # Every file is on disk before the first child starts: a child's peak memory
            # (getrusage) counts the parent's pages at fork, so the parent stays small.
            prepared = []
            for label, kind, name, content in hostile_files(folder):
                prepared.append((label, kind, self.prepare(folder, name, content)))
                del content
            gc.collect()
            for label, kind, directory in prepared:
                results.append(self.audit(label, kind, directory))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        written = HazardArea.objects.count() + Incident.objects.count() - before
        self.stdout.write(f"{'file':30} {'result':9} {'seconds':>7} {'peak MB':>7}  reason")
        for label, result, seconds, peak, reason in results:
            self.stdout.write(f"{label:30} {result:9} {seconds:7.2f} {peak:7.0f}  {reason}")
        refused = sum(result == "refused" for _l, result, *_rest in results)
        slowest = max(seconds for _l, _r, seconds, *_rest in results)
        largest = max(peak for *_rest, peak, _reason in results)
        self.stdout.write(
            f"{refused} of {len(results)} refused; slowest {slowest:.2f} s, largest "
            f"{largest:.0f} MB; records written: {written}."
        )

    def prepare(self, folder, name, content):
        directory = folder / f"job-{len(os.listdir(folder))}"
        directory.mkdir()
        data = content.encode() if isinstance(content, str) else content
        (directory / f"upload{Path(name).suffix}").write_bytes(data)
        (directory / "name").write_text(name)
        return directory

    def audit(self, label, kind, directory):
        name = (directory / "name").read_text()
        with transaction.atomic():
            job = ImportJob.objects.create(kind=kind, file_name=name,
                                           upload_directory=str(directory))  # fmt: skip
        started = time.monotonic()
        process = jobs.spawn(job)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        jobs.record_exit(job.pk, process.returncode)
        job.refresh_from_db()
        report = jobs.report_from(job)
        if report is None:
            result, reason = "stopped", job.error
        elif report.ok:
            result, reason = "ACCEPTED", report.summary()
        else:
            result, reason = "refused", report.problems[0].message
        # The child's own peak (VmHWM, written when it finishes); getrusage's figure also
        # counts the parent's pages at fork, so it is only the fallback.
        peak = re.search(r"peak memory (\d+) MB", job.stage)
        job.delete()
        peak_mb = int(peak.group(1)) if peak else usage.ru_maxrss / 1024
        return label, result, seconds, peak_mb, reason[:110]
