#!/usr/bin/env bash
# Stops what tools/infra/up.sh started: FerretDB, then Kafka, then PostgreSQL. Servers given
# through DATABASE_URL / KAFKA_BROKERS / MONGO_URL are left alone. Cached downloads and builds
# (~/.cache/isms-ledger) and data (.infra/) are kept, so the next `up` is fast.
set -Euo pipefail

INFRA="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rc=0
bash "$INFRA/ferretdb.sh" down || rc=1
bash "$INFRA/kafka.sh" down || rc=1
bash "$INFRA/postgres.sh" down || rc=1
[[ $rc -eq 0 ]] || printf '[down] some server did not stop cleanly (messages above)\n' >&2
exit $rc
