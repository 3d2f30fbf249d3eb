# Shared helpers for tools/infra/*.sh (source it: `source "$(dirname "$0")/lib.sh"`).
# Plain bash, no dependencies; every wait has a timeout.

# Repository root (this file lives in tools/infra/).
INFRA_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
INFRA_DIR="${INFRA_DIR:-$INFRA_REPO_ROOT/.infra}"
INFRA_LOG_DIR="$INFRA_DIR/logs"

# Messages go to stderr so that stdout can carry a result (e.g. `postgres.sh url`).
log() { printf '[%s] %s\n' "${INFRA_NAME:-infra}" "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

# True when running as root (Debian's PostgreSQL refuses to run as root; apt-get needs it).
is_root() { [ "$(id -u)" = 0 ]; }

# Runs apt-get update once per process, then installs the given Debian packages.
apt_install() {
  is_root || die "installing $* needs root (apt-get); install it yourself and rerun"
  if [ -z "${INFRA_APT_UPDATED:-}" ]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    INFRA_APT_UPDATED=1
  fi
  log "apt-get install -y $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@" >&2
}

# wait_until <timeout-seconds> <description> <command...>: polls every 0.5 s.
wait_until() {
  local timeout="$1" what="$2"
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "timed out after ${timeout}s waiting for $what"
      return 1
    fi
    sleep 0.5
  done
}

# True when something accepts TCP connections on 127.0.0.1:<port>.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
