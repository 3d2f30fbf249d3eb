#!/usr/bin/env bash
# Starts the distributed topology: real servers (tools/infra) and every service on 3101–3105.
# Idempotent: services already running are reused. Same as `npm run start:distributed`.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec node --import @swc-node/register/esm-register tools/topology/src/cli.ts up
