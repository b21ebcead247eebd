#!/bin/sh
# docker-entrypoint-initdb.d (postgres:18): runs once, on a fresh volume, as POSTGRES_USER.
# Makes the owner's own login (owner-login.sql says what it may do).
set -eu
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v db="$POSTGRES_DB" -v owner="$OWNER_DB_USER" -v owner_password="$OWNER_DB_PASSWORD" \
  -f /etc/supervision-graph/owner-login.sql
