#!/bin/sh
# Online backup of a PostgreSQL server for the restic backup kit (the "online backup" hook).
#
# Dumps the roles and every database that accepts connections into $DUMP_DIR:
#   roles.sql          pg_dumpall --roles-only (role passwords included, as SCRAM hashes)
#   databases.txt      one database name per line, in the order of the numbered dumps
#   <n>.dump           pg_dump --format=custom of the n-th database (1-based)
#   manifest           the tool, server version and time of the dump
# The dump is written to a temporary directory beside $DUMP_DIR and swapped in only when every step
# succeeded, so a failed run never replaces the last good dump.
#
# Environment: PGHOST, PGPORT, PGUSER and PGPASSWORD (or PGPASSFILE), as libpq reads them; DUMP_DIR.
# Run it with the client tools of the server's major version (the server image has them).
set -eu

: "${DUMP_DIR:?DUMP_DIR must name the directory the dump is written to}"
parent=$(dirname "$DUMP_DIR")
mkdir -p "$parent"
work=$(mktemp -d "$parent/.dump-XXXXXX")
trap 'rm -rf "$work"' EXIT

pg_isready --timeout=60 >/dev/null || { echo "postgresql-backup: the server at ${PGHOST:-local socket}:${PGPORT:-5432} does not accept connections" >&2; exit 1; }

pg_dumpall --roles-only --file="$work/roles.sql"
psql --no-psqlrc --tuples-only --no-align --dbname=postgres \
  --command="SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname" >"$work/databases.txt"

n=0
while IFS= read -r database; do
  [ -n "$database" ] || continue
  n=$((n + 1))
  pg_dump --format=custom --file="$work/$n.dump" --dbname="$database"
done <"$work/databases.txt"

{
  echo "tool=pg_dump"
  echo "server_version=$(psql --no-psqlrc --tuples-only --no-align --dbname=postgres --command='SHOW server_version')"
  echo "databases=$n"
  echo "created=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >"$work/manifest"

rm -rf "$DUMP_DIR.old"
if [ -e "$DUMP_DIR" ]; then mv "$DUMP_DIR" "$DUMP_DIR.old"; fi
mv "$work" "$DUMP_DIR"
rm -rf "$DUMP_DIR.old"
trap - EXIT
echo "postgresql-backup: dumped $n database(s) into $DUMP_DIR"
