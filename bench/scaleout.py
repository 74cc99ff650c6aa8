"""`make bench-scaleout`: one app process on the primary beside two on the replica, side by side.

The scale-out of docs/deploy.md on one machine: N stateless app processes (each one gunicorn,
as on its own host), public reads from a streaming replica, one shared Redis cache. This
measures, on the benchmark database of bench/run.py (made first if missing):

- **1 process**: one gunicorn (`--workers 1 --threads 4`), every query on the primary;
- **2 processes + replica**: two such gunicorns, each taking half the clients (as behind a
  load balancer), public reads on the replica (DB_REPLICA_PORT).

Both use the same Redis cache server (started here on a free port, emptied before each run),
and each URL is measured cached (production settings) and uncached (bench/settings_nocache.py,
what the first request after a publish costs). The replica's share of the work is read from
`pg_stat_database` on each server. The table goes to bench/results/<time>-scaleout.md.

Needs the replica: `make bench-scaleout` starts it (scripts/db.sh replica). Environment as
bench/run.py (SCALE, BENCH_DURATION, BENCH_LEVELS), plus DB_REPLICA_PORT.
"""

import datetime
import os
import shlex
import shutil
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run, targets  # noqa: E402
from bench.servers import Server, fetch, free_port  # noqa: E402

PROCESS_ARGS = "--workers 1 --threads 4 --worker-class gthread"
URLS = (
    ("home page (HTML)", "/"),
    (
        f"API items, {targets.ITEMS_LIMIT:,} hazard areas in a bbox",
        f"/api/v1/hazard-areas/?bbox={targets.ITEMS_BBOX}&page_size={targets.ITEMS_LIMIT}",
    ),
)
SETTINGS = (("cached", "config.settings"), ("uncached", "bench.settings_nocache"))


def start_redis(stack):
    port = free_port()
    server = subprocess.Popen(
        [shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(port),
         "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--maxmemory", "512mb", "--maxmemory-policy", "allkeys-lru"],
        stdout=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    stack.callback(lambda: (server.terminate(), server.wait(timeout=10)))
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    client = redis.Redis.from_url(url)
    for _ in range(500):
        try:
            client.ping()
            return url, client
        except redis.ConnectionError:
            time.sleep(0.01)
    raise SystemExit("redis-server did not start (scripts/system-packages.sh installs it)")


def gunicorn(env, settings_module, name):
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--error-logfile",
        "-",
        *shlex.split(PROCESS_ARGS),
    ]
    env = dict(env, DJANGO_SETTINGS_MODULE=settings_module)
    return Server(name, command, env, port, run.WORK / f"scaleout-{name}.log", cwd=ROOT)


def transactions(port, db_name):
    """Transactions committed so far in the benchmark database on the server at `port`."""
    import psycopg2

    connection = psycopg2.connect(
        dbname=db_name,
        user=os.environ.get("DB_USER", "mineatlas"),
        host=os.environ.get("DB_HOST", "127.0.0.1"),
        port=port,
        password=os.environ.get("DB_PASSWORD", ""),
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT xact_commit FROM pg_stat_database WHERE datname = %s", [db_name])
            return cursor.fetchone()[0]
    finally:
        connection.close()


def load(servers, path, level, duration):
    """wrk on every server at once, the clients split between them; one combined Measurement."""
    from concurrent.futures import ThreadPoolExecutor

    shares = [level // len(servers) + (i < level % len(servers)) for i in range(len(servers))]
    with ThreadPoolExecutor(len(servers)) as pool:
        measured = list(
            pool.map(
                lambda pair: run.run_wrk(pair[0].base_url + path, pair[1], duration),
                [(server, share) for server, share in zip(servers, shares, strict=True) if share],
            )
        )
    return {
        "throughput": sum(m.throughput for m in measured),
        "p50_ms": max(m.p50_ms for m in measured),
        "p99_ms": max(m.p99_ms for m in measured),
        "errors": sum(m.errors for m in measured),
    }


def measure(config, env, replica_port, redis_client, levels):
    primary_port = os.environ.get("DB_PORT", "54329")
    rows = []
    for settings_label, settings_module in SETTINGS:
        for setup in ("1 process", "2 processes + replica"):
            setup_env = dict(env)
            count = 1
            if setup != "1 process":
                setup_env["DB_REPLICA_PORT"] = str(replica_port)
                count = 2
            with ExitStack() as stack:
                servers = [
                    stack.enter_context(gunicorn(setup_env, settings_module, f"node{i}"))
                    for i in range(count)
                ]
                for label, path in URLS:
                    redis_client.flushdb()
                    for server in servers:
                        status, _, _, _ = fetch(server.base_url + path)
                        assert status == 200, (path, status)
                        run.run_wrk(server.base_url + path, 4, run.WARMUP_S)
                    for level in levels:
                        before = (
                            transactions(primary_port, config.db_name),
                            transactions(replica_port, config.db_name),
                        )
                        figures = load(servers, path, level, config.duration)
                        after = (
                            transactions(primary_port, config.db_name),
                            transactions(replica_port, config.db_name),
                        )
                        on_primary, on_replica = (a - b for a, b in zip(after, before, strict=True))
                        share = on_replica / (on_primary + on_replica) if on_replica else 0.0
                        rows.append((label, settings_label, setup, level, figures, share))
                        run.log(
                            f"  {label} [{settings_label}] {setup}, {level} clients: "
                            f"{figures['throughput']:.1f} req/s, p50 {figures['p50_ms']:.1f} ms, "
                            f"p99 {figures['p99_ms']:.1f} ms, replica share {share:.0%}"
                        )
    return rows


def markdown(config, rows, replica_lag):
    lines = [
        f"# Scale-out on one machine, scale {config.scale:g}",
        "",
        f"{os.cpu_count()} cores; each app process is one gunicorn ({PROCESS_ARGS}); one Redis "
        f"cache for all; {config.duration} s of wrk per row. Replica lag after a commit: "
        f"{replica_lag}.",
        "",
        "| URL | cache | clients | 1 process req/s | p99 ms | 2 processes + replica req/s"
        " | p99 ms | ratio | transactions on the replica |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    single = {(r[0], r[1], r[3]): r for r in rows if r[2] == "1 process"}
    for label, cache_label, setup, level, figures, share in rows:
        if setup == "1 process":
            continue
        one = single[(label, cache_label, level)][4]
        ratio = figures["throughput"] / one["throughput"] if one["throughput"] else 0
        lines.append(
            f"| {label} | {cache_label} | {level} | {one['throughput']:.1f} | {one['p99_ms']:.0f}"
            f" | {figures['throughput']:.1f} | {figures['p99_ms']:.0f} | {ratio:.2f}x"
            f" | {share:.0%} |"
        )
    return "\n".join(lines) + "\n"


def replica_lag_ms(config, replica_port):
    """Milliseconds from a commit on the primary until the replica shows it (median of 20)."""
    import psycopg2

    def connect(port):
        connection = psycopg2.connect(
            dbname=config.db_name,
            user=os.environ.get("DB_USER", "mineatlas"),
            host="127.0.0.1",
            port=port,
        )
        connection.autocommit = True
        return connection

    primary, replica = connect(os.environ.get("DB_PORT", "54329")), connect(replica_port)
    lags = []
    with primary.cursor() as write, replica.cursor() as read:
        write.execute("CREATE TABLE IF NOT EXISTS bench_replica_lag (n bigint)")
        while True:  # the table itself has to arrive first
            read.execute("SELECT to_regclass('bench_replica_lag') IS NOT NULL")
            if read.fetchone()[0]:
                break
            time.sleep(0.01)
        for n in range(20):
            write.execute("INSERT INTO bench_replica_lag VALUES (%s)", [n])
            started = time.monotonic()
            while True:
                read.execute("SELECT 1 FROM bench_replica_lag WHERE n = %s", [n])
                if read.fetchone():
                    break
            lags.append((time.monotonic() - started) * 1000)
        write.execute("DROP TABLE bench_replica_lag")
    primary.close()
    replica.close()
    lags.sort()
    return f"median {lags[len(lags) // 2]:.1f} ms, worst {lags[-1]:.1f} ms of 20 commits"


def main():
    replica_port = os.environ.get("DB_REPLICA_PORT")
    if not replica_port:
        raise SystemExit("Set DB_REPLICA_PORT (make bench-scaleout starts the replica).")
    config = run.Config()
    run.WORK.mkdir(parents=True, exist_ok=True)
    run.RESULTS.mkdir(parents=True, exist_ok=True)
    env = run.server_environment(config)
    env.pop("CACHE_DIR", None)
    env.pop("DB_REPLICA_PORT", None)
    os.environ.update({k: v for k, v in env.items() if k != "DB_REPLICA_PORT"})
    run.ensure_database(config)
    import django

    django.setup()
    run.prepare_data(config, env)
    run.manage(env, "collectstatic", "--no-input", "-v", "0")
    levels = config.levels if os.environ.get("BENCH_LEVELS") else (8, 32)
    with ExitStack() as stack:
        redis_url, redis_client = start_redis(stack)
        env["CACHE_URL"] = redis_url
        lag = replica_lag_ms(config, replica_port)
        run.log(f"Replica lag: {lag}")
        rows = measure(config, env, replica_port, redis_client, levels)
    text = markdown(config, rows, lag)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = run.RESULTS / f"{stamp}-scaleout.md"
    path.write_text(text)
    print()
    print(text)
    run.log(f"Written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
