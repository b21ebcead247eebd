-- The owner's own login (issue 18, least privilege in the database; 等保 level 3, GB/T 22239-2019
-- 8.1.4.2): run once by init-owner-login.sh when the database's volume is first initialised, as
-- the server's superuser (POSTGRES_USER), who no service connects as. The owner's login owns its
-- database and what its migrations create, is no superuser and can make no role or database; no
-- one else may connect (CONNECT revoked from PUBLIC, also on the maintenance databases).
-- psql variables: db (POSTGRES_DB), owner and owner_password (OWNER_DB_USER, OWNER_DB_PASSWORD).
-- On a volume made before this script existed, run it once by hand with the same variables.
CREATE ROLE :"owner" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD :'owner_password';
ALTER DATABASE :"db" OWNER TO :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
REVOKE CONNECT ON DATABASE postgres, template1 FROM PUBLIC;
