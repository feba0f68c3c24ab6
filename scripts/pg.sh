#!/usr/bin/env bash
# Project-local PostgreSQL 15 + PostGIS cluster, used only when no DATABASE_URL is given.
#   scripts/pg.sh init|start|stop|status|url|psql
# Works as root (the server runs as the `postgres` system user: initdb refuses root) and as an ordinary user.
# See ../shared/notes/setup-findings.md §2 and pitfalls P3-P7.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DB_NAME="gis_portal"
DB_USER="gis_portal"
DB_PASS="gis_portal"
PG_MAJOR="${PG_MAJOR:-15}"
PGBIN="/usr/lib/postgresql/$PG_MAJOR/bin"   # initdb/pg_ctl are not on PATH on Debian (P6)
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL $PG_MAJOR server not found (apt-get install postgresql-$PG_MAJOR)" >&2; exit 1; }

if [ "$(id -u)" -eq 0 ]; then
  AS_SRV=(runuser -u postgres --)
  # The postgres user must be able to traverse the project path (P4); /root is 0700, so fall back to /var/lib.
  if runuser -u postgres -- test -x "$ROOT" 2>/dev/null && runuser -u postgres -- test -x "$ROOT/.." ; then
    STATE="$ROOT/.pg"
  else
    STATE="/var/lib/gis_portal/pg-$(echo -n "$ROOT" | md5sum | cut -c1-12)"
  fi
else
  AS_SRV=()
  STATE="$ROOT/.pg"
fi
PGDATA="$STATE/data"
PGSOCK="$STATE/sock"
LOG="$STATE/server.log"
# The port is chosen once at init (the first free one from 55432) and kept in $STATE/port, so a second checkout's
# cluster never fights the first one for the port.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ -f "$STATE/port" ]; then PORT="$(cat "$STATE/port")"; else PORT="${GIS_PORTAL_PG_PORT:-55432}"; fi

srv() { "${AS_SRV[@]}" "$@"; }
psql_su() { srv "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGSOCK" -p "$PORT" -U postgres "$@"; }

running() { srv "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }

init() {
  if [ -f "$PGDATA/PG_VERSION" ]; then return 0; fi
  mkdir -p "$PGDATA" "$PGSOCK"
  if [ -z "${GIS_PORTAL_PG_PORT:-}" ]; then
    while port_in_use "$PORT"; do PORT=$((PORT + 1)); done
  fi
  echo "$PORT" > "$STATE/port"
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$STATE"; fi
  chmod 700 "$PGDATA"
  srv "$PGBIN/initdb" -D "$PGDATA" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  cat >> "$PGDATA/postgresql.conf" <<CONF
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PGSOCK'
unix_socket_permissions = 0700
fsync = on
shared_buffers = 256MB
work_mem = 32MB
maintenance_work_mem = 256MB
max_connections = 100
CONF
  start
  # PostGIS is not a trusted extension: put it in template1 so the app role (CREATEDB only) gets it in every
  # database it creates, test databases included (P7).
  psql_su -d template1 -c "CREATE EXTENSION IF NOT EXISTS postgis"
  psql_su -d postgres -c "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASS' CREATEDB"
  psql_su -d postgres -c "CREATE DATABASE $DB_NAME OWNER $DB_USER"
}

start() {
  running && return 0
  mkdir -p "$PGSOCK"; [ "$(id -u)" -eq 0 ] && chown postgres: "$PGSOCK"
  if ! srv "$PGBIN/pg_ctl" -D "$PGDATA" -l "$LOG" -w -t 60 start >/dev/null; then
    echo "PostgreSQL did not start; last lines of $LOG:" >&2; tail -n 20 "$LOG" >&2 || true
    echo "Is port $PORT taken? Set GIS_PORTAL_PG_PORT to another port." >&2
    exit 1
  fi
}

case "${1:-}" in
  init) init; start ;;
  start) start ;;
  stop) running && srv "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null || true ;;
  status) if running; then echo "running on 127.0.0.1:$PORT ($PGDATA)"; else echo "stopped ($PGDATA)"; exit 3; fi ;;
  url) echo "postgis://$DB_USER:$DB_PASS@127.0.0.1:$PORT/$DB_NAME" ;;
  psql) shift; PGPASSWORD="$DB_PASS" psql -h 127.0.0.1 -p "$PORT" -U "$DB_USER" "$DB_NAME" "$@" ;;
  *) echo "usage: scripts/pg.sh init|start|stop|status|url|psql" >&2; exit 2 ;;
esac
