#!/bin/sh
# Backs up DATA_DIR into the repository (created on the first run): the app's lock hook, its online
# backup hook, `restic backup`, the unlock hook (which runs whenever the lock hook ran, also when a
# later step failed or the job is stopped), then the retention policy. See common.sh for the
# environment; BACKUP_ARGS adds arguments to `restic backup` and RETENTION holds the `restic forget`
# policy (e.g. "--keep-daily 7 --keep-weekly 4"; empty keeps every snapshot).
. "$(dirname "$0")/common.sh"
require_environment

if [ ! -f "$DATA_DIR/$MARKER" ]; then
  die "the volume has no $MARKER marker, so its restore never finished: not backing up a volume that may be missing its data"
fi

if repository_exists; then
  open_repository
else
  log "creating the repository at \"$RESTIC_REPOSITORY\""
  restic init >&2 || die "cannot create the repository at \"$RESTIC_REPOSITORY\""
fi

locked=0
failed=0
unlock() {
  [ "$locked" -eq 1 ] || return 0
  locked=0
  run_hook unlock || {
    log "ERROR: the unlock hook failed"
    return 1
  }
}
on_exit() {
  status=$?
  stop_child
  unlock || status=1
  rm -rf "$WORK_DIR"
  exit "$status"
}
trap on_exit EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

locked=1
run_hook lock || die "the lock hook failed"
run_hook online-backup || die "the online backup hook failed"
cd "$DATA_DIR"
if data_is_empty; then
  # restic refuses to save an empty snapshot; an app that has written nothing yet has nothing to lose.
  log "the volume is empty; nothing to back up"
  unlock || die "the unlock hook failed"
  exit 0
fi
log "backing up $DATA_DIR"
# shellcheck disable=SC2086 # BACKUP_ARGS is a list of arguments
restic_locked backup --host "$RESTIC_HOST" --exclude "$DATA_DIR/$MARKER" --exclude "$DATA_DIR/lost+found" \
  --exclude "$DATA_DIR/$STAGING" --exclude "$DATA_DIR/$PENDING" ${BACKUP_ARGS:-} . >&2 || failed=1
unlock || failed=1
[ "$failed" -eq 0 ] || die "the backup failed"

if [ -n "${RETENTION:-}" ]; then
  log "applying the retention policy: $RETENTION"
  # shellcheck disable=SC2086 # RETENTION is a list of arguments
  restic_locked forget --host "$RESTIC_HOST" --prune $RETENTION >&2 || die "the retention policy could not be applied"
fi
log "backup finished"
