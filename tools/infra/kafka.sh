#!/usr/bin/env bash
# Single-node Apache Kafka (KRaft, combined broker + controller) on loopback, without Docker.
#
#   bash tools/infra/kafka.sh up|down|status|prepare|topics TOPIC...|url
#
#   up       fetch the broker jars if not cached, format storage once, start, wait until ready
#   down     stop the broker this script started (SIGTERM, then SIGKILL after 30 s)
#   kill     SIGKILL the broker this script started (a crash, for fault tests)
#   status   exit 0 when the broker answers, 1 otherwise
#   prepare  only fetch and cache the jars (up.sh runs it in parallel with the FerretDB build)
#   topics   create topics idempotently (tools/infra/kafka/topics.mjs)
#   url      print the bootstrap servers
#
# When KAFKA_BROKERS is set, nothing is started or stopped: up/status only check that those
# brokers answer, and fail loudly if they do not.
#
# Jars: org.apache.kafka:kafka_2.13 and its runtime dependencies, copied by Maven into
# ${XDG_CACHE_HOME:-~/.cache}/isms-ledger/kafka-<version>/libs (marker file .complete).
# State: .infra/kafka/ (data, rendered server.properties, pid); logs: .infra/logs/kafka*.log.
#
# Another broker beside the usual one (a test that stops its broker must not stop the shared one):
#   ISMS_INFRA_DIR=/tmp/x ISMS_KAFKA_PORT=19092 ISMS_KAFKA_CONTROLLER_PORT=19093 kafka.sh up|kill|…
# (state and logs under $ISMS_INFRA_DIR; the cached jars are shared).
set -Eeuo pipefail
INFRA_NAME=kafka
# shellcheck source=tools/infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT="$INFRA_REPO_ROOT"
HERE="$ROOT/tools/infra/kafka"

# 3.9.1: see infra/README.md ("Why Kafka 3.9.1").
KAFKA_VERSION="${ISMS_KAFKA_VERSION:-3.9.1}"
DEPENDENCY_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
HOST=127.0.0.1
BROKER_PORT="${ISMS_KAFKA_PORT:-9092}"
CONTROLLER_PORT="${ISMS_KAFKA_CONTROLLER_PORT:-9093}"
READY_TIMEOUT_MS="${ISMS_KAFKA_READY_TIMEOUT_MS:-60000}"

CACHE_ROOT="$INFRA_CACHE"
KAFKA_HOME="$CACHE_ROOT/kafka-$KAFKA_VERSION"
LIBS="$KAFKA_HOME/libs"

LOG_DIR="$INFRA_LOG_DIR"
STATE_DIR="$INFRA_DIR/kafka"
DATA_DIR="$STATE_DIR/data"
PROPS="$STATE_DIR/server.properties"
PID_FILE="$STATE_DIR/kafka.pid"
CLUSTER_ID_FILE="$STATE_DIR/cluster-id"
LOG="$LOG_DIR/kafka.log"
FETCH_LOG="$LOG_DIR/kafka-fetch.log"
FORMAT_LOG="$LOG_DIR/kafka-format.log"

JVM_OPTS=(-Xms256m -Xmx768m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError
  -Djava.awt.headless=true -Dlog4j.configuration="file:$HERE/log4j.properties"
  -Dkafka.logs.dir="$LOG_DIR")

require_node_kafkajs() {
  command -v node >/dev/null || die "node is not on PATH (needed for the ready check)"
  (cd "$ROOT" && node -e "import('kafkajs').then(() => process.exit(0), () => process.exit(1))") ||
    die "kafkajs is not installed at the repository root: run 'npm ci' first"
}

# ready_check BROKERS TIMEOUT_MS [PID] [--warm] -> exit code of ready.mjs (0 ready, 1 timeout,
# 3 pid died)
ready_check() {
  local args=(--brokers "$1" --timeout-ms "$2")
  if [[ -n "${3:-}" ]]; then args+=(--pid "$3"); fi
  if [[ -n "${4:-}" ]]; then args+=("$4"); fi
  (cd "$ROOT" && node "$HERE/ready.mjs" "${args[@]}") >&2
}

ensure_apt_package() { # command package...
  command -v "$1" >/dev/null && return 0
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    say "$1 not found; installing ${*:2} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    # Lock timeout: postgres.sh may be running apt-get at the same moment (up.sh runs in parallel).
    { apt-get -o DPkg::Lock::Timeout=300 update -qq &&
      apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${@:2}"; } \
      >>"$LOG_DIR/apt.log" 2>&1 || die "apt-get install ${*:2} failed" "$LOG_DIR/apt.log"
  fi
  command -v "$1" >/dev/null || die "$1 is not installed (Debian package: ${*:2})"
}

require_java() {
  ensure_apt_package java openjdk-17-jre-headless
  local major
  major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  [[ "${major%%.*}" -ge 11 ]] 2>/dev/null || die "Java 11+ needed for Kafka $KAFKA_VERSION (found '${major:-?}')"
}

jars_complete() { [[ -f "$KAFKA_HOME/.complete" && -f "$LIBS/kafka_2.13-$KAFKA_VERSION.jar" ]]; }

# Fetch the jar set once per machine (Maven's own cache ~/.m2 also helps, but does not travel).
prepare() {
  mkdir -p "$LOG_DIR" "$CACHE_ROOT"
  if jars_complete; then
    say "jars cached: $KAFKA_HOME"
    return 0
  fi
  require_java
  ensure_apt_package mvn maven
  # In a subshell, so that the lock's file descriptor is closed afterwards (the broker started
  # later by this shell must not inherit it).
  (
    exec 8>"$CACHE_ROOT/.kafka-$KAFKA_VERSION.lock"
    flock -w 900 8 || die "timed out waiting for another fetch of Kafka $KAFKA_VERSION"
    jars_complete && { say "jars cached: $KAFKA_HOME"; exit 0; } # fetched while we waited
    fetch_locked
  )
}

fetch_locked() {
  local tmp="$CACHE_ROOT/.kafka-$KAFKA_VERSION.tmp.$$" attempt started=$SECONDS
  say "fetching Kafka $KAFKA_VERSION jars with Maven (log: $FETCH_LOG)"
  for attempt in 1 2; do
    rm -rf "$tmp"
    mkdir -p "$tmp/libs"
    if mvn -B -ntp -f "$HERE/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
      -Dmaven.wagon.http.retryHandler.count=3 \
      "$DEPENDENCY_PLUGIN:copy-dependencies" -DincludeScope=runtime \
      -DoutputDirectory="$tmp/libs" >>"$FETCH_LOG" 2>&1; then
      break
    fi
    [[ $attempt -eq 2 ]] && { rm -rf "$tmp"; die "Maven could not fetch the Kafka jars" "$FETCH_LOG"; }
    say "Maven failed (attempt $attempt); retrying once"
    sleep 3
  done
  [[ -f "$tmp/libs/kafka_2.13-$KAFKA_VERSION.jar" ]] ||
    { rm -rf "$tmp"; die "kafka_2.13-$KAFKA_VERSION.jar missing after the fetch" "$FETCH_LOG"; }
  compgen -G "$tmp/libs/slf4j-reload4j-*.jar" >/dev/null ||
    { rm -rf "$tmp"; die "no logging backend (slf4j-reload4j) in the fetched jars" "$FETCH_LOG"; }
  {
    echo "kafka_2.13 $KAFKA_VERSION"
    echo "fetched $(date -u +%FT%TZ)"
    (cd "$tmp/libs" && sha256sum -- *.jar)
  } >"$tmp/.complete.tmp"
  mv "$tmp/.complete.tmp" "$tmp/.complete"
  rm -rf "$KAFKA_HOME"
  mv "$tmp" "$KAFKA_HOME"
  say "jars cached in $KAFKA_HOME ($(ls "$LIBS" | wc -l) jars, $(du -sh "$LIBS" | cut -f1), $((SECONDS - started)) s)"
}

new_cluster_id() { # 16 random bytes, base64url without padding (22 chars), not starting with '-'
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ ${#id} -eq 22 && "$id" != -* ]] && { echo "$id"; return; }
  done
}

render_properties() {
  mkdir -p "$STATE_DIR" "$DATA_DIR"
  sed -e "s|@HOST@|$HOST|g" -e "s|@BROKER_PORT@|$BROKER_PORT|g" \
    -e "s|@CONTROLLER_PORT@|$CONTROLLER_PORT|g" -e "s|@LOG_DIRS@|$DATA_DIR|g" \
    "$HERE/server.properties.template" >"$PROPS.tmp"
  mv "$PROPS.tmp" "$PROPS"
}

format_storage() {
  # Data written by another Kafka version is test data: start afresh rather than risk a
  # metadata-version mismatch.
  if [[ -f "$DATA_DIR/meta.properties" && "$(cat "$STATE_DIR/version" 2>/dev/null)" != "$KAFKA_VERSION" ]]; then
    say "data in $DATA_DIR was made by Kafka $(cat "$STATE_DIR/version" 2>/dev/null || echo '?'); removing it"
    rm -rf "$DATA_DIR" "$CLUSTER_ID_FILE"
    mkdir -p "$DATA_DIR"
  fi
  if [[ -f "$DATA_DIR/meta.properties" && -s "$CLUSTER_ID_FILE" ]]; then
    return 0 # formatted before (saves a JVM start)
  fi
  [[ -s "$CLUSTER_ID_FILE" ]] || new_cluster_id >"$CLUSTER_ID_FILE"
  if ! java "${JVM_OPTS[@]}" -cp "$LIBS/*" kafka.tools.StorageTool format \
    -t "$(cat "$CLUSTER_ID_FILE")" -c "$PROPS" --ignore-formatted >"$FORMAT_LOG" 2>&1; then
    die "formatting the KRaft storage failed" "$FORMAT_LOG"
  fi
  echo "$KAFKA_VERSION" >"$STATE_DIR/version"
}

# Our broker's pid, if the pid file names a live Kafka started with our properties.
broker_pid() { managed_pid "$PID_FILE" "kafka.Kafka $PROPS"; }

start_broker() {
  rotate_log "$LOG"
  printf '\n===== %s starting Kafka %s (isms tools/infra/kafka.sh) =====\n' \
    "$(date -u +%FT%TZ)" "$KAFKA_VERSION" >>"$LOG"
  start_daemon "$PID_FILE" "$LOG" java "${JVM_OPTS[@]}" -cp "$LIBS/*" kafka.Kafka "$PROPS"
}

up() {
  mkdir -p "$LOG_DIR"
  if [[ -n "${KAFKA_BROKERS:-}" ]]; then
    require_node_kafkajs
    say "KAFKA_BROKERS is set: not starting a broker, checking $KAFKA_BROKERS"
    ready_check "$KAFKA_BROKERS" 30000 || die "KAFKA_BROKERS=$KAFKA_BROKERS does not answer"
    return 0
  fi
  require_node_kafkajs
  local pid
  if pid="$(broker_pid)"; then
    if ready_check "$HOST:$BROKER_PORT" 15000 "$pid"; then
      say "already running (pid $pid); reusing it"
      return 0
    fi
    say "broker pid $pid runs but does not answer; restarting it"
    stop_pid "$pid" 30
  fi
  rm -f "$PID_FILE"
  if port_open "$BROKER_PORT" || port_open "$CONTROLLER_PORT"; then
    if ready_check "$HOST:$BROKER_PORT" 10000; then
      say "a Kafka broker not started by this script answers on $HOST:$BROKER_PORT; reusing it"
      return 0
    fi
    die "port $BROKER_PORT or $CONTROLLER_PORT on $HOST is taken by something that is not a working Kafka broker"
  fi

  prepare
  require_java
  render_properties
  format_storage

  local attempt started=$SECONDS rc
  for attempt in 1 2; do
    pid="$(start_broker)"
    [[ -n "$pid" ]] || die "the broker process did not start" "$LOG"
    say "started broker pid $pid (attempt $attempt); waiting up to $((READY_TIMEOUT_MS / 1000)) s (log: $LOG)"
    rc=0
    ready_check "$HOST:$BROKER_PORT" "$READY_TIMEOUT_MS" "$pid" --warm || rc=$?
    if [[ $rc -eq 0 ]]; then
      say "ready after $((SECONDS - started)) s"
      return 0
    fi
    say "broker not ready (attempt $attempt, ready-check exit $rc)"
    tail_log "$LOG" 30
    stop_pid "$pid" 30
    rm -f "$PID_FILE"
  done
  die "Kafka did not become ready after two attempts (log tails above; full log: $LOG)"
}

down() { # [kill]
  if [[ -n "${KAFKA_BROKERS:-}" ]]; then
    say "KAFKA_BROKERS is set: external brokers, nothing to stop"
    return 0
  fi
  stop_daemon "$PID_FILE" "kafka.Kafka $PROPS" 30 "${1:-}"
}

status() {
  local brokers="${KAFKA_BROKERS:-$HOST:$BROKER_PORT}" pid=""
  require_node_kafkajs
  if [[ -z "${KAFKA_BROKERS:-}" ]]; then
    pid="$(broker_pid || true)"
    if [[ -n "$pid" ]]; then say "process: pid $pid (managed by kafka.sh), log $LOG"; fi
  else
    say "external: KAFKA_BROKERS=$KAFKA_BROKERS"
  fi
  if ready_check "$brokers" 5000; then
    return 0
  fi
  say "not answering on $brokers"
  return 1
}

cmd="${1:-}"
[[ $# -gt 0 ]] && shift
case "$cmd" in
  up) up ;;
  down) down ;;
  kill) down kill ;;
  status) status ;;
  prepare) prepare ;;
  topics)
    require_node_kafkajs
    (cd "$ROOT" && node "$HERE/topics.mjs" --brokers "${KAFKA_BROKERS:-$HOST:$BROKER_PORT}" "$@")
    ;;
  url) echo "${KAFKA_BROKERS:-$HOST:$BROKER_PORT}" ;;
  *)
    echo "usage: $0 up|down|kill|status|prepare|topics TOPIC...|url" >&2
    exit 2
    ;;
esac
