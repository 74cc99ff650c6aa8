"""`manage.py warm_cache`: after a publication, fill the shared cache before readers come.

Everything public is cached under the data version (contamination/data_version.py), so a
publication makes every key new and the first reader of each answer waits for it to be
built. Most of that wait is the far-out map: a tile of the country view reads every record
of the country (at scale 1, ~2 s of SQL for the tiles of one view), where a cached tile is
milliseconds. This command asks the site, over HTTP as a reader's browser does, for:

- every tile of the three record layers from zoom 0 to --max-zoom (default: the zooms where
  incidents are clustered, below `CLUSTER_BELOW_ZOOM`) over the published records' extent,
  unfiltered, as the map first shows them (a tile is the same in every language: one copy);
- in each language, the home page, the map page, its script catalogue and its boundaries.

Asked through the site itself, the answers land under exactly the keys readers will ask for
(host, language, query), in whatever cache the site uses, and in a CDN if --site is its
address. The cache must be shared by the site's processes (CACHE_URL or CACHE_DIR): with
the default per-process memory cache there is nothing to fill, and the command says so.

Run it from a timer every minute (docs/deploy.md): it asks the database for the data version
and does nothing when that version has been warmed already.
"""

import hashlib
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import translation

from contamination import data_version, tiles

ATTEMPTS = 5
TIMEOUT_SECONDS = 300
MARK_SECONDS = 7 * 24 * 3600


def fetch(url, language):
    """GET `url` as a browser in `language` would (gzip accepted); tried again when the site
    is busy (429, 503), after its Retry-After. Returns the status of the last try."""
    request = urllib.request.Request(
        url,
        headers={
            "Accept-Encoding": "gzip",
            "Accept-Language": language,
            "User-Agent": "mineatlas-warm-cache",
        },
    )
    for attempt in range(ATTEMPTS):
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            if error.code not in (429, 503) or attempt + 1 == ATTEMPTS:
                return error.code
            asked = error.headers.get("Retry-After", "")
            time.sleep(min(int(asked) if asked.isdigit() else 2**attempt, 60))
        except urllib.error.URLError as error:
            raise CommandError(f"{url}: the site could not be reached ({error.reason}).") from None
    return None


class Command(BaseCommand):
    help = (
        "Ask the site for the far-out map tiles and the main pages of the current data "
        "version, so that the first readers after a publication find them cached. Does "
        "nothing when this version has been warmed already (unless --force)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--site",
            default=settings.SITE_URL or "http://127.0.0.1:8000",
            help="The site's address, as readers reach it (default: SITE_URL, else "
            "http://127.0.0.1:8000).",
        )
        parser.add_argument(
            "--max-zoom",
            type=int,
            default=tiles.CLUSTER_BELOW_ZOOM - 1,
            help="The highest tile zoom to fill (default %(default)s; from there on a tile "
            "holds few records and is quick to build).",
        )
        parser.add_argument(
            "--connections", type=int, default=4, help="Requests at a time (default 4)."
        )
        parser.add_argument(
            "--force", action="store_true", help="Warm even when this version has been."
        )

    def handle(self, *args, site, max_zoom, connections, force, **options):
        if not 0 <= max_zoom <= tiles.MAX_ZOOM:
            raise CommandError(f"--max-zoom must be from 0 to {tiles.MAX_ZOOM}.")
        if connections < 1:
            raise CommandError("--connections must be at least 1.")
        backend = settings.CACHES["default"]["BACKEND"]
        if backend.endswith("LocMemCache"):
            raise CommandError(
                "The cache is each process's own memory: nothing another process fills would "
                "be found. Set CACHE_URL (Redis) or CACHE_DIR for the site and this command."
            )
        site = site.rstrip("/")
        version = data_version.current()
        mark = data_version.cache_key(
            version, "warm-cache", hashlib.sha256(site.encode()).hexdigest(), localised=False
        )
        if not force and cache.get(mark):
            self.stdout.write(f"Data version {data_version.as_text(version)}: warm already.")
            return
        started = time.monotonic()
        requests = self.requests(site, max_zoom)
        with ThreadPoolExecutor(connections) as pool:
            statuses = list(pool.map(lambda asked: fetch(*asked), requests))
        failed = [
            (url, status)
            for (url, _), status in zip(requests, statuses, strict=True)
            if status != 200
        ]
        seconds = time.monotonic() - started
        if failed:
            url, status = failed[0]
            raise CommandError(
                f"{len(failed)} of {len(requests)} answers failed, e.g. {url} (status {status})."
            )
        cache.set(mark, True, MARK_SECONDS)
        tile_count = sum("/tiles/" in url for url, _ in requests)
        self.stdout.write(
            f"Data version {data_version.as_text(version)}: {len(requests)} answers warmed "
            f"({tile_count} tiles to zoom {max_zoom}) in {seconds:.1f} s."
        )

    def requests(self, site, max_zoom):
        """(url, language) of every answer to fill: the tiles first (the slowest to build)."""
        boxes = [
            tiles.published_bounds(layer, layer.model.objects.published())
            for layer in tiles.LAYERS.values()
        ]
        boxes = [box for box in boxes if box is not None]
        asked = []
        if boxes:
            extent = (
                min(box[0] for box in boxes),
                min(box[1] for box in boxes),
                max(box[2] for box in boxes),
                max(box[3] for box in boxes),
            )
            # Far out first: those tiles read the most records and are every visit's first.
            for z in range(max_zoom + 1):
                for _, x, y in tiles.tiles_covering(extent, z):
                    for layer in tiles.LAYERS:
                        path = reverse("api:tile", kwargs={"layer": layer, "z": z, "x": x, "y": y})
                        asked.append((site + path, settings.LANGUAGE_CODE))
        for language, _ in settings.LANGUAGES:
            with translation.override(language):
                pages = [
                    reverse("home"),
                    reverse("contamination:map"),
                    reverse("javascript-catalog"),
                ]
            pages.append(reverse("api:area-list") + "?level=1")  # the map's boundaries
            asked += [(site + path, language) for path in pages]
        return asked
