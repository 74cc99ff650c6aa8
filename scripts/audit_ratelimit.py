#!/usr/bin/env python3
"""Measure whether a rate limit holds under concurrency: N concurrent requests, count the 200s.

    scripts/audit_ratelimit.py                      start gunicorn the production way and measure
    scripts/audit_ratelimit.py --url https://HOST   measure a live server (its own limits)

Without --url the site runs under gunicorn (DEBUG=0, 3 workers x 4 threads, the shared file
cache) with API_RATE_LIMIT and PAGE_RATE_LIMIT set to --limit per minute, and each path is
sent --requests requests from --concurrency threads. Expected: exactly --limit pass (± 1).
Each run starts a new minute window when the current one is nearly over, so that a burst is
counted in one window. Exit status 1 when a path let more (or fewer) through.

Against a live server, the first --limit requests of a window pass only if nothing else from
this address was counted in the window; run it where no other traffic shares the address.
"""

import argparse
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
# The API (DRF throttle) and a heavy page (ratelimit.pages middleware).
DEFAULT_PATHS = ["/api/v1/organisations/", "/changelog/"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(limit, work):
    port = free_port()
    env = dict(
        os.environ,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        STATIC_MANIFEST="0",
        API_RATE_LIMIT=f"{limit}/minute",
        PAGE_RATE_LIMIT=f"{limit}/minute",
        CACHE_DIR=str(work / "cache"),
        API_DOWNLOAD_CACHE_DIR=str(work / "downloads"),
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    command = [
        str(VENV_BIN / "gunicorn"),
        "config.wsgi",
        f"--bind=127.0.0.1:{port}",
        "--workers=3",
        "--threads=4",
        "--worker-class=gthread",
        "--backlog=2048",
    ]
    log = open(work / "gunicorn.log", "w")  # noqa: SIM115 (closed with the process)
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/health/", timeout=10).close()
            return server, url
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if server.poll() is not None:
                break
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn did not start: see {work / 'gunicorn.log'}")


def wait_for_fresh_window(needed_s, period_s=60):
    left = period_s - time.time() % period_s
    if left < needed_s:
        print(f"  waiting {left:.1f} s for the next window")
        time.sleep(left + 0.5)


def burst(url, requests, concurrency):
    def fetch(_):
        try:
            with urllib.request.urlopen(url, timeout=60) as answer:
                answer.read()
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return "error"

    started = time.monotonic()
    with ThreadPoolExecutor(concurrency) as pool:
        statuses = list(pool.map(fetch, range(requests)))
    return statuses, time.monotonic() - started


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a live server's base URL (default: start gunicorn)")
    parser.add_argument("--path", action="append", help=f"default: {' '.join(DEFAULT_PATHS)}")
    parser.add_argument("--requests", type=int, default=1200)
    parser.add_argument("--concurrency", type=int, default=48)
    parser.add_argument("--limit", type=int, default=300, help="requests per minute expected")
    args = parser.parse_args(argv)

    server = None
    work = Path(tempfile.mkdtemp(prefix="mineatlas-audit-"))
    try:
        if args.url:
            base = args.url.rstrip("/")
        else:
            server, base = start_gunicorn(args.limit, work)
        print(f"{args.requests} requests, {args.concurrency} at a time, limit {args.limit}/min")
        failures = 0
        for path in args.path or DEFAULT_PATHS:
            wait_for_fresh_window(needed_s=30)
            statuses, seconds = burst(base + path, args.requests, args.concurrency)
            passed, refused = statuses.count(200), statuses.count(429)
            other = len(statuses) - passed - refused
            holds = abs(passed - args.limit) <= 1 and other == 0
            failures += not holds
            print(
                f"  {path}: {passed} passed, {refused} refused (429), {other} other,"
                f" in {seconds:.1f} s: {'holds' if holds else 'DOES NOT HOLD'}"
            )
        return 1 if failures else 0
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
