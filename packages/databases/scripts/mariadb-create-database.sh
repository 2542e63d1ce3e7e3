#!/bin/sh
# Creates (or updates) a database and its user on a MariaDB server, idempotently: the database and
# the account (`user`@`%`) are created when missing, the account gets the password and every
# privilege on the database. Run by the MariaDB Database component's Job; safe to run again.
#
# Environment: MARIADB_HOST (or MARIADB_SOCKET), MARIADB_PORT, MARIADB_USER, MYSQL_PWD (the admin);
# DATABASE_NAME, DATABASE_USER and DATABASE_PASSWORD (the new user's password: it reaches the server
# on the client's standard input, never on a command line).
set -eu
: "${DATABASE_NAME:?DATABASE_NAME must name the database}"
: "${DATABASE_USER:?DATABASE_USER must name the user}"
: "${DATABASE_PASSWORD:?DATABASE_PASSWORD must hold the password}"
if [ -n "${MARIADB_SOCKET:-}" ]; then
  set -- --socket="$MARIADB_SOCKET" --user="${MARIADB_USER:-root}"
else
  set -- --host="${MARIADB_HOST:-127.0.0.1}" --port="${MARIADB_PORT:-3306}" --protocol=TCP --user="${MARIADB_USER:-root}"
fi

tries=0
until mariadb-admin "$@" ping >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 120 ]; then echo "mariadb-create-database: the server does not answer (mariadb-admin ping failed for 120 s)" >&2; exit 1; fi
  sleep 1
done

# SQL string literal: backslashes and single quotes escaped. Identifiers: backticks doubled.
literal() { printf "'%s'" "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/''/g")"; }
identifier() { printf '`%s`' "$(printf '%s' "$1" | sed -e 's/`/``/g')"; }
db=$(identifier "$DATABASE_NAME")
account="$(literal "$DATABASE_USER")@'%'"
# printf, not echo: dash's echo would turn the escaped backslashes back into escapes.
printf '%s\n' \
  "CREATE DATABASE IF NOT EXISTS $db CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;" \
  "CREATE USER IF NOT EXISTS $account;" \
  "ALTER USER $account IDENTIFIED BY $(literal "$DATABASE_PASSWORD");" \
  "GRANT ALL PRIVILEGES ON $db.* TO $account;" | mariadb "$@" --batch
echo "mariadb-create-database: database \"$DATABASE_NAME\" with user \"$DATABASE_USER\" is ready"
