#!/bin/sh
# Puts a base backup written by postgresql-physical-backup.sh in place as the server's data directory
# (the "post-restore" hook of backupMode "physical"; it runs after the snapshot was restored into the
# empty volume and before the server may start).
#
# The server then starts on it and replays the WAL the backup carries, coming back exactly as it was
# when the backup was taken. A data directory that already holds a cluster is left alone, and an
# interrupted run is redone from the start, so running it twice is safe.
#
# Environment: BACKUP_DIR (holding data/ and manifest), PGDATA (the data directory the server uses),
# DATA_OWNER (optional, "uid:gid" or "user:group" the server runs as; the files are given to it when
# this runs as root).
set -eu

: "${BACKUP_DIR:?BACKUP_DIR must name the directory holding the base backup}"
: "${PGDATA:?PGDATA must name the data directory of the server}"
if [ -f "$PGDATA/PG_VERSION" ]; then
  echo "postgresql-physical-restore: $PGDATA already holds a cluster, nothing to restore"
  exit 0
fi
if [ ! -f "$BACKUP_DIR/data/PG_VERSION" ]; then
  echo "postgresql-physical-restore: no base backup in $BACKUP_DIR, nothing to restore"
  exit 0
fi

staging="$PGDATA.restoring"
rm -rf "$staging"
cp -a "$BACKUP_DIR/data" "$staging"
# A data directory must not be readable by others, or the server refuses to start.
chmod 700 "$staging"
if [ "$(id -u)" = 0 ] && [ -n "${DATA_OWNER:-}" ]; then chown -R "$DATA_OWNER" "$staging"; fi
if [ -d "$PGDATA" ]; then rmdir "$PGDATA" || { echo "postgresql-physical-restore: $PGDATA is not empty but holds no cluster; move it away first" >&2; exit 1; }; fi
mv "$staging" "$PGDATA"
echo "postgresql-physical-restore: $PGDATA restored from the base backup in $BACKUP_DIR ($(grep '^created=' "$BACKUP_DIR/manifest" | cut -d= -f2))"
