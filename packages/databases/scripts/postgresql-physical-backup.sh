#!/bin/sh
# Physical online backup of a PostgreSQL server for the restic backup kit (the "online backup" hook of
# backupMode "physical").
#
# Takes a base backup with pg_basebackup over the replication protocol into $BACKUP_DIR:
#   data/       a complete data directory (plain format) with the WAL needed to make it consistent
#               (--wal-method=stream), so the server starts on a copy of it without any archive
#   manifest    the tool, server version and time of the backup
# It is written to a temporary directory beside $BACKUP_DIR and swapped in only when pg_basebackup
# succeeded, so a failed run never replaces the last good backup.
#
# Environment: PGHOST, PGPORT, PGUSER and PGPASSWORD as libpq reads them (the user needs the
# REPLICATION attribute, which the image's admin "postgres" has, and pg_hba.conf must allow it a
# replication connection); BACKUP_DIR. Run it with the client tools of the server's major version.
set -eu

: "${BACKUP_DIR:?BACKUP_DIR must name the directory the base backup is written to}"
parent=$(dirname "$BACKUP_DIR")
mkdir -p "$parent"
work=$(mktemp -d "$parent/.basebackup-XXXXXX")
trap 'rm -rf "$work"' EXIT

pg_isready --timeout=60 >/dev/null || { echo "postgresql-physical-backup: the server at ${PGHOST:-local socket}:${PGPORT:-5432} does not accept connections" >&2; exit 1; }

pg_basebackup --pgdata="$work/data" --format=plain --wal-method=stream --checkpoint=fast --no-password --label=highstate-physical-backup

{
  echo "tool=pg_basebackup"
  echo "server_version=$(psql --no-psqlrc --tuples-only --no-align --dbname=postgres --command='SHOW server_version')"
  echo "created=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >"$work/manifest"

rm -rf "$BACKUP_DIR.old"
if [ -e "$BACKUP_DIR" ]; then mv "$BACKUP_DIR" "$BACKUP_DIR.old"; fi
mv "$work" "$BACKUP_DIR"
rm -rf "$BACKUP_DIR.old"
trap - EXIT
echo "postgresql-physical-backup: base backup written to $BACKUP_DIR"
