#!/bin/sh
# Physical online backup of a MariaDB server for the restic backup kit (the "online backup" hook of
# backupMode "physical").
#
# Copies the live data directory with mariadb-backup (InnoDB pages while the server runs, with the
# server's backup locks for the rest) and prepares the copy, so $BACKUP_DIR holds:
#   data/       a consistent, prepared data directory, ready to be copied back
#   manifest    the tool, server version and time of the backup
# It is written to a temporary directory beside $BACKUP_DIR and swapped in only when both steps
# succeeded, so a failed run never replaces the last good backup.
#
# mariadb-backup reads the data files itself, so it must run where the server's data directory is
# mounted (the backup kit mounts the server's volume in its pod) and be the server's own version (the
# server image has it).
#
# Environment: MARIADB_HOST, MARIADB_PORT, MARIADB_USER and MYSQL_PWD (the admin's password, never on
# the command line); MARIADB_DATADIR (the server's data directory); BACKUP_DIR.
set -eu

: "${BACKUP_DIR:?BACKUP_DIR must name the directory the backup is written to}"
: "${MARIADB_DATADIR:?MARIADB_DATADIR must name the server's data directory}"
: "${MARIADB_USER:=root}"
parent=$(dirname "$BACKUP_DIR")
mkdir -p "$parent"
work=$(mktemp -d "$parent/.physical-XXXXXX")
# mariadb-backup takes the password only as an option; a defaults file (0600, in the pod's own temp
# folder, never in the volume that is backed up, removed on exit) keeps it off the command line.
umask 077
client=$(mktemp "${TMPDIR:-/tmp}/mariadb-client-XXXXXX")
trap 'rm -rf "$work"; rm -f "$client"' EXIT
printf '[client]\npassword="%s"\n' "$(printf '%s' "${MYSQL_PWD:-}" | sed 's/\\/\\\\/g; s/"/\\"/g')" >"$client"
connect="--defaults-extra-file=$client --host=${MARIADB_HOST:-127.0.0.1} --port=${MARIADB_PORT:-3306} --protocol=TCP --user=$MARIADB_USER"

# shellcheck disable=SC2086
mariadb-backup $connect --backup --datadir="$MARIADB_DATADIR" --target-dir="$work/data" >"$work/backup.log" 2>&1 \
  || { tail -n 20 "$work/backup.log" >&2; echo "mariadb-backup: --backup failed" >&2; exit 1; }
mariadb-backup --prepare --target-dir="$work/data" >"$work/prepare.log" 2>&1 \
  || { tail -n 20 "$work/prepare.log" >&2; echo "mariadb-backup: --prepare failed" >&2; exit 1; }

{
  echo "tool=mariadb-backup"
  # shellcheck disable=SC2086
  echo "server_version=$(mariadb --defaults-extra-file="$client" --host="${MARIADB_HOST:-127.0.0.1}" --port="${MARIADB_PORT:-3306}" --protocol=TCP --user="$MARIADB_USER" --batch --skip-column-names --execute='SELECT VERSION()')"
  echo "created=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >"$work/manifest"
rm -f "$client" "$work/backup.log" "$work/prepare.log"

rm -rf "$BACKUP_DIR.old"
if [ -e "$BACKUP_DIR" ]; then mv "$BACKUP_DIR" "$BACKUP_DIR.old"; fi
mv "$work" "$BACKUP_DIR"
rm -rf "$BACKUP_DIR.old"
trap - EXIT
echo "mariadb-physical-backup: prepared backup written to $BACKUP_DIR"
