#!/bin/sh
# Creates (or updates) a database and its owner on a PostgreSQL server, idempotently: the role is
# created when missing and given the password, the database is created when missing and owned by the
# role, which gets every privilege on it and on its public schema. Run by the PostgreSQL Database
# component's Job; safe to run again.
#
# Environment: PGHOST, PGPORT, PGUSER, PGPASSWORD (the admin, as libpq reads them); DATABASE_NAME,
# DATABASE_USER and DATABASE_PASSWORD (the new user's password, read from the environment by psql, so
# it never appears on a command line).
set -eu
: "${DATABASE_NAME:?DATABASE_NAME must name the database}"
: "${DATABASE_USER:?DATABASE_USER must name the user}"
: "${DATABASE_PASSWORD:?DATABASE_PASSWORD must hold the password}"

pg_isready --timeout=120 >/dev/null || { echo "postgresql-create-database: the server at ${PGHOST:-local socket}:${PGPORT:-5432} does not accept connections" >&2; exit 1; }

psql --no-psqlrc --quiet --set=ON_ERROR_STOP=1 --dbname=postgres <<'SQL'
\getenv db DATABASE_NAME
\getenv owner DATABASE_USER
\getenv password DATABASE_PASSWORD
SELECT format('CREATE ROLE %I LOGIN', :'owner') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', :'owner', :'password') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', :'db', :'owner') \gexec
SELECT format('GRANT ALL PRIVILEGES ON DATABASE %I TO %I', :'db', :'owner') \gexec
\connect :"db"
SELECT format('ALTER SCHEMA public OWNER TO %I', :'owner') \gexec
SQL
echo "postgresql-create-database: database \"$DATABASE_NAME\" owned by \"$DATABASE_USER\" is ready"
