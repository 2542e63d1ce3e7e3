#!/bin/sh
# Online backup of a MariaDB server for the restic backup kit (the "online backup" hook).
#
# Writes into $DUMP_DIR:
#   users.sql       mariadb-dump --system=users: accounts (password hashes included) and their grants
#   databases.sql   mariadb-dump --single-transaction of every user database, with routines, events
#                   and triggers, each preceded by DROP DATABASE IF EXISTS (absent when there is none)
#   manifest        the tool, server version and time of the dump
# The dump is written to a temporary directory beside $DUMP_DIR and swapped in only when every step
# succeeded, so a failed run never replaces the last good dump. InnoDB tables are dumped consistently
# without locking writers.
#
# Environment: MARIADB_HOST (or MARIADB_SOCKET), MARIADB_PORT (3306), MARIADB_USER (root) and
# MYSQL_PWD (the password, read by the client from the environment); DUMP_DIR.
set -eu

: "${DUMP_DIR:?DUMP_DIR must name the directory the dump is written to}"
if [ -n "${MARIADB_SOCKET:-}" ]; then
  set -- --socket="$MARIADB_SOCKET" --user="${MARIADB_USER:-root}"
else
  set -- --host="${MARIADB_HOST:-127.0.0.1}" --port="${MARIADB_PORT:-3306}" --protocol=TCP --user="${MARIADB_USER:-root}"
fi
parent=$(dirname "$DUMP_DIR")
mkdir -p "$parent"
work=$(mktemp -d "$parent/.dump-XXXXXX")
trap 'rm -rf "$work"' EXIT

tries=0
until mariadb-admin "$@" ping >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then echo "mariadb-backup: the server does not answer (mariadb-admin ping failed for 60 s)" >&2; exit 1; fi
  sleep 1
done

mariadb "$@" --batch --skip-column-names --execute="SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys') ORDER BY schema_name" >"$work/databases.txt"
mariadb-dump "$@" --system=users --insert-ignore --no-create-info --no-data --databases mysql >"$work/users.sql"
n=$(grep -c . "$work/databases.txt" || true)
if [ "$n" -gt 0 ]; then
  # Database names are passed as arguments of one invocation so the dump is one consistent snapshot.
  # shellcheck disable=SC2046
  tr '\n' '\0' <"$work/databases.txt" | xargs -0 mariadb-dump "$@" --single-transaction --routines --events --triggers --add-drop-database --databases >"$work/databases.sql"
fi

{
  echo "tool=mariadb-dump"
  echo "server_version=$(mariadb "$@" --batch --skip-column-names --execute='SELECT VERSION()')"
  echo "databases=$n"
  echo "created=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >"$work/manifest"

rm -rf "$DUMP_DIR.old"
if [ -e "$DUMP_DIR" ]; then mv "$DUMP_DIR" "$DUMP_DIR.old"; fi
mv "$work" "$DUMP_DIR"
rm -rf "$DUMP_DIR.old"
trap - EXIT
echo "mariadb-backup: dumped $n database(s) into $DUMP_DIR"
