#!/bin/sh
# docker-entrypoint-initdb.d (postgres:18), gateway-db only: runs once, on a fresh volume, as
# POSTGRES_USER, after init-owner-login.sh. Makes the gateway's login, the audit log's writer
# (audit-writer.sql says what it may do).
set -eu
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v db="$POSTGRES_DB" -v writer="$AUDIT_WRITER_DB_USER" -v writer_password="$AUDIT_WRITER_DB_PASSWORD" \
  -f /etc/supervision-graph/audit-writer.sql
