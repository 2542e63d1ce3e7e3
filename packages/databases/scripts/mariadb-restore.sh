#!/bin/sh
# Restores a dump written by mariadb-backup.sh into a running MariaDB server (the "post-restore" hook;
# the server images also run it on first start, from /docker-entrypoint-initdb.d).
#
# Every dumped database is dropped and re-created from the dump; then accounts are created when
# missing and granted their privileges, except the admin (root), MariaDB's system account and the
# server's local accounts, which the server manages. Restoring twice gives the same result. Any SQL error stops the restore with a non-zero exit.
#
# Environment: as mariadb-backup.sh (MARIADB_HOST or MARIADB_SOCKET, MARIADB_PORT, MARIADB_USER,
# MYSQL_PWD) and DUMP_DIR. With no dump in DUMP_DIR (a fresh install), it does nothing.
set -eu

: "${DUMP_DIR:?DUMP_DIR must name the directory holding the dump}"
if [ ! -f "$DUMP_DIR/manifest" ]; then
  echo "mariadb-restore: no dump in $DUMP_DIR, nothing to restore"
  exit 0
fi
if [ -n "${MARIADB_SOCKET:-}" ]; then
  set -- --socket="$MARIADB_SOCKET" --user="${MARIADB_USER:-root}"
else
  set -- --host="${MARIADB_HOST:-127.0.0.1}" --port="${MARIADB_PORT:-3306}" --protocol=TCP --user="${MARIADB_USER:-root}"
fi
admin="${MARIADB_USER:-root}"

# Databases first: table-level grants need their tables. Views and routines whose definer does not
# exist yet are accepted (with a warning) and work once the accounts are back.
if [ -f "$DUMP_DIR/databases.sql" ]; then
  mariadb "$@" --batch <"$DUMP_DIR/databases.sql"
fi
# Statements about the admin, MariaDB's system account and accounts bound to the server's own host
# (localhost, 127.0.0.1, ::1: the image's bootstrap and health-check accounts) would reset what the
# server manages; apps connect over the network, so their accounts are never local ones. PROXY grants
# belong to those bootstrap accounts too.
awk -v admin="$admin" '
  BEGIN { q = "\047"; a1 = "`" admin "`@"; a2 = q admin q "@" }
  index($0, a1) || index($0, a2) || index($0, "`mariadb.sys`@") || index($0, q "mariadb.sys" q "@") { next }
  index($0, "@`localhost`") || index($0, "@" q "localhost" q) || index($0, "@`127.0.0.1`") || index($0, "@" q "127.0.0.1" q) { next }
  index($0, "@`::1`") || index($0, "@" q "::1" q) || /^GRANT PROXY / { next }
  { print }
' "$DUMP_DIR/users.sql" | mariadb "$@" --batch
echo "mariadb-restore: restored $(sed -n 's/^databases=//p' "$DUMP_DIR/manifest") database(s) from $DUMP_DIR"
