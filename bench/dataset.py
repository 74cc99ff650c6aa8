"""The benchmark's synthetic dataset, generated inside PostgreSQL.

`manage.py load_demo_data` builds every row as a Python object and writes it with
bulk_create. Measured here (2 shared cores) at 5 % of the benchmark's size it took 25 s, and
it grows linearly: ~9 minutes for the default 20,000 hazard areas, 50,000 land releases,
300,000 incidents and ~500,000 casualties, which does not fit `make bench`'s 15-minute budget.
This module writes the same kind of records (same regions, distributions and value ranges
as contamination/demo.py) with one INSERT … SELECT generate_series statement per table.

Correctness of the computed fields is kept by not touching them: the records' own
`computed_fields` triggers still run on every row, so the geodesic area, the admin area, whether
an incident lies in a published hazard area and the timestamps come from the same code as in
production. Two kinds of per-row trigger are skipped for the transaction: pghistory's insert
triggers (a second insert per row, geometry and all), whose insert events are then written in
one statement per table with the same columns the trigger would have copied; and
"touch_record", which moves a record's updated_at when one of its citations or casualties is
written (an UPDATE, with its history event, per casualty): here each record is written in the
same transaction as its citations and casualties, so its own updated_at already says when.

Randomness is hashint8extended(row number, seed): every value depends only on the seed and the
row's number, not on execution order, so a dataset is reproducible on the same PostgreSQL
version. Points are drawn with ST_GeneratePoints(geometry, n, seed), also deterministic.
"""

import time
from dataclasses import asdict, dataclass

import pgtrigger
from django.apps import apps
from django.db import connection, transaction

from contamination import demo
from contamination.models import (
    Casualty,
    HazardArea,
    HazardAreaSource,
    Incident,
    IncidentSource,
    LandRelease,
    LandReleaseSource,
)

# Bump when the generated rows change, so that a stored dataset is regenerated.
GENERATOR_VERSION = 2
DEFAULT_COUNTS = {"hazard_areas": 20_000, "land_releases": 50_000, "incidents": 300_000}
MARKER_TABLE = "bench_dataset"
WRITTEN_MODELS = (
    HazardArea,
    LandRelease,
    Incident,
    Casualty,
    HazardAreaSource,
    LandReleaseSource,
    IncidentSource,
)
# Per-row triggers skipped while writing (their effect is written set-based, or is moot):
# pghistory's insert events, and "touch_record", which moves a record's updated_at when a
# citation or casualty of it is written — here in the same transaction as the record itself.
SKIPPED_TRIGGERS = ("insert_insert", "touch_record")


@dataclass(frozen=True)
class Dataset:
    scale: float
    seed: int
    hazard_areas: int
    land_releases: int
    incidents: int
    casualties: int = 0
    generated_in_s: float = 0.0
    reused: bool = False

    @classmethod
    def planned(cls, scale, seed):
        counts = {name: round(base * scale) for name, base in DEFAULT_COUNTS.items()}
        return cls(scale=scale, seed=seed, **counts)


def ensure(scale, seed, log=print, vacuum=True):
    """Return the dataset for (scale, seed), generating it unless the database holds it."""
    planned = Dataset.planned(scale, seed)
    stored = stored_dataset()
    if stored and (stored.scale, stored.seed) == (scale, seed):
        log(f"Reusing the stored dataset (scale {scale:g}, seed {seed}).")
        return Dataset(**{**asdict(stored), "reused": True})
    log(
        f"Generating {planned.hazard_areas:,} hazard areas, {planned.land_releases:,} land "
        f"releases and {planned.incidents:,} incidents (scale {scale:g}, seed {seed}) ..."
    )
    return generate(planned, log, vacuum)


def stored_dataset():
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [MARKER_TABLE])
        if not cursor.fetchone()[0]:
            return None
        cursor.execute(
            f"SELECT scale, seed, hazard_areas, land_releases, incidents, casualties, "
            f"generated_in_s FROM {MARKER_TABLE} WHERE generator = %s",
            [GENERATOR_VERSION],
        )
        row = cursor.fetchone()
    return Dataset(*row) if row else None


def rnd(key, salt):
    """SQL for a uniform float in [0, 1) that depends only on `key` (SQL), `salt` and the seed."""
    return (
        f"((hashint8extended(({key})::bigint, %(seed)s::bigint * 1000 + {salt})"
        " & 9007199254740991)::float8 / 9007199254740992.0)"
    )


def pick(values, key, salt):
    """SQL choosing one of `values` uniformly."""
    array = "ARRAY[" + ", ".join(f"'{value}'" for value in values) + "]::text[]"
    return f"({array})[1 + floor({rnd(key, salt)} * {len(values)})::int]"


def blob_sql(centre, radius, key):
    """SQL for a star-shaped (so always valid) polygon of about `radius` metres (demo.blob)."""
    vertices = f"(6 + floor({rnd(key, 90)} * 7)::int)"
    # The closing vertex i = v has the angle, jitter and distance of vertex 0, so the ring closes.
    vertex_key = f"({key}) * 16 + mod(i, {vertices})"
    jitter = f"({rnd(vertex_key, 91)} - 0.5) * 0.6"
    return f"""(
        SELECT ST_Multi(ST_SetSRID(ST_MakePolygon(ST_MakeLine(ST_MakePoint(
            round((ST_X({centre}) + d * cos(a) / (111320 * cos(radians(ST_Y({centre})))))::numeric,
                  6)::float8,
            round((ST_Y({centre}) + d * sin(a) / 110574)::numeric, 6)::float8
        ) ORDER BY i)), 4326))
        FROM (
            SELECT i,
                   2 * pi() / {vertices} * (mod(i, {vertices}) + {jitter}) AS a,
                   ({radius}) * (0.55 + 0.45 * {rnd(vertex_key, 92)}) AS d
            FROM generate_series(0, {vertices}) AS i
        ) AS vertex
    )"""


def random_date_sql(key, salt):
    """SQL for a date between demo.START and demo.END, inclusive."""
    return f"%(start)s::date + floor({rnd(key, salt)} * (%(end)s::date - %(start)s::date + 1))::int"


def publication_sql(key):
    """SQL columns (status, retraction note): 96 % published, 3 % drafts, 1 % retracted.

    Drafts and retracted rows make the public queries filter, as they must in production.
    """
    draw = rnd(key, 80)
    status = (
        f"CASE WHEN {draw} < 0.03 THEN 'draft' WHEN {draw} < 0.04 THEN 'retracted' "
        "ELSE 'published' END"
    )
    note = f"CASE WHEN {draw} >= 0.03 AND {draw} < 0.04 THEN 'Benchmark retraction.' ELSE '' END"
    return status, note


def generate(planned, log=print, vacuum=True):
    """Replace the records with the planned dataset; VACUUM ANALYZE unless inside a test."""
    started = time.monotonic()
    params = {"seed": planned.seed, "start": demo.START, "end": demo.END}
    with transaction.atomic(), connection.cursor() as cursor:

        def run(label, sql, extra=None):
            step = time.monotonic()
            cursor.execute(sql, {**params, **(extra or {})})
            log(f"  {label}: {cursor.rowcount:,} rows in {time.monotonic() - step:.1f} s")

        # Deferred foreign-key checks pending from earlier statements would block TRUNCATE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        _skip_history_triggers(cursor)
        tables = [model._meta.db_table for model in WRITTEN_MODELS]
        events = [model._meta.db_table for model in map(_event_model, WRITTEN_MODELS) if model]
        cursor.execute(f"TRUNCATE {', '.join(tables + events)} RESTART IDENTITY CASCADE")
        source = demo.demo_source()
        operators = [operator.pk for operator in demo.demo_operators()]
        params.update(source=source.pk, operators=operators)
        _create_sampling_units(cursor)
        _sample_points(cursor, "hazard", planned.hazard_areas, salt=1, params=params)
        _sample_points(cursor, "release", planned.land_releases, salt=2, params=params)
        _sample_points(cursor, "incident", planned.incidents, salt=3, params=params)

        run("hazard areas", _hazard_areas_sql())
        cursor.execute(
            "CREATE TEMP TABLE bench_hazard ON COMMIT DROP AS SELECT "
            "substr(reference, 10)::int AS n, id, geometry FROM contamination_hazardarea; "
            "ALTER TABLE bench_hazard ADD PRIMARY KEY (n)"
        )
        run("land releases", _land_releases_sql(), {"hazards": planned.hazard_areas})
        run("incidents", _incidents_sql(), {"hazards": planned.hazard_areas})
        run("casualties", _casualties_sql())
        for table, column, model in [
            ("contamination_hazardareasource", "hazard_area_id", HazardArea),
            ("contamination_landreleasesource", "land_release_id", LandRelease),
            ("contamination_incidentsource", "incident_id", Incident),
        ]:
            run(
                f"{table} rows",
                f"INSERT INTO {table} ({column}, source_id, page, quote) "
                f"SELECT id, %(source)s, '', '' FROM {model._meta.db_table} ORDER BY id",
            )
        for model in WRITTEN_MODELS:
            if _event_model(model):
                run(f"{model._meta.verbose_name} history", _insert_events_sql(cursor, model))
        cursor.execute("SELECT count(*) FROM contamination_casualty")
        casualties = cursor.fetchone()[0]
        dataset = Dataset(
            **{
                **asdict(planned),
                "casualties": casualties,
                "generated_in_s": round(time.monotonic() - started, 1),
            }
        )
        _store_marker(cursor, dataset)
        # Inside an outer transaction (tests) ON COMMIT would come too late for a second run.
        cursor.execute("DROP TABLE bench_unit, bench_point, bench_hazard")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    if vacuum:  # fresh statistics and visibility maps, as a settled production database has
        with connection.cursor() as cursor:
            step = time.monotonic()
            for table in tables + events:
                cursor.execute(f"VACUUM ANALYZE {table}")
            log(f"  VACUUM ANALYZE in {time.monotonic() - step:.1f} s")
    log(f"Dataset generated in {dataset.generated_in_s:.0f} s.")
    return dataset


def _event_model(model):
    """pghistory's event model of `model`, or None for a model without history."""
    try:
        return apps.get_model(model._meta.app_label, f"{model.__name__}Event")
    except LookupError:
        return None


def _skip_history_triggers(cursor):
    """Skip SKIPPED_TRIGGERS in this transaction (pgtrigger's own ignore switch)."""
    names = [
        trigger.get_pgid(model)
        for model, trigger in pgtrigger.registered()
        if model in WRITTEN_MODELS and trigger.name in SKIPPED_TRIGGERS
    ]
    tracked = [model for model in WRITTEN_MODELS if _event_model(model)]
    if len([name for name in names if "insert_insert" in name]) != len(tracked):
        raise RuntimeError(f"Expected one pghistory insert trigger per tracked model: {names}")
    cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + ",".join(names) + "}"])


def _create_sampling_units(cursor):
    """The demo units (contamination/demo.py), weighted by area, the low-weight ones by 0.1."""
    cursor.execute(
        """
        CREATE TEMP TABLE bench_unit ON COMMIT DROP AS
        SELECT id, geometry,
               coalesce(area_km2, 1) * CASE WHEN code = ANY(%(low)s) THEN 0.1 ELSE 1 END AS weight
        FROM contamination_adminarea
        WHERE level = 1 AND (economic_region = ANY(%(regions)s) OR NOT EXISTS (
            SELECT 1 FROM contamination_adminarea
            WHERE level = 1 AND economic_region = ANY(%(regions)s)
        ));
        CREATE TEMP TABLE bench_point (kind text, n int, geom geometry(Point, 4326),
                                       PRIMARY KEY (kind, n)) ON COMMIT DROP;
        """,
        {"low": sorted(demo.LOW_WEIGHT_UNITS), "regions": list(demo.DEMO_REGIONS)},
    )
    cursor.execute("SELECT count(*) FROM bench_unit")
    if not cursor.fetchone()[0]:
        raise RuntimeError("No boundaries loaded: run `manage.py load_boundaries` first.")


def _sample_points(cursor, kind, count, salt, params):
    """`count` points in the units, units weighted by area (largest-remainder shares)."""
    cursor.execute(
        f"""
        WITH shares AS (
            SELECT id, geometry, weight * %(count)s / sum(weight) OVER () AS exact
            FROM bench_unit
        ), floors AS (
            SELECT id, geometry, floor(exact)::int AS base, exact - floor(exact) AS fraction
            FROM shares
        ), counts AS (
            SELECT id, geometry,
                   base + (row_number() OVER (ORDER BY fraction DESC, id)
                           <= %(count)s - sum(base) OVER ())::int AS k
            FROM floors
        )
        INSERT INTO bench_point (kind, n, geom)
        SELECT %(kind)s,
               row_number() OVER (ORDER BY hashint8extended(
                   counts.id * 1000003 + point.path[1], %(seed)s::bigint * 1000 + {salt})),
               point.geom
        FROM counts,
             LATERAL ST_Dump(ST_GeneratePoints(counts.geometry, counts.k,
                                               %(seed)s * 100 + {salt} + 1)) AS point
        WHERE counts.k > 0
        """,
        {**params, "count": count, "kind": kind},
    )


def _hazard_areas_sql():
    confirmed = f"{rnd('p.n', 1)} < 0.45"
    status, note = publication_sql("p.n")
    radius = f"150 + {rnd('p.n', 4)} * CASE WHEN {confirmed} THEN 1050 ELSE 2350 END"
    hazard_types = [value for value in HazardArea.HazardType.values]
    land_uses = [value for value in HazardArea.LandUse.values]
    return f"""
        INSERT INTO contamination_hazardarea (
            reference, name, category, status, hazard_types, geometry, identified_on,
            surveyed_by_id, geometry_precision, blocked_land_use, is_demo, publication_status,
            retraction_note, created_at, updated_at)
        SELECT 'BENCH-HA-' || lpad(p.n::text, 6, '0'),
               'Benchmark area ' || p.n,
               CASE WHEN {confirmed} THEN 'cha' ELSE 'sha' END,
               CASE WHEN {rnd("p.n", 2)} < 0.70 THEN 'active'
                    WHEN {rnd("p.n", 2)} < 0.85 THEN 'in_progress' ELSE 'released' END,
               {_subset_sql(hazard_types, "p.n", 3, "ARRAY[1, 1, 2, 3]")},
               {blob_sql("p.geom", radius, "p.n")},
               {random_date_sql("p.n", 5)},
               (%(operators)s::bigint[])[1 + floor({rnd("p.n", 6)} * 3)::int],
               {pick(["surveyed", "surveyed", "sketched"], "p.n", 7)},
               {_subset_sql(land_uses, "p.n", 8, "ARRAY[1, 2]")},
               true, {status}, {note}, now(), now()
        FROM bench_point p
        WHERE p.kind = 'hazard'
        ORDER BY p.n
    """


def _subset_sql(values, key, salt, sizes):
    """SQL for a sorted random subset of `values`, its size drawn from the array `sizes`."""
    array = "ARRAY[" + ", ".join(f"'{value}'" for value in values) + "]::varchar[]"
    size = f"({sizes})[1 + floor({rnd(key, salt)} * cardinality({sizes}))::int]"
    return f"""ARRAY(
        SELECT value FROM (
            SELECT value FROM unnest({array}) WITH ORDINALITY AS item(value, j)
            ORDER BY {rnd(f"({key}) * 16 + j", salt + 100)} LIMIT {size}
        ) AS chosen ORDER BY value
    )"""


def _land_releases_sql():
    method = (
        f"CASE WHEN {rnd('p.n', 11)} < 0.30 THEN 'cancelled' "
        f"WHEN {rnd('p.n', 11)} < 0.55 THEN 'reduced' ELSE 'cleared' END"
    )
    items = (
        f"CASE WHEN {rnd('p.n', 11)} < 0.30 THEN 0 WHEN {rnd('p.n', 11)} < 0.55 THEN 1 ELSE 4 END"
    )
    key = "p.n + 100000000"
    status, note = publication_sql(key)
    radius = f"100 + {rnd('p.n', 12)} * 800"
    started = (
        f"(%(start)s::date + floor({rnd('p.n', 13)} * "
        "(%(end)s::date - 200 - %(start)s::date + 1))::int)"
    )
    return f"""
        INSERT INTO contamination_landrelease (
            reference, hazard_area_id, method, geometry, started_on, completed_on,
            organisation_id, ap_mines_found, at_mines_found, uxo_found, other_items_found,
            is_demo, publication_status, retraction_note, created_at, updated_at)
        SELECT 'BENCH-LR-' || lpad(p.n::text, 6, '0'), h.id, {method},
               {blob_sql("coalesce(ST_Centroid(h.geometry), p.geom)", radius, key)},
               {started}, {started} + 10 + floor({rnd("p.n", 14)} * 190)::int,
               (%(operators)s::bigint[])[1 + floor({rnd("p.n", 15)} * 3)::int],
               floor({rnd("p.n", 16)} * (40 * {items} + 1))::int,
               floor({rnd("p.n", 17)} * (8 * {items} + 1))::int,
               floor({rnd("p.n", 18)} * (30 * {items} + 1))::int,
               floor({rnd("p.n", 19)} * (5 * {items} + 1))::int,
               true, {status}, {note}, now(), now()
        FROM bench_point p
        LEFT JOIN bench_hazard h
               ON {rnd("p.n", 10)} < 0.6
              AND h.n = 1 + floor({rnd("p.n", 20)} * %(hazards)s)::int
        WHERE p.kind = 'release'
        ORDER BY p.n
    """


def _incidents_sql():
    demining = f"{rnd('p.n', 21)} < 0.15"
    activities = [value for value in Incident.Activity.values if value != "demining"]
    status, note = publication_sql("p.n + 200000000")
    return f"""
        INSERT INTO contamination_incident (
            reference, occurred_on, occurred_on_precision, location, location_precision,
            device_type, activity, summary, is_demo, publication_status, retraction_note,
            created_at, updated_at)
        SELECT 'BENCH-IN-' || lpad(p.n::text, 6, '0'),
               {random_date_sql("p.n", 22)},
               CASE WHEN {rnd("p.n", 23)} < 0.80 THEN 'day'
                    WHEN {rnd("p.n", 23)} < 0.95 THEN 'month' ELSE 'year' END,
               coalesce(ST_PointOnSurface(h.geometry), p.geom),
               {pick(["exact", "approximate", "settlement"], "p.n", 24)},
               {pick(Incident.DeviceType.values, "p.n", 25)},
               CASE WHEN {demining} THEN 'demining' ELSE {pick(activities, "p.n", 26)} END,
               'Generated benchmark incident.',
               true, {status}, {note}, now(), now()
        FROM bench_point p
        LEFT JOIN bench_hazard h
               ON {rnd("p.n", 27)} < 0.5
              AND h.n = 1 + floor({rnd("p.n", 28)} * %(hazards)s)::int
        WHERE p.kind = 'incident'
        ORDER BY p.n
    """


def _casualties_sql():
    key = "i.n * 4 + person"
    child = f"(i.activity <> 'demining' AND {rnd(key, 33)} < 0.12)"
    return f"""
        INSERT INTO contamination_casualty (incident_id, outcome, "group", sex, age_band)
        SELECT i.id,
               CASE WHEN {rnd(key, 31)} < 0.25 THEN 'killed' ELSE 'injured' END,
               CASE WHEN i.activity = 'demining' THEN 'deminer'
                    WHEN {rnd(key, 32)} < 0.70 THEN 'civilian'
                    WHEN {rnd(key, 32)} < 0.90 THEN 'military' ELSE 'unknown' END,
               CASE WHEN {rnd(key, 34)} < 0.80 THEN 'male'
                    WHEN {rnd(key, 34)} < 0.92 THEN 'female' ELSE 'unknown' END,
               CASE WHEN {child} THEN 'child'
                    WHEN {rnd(key, 35)} < 0.90 THEN 'adult' ELSE 'unknown' END
        FROM (SELECT id, activity, substr(reference, 10)::int AS n
              FROM contamination_incident) AS i,
             generate_series(1, (ARRAY[1, 1, 1, 2, 2, 3])[1 + floor({rnd("i.n", 30)} * 6)::int])
                 AS person
        ORDER BY i.id, person
    """


def _insert_events_sql(cursor, model):
    """One statement writing the insert events pghistory's trigger would have written."""
    event_table = _event_model(model)._meta.db_table
    table = model._meta.db_table
    cursor.execute(
        """
        SELECT e.column_name FROM information_schema.columns e
        JOIN information_schema.columns t
          ON t.column_name = e.column_name AND t.table_name = %s AND t.table_schema = 'public'
        WHERE e.table_name = %s AND e.table_schema = 'public' AND e.column_name NOT LIKE 'pgh_%%'
        ORDER BY e.ordinal_position
        """,
        [table, event_table],
    )
    columns = ", ".join(f'"{name}"' for (name,) in cursor.fetchall())
    return (
        f"INSERT INTO {event_table} (pgh_created_at, pgh_label, pgh_obj_id, {columns}) "
        f"SELECT now(), 'insert', id, {columns} FROM {table} ORDER BY id"
    )


def _store_marker(cursor, dataset):
    cursor.execute(
        f"""
        CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (
            generator int NOT NULL, scale float8 NOT NULL, seed int NOT NULL,
            hazard_areas int NOT NULL, land_releases int NOT NULL, incidents int NOT NULL,
            casualties int NOT NULL, generated_in_s float8 NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now());
        COMMENT ON TABLE {MARKER_TABLE} IS
            'Which synthetic dataset bench/run.py generated here; delete the row to regenerate.';
        DELETE FROM {MARKER_TABLE};
        INSERT INTO {MARKER_TABLE} (generator, scale, seed, hazard_areas, land_releases,
                                    incidents, casualties, generated_in_s)
        VALUES (%(generator)s, %(scale)s, %(seed)s, %(hazard_areas)s, %(land_releases)s,
                %(incidents)s, %(casualties)s, %(generated_in_s)s);
        """,
        {**asdict(dataset), "generator": GENERATOR_VERSION},
    )
