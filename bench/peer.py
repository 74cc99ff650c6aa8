"""The peer: pygeoapi serving the same published hazard areas through its PostgreSQL provider.

pygeoapi is a benchmark-only dependency: it is installed into its own virtualenv under
bench/.work/ from bench/peer-requirements.txt, never into the project's requirements.
It runs under gunicorn with the same workers and threads as the site.
"""

import contextlib
import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "bench" / ".work" / "pygeoapi-venv"
REQUIREMENTS = ROOT / "bench" / "peer-requirements.txt"
STAMP = VENV / ".installed"


class PeerUnavailable(Exception):
    pass


def ensure_installed(log=print):
    """Install pygeoapi into its own virtualenv (once per requirements file); return its version."""
    wanted = REQUIREMENTS.read_text()
    if not (STAMP.exists() and STAMP.read_text() == wanted):
        log("Installing pygeoapi into bench/.work/pygeoapi-venv ...")
        try:
            if not (VENV / "bin" / "python").exists():
                subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
            subprocess.run(
                [str(VENV / "bin" / "pip"), "install", "-q", "-r", str(REQUIREMENTS)],
                check=True,
                capture_output=True,
                text=True,
            )
        except subprocess.CalledProcessError as error:
            raise PeerUnavailable(
                f"pygeoapi could not be installed: {(error.stderr or '').strip()[-500:]}"
            ) from None
        STAMP.write_text(wanted)
    result = subprocess.run(
        [str(VENV / "bin" / "python"), "-c", "import pygeoapi; print(pygeoapi.__version__)"],
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise PeerUnavailable(f"pygeoapi does not import: {result.stderr.strip()[-500:]}")
    return result.stdout.strip()


def config_yaml(port, db, table, limit):
    """pygeoapi's configuration: one collection, the benchmark database's view."""
    return f"""\
server:
  bind: {{host: 127.0.0.1, port: {port}}}
  url: http://127.0.0.1:{port}
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  language: en-US
  cors: false
  pretty_print: false
  limits: {{default_items: 10, max_items: {limit}}}
  map: {{url: "http://127.0.0.1/no-tiles/{{z}}/{{x}}/{{y}}.png", attribution: none}}
logging:
  level: ERROR
metadata:
  identification:
    title: Mine Atlas benchmark peer
    description: The benchmark's published hazard areas
    keywords: [benchmark]
    keywords_type: theme
    terms_of_service: none
    url: http://127.0.0.1:{port}
  license: {{name: none, url: "http://127.0.0.1/"}}
  provider: {{name: bench, url: "http://127.0.0.1/"}}
  contact: {{name: bench}}
resources:
  hazard_areas:
    type: collection
    title: Hazard areas
    description: Published hazard areas of the benchmark dataset
    keywords: [hazard]
    extents:
      spatial: {{bbox: [-180, -90, 180, 90], crs: "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}}
    providers:
      - type: feature
        name: PostgreSQL
        data:
          host: {db["HOST"] or "127.0.0.1"}
          port: {db["PORT"] or 5432}
          dbname: {db["NAME"]}
          user: {db["USER"]}
          password: "{db["PASSWORD"] or ""}"
          search_path: [public]
        id_field: id
        table: {table}
        geom_field: geometry
"""


@contextlib.contextmanager
def running(work, gunicorn_args=None):
    """pygeoapi under gunicorn on a free port, on the benchmark database (a view of it)."""
    from django.db import connection

    from bench import targets
    from bench.servers import DEFAULT_GUNICORN_ARGS, Server, free_port

    with connection.cursor() as cursor:
        cursor.execute(targets.PEER_VIEW_SQL)
    port = free_port()
    work = Path(work).resolve()
    config = work / "pygeoapi.yml"
    openapi = work / "pygeoapi-openapi.yml"
    config.write_text(
        config_yaml(port, connection.settings_dict, targets.PEER_VIEW, targets.ITEMS_LIMIT)
    )
    env = dict(os.environ, PYGEOAPI_CONFIG=str(config), PYGEOAPI_OPENAPI=str(openapi))
    subprocess.run(
        [str(VENV / "bin" / "pygeoapi"), "openapi", "generate", str(config), "-of", str(openapi)],
        env=env,
        check=True,
        capture_output=True,
    )
    command = [
        str(VENV / "bin" / "gunicorn"),
        "pygeoapi.flask_app:APP",
        "--bind",
        f"127.0.0.1:{port}",
        *shlex.split(
            gunicorn_args or os.environ.get("BENCH_GUNICORN_ARGS") or DEFAULT_GUNICORN_ARGS
        ),
    ]
    with Server("pygeoapi", command, env, port, work / "pygeoapi.log", cwd=work) as server:
        yield server
