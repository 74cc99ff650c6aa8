"""`make bench`: Mine Atlas under load on a large synthetic dataset, beside a floor and a peer.

1. A database of its own (`mineatlas_bench` on the local cluster, or BENCH_DATABASE_URL),
   migrated, with the boundaries, the statements (when the app has a loader) and the synthetic
   dataset of bench/dataset.py — reused when it is there at the same scale and seed.
2. The site under gunicorn with production settings (DEBUG=0, collectstatic first), driven by
   wrk at each concurrency level of bench/targets.py, after a warm-up.
3. The floor: the same FeatureCollection built by one SQL query, timed with pgbench.
4. The peer: pygeoapi (bench/peer.py) answering the same items query.
5. The table, printed and written to bench/results/<timestamp>.md and .json.

Environment: SCALE (1 = 20,000 hazard areas, 50,000 land releases, 300,000 incidents),
BENCH_SEED, BENCH_DURATION (seconds per URL and level, default 8), BENCH_LEVELS ("1,8,32"),
BENCH_ONLY (measure only targets whose name contains this text), BENCH_PEER (0 to skip
pygeoapi), BENCH_GUNICORN_ARGS, BENCH_DATABASE_URL, BENCH_DB_NAME. Only 127.0.0.1 is ever
targeted.
"""

import datetime
import glob
import io
import json
import os
import platform
import secrets
import shlex
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import report, targets  # noqa: E402
from bench.servers import (  # noqa: E402
    DEFAULT_GUNICORN_ARGS,
    MemoryWatch,
    Server,
    fetch,
    free_port,
)

WORK = ROOT / "bench" / ".work"
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
WRK_SCRIPT = ROOT / "bench" / "wrk_report.lua"
WARMUP_S = 3
WARMUP_CLIENTS = 8  # enough to reach every worker thread's first, slow request
WARMUP_MAX_S = 30
UNCACHED_LEVELS = (1, 8)
FLOOR_DURATION_S = 5  # pgbench's figures settle quickly; keeps the run inside its budget


def log(message):
    print(message, flush=True)


def env_float(name, default):
    value = os.environ.get(name)
    return float(value) if value else default


class Config:
    def __init__(self):
        self.scale = env_float("SCALE", 1.0)
        if self.scale <= 0:
            raise SystemExit("SCALE must be positive.")
        self.seed = int(os.environ.get("BENCH_SEED") or 2026)
        self.duration = int(env_float("BENCH_DURATION", 8))
        levels = os.environ.get("BENCH_LEVELS")
        self.levels = tuple(int(level) for level in levels.split(",")) if levels else targets.LEVELS
        self.only = os.environ.get("BENCH_ONLY", "").lower()
        self.peer = os.environ.get("BENCH_PEER", "1") != "0"
        self.gunicorn_args = os.environ.get("BENCH_GUNICORN_ARGS") or DEFAULT_GUNICORN_ARGS
        self.database_url = os.environ.get("BENCH_DATABASE_URL", "")
        # One database per scale, so that a quick run does not replace the full-size dataset.
        suffix = "" if self.scale == 1 else "_" + f"{self.scale:g}".replace(".", "_")
        self.db_name = os.environ.get("BENCH_DB_NAME") or f"mineatlas_bench{suffix}"


def server_environment(config):
    """What the site runs with: production settings on the benchmark database."""
    env = dict(os.environ)
    for name in ("DATABASE_URL", "DB_NAME"):
        env.pop(name, None)
    if config.database_url:
        env["DATABASE_URL"] = config.database_url
    else:
        env["DB_NAME"] = config.db_name
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        STATIC_ROOT=str(WORK / "static"),
        LOG_LEVEL="WARNING",
        # The anonymous rate limit would answer 429 after 120 requests: wrk is one client.
        API_RATE_LIMIT="100000000/second",
        API_DOWNLOAD_RATE_LIMIT="100000000/second",
        PAGE_RATE_LIMIT="",  # heavy pages' limit (ratelimit.pages): off for the load runs
        # Built downloads are kept on disk under their ETag: start each run without them.
        API_DOWNLOAD_CACHE_DIR=str(WORK / "downloads"),
        # One cache shared by the workers, as the production notes advise (emptied per run).
        CACHE_DIR=str(WORK / "cache"),
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


def manage(env, *args, quiet=False):
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def ensure_database(config):
    """Create the benchmark database on the local cluster (PostGIS comes from template1)."""
    if config.database_url:
        return
    import psycopg2

    connection = psycopg2.connect(
        dbname="postgres",
        user=os.environ.get("DB_USER", "mineatlas"),
        host=os.environ.get("DB_HOST", "127.0.0.1"),
        port=os.environ.get("DB_PORT", "54329"),
        password=os.environ.get("DB_PASSWORD", ""),
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config.db_name])
        if not cursor.fetchone():
            log(f"Creating database {config.db_name}")
            cursor.execute(f'CREATE DATABASE "{config.db_name}"')
        # PostGIS's cost estimates trigger JIT on small queries (SETUP-NOTES): as in production.
        cursor.execute(f'ALTER DATABASE "{config.db_name}" SET jit = off')
    connection.close()


def prepare_data(config, env):
    from django.core.management import get_commands

    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "load_boundaries", quiet=True)
    if "load_statements" in get_commands():
        manage(env, "load_statements", quiet=True)
    from bench import dataset

    return dataset.ensure(config.scale, config.seed, log=log)


def resolve_placeholders():
    """Values for the {placeholders} of bench/targets.py, None where the feature is missing."""
    from django.apps import apps
    from django.db import connection
    from django.urls import NoReverseMatch

    from config.language import unprefixed

    values = {"area": None, "statement": None}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.code FROM contamination_adminarea a "
            "JOIN contamination_hazardarea h ON h.admin_area_id = a.id "
            "WHERE a.level = 1 AND h.publication_status = 'published' "
            "GROUP BY a.code ORDER BY count(*) DESC, a.code LIMIT 1"
        )
        row = cursor.fetchone()
        values["area"] = row[0] if row else None
    try:
        statement_model = apps.get_model("statements", "Statement")
        statement = (
            statement_model.objects.filter(publication_status="published").order_by("pk").first()
        )
        # Without its language prefix: each page row puts its own in front.
        values["statement"] = unprefixed(statement.get_absolute_url()) if statement else None
    except (LookupError, AttributeError, NoReverseMatch):
        pass
    return values


def fill(path, values):
    missing = [name for name, value in values.items() if value is None and f"{{{name}}}" in path]
    if missing:
        return None, f"no {', '.join(missing)} to fill in (feature not landed or no data)"
    return path.format(**{name: value or "" for name, value in values.items()}), None


def describe_response(target, status, headers, body):
    """(features, ids, problem) of a probe response; problem is None when it looks right."""
    content_type = headers.get("Content-Type", "") if headers else ""
    if target.kind == "page" and "text/html" not in content_type:
        return None, None, f"expected an HTML page, got {content_type}"
    if target.kind == "csv" and "csv" not in content_type and "zip" not in content_type:
        return None, None, f"expected CSV, got {content_type}"
    if target.kind == "zip":
        try:
            archive = zipfile.ZipFile(io.BytesIO(body))
            member = next(name for name in archive.namelist() if name.endswith("json"))
            features = json.loads(archive.read(member))["features"]
        except (zipfile.BadZipFile, StopIteration, ValueError, KeyError):
            return None, None, f"expected a zip holding a GeoJSON file, got {content_type}"
        return len(features), [feature.get("id") for feature in features], None
    if target.kind in ("geojson", "json"):
        try:
            data = json.loads(body)
        except ValueError:
            return None, None, f"expected JSON, got {content_type}"
        if target.kind == "geojson":
            features = data.get("features") if isinstance(data, dict) else None
            if not isinstance(features, list):
                return None, None, "expected a FeatureCollection"
            note = None
            if isinstance(data.get("count"), int) and data["count"] > len(features) > 0:
                pages = -(-data["count"] // len(features))
                note = (
                    f"{data['count']:,} features match; this is the first of {pages} pages "
                    "(the map follows `next`, up to its page limit)"
                )
            return len(features), [feature.get("id") for feature in features], note
    return None, None, None


def warm_up(url, first_request_s=0.0):
    """Requests whose figures are thrown away: connections, caches and imports warm up.

    Each gunicorn worker keeps its own cache, so each computes a cold answer once: the warm-up
    lasts long enough for every worker to have done so (four times the first request, at
    most WARMUP_MAX_S), so that the measured figures are the warm ones the targets ask for.
    """
    run_wrk(url, WARMUP_CLIENTS, round(min(WARMUP_MAX_S, max(WARMUP_S, 4 * first_request_s))))


def run_wrk(url, level, duration):
    command = [
        "wrk",
        f"--threads={min(level, 2)}",
        f"--connections={level}",
        f"--duration={duration}s",
        "--timeout=60s",
        "--latency",
        f"--script={WRK_SCRIPT}",
        url,
    ]
    assert url.startswith("http://127.0.0.1:"), url  # never anything but this machine
    output = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 120, check=True
    ).stdout
    return report.parse_wrk(output)


def run_pgbench(sql, level, duration, name, db):
    """Time `sql` with pgbench at `level` clients; a Measurement from its transaction log."""
    script = WORK / f"floor-{report.slug(name)}.sql"
    script.write_text(sql.strip() + ";\n")
    prefix = WORK / f"pgbench-{report.slug(name)}-{level}"
    for old in glob.glob(f"{prefix}.*"):
        os.remove(old)
    env = dict(os.environ, PGPASSWORD=db["PASSWORD"] or "")
    subprocess.run(
        [
            "pgbench",
            "--no-vacuum",
            f"--file={script}",
            f"--client={level}",
            f"--jobs={min(level, 2)}",
            f"--time={duration}",
            "--log",
            f"--log-prefix={prefix}",
            f"--host={db['HOST'] or '127.0.0.1'}",
            f"--port={db['PORT'] or 5432}",
            f"--username={db['USER']}",
            db["NAME"],
        ],
        cwd=WORK,
        env=env,
        check=True,
        capture_output=True,
        timeout=duration + 120,
    )
    lines = []
    for path in glob.glob(f"{prefix}.*"):
        lines += Path(path).read_text().splitlines()
    return report.parse_pgbench_log(lines, duration)


def floor_probe(sql):
    """Run the floor query once: (bytes, feature count, ids, seconds)."""
    from django.db import connection

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        text = cursor.fetchone()[0]
    seconds = time.monotonic() - started
    features = json.loads(text)["features"]
    return len(text.encode()), len(features), [feature["id"] for feature in features], seconds


def environment_facts(config, dataset_info):
    from django.db import connection

    def command_version(command):
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=10)
        except OSError:
            return "not installed"
        return (result.stdout or result.stderr).splitlines()[0].strip()

    import django
    import gunicorn

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
        cursor.execute("SELECT postgis_lib_version(), postgis_geos_version()")
        postgis, geos = cursor.fetchone()
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    meminfo = Path("/proc/meminfo").read_text().splitlines()[0].split()
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    git = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "date (UTC)": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M"),
        "commit": git or "unknown",
        "cores": os.cpu_count(),
        "CPU": cpu,
        "memory": f"{int(meminfo[1]) / 1024 / 1024:.1f} GiB",
        "load average at start": " ".join(f"{value:.2f}" for value in os.getloadavg()),
        "scale": (
            f"{config.scale:g} ({dataset_info.hazard_areas:,} hazard areas, "
            f"{dataset_info.land_releases:,} land releases, {dataset_info.incidents:,} "
            f"incidents, {dataset_info.casualties:,} casualties; seed {config.seed})"
        ),
        "dataset": (
            f"reused (generated earlier in {dataset_info.generated_in_s:.0f} s)"
            if dataset_info.reused
            else f"generated in {dataset_info.generated_in_s:.0f} s"
        ),
        "duration per URL and level": (
            f"{config.duration} s (floor {min(config.duration, FLOOR_DURATION_S)} s), after a "
            f"{WARMUP_S} s warm-up with {WARMUP_CLIENTS} clients"
        ),
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "gunicorn": f"{gunicorn.__version__} ({config.gunicorn_args})",
        "PostgreSQL": f"{postgres} (jit {jit}, shared_buffers {shared_buffers})",
        "PostGIS": f"{postgis} (GEOS {geos})",
        "wrk": command_version(["wrk", "--version"]),
        "pgbench": command_version(["pgbench", "--version"]),
    }


def site_server(config, env, settings_module="config.settings"):
    port = free_port()
    command = [
        str(Path(PYTHON).parent / "gunicorn"),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--error-logfile",
        "-",
        *shlex.split(config.gunicorn_args),
    ]
    env = dict(env, DJANGO_SETTINGS_MODULE=settings_module)
    log_name = "gunicorn.log" if settings_module == "config.settings" else "gunicorn-nocache.log"
    return Server("gunicorn", command, env, port, WORK / log_name, cwd=ROOT)


def log_measurement(label, level, measurement):
    log(
        f"  {label}{level:>3} clients: {measurement.throughput:8.1f} req/s  "
        f"p50 {measurement.p50_ms:8.1f}  p95 {measurement.p95_ms:8.1f}  "
        f"p99 {measurement.p99_ms:8.1f} ms  errors {measurement.errors}"
    )


def measure_site(config, env, selected, values, rows, skipped, notes, probes):
    """Probe each target once, skip what is missing, then wrk it at each level."""
    with site_server(config, env) as site:
        watch = MemoryWatch(site)
        watch.start()
        try:
            for target in selected:
                path, reason = fill(target.path, values)
                if path is None:
                    skipped.append((target.name, reason))
                    log(f"SKIP {target.name}: {reason}")
                    continue
                url = site.base_url + path
                status, headers, body, seconds = fetch(url)
                if status == 404:
                    reason = f"{path} answers 404 (its feature has not landed yet)"
                    skipped.append((target.name, reason))
                    log(f"SKIP {target.name}: {reason}")
                    continue
                if status != 200:
                    reason = f"{path} answers {status}: not measured ({body[:200]!r})"
                    skipped.append((target.name, reason))
                    log(f"SKIP {target.name}: {reason}")
                    continue
                features, ids, problem = describe_response(target, status, headers, body)
                probes[target.name] = {
                    "path": path,
                    "features": features,
                    "ids": ids,
                    "first_ms": seconds * 1000,
                }
                log(
                    f"{target.name}: {path} -> {len(body):,} bytes"
                    + (f", {features:,} features" if features is not None else "")
                    + f", first request {seconds * 1000:.0f} ms"
                )
                notes.append(
                    f"{target.name}: first request {seconds * 1000:,.0f} ms, {len(body):,} bytes"
                    + (f", {features:,} features" if features is not None else "")
                )
                if problem:
                    notes.append(f"{target.name}: {problem}")
                warm_up(url, seconds)
                for level in target.levels:
                    if level not in config.levels:
                        continue
                    measurement = run_wrk(url, level, config.duration)
                    rows.append(report.Row(target.name, target.group, level, site=measurement))
                    log_measurement("", level, measurement)
        finally:
            watch.stop()
    return watch.worker_peak_mb


def measure_uncached(config, env, selected, rows, probes):
    """The targets with a floor again, with Django's cache off (bench/settings_nocache.py)."""
    chosen = [t for t in selected if t.floor and t.name in probes]
    if not chosen:
        return
    log("Uncached pass (Django's cache off) for the URLs that have a floor ...")
    with site_server(config, env, "bench.settings_nocache") as site:
        for target in chosen:
            url = site.base_url + probes[target.name]["path"]
            warm_up(url)
            for row in rows:
                if row.name == target.name and row.level in UNCACHED_LEVELS:
                    row.uncached = run_wrk(url, row.level, config.duration)
                    log_measurement(f"{target.name} uncached ", row.level, row.uncached)


def measure_floors(config, selected, rows, notes, probes):
    from django.db import connection

    db = connection.settings_dict
    for target in selected:
        if not target.floor or target.name not in probes:
            continue
        sql = targets.FLOORS[target.floor]
        size, features, ids, seconds = floor_probe(sql)
        site = probes[target.name]
        same = site["ids"] is not None and sorted(map(str, ids)) == sorted(map(str, site["ids"]))
        notes.append(
            f"floor for {target.name}: {features:,} features, {size:,} bytes; "
            + (
                "the same features as the site"
                if same
                else f"NOT the same features as the site ({site['features']} there)"
            )
        )
        log(f"floor {target.name}: {features:,} features, {size:,} bytes, same ids: {same}")
        for row in rows:
            if row.name == target.name and row.site:
                duration = min(config.duration, FLOOR_DURATION_S)
                row.floor = run_pgbench(sql, row.level, duration, target.name, db)
                log(
                    f"  {row.level:>3} clients: {row.floor.throughput:8.1f} q/s  "
                    f"p50 {row.floor.p50_ms:8.1f}  p95 {row.floor.p95_ms:8.1f} ms"
                )


def measure_peer(config, selected, rows, notes, skipped, probes, facts):
    from bench import peer

    items = [target for target in selected if target.peer and target.name in probes]
    if not items:
        return
    try:
        facts["pygeoapi"] = peer.ensure_installed(log)
    except peer.PeerUnavailable as error:
        skipped.append(("pygeoapi (peer)", str(error)))
        log(f"SKIP pygeoapi: {error}")
        return
    with peer.running(WORK) as server:
        url = server.base_url + targets.PEER_PATH
        status, headers, body, seconds = fetch(url)
        if status != 200:
            skipped.append(("pygeoapi (peer)", f"answered {status}: {body[:300]!r}"))
            return
        features = json.loads(body)["features"]
        for target in items:
            site_ids = probes[target.name]["ids"] or []
            same = sorted(map(str, site_ids)) == sorted(str(f["id"]) for f in features)
            notes.append(
                f"pygeoapi for {target.name}: {len(features):,} features, {len(body):,} bytes; "
                + ("the same features as the site" if same else "other features than the site")
                + " (sorted as the API sorts; pygeoapi also counts numberMatched)"
            )
            warm_up(url, seconds)
            for row in rows:
                if row.name == target.name and row.site:
                    row.peer = run_wrk(url, row.level, config.duration)
                    log(
                        f"  pygeoapi {row.level:>3} clients: {row.peer.throughput:8.1f} req/s  "
                        f"p50 {row.peer.p50_ms:8.1f}  p95 {row.peer.p95_ms:8.1f} ms"
                    )


def main():
    started = time.monotonic()
    config = Config()
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    env = server_environment(config)
    os.environ.update({k: v for k, v in env.items() if k not in ("SECRET_KEY",)})
    os.environ["SECRET_KEY"] = env["SECRET_KEY"]
    if config.database_url:
        os.environ["DATABASE_URL"] = config.database_url

    shutil.rmtree(WORK / "downloads", ignore_errors=True)
    shutil.rmtree(WORK / "cache", ignore_errors=True)
    ensure_database(config)
    import django

    django.setup()
    dataset_info = prepare_data(config, env)
    log("collectstatic ...")
    manage(env, "collectstatic", "--no-input", "-v", "0")
    values = resolve_placeholders()
    facts = environment_facts(config, dataset_info)

    selected = [t for t in targets.TARGETS if config.only in t.name.lower()]
    rows, skipped, notes, probes = [], [], [], {}
    worker_peak_mb = measure_site(config, env, selected, values, rows, skipped, notes, probes)
    measure_uncached(config, env, selected, rows, probes)
    measure_floors(config, selected, rows, notes, probes)
    if config.peer:
        measure_peer(config, selected, rows, notes, skipped, probes, facts)
    else:
        skipped.append(("pygeoapi (peer)", "BENCH_PEER=0"))

    facts["load average at end"] = " ".join(f"{value:.2f}" for value in os.getloadavg())
    facts["total run time"] = f"{time.monotonic() - started:.0f} s"
    if worker_peak_mb is not None:
        facts["gunicorn worker peak RSS"] = f"{worker_peak_mb:,.0f} MB (VmHWM, highest worker)"
    checks = report.target_checks(rows, worker_peak_mb)
    title = f"Mine Atlas benchmark, scale {config.scale:g}"
    markdown = report.markdown_report(title, facts, rows, checks, skipped, notes)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    scale_tag = "" if config.scale == 1 else f"-scale{config.scale:g}"
    (RESULTS / f"{stamp}{scale_tag}.md").write_text(markdown)
    (RESULTS / f"{stamp}{scale_tag}.json").write_text(
        report.json_report(facts, rows, checks, skipped, notes)
    )
    print()
    print(markdown)
    log(f"Written to bench/results/{stamp}{scale_tag}.md and .json")


if __name__ == "__main__":
    main()
