#!/usr/bin/env bash
# `npm test`: the whole verification, as CI runs it.
#   1. real servers on loopback (PostgreSQL, Kafka, FerretDB) via tools/infra, unless
#      DATABASE_URL / KAFKA_BROKERS / MONGO_URL point at existing ones;
#   2. typecheck, format check, lint (with the Nx module-boundary rules);
#   3. every project's Jest suites (unit, contract, integration, HTTP), then one summary line.
set -euo pipefail
cd "$(dirname "$0")/../.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false NX_SKIP_NX_CACHE=true CI="${CI:-true}"

step() { printf '\n==> %s\n' "$*"; }

step "Starting real servers (tools/infra/up.sh)"
bash tools/infra/up.sh
# up.sh writes the URLs of what it started or reused; tests read them from the environment.
set -a
# shellcheck disable=SC1091
source .infra/env
set +a

step "Typecheck"
npx tsc -p tsconfig.json --noEmit

step "Format check (prettier)"
npx prettier --check .

step "Lint (eslint + Nx module boundaries)"
npx nx run-many -t lint --parallel=2 --outputStyle=stream

step "Layering rules are enforced (probe files the linter must refuse)"
node tools/ci/check-boundaries.mjs

step "Tests"
rm -rf tmp/jest-results && mkdir -p tmp/jest-results
status=0
npx nx run-many -t test --parallel=1 --outputStyle=stream || status=$?

step "Summary"
node tools/ci/summarize-jest.mjs tmp/jest-results || status=1
exit "$status"
