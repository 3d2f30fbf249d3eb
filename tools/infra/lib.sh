# Shared helpers for tools/infra/*.sh (source it: `source "$(dirname "$0")/lib.sh"`).
# Plain bash, no dependencies; every wait has a timeout.
#
# Where things live (defaults in brackets):
#   ISMS_INFRA_DIR    state: data, pid files, rendered configs, logs [<repo>/.infra]; a test that
#                     stops a server starts a private one with its own directory and ports
#   ISMS_INFRA_CACHE  cached downloads and builds [${XDG_CACHE_HOME:-~/.cache}/isms-ledger]

# Repository root (this file lives in tools/infra/).
INFRA_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
INFRA_DEFAULT_DIR="$INFRA_REPO_ROOT/.infra"
INFRA_DIR="${ISMS_INFRA_DIR:-$INFRA_DEFAULT_DIR}"
INFRA_LOG_DIR="$INFRA_DIR/logs"
INFRA_CACHE="${ISMS_INFRA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/isms-ledger}"

# Messages go to stderr so that stdout can carry a result (e.g. `postgres.sh url`).
log() { printf '[%s] %s\n' "${INFRA_NAME:-infra}" "$*" >&2; }
say() { log "$@"; }

tail_log() { # file [lines]
  if [[ -f "$1" ]]; then
    log "---- last ${2:-60} lines of $1 ----"
    tail -n "${2:-60}" "$1" | sed "s/^/[${INFRA_NAME:-infra}] | /" >&2
    log "---- end of $1 ----"
  fi
}

die() { # message [log file to show]
  log "ERROR: $1"
  if [[ -n "${2:-}" ]]; then tail_log "$2" 60; fi
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

# --- daemons started by these scripts (Kafka, FerretDB) ---------------------------------------

# start_daemon PID_FILE LOG COMMAND...: runs COMMAND detached (setsid: it outlives the shell and
# process group that ran `up`), output appended to LOG; prints its pid (empty if it did not start).
start_daemon() {
  local pid_file=$1 log_file=$2 i
  shift 2
  rm -f "$pid_file"
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pid_file" "$@" >>"$log_file" 2>&1 </dev/null &
  for i in $(seq 1 50); do
    [[ -s "$pid_file" ]] && break
    sleep 0.1
  done
  cat "$pid_file" 2>/dev/null || true
}

# managed_pid PID_FILE MARK: the pid PID_FILE names, if that process lives and its command line
# contains MARK (our config file or state dir: a recycled pid is not taken for ours).
managed_pid() {
  local pid
  [[ -f "$1" ]] || return 1
  pid="$(cat "$1")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  # Read whole, then matched (a pipe into grep -q can fail under pipefail: SIGPIPE).
  local cmdline
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  grep -qF -- "$2" <<<"$cmdline" || return 1
  echo "$pid"
}

# stop_pid PID GRACE_SECONDS: SIGTERM, then SIGKILL when it still runs after the grace period.
stop_pid() {
  local pid=$1 deadline=$((SECONDS + $2)) i
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do
    if [[ $SECONDS -ge $deadline ]]; then
      log "pid $pid did not stop within $2 s; sending SIGKILL"
      kill_pid "$pid"
      return
    fi
    sleep 0.25
  done
}

# kill_pid PID: SIGKILL (no shutdown at all, as in a crash), waits up to 5 s for it to go.
kill_pid() {
  local pid=$1 i
  kill -KILL "$pid" 2>/dev/null || return 0
  for i in $(seq 1 20); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.25
  done
}

# stop_daemon PID_FILE MARK GRACE_SECONDS [kill]: `down` (or `kill`) of a daemon we started.
stop_daemon() {
  local pid
  if pid="$(managed_pid "$1" "$2")"; then
    if [[ "${4:-}" == kill ]]; then
      log "killing pid $pid (SIGKILL)"
      kill_pid "$pid"
    else
      log "stopping pid $pid"
      stop_pid "$pid" "$3"
    fi
    if kill -0 "$pid" 2>/dev/null; then die "pid $pid is still alive"; fi
    log "stopped"
  else
    log "not running (nothing started by this script)"
  fi
  rm -f "$1"
}

# rotate_log FILE: keeps one previous generation once FILE passes 50 MiB.
rotate_log() {
  if [[ -f "$1" && $(stat -c %s "$1") -gt 52428800 ]]; then mv -f "$1" "$1.1"; fi
}
