"""`make bench-tiles`: the vector tiles a map needs, over HTTP and against their SQL floor.

Two views of a 1366×900 px map, as the site's map asks for them (512 px tiles, so the tiles of
zoom z − 1 at map zoom z): the country view (map zoom 7, centred on the country) and a
district view (map zoom 10, around Ağdam). For each, every layer's tiles are fetched from the
site under gunicorn (production settings, gzip accepted as a browser does):

- uncached: bench/settings_nocache.py (no response cache), one tile after another: what each
  tile costs to build; and six at a time (a browser's connections per host): the wall time;
- after `manage.py warm_cache` (the production path after a publication, docs/deploy.md):
  how long it takes, and the map ready for the first reader after it;
- cached: the same again once the cache holds them (the production path for a repeat view).

The floor is the same `ST_AsMVT` statement of each tile (contamination/tiles.py builds it),
run directly on the database one after another. Targets (issue 14): the country view, all
layers, at most 2 MB transferred; uncached tiles within 1.2× of their floor.

Same database, dataset and environment variables as `make bench` (bench/run.py: SCALE,
BENCH_SEED, BENCH_GUNICORN_ARGS …). Only 127.0.0.1 is ever asked.
"""

import datetime
import gzip
import math
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402

WIDTH, HEIGHT = 1366, 900
TILE_PX = 512  # the map draws the API's tiles at twice their zoom's 256 px
CONNECTIONS = 6
VIEWS = {
    "country view (map zoom 7)": (7, 40.3, 47.5),
    "district view (map zoom 10, Ağdam)": (10, 40.0, 46.9),
}
LAYERS = ("hazard-areas", "land-releases", "incidents")
TARGET_COUNTRY_BYTES = 2_000_000
TARGET_FLOOR_RATIO = 1.2
TARGET_READY_S = 1.0  # every record of the view drawn, in a browser (issue 14)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
# The map's own signal that every shown layer's tiles in view are loaded, drawn and counted
# (static/js/map/index.js, loadRecords), and the boundaries are in.
MAP_READY = """() => {
    const map = document.querySelector("#explorer-map");
    return map && map.getAttribute("aria-busy") === "false"
        && map.hasAttribute("data-loaded") && map.hasAttribute("data-areas-loaded");
}"""


def tile_set(map_zoom, lat, lon):
    """(z, x, y) of the data tiles covering a WIDTH×HEIGHT map centred at (lat, lon)."""
    world = 256 * 2**map_zoom
    cx = (lon + 180) / 360 * world
    cy = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * world
    z = map_zoom - 1
    xs = range(int((cx - WIDTH / 2) // TILE_PX), int((cx + WIDTH / 2) // TILE_PX) + 1)
    ys = range(int((cy - HEIGHT / 2) // TILE_PX), int((cy + HEIGHT / 2) // TILE_PX) + 1)
    return [(z, x, y) for x in xs for y in ys]


def get(url):
    """(bytes on the wire, bytes of the tile, seconds) of one GET that accepts gzip."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=300) as response:
        body = response.read()
        encoded = response.headers.get("Content-Encoding") == "gzip"
    seconds = time.monotonic() - started
    return len(body), len(gzip.decompress(body) if encoded else body), seconds


def fetch_set(base_url, tiles, connections):
    urls = [f"{base_url}/api/v1/tiles/{layer}/{z}/{x}/{y}.mvt" for layer, (z, x, y) in tiles]
    started = time.monotonic()
    with ThreadPoolExecutor(connections) as pool:
        answers = list(pool.map(get, urls))
    wall = time.monotonic() - started
    return {
        "wire": sum(a[0] for a in answers),
        "raw": sum(a[1] for a in answers),
        "sum_s": sum(a[2] for a in answers),
        "wall_s": wall,
    }


def floor_seconds(tiles):
    """The tiles' own SQL, one statement after another (the floor of building them)."""
    from django.db import connection

    from contamination import tiles as mvt
    from contamination.models import HazardArea, Incident, LandRelease

    models = {"hazard-areas": HazardArea, "land-releases": LandRelease, "incidents": Incident}
    total = 0.0
    with connection.cursor() as cursor:
        for layer_name, (z, x, y) in tiles:
            layer = mvt.LAYERS[layer_name]
            built = mvt.tile_sql(layer, models[layer_name].objects.published(), z, x, y)
            if built is None:
                continue
            sql, params = mvt.merge_parameters(*built)
            started = time.monotonic()
            cursor.execute(sql, params)
            cursor.fetchone()
            total += time.monotonic() - started
    return total


def ready_seconds(base_url, map_zoom, lat, lon):
    """Seconds from opening the map explorer at a view, in Chromium at WIDTH×HEIGHT with a
    fresh browser cache, to every record of the view drawn (MAP_READY); None without
    Playwright or Chromium."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not os.path.exists(CHROMIUM):
        return None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            started = time.monotonic()
            # From the request on: the page's own load event is not what a reader waits for.
            page.goto(f"{base_url}/en/map/?lat={lat}&lng={lon}&z={map_zoom}", wait_until="commit")
            page.wait_for_function(MAP_READY, polling=50, timeout=120_000)
            return time.monotonic() - started
        finally:
            browser.close()


def measure(config, env):
    rows = []
    views = {
        name: [(layer, tile) for layer in LAYERS for tile in tile_set(*view)]
        for name, view in VIEWS.items()
    }
    run.log("Uncached (no response cache) ...")
    with run.site_server(config, env, "bench.settings_nocache") as server:
        for name, tiles in views.items():
            fetch_set(server.base_url, tiles, CONNECTIONS)  # warm the connections and plans
            one = fetch_set(server.base_url, tiles, 1)
            six = fetch_set(server.base_url, tiles, CONNECTIONS)
            floor = min(floor_seconds(tiles) for _ in range(3))
            ready = ready_seconds(server.base_url, *VIEWS[name])
            rows.append((name, len(tiles), one, six, floor, ready))
    run.log("Warmed by manage.py warm_cache, then a first reader ...")
    shutil.rmtree(run.WORK / "cache", ignore_errors=True)
    warmed = {}
    with run.site_server(config, env) as server:
        started = time.monotonic()
        said = subprocess.run(
            [run.PYTHON, "manage.py", "warm_cache", "--site", server.base_url, "--force"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        warmed["seconds"] = time.monotonic() - started
        warmed["said"] = said
        run.log(f"  {said}")
        for name in views:
            # Nothing else asked first: the page, its boundaries and tiles as warm_cache left them.
            warmed[name] = ready_seconds(server.base_url, *VIEWS[name])
    run.log("Cached ...")
    cached = {}
    with run.site_server(config, env) as server:
        for name, tiles in views.items():
            fetch_set(server.base_url, tiles, CONNECTIONS)  # fills the cache
            cached[name] = fetch_set(server.base_url, tiles, CONNECTIONS)
            # The page and the boundaries as a repeat visitor finds them: cached too.
            map_zoom, lat, lon = VIEWS[name]
            get(f"{server.base_url}/en/map/?lat={lat}&lng={lon}&z={map_zoom}")
            get(f"{server.base_url}/api/v1/areas/?level=1")
            cached[name]["ready_s"] = ready_seconds(server.base_url, *VIEWS[name])
    return rows, cached, warmed


def report(rows, cached, warmed, facts):
    lines = [
        "# Mine Atlas vector tiles",
        "",
        *(f"- {name}: {value}" for name, value in facts.items()),
        "",
        f"Tile sets for a {WIDTH}×{HEIGHT} px map, {TILE_PX} px tiles, all three layers "
        "(hazard areas, land releases, incidents); bytes as transferred (gzip) and as tiles. "
        "Map ready: from opening /en/map/ at the view in Chromium (fresh browser cache) until "
        "the map says every shown layer's tiles in view are drawn and counted; uncached: no "
        "response cache at all; after warm_cache: the first reader after a publication once "
        "`manage.py warm_cache` has run (it took "
        f"{warmed['seconds']:.1f} s: {warmed['said']}); cached: a repeat view.",
        "",
        "| view | tiles | transferred | tiles' size | uncached, one by one | floor (SQL) | "
        "× floor | uncached, 6 at a time | cached, 6 at a time | map ready, uncached | "
        "map ready, after warm_cache | map ready, cached |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    checks = []

    def ms(seconds):
        return "–" if seconds is None else f"{seconds * 1000:,.0f} ms"

    for name, count, one, six, floor, ready in rows:
        ratio = one["sum_s"] / floor if floor else float("nan")
        cached_ready = cached[name].get("ready_s")
        lines.append(
            f"| {name} | {count} | {one['wire'] / 1e6:.2f} MB | {one['raw'] / 1e6:.2f} MB | "
            f"{one['sum_s'] * 1000:,.0f} ms | {floor * 1000:,.0f} ms | {ratio:.2f} | "
            f"{six['wall_s'] * 1000:,.0f} ms | {cached[name]['wall_s'] * 1000:,.0f} ms | "
            f"{ms(ready)} | {ms(warmed[name])} | {ms(cached_ready)} |"
        )
        for label, seconds in (
            ("uncached", ready),
            ("first reader after warm_cache", warmed[name]),
            ("cached", cached_ready),
        ):
            if seconds is not None:
                checks.append(
                    f"- {name}: every record drawn in {seconds:.2f} s in Chromium, {label} "
                    f"(target < {TARGET_READY_S:g} s): "
                    f"{'met' if seconds < TARGET_READY_S else 'NOT met'}"
                )
        checks.append(
            f"- {name}: uncached {ratio:.2f}× the floor (target ≤ {TARGET_FLOOR_RATIO}): "
            f"{'met' if ratio <= TARGET_FLOOR_RATIO else 'NOT met'}"
        )
        if name.startswith("country"):
            met = one["wire"] <= TARGET_COUNTRY_BYTES
            checks.append(
                f"- {name}: {one['wire'] / 1e6:.2f} MB transferred (target ≤ 2 MB): "
                f"{'met' if met else 'NOT met'}"
            )
    return "\n".join([*lines, "", "Targets:", "", *checks, ""])


def main():
    config = run.Config()
    run.WORK.mkdir(parents=True, exist_ok=True)
    run.RESULTS.mkdir(parents=True, exist_ok=True)
    env = run.server_environment(config)
    env["API_TILE_RATE_LIMIT"] = "100000000/second"  # one client asks for every tile
    env["MAP_TILE_URL"] = ""  # no background map: only 127.0.0.1 is asked
    os.environ.update(env)
    if config.database_url:
        os.environ["DATABASE_URL"] = config.database_url
    shutil.rmtree(run.WORK / "cache", ignore_errors=True)
    run.ensure_database(config)
    import django

    django.setup()
    dataset = run.prepare_data(config, env)
    run.manage(env, "collectstatic", "--no-input", "-v", "0")
    rows, cached, warmed = measure(config, env)
    facts = {
        "dataset": f"{dataset.hazard_areas:,} hazard areas, {dataset.land_releases:,} land "
        f"releases, {dataset.incidents:,} incidents (scale {config.scale:g})",
        "server": f"gunicorn {config.gunicorn_args}, production settings",
        "load average at end": " ".join(f"{value:.2f}" for value in os.getloadavg()),
    }
    text = report(rows, cached, warmed, facts)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    (run.RESULTS / f"tiles-{stamp}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
