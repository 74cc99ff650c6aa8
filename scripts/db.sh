#!/usr/bin/env bash
# Project-local PostgreSQL 15 + PostGIS cluster for development and tests.
#
#   scripts/db.sh up     create (once) and start the cluster, role, database and PostGIS
#   scripts/db.sh down   stop it
#   scripts/db.sh status
#
# Data lives in .pgdata/ (a link into /tmp when the postgres user cannot reach the
# project folder), the socket in /tmp, TCP on 127.0.0.1:$DB_PORT. Every step is guarded,
# so running `up` again costs a status check. Nothing here runs when DATABASE_URL is set.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DB_PORT="${DB_PORT:-54329}"
DB_NAME="${DB_NAME:-mineatlas}"
DB_USER="${DB_USER:-mineatlas}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PGDATA_LINK="$ROOT/.pgdata"
SOCKET_DIR="/tmp/mineatlas-pg-$DB_PORT"

if [[ -n "${DATABASE_URL:-}" ]]; then
    echo "DATABASE_URL is set: not managing a local cluster."
    exit 0
fi

# initdb and postgres refuse to run as root: run them as the postgres user then.
if [[ "$(id -u)" == "0" ]]; then
    PG_OS_USER=postgres
    as_pg() { runuser -u postgres -- "$@"; }
else
    PG_OS_USER="$(id -un)"
    as_pg() { "$@"; }
fi

data_dir() {
    # The postgres user must be able to traverse every parent of the data directory.
    if [[ -L "$PGDATA_LINK" ]]; then
        readlink -f "$PGDATA_LINK"
    elif [[ -d "$PGDATA_LINK" ]]; then
        echo "$PGDATA_LINK"
    elif as_pg test -x "$ROOT" 2>/dev/null && as_pg test -w "$ROOT" 2>/dev/null; then
        echo "$PGDATA_LINK"
    else
        local hash
        hash="$(echo -n "$ROOT:$DB_PORT" | md5sum | cut -c1-10)"
        echo "/tmp/mineatlas-pgdata-$hash"
    fi
}

psql_admin() {
    as_pg "$PG_BIN/psql" -h "$SOCKET_DIR" -p "$DB_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"
}

up() {
    local dir
    dir="$(data_dir)"
    if [[ "$dir" != "$PGDATA_LINK" && ! -e "$PGDATA_LINK" ]]; then
        mkdir -p "$dir"
        chown "$PG_OS_USER" "$dir"
        chmod 700 "$dir"
        ln -s "$dir" "$PGDATA_LINK"
    fi
    if [[ ! -f "$dir/PG_VERSION" ]]; then
        mkdir -p "$dir"
        chown "$PG_OS_USER" "$dir"
        chmod 700 "$dir"
        echo "Creating PostgreSQL cluster in $dir"
        as_pg "$PG_BIN/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    mkdir -p "$SOCKET_DIR"
    chown "$PG_OS_USER" "$SOCKET_DIR"
    if ! as_pg "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
        echo "Starting PostgreSQL on 127.0.0.1:$DB_PORT"
        # fsync and friends are off: this cluster holds development and test data only.
        as_pg "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start \
            -o "-p $DB_PORT -k $SOCKET_DIR -c listen_addresses=127.0.0.1 -c fsync=off \
                -c synchronous_commit=off -c full_page_writes=off -c jit=off \
                -c shared_buffers=256MB -c max_connections=200" >/dev/null
    fi
    # The app role owns its database and may create test databases, nothing more: the
    # extensions it needs are made here by the postgres superuser, in template1 (so every
    # database made from it, test databases included, has them) and in the app database.
    if [[ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" != "1" ]]; then
        psql_admin -c "CREATE ROLE $DB_USER LOGIN NOSUPERUSER CREATEDB"
        psql_admin -c "ALTER ROLE $DB_USER SET jit = off"
    fi
    create_extensions template1
    if [[ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != "1" ]]; then
        psql_admin -c "CREATE DATABASE $DB_NAME OWNER $DB_USER"
    fi
    # The app database and any test database kept by --reuse-db from before.
    local database
    for database in $(psql_admin -c "SELECT datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE r.rolname = '$DB_USER' AND NOT d.datistemplate"); do
        create_extensions "$database"
    done
    # Clusters made by earlier versions of this script had a superuser app role: take the
    # right away once the extensions exist (idempotent; a no-op on new clusters).
    if [[ "$(psql_admin -c "SELECT rolsuper OR NOT rolcreatedb FROM pg_roles WHERE rolname = '$DB_USER'")" == "t" ]]; then
        echo "Making role $DB_USER an ordinary owner role (NOSUPERUSER CREATEDB)"
        psql_admin -c "ALTER ROLE $DB_USER NOSUPERUSER CREATEDB"
    fi
}

# Extensions the app uses: PostGIS for geometry, unaccent and pg_trgm for search.
# None of them is trusted in PostgreSQL 15, so an ordinary role cannot create them itself.
EXTENSIONS=(postgis unaccent pg_trgm)

create_extensions() {
    local sql="SET client_min_messages = warning;" extension
    for extension in "${EXTENSIONS[@]}"; do
        sql+=" CREATE EXTENSION IF NOT EXISTS $extension;"
    done
    psql_admin -d "$1" -c "$sql"
}

down() {
    local dir
    dir="$(data_dir)"
    if [[ -f "$dir/PG_VERSION" ]] && as_pg "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
        as_pg "$PG_BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
        echo "PostgreSQL on port $DB_PORT stopped."
    else
        echo "PostgreSQL on port $DB_PORT is not running."
    fi
}

status() {
    as_pg "$PG_BIN/pg_ctl" -D "$(data_dir)" status
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    status) status ;;
    *) echo "usage: $0 {up|down|status}" >&2; exit 2 ;;
esac
