#!/bin/sh
# Restores a dump written by postgresql-backup.sh into a running PostgreSQL server (the "post-restore"
# hook; the server images also run it on first start, from /docker-entrypoint-initdb.d).
#
# Roles are created when missing and then altered to their dumped attributes and passwords, except the
# role the script connects as (the server's admin, whose password the server unit manages). Each
# database is dropped when it exists and re-created from its dump, so restoring twice gives the same
# result. Any error stops the restore with a non-zero exit.
#
# Environment: PGHOST, PGPORT, PGUSER, PGPASSWORD as libpq reads them; DUMP_DIR. With no dump in
# DUMP_DIR (a fresh install), it does nothing.
set -eu

: "${DUMP_DIR:?DUMP_DIR must name the directory holding the dump}"
if [ ! -f "$DUMP_DIR/manifest" ]; then
  echo "postgresql-restore: no dump in $DUMP_DIR, nothing to restore"
  exit 0
fi

pg_isready --timeout=60 >/dev/null || { echo "postgresql-restore: the server at ${PGHOST:-local socket}:${PGPORT:-5432} does not accept connections" >&2; exit 1; }
admin=$(psql --no-psqlrc --tuples-only --no-align --dbname=postgres --command='SELECT current_user')

# CREATE ROLE fails for a role that exists (the admin, or roles kept from an earlier restore): make it
# conditional, and leave the admin's own attributes alone.
awk -v admin="$admin" '
  function quoted(name) { return "\"" name "\"" }
  /^CREATE ROLE / {
    name = substr($0, 13); sub(/;$/, "", name)
    if (name == admin || name == quoted(admin)) next
    print "DO $hs$ BEGIN CREATE ROLE " name "; EXCEPTION WHEN duplicate_object THEN NULL; END $hs$;"
    next
  }
  /^ALTER ROLE / {
    rest = substr($0, 12)
    if (index(rest, admin " ") == 1 || index(rest, quoted(admin) " ") == 1) next
  }
  { print }
' "$DUMP_DIR/roles.sql" >"$DUMP_DIR/.roles-restore.sql"
psql --no-psqlrc --quiet --set=ON_ERROR_STOP=1 --dbname=postgres --file="$DUMP_DIR/.roles-restore.sql" >/dev/null
rm -f "$DUMP_DIR/.roles-restore.sql"

n=0
while IFS= read -r database; do
  [ -n "$database" ] || continue
  n=$((n + 1))
  # Connected to template1, the dump's own database (even "postgres") can be dropped and re-created.
  pg_restore --clean --if-exists --create --exit-on-error --dbname=template1 "$DUMP_DIR/$n.dump"
done <"$DUMP_DIR/databases.txt"
echo "postgresql-restore: restored $n database(s) from $DUMP_DIR"
