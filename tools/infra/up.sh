#!/usr/bin/env bash
# Starts (or reuses) everything ISMS Ledger needs on loopback, without Docker:
#   PostgreSQL 127.0.0.1:5432 (tools/infra/postgres.sh), Apache Kafka 127.0.0.1:9092
#   (tools/infra/kafka.sh), FerretDB 127.0.0.1:27017 on that PostgreSQL (tools/infra/ferretdb.sh).
#
#   bash tools/infra/up.sh           start/reuse all three; waits until each answers
#   bash tools/infra/up.sh status    status of all three (exit 1 if any does not answer)
#
# Idempotent. A server whose variable is set in the environment (DATABASE_URL, KAFKA_BROKERS,
# MONGO_URL) is not started, only checked. On success the last lines on stdout are
#   KAFKA_BROKERS=…  MONGO_URL=…  DATABASE_URL=…
# (also written to .infra/env); progress goes to stderr, logs to .infra/logs/.
# ISMS_INFRA_DIR (state, logs, env file), ISMS_KAFKA_PORT, ISMS_KAFKA_CONTROLLER_PORT,
# ISMS_FERRETDB_PORT and PGPORT start a second set beside the usual one (see lib.sh).
set -Eeuo pipefail
INFRA_NAME=up
# shellcheck source=tools/infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT="$INFRA_REPO_ROOT"
INFRA="$ROOT/tools/infra"
LOG_DIR="$INFRA_LOG_DIR"
mkdir -p "$LOG_DIR"

if [[ "${1:-}" == status ]]; then
  rc=0
  bash "$INFRA/postgres.sh" status || rc=1
  bash "$INFRA/kafka.sh" status || rc=1
  bash "$INFRA/ferretdb.sh" status || rc=1
  exit $rc
elif [[ $# -gt 0 ]]; then
  echo "usage: $0 [status]" >&2
  exit 2
fi

started=$SECONDS

# The slow, one-time parts (Kafka jars from Maven, the FerretDB build with Go) run in parallel
# with each other and with the PostgreSQL start; each is a no-op once cached.
declare -A prep_pids=()
if [[ -z "${KAFKA_BROKERS:-}" ]]; then
  bash "$INFRA/kafka.sh" prepare &
  prep_pids[kafka]=$!
fi
if [[ -z "${MONGO_URL:-}" ]]; then
  bash "$INFRA/ferretdb.sh" prepare &
  prep_pids[ferretdb]=$!
fi

fail() {
  say "FAILED: $*"
  for pid in "${prep_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  exit 1
}

pg_out="$(bash "$INFRA/postgres.sh" up)" || fail "PostgreSQL (see the messages above and $LOG_DIR/postgres.log)"
database_url="$(printf '%s\n' "$pg_out" | sed -n 's/^DATABASE_URL=//p' | tail -n 1)"
[[ -n "$database_url" ]] || database_url="$(bash "$INFRA/postgres.sh" url)"

for name in "${!prep_pids[@]}"; do
  wait "${prep_pids[$name]}" || fail "$name prepare (see the messages above and $LOG_DIR/)"
done
prep_pids=()

bash "$INFRA/kafka.sh" up || fail "Kafka (see the messages above and $LOG_DIR/kafka.log)"
bash "$INFRA/ferretdb.sh" up || fail "FerretDB (see the messages above and $LOG_DIR/ferretdb.log)"

kafka_brokers="$(bash "$INFRA/kafka.sh" url)"
mongo_url="$(bash "$INFRA/ferretdb.sh" url)"
say "all up in $((SECONDS - started)) s; logs in $LOG_DIR"
{
  echo "KAFKA_BROKERS=$kafka_brokers"
  echo "MONGO_URL=$mongo_url"
  echo "DATABASE_URL=$database_url"
} | tee "$INFRA_DIR/env"
