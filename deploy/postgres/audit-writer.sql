-- The gateway's login to its own database, where the audit log lives (issue 18; 等保 level 3,
-- GB/T 22239-2019 8.1.4.3; 网络安全法 第21条): run once by init-audit-writer.sh on gateway-db, after
-- owner-login.sql made the audit subgraph's login the database's owner (it runs the audit log's
-- migrations). The gateway is a member of audit_writer, which the migrations grant INSERT and
-- SELECT on the log, its checkpoints and the schema publications
-- (subgraphs/audit/migrations/1700000002300-AuditWriterGrants.ts), and SELECT, INSERT, UPDATE and
-- DELETE on the idempotency records, a cache of answers kept for retries, not a record
-- (1700000002850-IdempotencyRecord.ts). Owning nothing, it cannot UPDATE, DELETE or TRUNCATE the log,
-- ALTER any of these tables or disable their triggers.
-- psql variables: db (POSTGRES_DB), writer and writer_password (AUDIT_WRITER_DB_USER, _PASSWORD).
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'audit_writer') THEN CREATE ROLE audit_writer NOLOGIN; END IF;
END $$;
CREATE ROLE :"writer" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD :'writer_password' IN ROLE audit_writer;
GRANT CONNECT ON DATABASE :"db" TO :"writer";
