# Shared by backup.sh and restore.sh of @highstate/restic; POSIX sh (busybox, dash, bash).
#
# Environment:
#   RESTIC_REPOSITORY      rclone:<remote>:<path> (required)
#   RESTIC_PASSWORD_FILE   file holding the repository password (or RESTIC_PASSWORD)
#   RCLONE_CONFIG          the rclone.conf; copied to a private writable file when read-only,
#                          because rclone saves refreshed OAuth tokens into it
#   RESTIC_HOST            the host name snapshots are recorded under and looked up by (required)
#   DATA_DIR               the volume to back up or restore into (default /data)
#   HOOKS_DIR              where the app's lock.sh, unlock.sh, online-backup.sh, post-restore.sh are (default /hooks)
#   LOCK_RETRIES           attempts when another process holds the repository lock (default 8)
#   LOCK_RETRY_SECONDS     seconds between them (default 300; restic treats a lock that was not
#                          refreshed for 30 minutes as stale, so the default outlasts a dead one)

set -eu

MARKER=.highstate-restore
STAGING=.highstate-restore-staging
PENDING=.highstate-restore-pending
DATA_DIR=${DATA_DIR:-/data}
HOOKS_DIR=${HOOKS_DIR:-/hooks}
LOCK_RETRIES=${LOCK_RETRIES:-8}
LOCK_RETRY_SECONDS=${LOCK_RETRY_SECONDS:-300}
CHILD_PID=

log() {
  printf '%s %s\n' "$(date -u '+%Y-%m-%dT%H:%M:%SZ')" "$*" >&2
}

die() {
  log "ERROR: $*"
  exit 1
}

require_environment() {
  [ -n "${RESTIC_REPOSITORY:-}" ] || die "RESTIC_REPOSITORY is not set"
  case $RESTIC_REPOSITORY in
    rclone:*:*) ;;
    *) die "RESTIC_REPOSITORY must be rclone:<remote>:<path>, got \"$RESTIC_REPOSITORY\"" ;;
  esac
  [ -n "${RESTIC_HOST:-}" ] || die "RESTIC_HOST is not set"
  if [ -z "${RESTIC_PASSWORD:-}" ]; then
    [ -n "${RESTIC_PASSWORD_FILE:-}" ] || die "neither RESTIC_PASSWORD_FILE nor RESTIC_PASSWORD is set"
    [ -r "$RESTIC_PASSWORD_FILE" ] || die "the password file \"$RESTIC_PASSWORD_FILE\" cannot be read"
  fi
  [ -n "${RCLONE_CONFIG:-}" ] || die "RCLONE_CONFIG is not set"
  [ -r "$RCLONE_CONFIG" ] || die "the rclone config \"$RCLONE_CONFIG\" cannot be read"
  [ -d "$DATA_DIR" ] || die "the data directory \"$DATA_DIR\" does not exist (is the volume mounted?)"
  command -v restic >/dev/null 2>&1 || die "restic is not on PATH"
  command -v rclone >/dev/null 2>&1 || die "rclone is not on PATH"
  WORK_DIR=$(mktemp -d)
  trap 'rm -rf "$WORK_DIR"' EXIT
  if [ ! -w "$RCLONE_CONFIG" ]; then
    (umask 077 && cp "$RCLONE_CONFIG" "$WORK_DIR/rclone.conf")
    RCLONE_CONFIG=$WORK_DIR/rclone.conf
    export RCLONE_CONFIG
  fi
  DATA_DIR=$(cd "$DATA_DIR" && pwd)
  REMOTE_PATH=${RESTIC_REPOSITORY#rclone:}
}

# Succeeds when the repository exists (its "config" object is there), fails when it does not, and
# stops the script when the storage cannot be listed: an unreachable remote is never taken for an
# empty one, which would make restore start the app without its data.
repository_exists() {
  set +e
  listing=$(rclone lsf --files-only --max-depth 1 "$REMOTE_PATH" 2>"$WORK_DIR/rclone.err")
  status=$?
  set -e
  case $status in
    0) printf '%s\n' "$listing" | grep -qx config ;;
    3 | 4) return 1 ;;
    *)
      cat "$WORK_DIR/rclone.err" >&2
      die "cannot list the repository location \"$REMOTE_PATH\" (rclone exit code $status): check the remote's credentials and that the storage is reachable"
      ;;
  esac
}

# Runs a command in the background and waits for it, so a TERM signal is handled at once (the
# script's traps run) rather than when the command finishes; a trap stops it through CHILD_PID.
run_child() {
  "$@" &
  CHILD_PID=$!
  wait "$CHILD_PID"
  child_status=$?
  CHILD_PID=
  return "$child_status"
}

# Stops the command run_child is waiting for, if any.
stop_child() {
  [ -n "$CHILD_PID" ] || return 0
  kill "$CHILD_PID" 2>/dev/null || true
  wait "$CHILD_PID" 2>/dev/null || true
  CHILD_PID=
}

# Runs restic; when the repository is locked by another process it removes stale locks (those of
# processes that are gone) and tries again, LOCK_RETRIES times, LOCK_RETRY_SECONDS apart.
restic_locked() {
  attempt=1
  while :; do
    set +e
    run_child restic "$@" 2>"$WORK_DIR/restic.err"
    status=$?
    set -e
    cat "$WORK_DIR/restic.err" >&2
    [ "$status" -eq 0 ] && return 0
    if grep -qiE 'wrong password|no key found' "$WORK_DIR/restic.err"; then
      die "the backup password does not open the repository \"$RESTIC_REPOSITORY\": the app's backup key must be the one the repository was created with"
    fi
    if grep -qi 'already locked' "$WORK_DIR/restic.err" && [ "$attempt" -lt "$LOCK_RETRIES" ]; then
      log "the repository is locked by another process; removing stale locks and retrying in ${LOCK_RETRY_SECONDS}s (attempt $attempt of $LOCK_RETRIES)"
      sleep "$LOCK_RETRY_SECONDS"
      restic unlock >&2 || true
      attempt=$((attempt + 1))
      continue
    fi
    return "$status"
  done
}

# Opens the repository, which checks the password, and removes locks left by processes that are gone.
open_repository() {
  restic_locked unlock >&2 || die "cannot open the repository \"$RESTIC_REPOSITORY\" (see restic's message above)"
}

# Runs the app's hook NAME.sh from HOOKS_DIR when there is one.
run_hook() {
  hook=$HOOKS_DIR/$1.sh
  [ -f "$hook" ] || return 0
  log "running the $1 hook"
  DATA_DIR=$DATA_DIR run_child sh "$hook"
}

# Whether the data directory holds nothing but what Highstate and the filesystem put there.
data_is_empty() {
  for entry in "$DATA_DIR"/* "$DATA_DIR"/.[!.]* "$DATA_DIR"/..?*; do
    [ -e "$entry" ] || [ -L "$entry" ] || continue
    case ${entry##*/} in
      lost+found | "$MARKER" | "$STAGING" | "$PENDING") ;;
      *) return 1 ;;
    esac
  done
  return 0
}

# Writes the marker the app's init container waits for: the volume is ready.
write_marker() {
  printf '%s %s\n' "$1" "$(date -u '+%Y-%m-%dT%H:%M:%SZ')" >"$DATA_DIR/$MARKER.tmp"
  mv "$DATA_DIR/$MARKER.tmp" "$DATA_DIR/$MARKER"
}
