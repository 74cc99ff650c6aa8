#!/usr/bin/env bash
# Project-local PostgreSQL 15 + PostGIS cluster for development and tests.
#
#   scripts/db.sh up       create (once) and start the cluster, role, database and PostGIS;
#                          with REPLICA=1 also its streaming replica (below)
#   scripts/db.sh replica  create (once) and start the streaming replica only
#   scripts/db.sh down     stop the replica (if any) and the cluster
#   scripts/db.sh status
#
# Data lives in .pgdata/ (a link into /tmp when the postgres user cannot reach the
# project folder), the socket in /tmp, TCP on 127.0.0.1:$DB_PORT. Every step is guarded,
# so running `up` again costs a status check. Nothing here runs when DATABASE_URL is set.
#
# The replica (docs/deploy.md) is a second cluster on the same machine: a copy of the
# first made by pg_basebackup -R, which then follows it by streaming replication, read-only,
# on 127.0.0.1:$DB_REPLICA_PORT (default DB_PORT + 100, away from the ports next to DB_PORT
# that other local clusters tend to use). Its data lives in .pgdata-replica/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DB_PORT="${DB_PORT:-54329}"
DB_NAME="${DB_NAME:-mineatlas}"
DB_USER="${DB_USER:-mineatlas}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
DB_REPLICA_PORT="${DB_REPLICA_PORT:-$((DB_PORT + 100))}"
PGDATA_LINK="$ROOT/.pgdata"
SOCKET_DIR="/tmp/mineatlas-pg-$DB_PORT"
REPLICA_LINK="$ROOT/.pgdata-replica"
REPLICA_SOCKET_DIR="/tmp/mineatlas-pg-$DB_REPLICA_PORT"

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
    local link="${1:-$PGDATA_LINK}" port="${2:-$DB_PORT}"
    if [[ -L "$link" ]]; then
        readlink -f "$link"
    elif [[ -d "$link" ]]; then
        echo "$link"
    elif as_pg test -x "$ROOT" 2>/dev/null && as_pg test -w "$ROOT" 2>/dev/null; then
        echo "$link"
    else
        local hash
        hash="$(echo -n "$ROOT:$port" | md5sum | cut -c1-10)"
        echo "/tmp/mineatlas-pgdata-$hash"
    fi
}

# Make the data directory (or its link into /tmp) for `link`, owned by the postgres user.
prepare_data_dir() {
    local link="$1" dir="$2"
    if [[ "$dir" != "$link" && ! -e "$link" ]]; then
        mkdir -p "$dir"
        chown "$PG_OS_USER" "$dir"
        chmod 700 "$dir"
        ln -s "$dir" "$link"
    fi
}

psql_admin() {
    as_pg "$PG_BIN/psql" -h "$SOCKET_DIR" -p "$DB_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"
}

up() {
    local dir
    dir="$(data_dir)"
    prepare_data_dir "$PGDATA_LINK" "$dir"
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
    if [[ "${REPLICA:-0}" == "1" ]]; then
        replica_up
    fi
}

# The streaming replica: pg_basebackup copies the running cluster (a few seconds for a
# development database) and -R writes standby.signal and primary_conninfo, so the copy
# starts as a hot standby that replays the primary's WAL as it is written. initdb's
# pg_hba.conf already trusts replication connections from this machine, and PostgreSQL 15's
# defaults (wal_level=replica, max_wal_senders=10) allow them: the primary needs no change.
replica_up() {
    local dir
    dir="$(data_dir "$REPLICA_LINK" "$DB_REPLICA_PORT")"
    prepare_data_dir "$REPLICA_LINK" "$dir"
    # A copy of an older cluster (one made again since) cannot follow the new one: copy anew.
    if [[ -f "$dir/PG_VERSION" && "$(system_identifier "$dir")" != "$(system_identifier "$(data_dir)")" ]]; then
        echo "The replica in $dir copies an older cluster: copying the current one again"
        as_pg "$PG_BIN/pg_ctl" -D "$dir" -m immediate -w stop >/dev/null 2>&1 || true
        find "$dir" -mindepth 1 -delete
    fi
    if [[ ! -f "$dir/PG_VERSION" ]]; then
        mkdir -p "$dir"
        chown "$PG_OS_USER" "$dir"
        chmod 700 "$dir"
        echo "Copying the cluster on port $DB_PORT into the replica in $dir"
        as_pg "$PG_BIN/pg_basebackup" -h "$SOCKET_DIR" -p "$DB_PORT" -U postgres -D "$dir" \
            -R -X stream -c fast
    fi
    mkdir -p "$REPLICA_SOCKET_DIR"
    chown "$PG_OS_USER" "$REPLICA_SOCKET_DIR"
    if ! as_pg "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
        echo "Starting the streaming replica on 127.0.0.1:$DB_REPLICA_PORT"
        # hot_standby_feedback: a long public read on the replica is not cancelled because
        # the primary vacuumed rows it still reads (the primary keeps them a little longer).
        as_pg "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start \
            -o "-p $DB_REPLICA_PORT -k $REPLICA_SOCKET_DIR -c listen_addresses=127.0.0.1 \
                -c fsync=off -c full_page_writes=off -c jit=off -c hot_standby=on \
                -c hot_standby_feedback=on -c shared_buffers=128MB -c max_connections=200" \
            >/dev/null
    fi
}

system_identifier() {
    as_pg "$PG_BIN/pg_controldata" "$1" | sed -n 's/^Database system identifier: *//p'
}

replica_down() {
    local dir
    dir="$(data_dir "$REPLICA_LINK" "$DB_REPLICA_PORT")"
    if [[ -f "$dir/PG_VERSION" ]] && as_pg "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
        as_pg "$PG_BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
        echo "Replica on port $DB_REPLICA_PORT stopped."
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
    replica_down
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
    local replica
    replica="$(data_dir "$REPLICA_LINK" "$DB_REPLICA_PORT")"
    if [[ -f "$replica/PG_VERSION" ]]; then
        echo "Replica (port $DB_REPLICA_PORT):"
        as_pg "$PG_BIN/pg_ctl" -D "$replica" status || true
    fi
}

case "${1:-}" in
    up) up ;;
    replica) replica_up ;;
    down) down ;;
    status) status ;;
    *) echo "usage: $0 {up|replica|down|status}" >&2; exit 2 ;;
esac
