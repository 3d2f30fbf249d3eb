#!/usr/bin/env bash
# A private PostgreSQL for tests and local runs, without Docker.
#
#   bash tools/infra/postgres.sh up      start (or reuse) it; prints DATABASE_URL on stdout
#   bash tools/infra/postgres.sh down    stop the cluster this script started (fast shutdown)
#   bash tools/infra/postgres.sh kill    stop it in immediate mode (no checkpoint: a crash)
#   bash tools/infra/postgres.sh status  exit 0 when it answers, 1 otherwise
#   bash tools/infra/postgres.sh url     print the DATABASE_URL it serves
#
# Listens on 127.0.0.1:${PGPORT:-5432}; role `isms` / password `isms` with CREATEDB; databases
# `isms` (the event store) and `ferretdb` (FerretDB's backend: UTF8, template0, C.UTF-8).
# Idempotent:
#   - DATABASE_URL set        → only check that it answers (nothing is started or stopped);
#   - our credentials answer  → reuse whatever serves them;
#   - PostgreSQL not installed (no initdb/pg_ctl under /usr/lib/postgresql/*/bin) → apt-get it;
#   - otherwise initdb (once) and pg_ctl start.
# Data: .infra/postgres/data in the repository (gitignored); $ISMS_INFRA_DIR/postgres/data when
# ISMS_INFRA_DIR is set (with PGPORT: a second cluster, e.g. for a test that restarts it). Debian's PostgreSQL refuses to run
# as root, so as root the cluster belongs to the `postgres` OS user, which must be able to reach
# the directory; where a parent directory is closed to it, the data go to
# /var/tmp/isms-ledger/postgres-<hash of the repo path> instead (printed at start).
# Durability: tests run with fsync=off and synchronous_commit=off (fast; a crash may lose
# data). PG_DURABLE=1 starts the cluster with the defaults (fsync on) — use it for benchmarks
# that claim durability; `up` prints which setting the running server has.
set -euo pipefail
INFRA_NAME=postgres
# shellcheck source=tools/infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT="${PGPORT:-5432}"
ROLE=isms
PASSWORD=isms
DATABASES=(isms ferretdb)
OUR_URL="postgres://$ROLE:$PASSWORD@127.0.0.1:$PORT/isms"
LOG_FILE="$INFRA_LOG_DIR/postgres.log"

# --- where the cluster lives ------------------------------------------------------------------
pg_root() {
  local local_root="$INFRA_DIR/postgres"
  if ! is_root; then
    echo "$local_root"
    return
  fi
  mkdir -p "$INFRA_DIR"
  if runuser -u postgres -- test -x "$INFRA_DIR" 2>/dev/null; then
    echo "$local_root"
  else
    local hash
    # The default directory keeps its historical name; another ISMS_INFRA_DIR gets its own.
    if [ "$INFRA_DIR" = "$INFRA_DEFAULT_DIR" ]; then
      hash="$(printf '%s' "$INFRA_REPO_ROOT" | sha256sum | cut -c1-12)"
    else
      hash="$(printf '%s' "$INFRA_DIR" | sha256sum | cut -c1-12)"
    fi
    echo "/var/tmp/isms-ledger/postgres-$hash"
  fi
}

# Runs a command as the cluster's owner (postgres when we are root, ourselves otherwise),
# from / (the postgres user may not be allowed into the current directory).
as_owner() {
  if is_root; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

pg_bindir() {
  # The highest major version that has both initdb and pg_ctl.
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && echo "$dir"
  done | sort -V | tail -n 1
}

ensure_installed() {
  if [ -n "$(pg_bindir)" ] && command -v psql >/dev/null && command -v pg_isready >/dev/null; then
    return
  fi
  log "PostgreSQL binaries not found: installing Debian's postgresql"
  # Debian's package would create and start a 'main' cluster on 5432; we run our own. The
  # switch lives in postgresql-common's createcluster.conf: install that first, turn it off.
  apt_install postgresql-common
  sed -ri 's/^#?[[:space:]]*create_main_cluster[[:space:]]*=.*/create_main_cluster = false/' \
    /etc/postgresql-common/createcluster.conf
  apt_install postgresql postgresql-client
  [ -n "$(pg_bindir)" ] || die "postgresql installed, but no initdb/pg_ctl under /usr/lib/postgresql/*/bin"
}

# psql checks whether a server answers; a machine with a server elsewhere may lack it.
ensure_client() {
  command -v psql >/dev/null && command -v pg_isready >/dev/null && return
  log "psql not found: installing Debian's postgresql-client"
  apt_install postgresql-client
}

our_credentials_answer() {
  PGCONNECT_TIMEOUT=3 psql "$OUR_URL" -XtAqc 'select 1' >/dev/null 2>&1
}

cluster_running() {
  local bindir data
  bindir="$(pg_bindir)"
  data="$(pg_root)/data"
  [ -n "$bindir" ] && [ -f "$data/PG_VERSION" ] && as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1
}

superuser_psql() {
  as_owner psql -X -v ON_ERROR_STOP=1 -h "$(pg_root)/run" -p "$PORT" -U postgres -d postgres "$@"
}

ensure_role_and_databases() {
  superuser_psql -qtA >/dev/null <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
  ELSE
    ALTER ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
  END IF;
END
\$\$;
SQL
  local db
  for db in "${DATABASES[@]}"; do
    if [ "$(superuser_psql -qtAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
      log "creating database $db"
      superuser_psql -qc "CREATE DATABASE $db OWNER $ROLE ENCODING 'UTF8' TEMPLATE template0 LOCALE 'C.UTF-8'"
    fi
  done
}

report_ready() {
  local url="$1" fsync
  fsync="$(PGCONNECT_TIMEOUT=3 psql "$url" -XtAqc "SELECT current_setting('fsync') || '/' || current_setting('synchronous_commit')" 2>/dev/null || echo unknown)"
  log "ready (fsync/synchronous_commit = $fsync)"
  echo "DATABASE_URL=$url"
}

start_cluster() {
  ensure_installed
  local bindir root data run
  bindir="$(pg_bindir)"
  root="$(pg_root)"
  data="$root/data"
  run="$root/run"
  mkdir -p "$data" "$run" "$INFRA_LOG_DIR"
  # The server writes its log as the cluster's owner: where it cannot reach .infra/logs, the
  # log lives next to the data and .infra/logs/postgres.log points at it.
  local server_log="$LOG_FILE"
  if [ "$root" != "$INFRA_DIR/postgres" ]; then
    log "data directory: $data (the postgres user cannot reach $INFRA_DIR)"
    server_log="$root/postgres.log"
    ln -sfn "$server_log" "$LOG_FILE"
  fi
  touch "$server_log"
  if is_root; then chown postgres: "$root" "$data" "$run" "$server_log"; fi
  chmod 700 "$data"

  if [ ! -f "$data/PG_VERSION" ]; then
    log "initdb $data ($bindir)"
    as_owner "$bindir/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >>"$LOG_FILE" 2>&1 ||
      die "initdb failed; see $LOG_FILE"
  fi
  local major
  major="$(cat "$data/PG_VERSION")"
  case "$bindir" in
  "/usr/lib/postgresql/$major/bin") ;;
  *) die "$data was made by PostgreSQL $major but the binaries are $bindir; remove $data (test data) and rerun" ;;
  esac

  local options="-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$run -c max_connections=200"
  if [ "${PG_DURABLE:-0}" != 1 ]; then
    options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  log "starting on 127.0.0.1:$PORT (log: $LOG_FILE)"
  as_owner "$bindir/pg_ctl" -D "$data" -l "$server_log" -o "$options" -w -t 60 start >/dev/null ||
    die "pg_ctl start failed; last log lines:
$(tail -n 20 "$LOG_FILE")"
  wait_until 60 "PostgreSQL on port $PORT" pg_isready -q -h 127.0.0.1 -p "$PORT" ||
    die "PostgreSQL did not become ready; see $LOG_FILE"
}

cmd_up() {
  ensure_client
  if [ -n "${DATABASE_URL:-}" ]; then
    PGCONNECT_TIMEOUT=5 psql "$DATABASE_URL" -XtAqc 'select 1' >/dev/null 2>&1 ||
      die "DATABASE_URL is set but does not answer: $DATABASE_URL"
    log "using DATABASE_URL from the environment"
    report_ready "$DATABASE_URL"
    return
  fi
  if cluster_running; then
    ensure_role_and_databases
  elif our_credentials_answer; then
    log "reusing the PostgreSQL already answering on 127.0.0.1:$PORT"
  elif port_open "$PORT"; then
    die "something else listens on 127.0.0.1:$PORT and refuses $ROLE/$PASSWORD; stop it, or choose another port with PGPORT=..."
  else
    start_cluster
    ensure_role_and_databases
  fi
  our_credentials_answer || die "PostgreSQL is up but $OUR_URL does not answer"
  report_ready "$OUR_URL"
}

cmd_down() { # [fast|immediate]
  if [ -n "${DATABASE_URL:-}" ]; then
    log "DATABASE_URL is set: not ours to stop"
    return
  fi
  if cluster_running; then
    log "stopping (${1:-fast} mode)"
    as_owner "$(pg_bindir)/pg_ctl" -D "$(pg_root)/data" -m "${1:-fast}" -w -t 60 stop >/dev/null
  else
    log "not running"
  fi
}

cmd_status() {
  ensure_client
  local url="${DATABASE_URL:-$OUR_URL}"
  if PGCONNECT_TIMEOUT=3 psql "$url" -XtAqc 'select 1' >/dev/null 2>&1; then
    log "up: $url"
  else
    log "down: $url"
    return 1
  fi
}

case "${1:-}" in
up) cmd_up ;;
down) cmd_down ;;
kill) cmd_down immediate ;;
status) cmd_status ;;
url) echo "${DATABASE_URL:-$OUR_URL}" ;;
*)
  echo "usage: $0 up|down|kill|status|url" >&2
  exit 2
  ;;
esac
