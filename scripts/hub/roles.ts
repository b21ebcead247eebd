import pg from 'pg';
import { generatedPassword } from './superuser';
import type { PostgresServer } from './postgres';

// Least privilege in the database (等保 level 3, GB/T 22239-2019 8.1.4.2: access control grants
// each account the least it needs; issue 18). On the embedded default every owner has its own
// login that reaches only its own database: CONNECT is revoked from PUBLIC on every owner's
// database (and on the maintenance databases), granted to that owner alone, and the owner's login
// owns its database and what its migrations create. No service connects as the superuser.
//
// The gateway's database holds the audit log. Its schema belongs to the audit subgraph (it runs
// the migrations, subgraphs/audit); the gateway connects with a login of its own that is a member
// of AUDIT_WRITER, which the audit migrations grant SELECT and INSERT on the log and nothing else:
// it owns nothing, so it cannot ALTER the table, disable its triggers, UPDATE, DELETE or TRUNCATE
// (网络安全法 第21条: logs kept at least six months; 等保 8.1.4.3: audit records protected against
// deletion, alteration and overwriting).

/** The group role the audit migrations grant INSERT and SELECT to (subgraphs/audit/migrations). */
export const AUDIT_WRITER = 'audit_writer';

export interface Login {
  /** The login role, e.g. `justice` (role names are per server: tests prefix them as their databases). */
  role: string;
  /** Its database. */
  database: string;
  /** Whether it owns the database (runs its migrations) or may only connect to it. */
  owns: boolean;
  /** Group roles it is a member of (AUDIT_WRITER for the gateway). */
  memberOf?: string[];
}

const GROUPS = [AUDIT_WRITER];
/** Databases every server has, which no owner needs. */
const MAINTENANCE_DATABASES = ['postgres', 'template1'];
/** Serialises role and database changes of hubs that share one server (test files in parallel). */
const PROVISIONING_LOCK = 1_800_002_300;

const id = (name: string) => pg.escapeIdentifier(name);

async function asSuperuser<T>(server: PostgresServer, database: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: server.url(database) });
  await client.connect();
  try { return await work(client); } finally { await client.end(); }
}

/** Ignores "already exists" from a role another hub on the same server created at the same moment. */
async function createGroup(client: pg.Client, name: string): Promise<void> {
  const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
  if (rowCount) return;
  await client.query(`CREATE ROLE ${id(name)} NOLOGIN`).catch((error) => {
    if (!['42710', '23505'].includes((error as { code?: string }).code ?? '')) throw error;
  });
}

/**
 * Objects in `database` left by an older data directory (made by the superuser before each owner
 * had a login) or a restore made as the superuser pass to `owner`, so its migrations and its
 * service reach them. Tables take their indexes and owned sequences with them.
 */
async function adoptObjects(server: PostgresServer, database: string, owner: string): Promise<void> {
  await asSuperuser(server, database, async (client) => {
    const owned = `(SELECT oid FROM pg_roles WHERE rolname = $1)`;
    const ofPublic = `(SELECT oid FROM pg_namespace WHERE nspname = 'public')`;
    const kinds: Record<string, string> = { r: 'TABLE', p: 'TABLE', f: 'FOREIGN TABLE', v: 'VIEW', m: 'MATERIALIZED VIEW' };
    const { rows: relations } = await client.query<{ name: string; kind: string }>(
      `SELECT relname AS name, relkind AS kind FROM pg_class WHERE relnamespace = ${ofPublic} AND relkind IN ('r','p','f','v','m') AND relowner <> ${owned} AND NOT relispartition`, [owner]);
    for (const r of relations) await client.query(`ALTER ${kinds[r.kind]} public.${id(r.name)} OWNER TO ${id(owner)}`);
    // Sequences no table owns (those a table owns moved with it).
    const { rows: sequences } = await client.query<{ name: string }>(
      `SELECT relname AS name FROM pg_class c WHERE relnamespace = ${ofPublic} AND relkind = 'S' AND relowner <> ${owned}
         AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))`, [owner]);
    for (const s of sequences) await client.query(`ALTER SEQUENCE public.${id(s.name)} OWNER TO ${id(owner)}`);
    const { rows: functions } = await client.query<{ signature: string }>(
      `SELECT oid::regprocedure::text AS signature FROM pg_proc WHERE pronamespace = ${ofPublic} AND proowner <> ${owned}`, [owner]);
    for (const f of functions) await client.query(`ALTER ROUTINE ${f.signature} OWNER TO ${id(owner)}`);
    const { rows: types } = await client.query<{ name: string }>(
      `SELECT typname AS name FROM pg_type WHERE typnamespace = ${ofPublic} AND typtype IN ('e', 'd') AND typowner <> ${owned}`, [owner]);
    for (const t of types) await client.query(`ALTER TYPE public.${id(t.name)} OWNER TO ${id(owner)}`);
  });
}

/**
 * Creates (or updates) each login with a fresh generated password, its database, and who may
 * connect to it. Returns each role's password: the services get it in their DATABASE_URL; nothing
 * keeps it (a restart generates new ones).
 */
export async function provisionLogins(server: PostgresServer, logins: Login[]): Promise<Record<string, string>> {
  const passwords: Record<string, string> = {};
  const adopt: Login[] = [];
  await asSuperuser(server, 'postgres', async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [PROVISIONING_LOCK]);
    try {
      for (const group of GROUPS) await createGroup(client, group);
      const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database');
      const existing = new Set(rows.map((r) => r.datname));
      for (const login of logins) {
        const password = generatedPassword();
        passwords[login.role] = password;
        const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [login.role]);
        const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD ${client.escapeLiteral(password)}`;
        await client.query(`${rowCount ? 'ALTER' : 'CREATE'} ROLE ${id(login.role)} WITH ${attributes}`);
        for (const group of login.memberOf ?? []) await client.query(`GRANT ${id(group)} TO ${id(login.role)}`);
      }
      const owning = logins.filter((l) => l.owns);
      // Each CREATE DATABASE copies the template; on connections of their own the copies run side
      // by side (a hub's nine databases in a third of the time), still under this connection's lock.
      await Promise.all(owning.filter((l) => !existing.has(l.database)).map((login) =>
        asSuperuser(server, 'postgres', (creator) => creator.query(`CREATE DATABASE ${id(login.database)} OWNER ${id(login.role)}`))));
      for (const login of owning.filter((l) => existing.has(l.database))) {
        await client.query(`ALTER DATABASE ${id(login.database)} OWNER TO ${id(login.role)}`);
        adopt.push(login);
      }
      for (const login of logins) {
        await client.query(`REVOKE ALL ON DATABASE ${id(login.database)} FROM PUBLIC`);
        await client.query(`GRANT CONNECT ON DATABASE ${id(login.database)} TO ${id(login.role)}`);
      }
      for (const database of MAINTENANCE_DATABASES) await client.query(`REVOKE CONNECT ON DATABASE ${id(database)} FROM PUBLIC`);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PROVISIONING_LOCK]).catch(() => {});
    }
  });
  for (const login of adopt) await adoptObjects(server, login.database, login.role);
  return passwords;
}

/** Drops the logins (after their databases are dropped: a role that owns a database cannot go). */
export async function dropLogins(server: PostgresServer, roles: string[]): Promise<void> {
  await asSuperuser(server, 'postgres', async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [PROVISIONING_LOCK]);
    try {
      for (const role of roles) await client.query(`DROP ROLE IF EXISTS ${id(role)}`);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PROVISIONING_LOCK]).catch(() => {});
    }
  });
}
