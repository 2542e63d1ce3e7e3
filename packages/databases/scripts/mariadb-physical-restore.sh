#!/bin/sh
# Copies a prepared backup written by mariadb-physical-backup.sh back as the server's data directory
# (the "post-restore" hook of backupMode "physical"; it runs after the snapshot was restored into the
# empty volume and before the server may start).
#
# A data directory that already holds a server (its mysql system database) is left alone, and an
# interrupted run is redone from the start, so running it twice is safe.
#
# Environment: BACKUP_DIR (holding data/ and manifest), MARIADB_DATADIR (the server's data
# directory), DATA_OWNER (optional, "uid:gid" or "user:group" the server runs as; the files are given
# to it when this runs as root). Run it with the server's own mariadb-backup (the server image has it).
set -eu

: "${BACKUP_DIR:?BACKUP_DIR must name the directory holding the backup}"
: "${MARIADB_DATADIR:?MARIADB_DATADIR must name the server's data directory}"
if [ -d "$MARIADB_DATADIR/mysql" ]; then
  echo "mariadb-physical-restore: $MARIADB_DATADIR already holds a server, nothing to restore"
  exit 0
fi
if [ ! -f "$BACKUP_DIR/manifest" ] || [ ! -d "$BACKUP_DIR/data" ]; then
  echo "mariadb-physical-restore: no backup in $BACKUP_DIR, nothing to restore"
  exit 0
fi

staging="$MARIADB_DATADIR.restoring"
rm -rf "$staging"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
mariadb-backup --copy-back --target-dir="$BACKUP_DIR/data" --datadir="$staging" >"$log" 2>&1 \
  || { tail -n 20 "$log" >&2; echo "mariadb-physical-restore: --copy-back failed" >&2; exit 1; }
if [ "$(id -u)" = 0 ] && [ -n "${DATA_OWNER:-}" ]; then chown -R "$DATA_OWNER" "$staging"; fi
if [ -d "$MARIADB_DATADIR" ]; then rmdir "$MARIADB_DATADIR" || { echo "mariadb-physical-restore: $MARIADB_DATADIR is not empty but holds no server; move it away first" >&2; exit 1; }; fi
mv "$staging" "$MARIADB_DATADIR"
echo "mariadb-physical-restore: $MARIADB_DATADIR restored from the backup in $BACKUP_DIR ($(grep '^created=' "$BACKUP_DIR/manifest" | cut -d= -f2))"
