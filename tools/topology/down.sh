#!/usr/bin/env bash
# Stops the services of the distributed topology (not the servers: tools/infra/down.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec node --import @swc-node/register/esm-register tools/topology/src/cli.ts down
