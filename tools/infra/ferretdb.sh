#!/usr/bin/env bash
# FerretDB (MongoDB wire protocol on PostgreSQL) on 127.0.0.1:27017, without Docker.
#
#   bash tools/infra/ferretdb.sh up|down|status|prepare|url
#
#   up       build FerretDB once (cached by version), start it on the private PostgreSQL
#            (database `ferretdb`, see tools/infra/postgres.sh), wait until it answers
#   down     stop the FerretDB this script started
#   kill     SIGKILL it (a crash, for fault tests)
#   status   exit 0 when it answers a MongoDB ping, 1 otherwise
#   prepare  only build and cache the binary (up.sh runs it in parallel with the Kafka fetch)
#   url      print the MONGO_URL it serves
#
# When MONGO_URL is set, nothing is started or stopped: up/status only check that it answers
# (a real MongoDB from infra/docker-compose.yml, say), and fail loudly if it does not.
#
# The binary is built from the Go module, not with `go install` (that binary panics at start:
# the module zip lacks build/version/version.txt), and cached in
# ${XDG_CACHE_HOME:-~/.cache}/isms-ledger/ferretdb-<version>/ferretdb.
# State: .infra/ferretdb/ ($ISMS_INFRA_DIR/ferretdb/ when set); logs: .infra/logs/ferretdb.log
# and ferretdb-build.log. Another instance: ISMS_INFRA_DIR, ISMS_FERRETDB_PORT and PGPORT (or
# FERRETDB_POSTGRESQL_URL) name its state, its port and its PostgreSQL.
set -Eeuo pipefail
INFRA_NAME=ferretdb
# shellcheck source=tools/infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT="$INFRA_REPO_ROOT"
HERE="$ROOT/tools/infra/ferretdb"

FERRETDB_VERSION="${ISMS_FERRETDB_VERSION:-v1.24.2}"
MODULE="github.com/FerretDB/FerretDB"
HOST=127.0.0.1
PORT="${ISMS_FERRETDB_PORT:-27017}"
OUR_URL="mongodb://$HOST:$PORT/isms?directConnection=true"
PG_URL="${FERRETDB_POSTGRESQL_URL:-postgres://isms:isms@127.0.0.1:${PGPORT:-5432}/ferretdb}"
READY_TIMEOUT_MS="${ISMS_FERRETDB_READY_TIMEOUT_MS:-30000}"

CACHE_ROOT="$INFRA_CACHE"
BIN_DIR="$CACHE_ROOT/ferretdb-$FERRETDB_VERSION"
BIN="$BIN_DIR/ferretdb"

LOG_DIR="$INFRA_LOG_DIR"
STATE_DIR="$INFRA_DIR/ferretdb"
PID_FILE="$STATE_DIR/ferretdb.pid"
LOG="$LOG_DIR/ferretdb.log"
BUILD_LOG="$LOG_DIR/ferretdb-build.log"

require_node_mongoose() {
  command -v node >/dev/null || die "node is not on PATH (needed for the ready check)"
  (cd "$ROOT" && node -e "import('mongoose').then(() => process.exit(0), () => process.exit(1))") ||
    die "mongoose is not installed at the repository root: run 'npm ci' first"
}

# ready_check URL TIMEOUT_MS [PID] -> exit code of ready.mjs (0 ready, 1 timeout, 3 pid died)
ready_check() {
  local args=(--url "$1" --timeout-ms "$2")
  if [[ -n "${3:-}" ]]; then args+=(--pid "$3"); fi
  (cd "$ROOT" && node "$HERE/ready.mjs" "${args[@]}") >&2
}

# The output is read whole before it is matched: `ferretdb --version | grep -q` fails now and then
# under pipefail (grep stops at the first line; ferretdb, still writing, dies of SIGPIPE).
reports_version() {
  local out
  out="$("$1" --version 2>&1)" || return 1
  grep -qx "version: $FERRETDB_VERSION" <<<"$out"
}
binary_ok() { [[ -x "$BIN" ]] && reports_version "$BIN"; }

require_go() {
  if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then
    export PATH="/usr/local/go/bin:$PATH"
  fi
  command -v go >/dev/null || die "Go is not installed (needed once, to build FerretDB $FERRETDB_VERSION)"
  local v
  v="$(GOTOOLCHAIN=local go env GOVERSION)" # e.g. go1.26.8
  v="${v#go}"
  local major="${v%%.*}" rest="${v#*.}"
  local minor="${rest%%.*}"
  # FerretDB v1.24's go.mod says `go 1.24`; GOTOOLCHAIN=local forbids fetching another toolchain.
  if ! [[ "$major" -gt 1 || ("$major" -eq 1 && "${minor%%[!0-9]*}" -ge 24) ]]; then
    die "Go $v is too old to build FerretDB $FERRETDB_VERSION (needs go 1.24 or newer)"
  fi
}

# Build the binary once per machine and version.
prepare() {
  mkdir -p "$LOG_DIR" "$CACHE_ROOT"
  if binary_ok; then
    say "binary cached: $BIN"
    return 0
  fi
  require_go
  # In a subshell, so that the lock's file descriptor is closed afterwards (a daemon started
  # later by this shell must not inherit it).
  (
    exec 8>"$CACHE_ROOT/.ferretdb-$FERRETDB_VERSION.lock"
    flock -w 1200 8 || die "timed out waiting for another build of FerretDB $FERRETDB_VERSION"
    binary_ok && { say "binary cached: $BIN"; exit 0; }
    build_locked
  )
}

build_locked() {
  local started=$SECONDS work="$CACHE_ROOT/.ferretdb-build-$FERRETDB_VERSION.$$"
  say "building FerretDB $FERRETDB_VERSION from the Go module (takes a minute or more; log: $BUILD_LOG)"
  rm -rf "$work"
  mkdir -p "$work"
  # Our own settings win over whatever the caller's environment says.
  export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false GO111MODULE=on CGO_ENABLED=0
  local json dir attempt
  for attempt in 1 2; do
    if json="$(cd "$work" && go mod download -json "$MODULE@$FERRETDB_VERSION" 2>>"$BUILD_LOG")"; then
      break
    fi
    printf '%s\n' "$json" >>"$BUILD_LOG"
    [[ $attempt -eq 2 ]] && { rm -rf "$work"; die "go mod download $MODULE@$FERRETDB_VERSION failed" "$BUILD_LOG"; }
    say "go mod download failed (attempt $attempt); retrying once"
    sleep 3
  done
  dir="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' | head -n 1)"
  [[ -n "$dir" && -f "$dir/go.mod" ]] || { rm -rf "$work"; die "no module directory in: $json" "$BUILD_LOG"; }
  cp -R "$dir" "$work/src"
  chmod -R u+w "$work/src"
  # The module zip lacks this file; without it the binary panics at start (upstream #2982).
  printf '%s\n' "$FERRETDB_VERSION" >"$work/src/build/version/version.txt"
  for attempt in 1 2; do
    # ferretdb_no_sqlite: the PostgreSQL backend only (the SQLite one compiles much longer).
    if (cd "$work/src" && go build -trimpath -buildvcs=false -tags ferretdb_no_sqlite \
      -o "$work/ferretdb" ./cmd/ferretdb) >>"$BUILD_LOG" 2>&1; then
      break
    fi
    [[ $attempt -eq 2 ]] && { rm -rf "$work"; die "go build of FerretDB failed" "$BUILD_LOG"; }
    say "go build failed (attempt $attempt; dependency download?); retrying once"
    sleep 3
  done
  reports_version "$work/ferretdb" ||
    { rm -rf "$work"; die "the built binary does not report version $FERRETDB_VERSION" "$BUILD_LOG"; }
  mkdir -p "$BIN_DIR"
  mv -f "$work/ferretdb" "$BIN.tmp"
  mv -f "$BIN.tmp" "$BIN"
  rm -rf "$work"
  say "built $BIN in $((SECONDS - started)) s"
}

# Our FerretDB's pid, if the pid file names a live ferretdb started with our state dir.
ferretdb_pid() { managed_pid "$PID_FILE" "--state-dir=$STATE_DIR/state"; }

postgres_answers() {
  if command -v psql >/dev/null; then
    PGCONNECT_TIMEOUT=5 psql "$PG_URL" -XtAqc 'select 1' >/dev/null 2>&1
  else
    return 0 # cannot tell without psql; the MongoDB ping below will
  fi
}

start_ferretdb() {
  mkdir -p "$STATE_DIR/state"
  rotate_log "$LOG"
  printf '\n===== %s starting FerretDB %s (isms tools/infra/ferretdb.sh) =====\n' \
    "$(date -u +%FT%TZ)" "$FERRETDB_VERSION" >>"$LOG"
  start_daemon "$PID_FILE" "$LOG" \
    "$BIN" --handler=postgresql --postgresql-url="$PG_URL" \
    --listen-addr="$HOST:$PORT" --debug-addr=- --state-dir="$STATE_DIR/state" \
    --telemetry=disable --log-level=info
}

up() {
  mkdir -p "$LOG_DIR"
  require_node_mongoose
  if [[ -n "${MONGO_URL:-}" ]]; then
    say "MONGO_URL is set: not starting FerretDB, checking $MONGO_URL"
    ready_check "$MONGO_URL" 20000 || die "MONGO_URL=$MONGO_URL does not answer"
    return 0
  fi
  local pid
  if pid="$(ferretdb_pid)"; then
    if ready_check "$OUR_URL" 10000 "$pid"; then
      say "already running (pid $pid); reusing it"
      return 0
    fi
    say "FerretDB pid $pid runs but does not answer; restarting it"
    stop_pid "$pid" 10
  fi
  rm -f "$PID_FILE"
  if port_open "$PORT"; then
    if ready_check "$OUR_URL" 10000; then
      say "a MongoDB-compatible server not started by this script answers on $HOST:$PORT; reusing it"
      return 0
    fi
    die "port $PORT on $HOST is taken by something that does not answer MongoDB commands"
  fi

  prepare
  postgres_answers ||
    die "FerretDB's PostgreSQL ($PG_URL) does not answer: run 'bash tools/infra/postgres.sh up' first (or set FERRETDB_POSTGRESQL_URL)"

  local attempt started=$SECONDS rc
  for attempt in 1 2; do
    pid="$(start_ferretdb)"
    [[ -n "$pid" ]] || die "the FerretDB process did not start" "$LOG"
    say "started pid $pid (attempt $attempt); waiting up to $((READY_TIMEOUT_MS / 1000)) s (log: $LOG)"
    rc=0
    ready_check "$OUR_URL" "$READY_TIMEOUT_MS" "$pid" || rc=$?
    if [[ $rc -eq 0 ]]; then
      say "ready after $((SECONDS - started)) s"
      return 0
    fi
    say "FerretDB not ready (attempt $attempt, ready-check exit $rc)"
    tail_log "$LOG" 30
    stop_pid "$pid" 10
    rm -f "$PID_FILE"
  done
  die "FerretDB did not become ready after two attempts (log tails above; full log: $LOG)"
}

down() { # [kill]
  if [[ -n "${MONGO_URL:-}" ]]; then
    say "MONGO_URL is set: external server, nothing to stop"
    return 0
  fi
  stop_daemon "$PID_FILE" "--state-dir=$STATE_DIR/state" 10 "${1:-}"
}

status() {
  local url="${MONGO_URL:-$OUR_URL}" pid=""
  require_node_mongoose
  if [[ -z "${MONGO_URL:-}" ]]; then
    pid="$(ferretdb_pid || true)"
    if [[ -n "$pid" ]]; then say "process: pid $pid (managed by ferretdb.sh), log $LOG"; fi
  else
    say "external: MONGO_URL=$MONGO_URL"
  fi
  if ready_check "$url" 5000; then
    return 0
  fi
  say "not answering on $url"
  return 1
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  kill) down kill ;;
  status) status ;;
  prepare) prepare ;;
  url) echo "${MONGO_URL:-$OUR_URL}" ;;
  *)
    echo "usage: $0 up|down|kill|status|prepare|url" >&2
    exit 2
    ;;
esac
