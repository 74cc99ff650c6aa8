#!/usr/bin/env python3
"""Back up, restore and verify the Mine Atlas database (the Makefile's `backup`, `restore`).

    scripts/backup.py backup [--dir backups] [--database NAME]
        pg_dump (custom format) of the database into DIR/NAME-YYYYmmddTHHMMSSZ.dump, and beside
        it a manifest (.manifest.json): per table its row count, an md5 of its rows and an md5
        of each geometry column's EWKB, ordered by primary key. The dump and the manifest are
        taken from one snapshot, so writes during the backup cannot make them disagree.

    scripts/backup.py restore FILE [--into NAME]
        Restore FILE into a new database, verify it against FILE's manifest and, without
        --into, swap it in for the project's database: the old one is kept, renamed
        NAME_before_restore_<time>. The swap needs the site stopped (no open connections).
        With --into the restored copy is left under NAME (a restore drill, or a copy to compare).

    scripts/backup.py verify FILE [--database NAME]
        Compare a database with FILE's manifest: exit 1 naming each table that differs.

    scripts/backup.py prune [--dir backups] --keep N
        Delete all but the newest N dumps (and their manifests).

Connection settings are Django's (DATABASE_URL or DB_*). The role needs to own the database
and have CREATEDB for `restore`; extensions (postgis, unaccent, pg_trgm) must already exist in
template1 (scripts/db.sh makes them locally; docs/operations.md says how elsewhere).
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
MANIFEST_FORMAT = 1

# Session settings that make a row's text the same in every session (timestamps, floats,
# bytea), so that the dump's manifest and the restored database hash alike.
STABLE_OUTPUT = (
    "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres';"
    " SET extra_float_digits = 1; SET bytea_output = 'hex'; SET jit = off"
)

# Tables to fingerprint: ordinary tables, not the extensions' own (spatial_ref_sys) and not
# unlogged ones (rate-limit counters), whose rows pg_dump leaves out.
TABLES_SQL = """
SELECT c.oid, n.nspname, c.relname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND c.relpersistence = 'p'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg_toast%%'
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  )
ORDER BY n.nspname, c.relname
"""
PRIMARY_KEY_SQL = """
SELECT a.attname FROM pg_index i
JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position) ON true
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
WHERE i.indrelid = %s AND i.indisprimary
ORDER BY k.position
"""
GEOMETRY_COLUMNS_SQL = """
SELECT a.attname FROM pg_attribute a
WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped
  AND a.atttypid IN (SELECT oid FROM pg_type WHERE typname IN ('geometry', 'geography'))
ORDER BY a.attnum
"""


class BackupError(Exception):
    """A problem the operator can act on: printed without a traceback."""


# --- Connection ------------------------------------------------------------------------------


def database_settings():
    """Django's default database settings (DATABASE_URL or DB_*), without starting Django."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings

    db = settings.DATABASES["default"]
    return {
        "dbname": db["NAME"],
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": str(db["PORT"]) if db.get("PORT") else None,
    }


def connect(params, dbname=None, autocommit=True):
    connection = psycopg2.connect(**{**params, "dbname": dbname or params["dbname"]})
    connection.autocommit = autocommit
    return connection


def pg_tool(name):
    """The PostgreSQL 15 client (the server's major version), else the one on PATH."""
    versioned = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")) / name
    found = str(versioned) if versioned.exists() else shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found: install postgresql-client or set PG_BIN")
    return found


def pg_args(params, dbname):
    args = [f"--dbname={dbname}"]
    if params["host"]:
        args.append(f"--host={params['host']}")
    if params["port"]:
        args.append(f"--port={params['port']}")
    if params["user"]:
        args.append(f"--username={params['user']}")
    return args


def pg_env(params):
    env = dict(os.environ)
    if params["password"]:
        env["PGPASSWORD"] = params["password"]
    return env


# --- Fingerprints ----------------------------------------------------------------------------


def fingerprints(cursor):
    """Per table: rows, an md5 of all rows and one per geometry column, by primary key."""
    cursor.execute(STABLE_OUTPUT)
    cursor.execute(TABLES_SQL)
    tables = {}
    for oid, schema, name in cursor.fetchall():
        table = sql.Identifier(schema, name)
        cursor.execute(PRIMARY_KEY_SQL, [oid])
        key = [sql.Identifier("t", column) for (column,) in cursor.fetchall()]
        # Without a primary key, the rows' own text gives a stable order.
        order = sql.SQL(", ").join(key) if key else sql.SQL("t::text")
        cursor.execute(GEOMETRY_COLUMNS_SQL, [oid])
        geometry_columns = [column for (column,) in cursor.fetchall()]
        hashes = [
            sql.SQL("md5(coalesce(string_agg(md5(t::text), '' ORDER BY {}), ''))").format(order)
        ]
        for column in geometry_columns:
            hashes.append(
                sql.SQL(
                    "md5(coalesce(string_agg(coalesce(md5(ST_AsEWKB({}::geometry)), '-'), ''"
                    " ORDER BY {}), ''))"
                ).format(sql.Identifier("t", column), order)
            )
        cursor.execute(
            sql.SQL("SELECT count(*), {} FROM {} AS t").format(sql.SQL(", ").join(hashes), table)
        )
        count, rows_md5, *geometry_md5 = cursor.fetchone()
        tables[f"{schema}.{name}"] = {
            "rows": count,
            "rows_md5": rows_md5,
            "geometry_md5": dict(zip(geometry_columns, geometry_md5, strict=True)),
        }
    return tables


def differences(expected, actual):
    """Lines naming what differs between two fingerprint sets (empty when equal)."""
    lines = []
    for name in sorted(set(expected) | set(actual)):
        if name not in actual:
            lines.append(f"{name}: missing after restore")
        elif name not in expected:
            lines.append(f"{name}: not in the backup")
        else:
            want, got = expected[name], actual[name]
            if want["rows"] != got["rows"]:
                lines.append(f"{name}: {got['rows']} rows, the backup had {want['rows']}")
            elif want["rows_md5"] != got["rows_md5"]:
                lines.append(f"{name}: same number of rows, different content")
            for column, digest in want["geometry_md5"].items():
                if got["geometry_md5"].get(column) != digest:
                    lines.append(f"{name}.{column}: geometries differ")
    return lines


def summary(tables):
    rows = sum(table["rows"] for table in tables.values())
    geometry_columns = sum(len(table["geometry_md5"]) for table in tables.values())
    return f"{len(tables)} tables, {rows} rows, {geometry_columns} geometry columns"


def manifest_path(dump):
    return Path(dump).with_suffix(".manifest.json")


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- Commands --------------------------------------------------------------------------------


def backup(directory, database=None):
    params = database_settings()
    dbname = database or params["dbname"]
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    dump = directory / f"{dbname}-{stamp}.dump"
    partial = dump.with_suffix(".dump.partial")

    # One snapshot for the dump and the manifest: the exporting transaction stays open until
    # pg_dump has finished.
    connection = connect(params, dbname, autocommit=False)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
            result = subprocess.run(
                [
                    pg_tool("pg_dump"),
                    *pg_args(params, dbname),
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    "--no-unlogged-table-data",
                    f"--file={partial}",
                ],
                env=pg_env(params),
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                partial.unlink(missing_ok=True)
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
            tables = fingerprints(cursor)
            cursor.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app")
            migrations = dict(cursor.fetchall())
            cursor.execute("SHOW server_version")
            (server_version,) = cursor.fetchone()
            cursor.execute("SELECT extname, extversion FROM pg_extension ORDER BY extname")
            extensions = dict(cursor.fetchall())
    finally:
        connection.close()

    partial.rename(dump)
    manifest = {
        "format": MANIFEST_FORMAT,
        "database": dbname,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "dump": dump.name,
        "dump_sha256": sha256(dump),
        "server_version": server_version,
        "extensions": extensions,
        "migrations": migrations,
        "tables": tables,
    }
    manifest_path(dump).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    print(f"Backed up {dbname} to {dump} ({summary(tables)})")
    return dump


def read_manifest(dump):
    path = manifest_path(dump)
    if not Path(dump).is_file():
        raise BackupError(f"{dump}: no such file")
    if not path.is_file():
        raise BackupError(f"{path}: no manifest beside the dump, so it cannot be verified")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(f"{path}: unknown manifest format {manifest.get('format')!r}")
    if sha256(dump) != manifest["dump_sha256"]:
        raise BackupError(f"{dump}: its checksum differs from the manifest's (damaged file?)")
    return manifest


def verify(dump, database=None):
    manifest = read_manifest(dump)
    params = database_settings()
    dbname = database or params["dbname"]
    connection = connect(params, dbname)
    try:
        with connection.cursor() as cursor:
            actual = fingerprints(cursor)
    finally:
        connection.close()
    problems = differences(manifest["tables"], actual)
    if problems:
        raise BackupError(f"{dbname} differs from {Path(dump).name}:\n  " + "\n  ".join(problems))
    print(f"Verified {dbname} against {Path(dump).name}: {summary(actual)}, all equal")


# Entries a restore leaves to template1: the extensions themselves and PostGIS's table of
# reference systems (the site uses EPSG codes PostGIS ships, never rows of its own).
TEMPLATE_ENTRY = re.compile(
    r"^\d+; \d+ \d+ (EXTENSION |COMMENT - EXTENSION |TABLE DATA public spatial_ref_sys )"
)


def restore_into(dump, manifest, params, target):
    """pg_restore `dump` into the new, empty database `target`, in one transaction."""
    # Extensions come from template1 (an ordinary role may not create PostGIS), so the dump's
    # own CREATE/COMMENT EXTENSION entries are left out of the restore list.
    connection = connect(params, target)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT extname FROM pg_extension")
            present = {name for (name,) in cursor.fetchall()}
    finally:
        connection.close()
    missing = sorted(set(manifest["extensions"]) - present)
    if missing:
        raise BackupError(
            f"template1 lacks the extension(s) {', '.join(missing)}: a superuser must run "
            f"CREATE EXTENSION in template1 first (see docs/operations.md)."
        )
    toc = subprocess.run(
        [pg_tool("pg_restore"), "--list", str(dump)], capture_output=True, text=True, check=True
    ).stdout
    listing = Path(f"{dump}.restore-list")
    listing.write_text(
        "".join(line for line in toc.splitlines(True) if not TEMPLATE_ENTRY.match(line))
    )
    try:
        result = subprocess.run(
            [
                pg_tool("pg_restore"),
                *pg_args(params, target),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--use-list={listing}",
                str(dump),
            ],
            env=pg_env(params),
            capture_output=True,
            text=True,
        )
    finally:
        listing.unlink(missing_ok=True)
    if result.returncode != 0:
        raise BackupError(
            f"pg_restore into {target} failed (nothing restored): {result.stderr.strip()}"
        )


def drop_database(params, name):
    admin = connect(params, "postgres")
    try:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    finally:
        admin.close()


def restore(dump, into=None):
    manifest = read_manifest(dump)
    params = database_settings()
    current = params["dbname"]
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = into or f"{current}_restoring_{stamp}"

    admin = connect(params, "postgres")
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target])
            if cursor.fetchone():
                raise BackupError(f"database {target} exists: restore into a new name")
            cursor.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template1").format(sql.Identifier(target))
            )
    finally:
        admin.close()

    try:
        restore_into(dump, manifest, params, target)
    except BaseException:
        drop_database(params, target)
        raise
    print(f"Restored {Path(dump).name} into {target}")
    try:
        verify(dump, target)
    except BackupError as error:
        raise BackupError(f"{error}\nThe restored copy is kept as {target} to examine.") from None
    if into:
        return target

    kept = f"{current}_before_restore_{stamp}"
    admin = connect(params, "postgres")
    try:
        with admin.cursor() as cursor:
            try:
                cursor.execute(
                    sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                        sql.Identifier(current), sql.Identifier(kept)
                    )
                )
            except psycopg2.errors.ObjectInUse:
                raise BackupError(
                    f"{current} has open connections: stop the site (and close other sessions), "
                    f"then rename by hand or restore again. The verified copy is in {target}."
                ) from None
            cursor.execute(
                sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                    sql.Identifier(target), sql.Identifier(current)
                )
            )
    finally:
        admin.close()
    print(f"{current} is now the restored database; the previous one is kept as {kept}")
    return current


def prune(directory, keep):
    dumps = sorted(Path(directory).glob("*.dump"), key=lambda path: path.stat().st_mtime)
    old = dumps[:-keep] if keep > 0 else dumps
    for dump in old:
        dump.unlink()
        manifest_path(dump).unlink(missing_ok=True)
    print(f"Kept {len(dumps) - len(old)} backup(s) in {directory}, deleted {len(old)}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("backup", help="dump the database with a manifest")
    command.add_argument("--dir", default=str(ROOT / "backups"))
    command.add_argument("--database", help="another database than the project's")
    command = commands.add_parser("restore", help="restore a dump, verify it, swap it in")
    command.add_argument("file")
    command.add_argument("--into", help="restore into this new database and stop there")
    command = commands.add_parser("verify", help="compare a database with a dump's manifest")
    command.add_argument("file")
    command.add_argument("--database", help="another database than the project's")
    command = commands.add_parser("prune", help="keep only the newest N dumps")
    command.add_argument("--dir", default=str(ROOT / "backups"))
    command.add_argument("--keep", type=int, required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "backup":
            backup(args.dir, args.database)
        elif args.command == "restore":
            restore(args.file, args.into)
        elif args.command == "verify":
            verify(args.file, args.database)
        else:
            prune(args.dir, args.keep)
    except BackupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
