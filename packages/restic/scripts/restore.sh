#!/bin/sh
# Restores the latest snapshot of RESTIC_HOST into DATA_DIR when the volume is empty, then runs the
# app's post-restore hook and writes the marker the app waits for. A volume with data, a repository
# that does not exist yet and a repository without snapshots all mean a clean start. See common.sh
# for the environment.
. "$(dirname "$0")/common.sh"
require_environment

if [ -f "$DATA_DIR/$MARKER" ]; then
  log "the volume is ready ($(cat "$DATA_DIR/$MARKER")); nothing to restore"
  exit 0
fi

if [ ! -f "$DATA_DIR/$PENDING" ]; then
  if ! data_is_empty; then
    log "the volume already holds data; not restoring over it"
    write_marker "existing-data"
    exit 0
  fi
  if ! repository_exists; then
    log "there is no repository at \"$RESTIC_REPOSITORY\" yet; the app starts clean"
    write_marker "no-repository"
    exit 0
  fi
  open_repository
  restic_locked snapshots --host "$RESTIC_HOST" --latest 1 --json >"$WORK_DIR/snapshots.json" ||
    die "cannot list the snapshots of \"$RESTIC_REPOSITORY\""
  snapshot=$(sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p' "$WORK_DIR/snapshots.json" | head -n 1)
  if [ -z "$snapshot" ]; then
    log "the repository has no snapshot of host \"$RESTIC_HOST\"; the app starts clean"
    write_marker "no-snapshot"
    exit 0
  fi
  # Restored into a staging directory first, so an interrupted restore never looks like data.
  rm -rf "${DATA_DIR:?}/$STAGING"
  mkdir "$DATA_DIR/$STAGING"
  log "restoring snapshot $snapshot into $DATA_DIR"
  restic_locked restore "$snapshot" --target "$DATA_DIR/$STAGING" >&2 || die "restic could not restore snapshot $snapshot"
  printf '%s\n' "$snapshot" >"$DATA_DIR/$PENDING"
else
  snapshot=$(cat "$DATA_DIR/$PENDING")
  log "finishing the interrupted restore of snapshot $snapshot"
fi

if [ -d "$DATA_DIR/$STAGING" ]; then
  for entry in "$DATA_DIR/$STAGING"/* "$DATA_DIR/$STAGING"/.[!.]* "$DATA_DIR/$STAGING"/..?*; do
    [ -e "$entry" ] || [ -L "$entry" ] || continue
    mv "$entry" "$DATA_DIR/"
  done
  rmdir "$DATA_DIR/$STAGING"
fi
run_hook post-restore || die "the post-restore hook failed; the restore is finished again on the next attempt"
write_marker "restored $snapshot"
rm -f "$DATA_DIR/$PENDING"
log "restored snapshot $snapshot"
