// npm run restore -- <owner> --from <file> [--migrate]: puts a backup of `npm run backup` back
// into an EMPTY database of that owner, whole or not at all.
//
//   - The file is read through once first: a file that is not whole (truncated, a line changed,
//     added or removed: its SHA-256 no longer matches the trailer's), of another owner, or whose
//     rows do not match its header's counts is refused before the database is touched; so is one
//     whose trailer is not signed by that owner's key in the key directory (HUB_PUBLIC_KEYS_FILE,
//     or the embedded default's): a file changed and hashed again by someone without the key.
//   - The target must have run the same migrations as the source (the backup's schema version):
//     start the owner's subgraph on it once, or pass --migrate to run the owner's migrations here
//     first (only when they are exactly the backup's). A database of another version is refused.
//   - The target must be empty: a restore never merges into live data.
//   - Every row goes in ONE transaction, in the order of the file (tables ordered so that a row's
//     foreign keys point at tables already restored), with session_replication_role = replica:
//     the append-only triggers of audit_log, audit_checkpoint, release_journal and the witness's
//     tables stay in force for everyone else, and no trigger rewrites a restored row. Sequences
//     are set where the source left them, then every table's row count is compared with the
//     header and the file's hash checked again before COMMIT. Any failure rolls everything back.
//
// session_replication_role needs a superuser (the embedded default's `postgres` is one), or on
// PostgreSQL 15+ `GRANT SET ON PARAMETER session_replication_role TO <restoring role>`.
//
// Where it writes: DATABASE_URL, or the embedded hub of `npm start` (127.0.0.1:${PG_PORT:-54329},
// the owner's database there, as the superuser whose password is kept in ${HUB_DATA_DIR:-.data}/pg;
// the next `npm start` gives what was restored to the owner's login). Stop the owner's services while restoring.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase, StatementCounter } from '../kit/database';
import { readKeyDirectory, type KeyDirectory } from '../kit/keys';
import { SIGNED_TEXT_ALGORITHM, verifyText } from '../kit/signed-text';
import {
  BACKUP_FORMAT, BACKUP_SIGNED_CONTEXT, backupSignedText, databaseUrlOf, keyDirectoryFileOf, inMigrationOrder, migrationNamesOf, migrationsOf, migrationsRun, parseArguments, requireOwner, shown, tablesOf,
  TEXT_FORM_SETTINGS, type BackupHeader, type BackupRow, type BackupTrailer,
} from './backup';

/** Parameters per INSERT stay well below PostgreSQL's limit of 65,535. */
const PARAMETERS_PER_INSERT = 30_000;
const MAX_ROWS_PER_INSERT = 500;

/** A refusal: the file or the target is not fit, and nothing was written. */
export class RestoreRefused extends Error {}

const id = (name: string) => pg.escapeIdentifier(name);

/**
 * Reads a backup file through, checking it whole: header first, every row of a listed table with
 * its columns, row counts as the header says, and the trailer's SHA-256 over every byte before
 * it. `onRow` sees each row as it is read (the caller rolls back if the file proves bad later).
 */
export async function readBackup(file: string, handlers: {
  onHeader?: (header: BackupHeader) => Promise<void>;
  onRow?: (row: BackupRow) => Promise<void>;
} = {}): Promise<{ header: BackupHeader; trailer: BackupTrailer }> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  const hash = createHash('sha256');
  let header: BackupHeader | undefined;
  let columns = new Map<string, number>();
  const counted = new Map<string, number>();
  let pending: string | undefined;
  let lineNo = 0;
  let rows = 0;
  const bad = (why: string) => new RestoreRefused(`${file} is not a whole backup: ${why}`);
  const parse = (text: string, at: number) => {
    try { return JSON.parse(text); } catch { throw bad(`line ${at} is not JSON`); }
  };
  const take = async (text: string, at: number) => {
    hash.update(`${text}\n`);
    const value = parse(text, at);
    if (at === 1) {
      if (value?.format !== BACKUP_FORMAT || !Array.isArray(value.tables) || !Array.isArray(value.migrations)) throw bad(`its first line is not a header of ${BACKUP_FORMAT}`);
      header = value as BackupHeader;
      columns = new Map(header.tables.map((t) => [t.name, t.columns.length]));
      await handlers.onHeader?.(header);
      return;
    }
    const row = value as BackupRow;
    const width = columns.get(row?.table);
    if (width === undefined) throw bad(`line ${at} is not a row of a table the header lists`);
    if (!Array.isArray(row.values) || row.values.length !== width || row.values.some((v) => v !== null && typeof v !== 'string')) {
      throw bad(`line ${at} does not hold the ${width} columns of ${row.table}`);
    }
    counted.set(row.table, (counted.get(row.table) ?? 0) + 1);
    rows += 1;
    await handlers.onRow?.(row);
  };
  for await (const text of lines) {
    lineNo += 1;
    // The line before the last is content; the last is the trailer, known only at the end.
    if (pending !== undefined) await take(pending, lineNo - 1);
    pending = text;
  }
  if (pending === undefined || !header) throw bad('it is empty or has no trailer');
  const trailer = parse(pending, lineNo) as BackupTrailer;
  if (trailer?.trailer !== true) throw bad('it ends before its trailer (truncated)');
  if (trailer.sha256 !== hash.digest('hex')) throw bad('its SHA-256 does not match the trailer (altered or truncated)');
  if (trailer.lines !== lineNo - 1 || trailer.rows !== rows) throw bad('its line or row count does not match the trailer');
  for (const table of header.tables) {
    if ((counted.get(table.name) ?? 0) !== table.rows) throw bad(`${table.name} has ${counted.get(table.name) ?? 0} rows, its header says ${table.rows}`);
  }
  return { header, trailer };
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Brings the target to the backup's schema version, or refuses. */
async function ensureSchemaVersion(owner: string, url: string, header: BackupHeader, migrate: boolean): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let run: string[];
  try { run = await migrationsRun(client); } finally { await client.end(); }
  const wanted = inMigrationOrder(header.migrations);
  if (!run.length && migrate) {
    const code = migrationNamesOf(owner);
    if (!sameList(code, wanted)) {
      throw new RestoreRefused(`the backup's schema version (${wanted.at(-1)}, ${wanted.length} migrations) is not this code's (${code.at(-1)}, ${code.length} migrations): restore it with the code of its version`);
    }
    const db = await openDatabase({ url, entities: [], migrations: migrationsOf(owner), counter: new StatementCounter(), poolSize: 1 });
    await db.destroy();
    return ensureSchemaVersion(owner, url, header, false);
  }
  if (!run.length) throw new RestoreRefused(`${shown(url)} has run no migrations: start the ${owner} service on it once, or pass --migrate`);
  if (!sameList(run, wanted)) {
    throw new RestoreRefused(`${shown(url)} is at another schema version (${run.length} migrations, last ${run.at(-1)}) than the backup (${wanted.length}, last ${wanted.at(-1)})`);
  }
}

export interface RestoreResult { header: BackupHeader; rows: number }

/** The trailer is signed by the header's owner, with that owner's key in the directory, over this file's hash and counts. */
function requireOwnerSignature(file: string, header: BackupHeader, trailer: BackupTrailer, keys: KeyDirectory): void {
  const signature = trailer.signature;
  const key = keys.get(header.owner);
  if (!key) throw new RestoreRefused(`the key directory has no key of ${header.owner}: the signature of ${file} cannot be checked`);
  const signed = signature?.signer === header.owner && signature.algorithm === SIGNED_TEXT_ALGORITHM
    && verifyText(key, BACKUP_SIGNED_CONTEXT, backupSignedText({ owner: header.owner, sha256: trailer.sha256, lines: trailer.lines, rows: trailer.rows }), signature.value);
  if (!signed) throw new RestoreRefused(`${file} is not signed by ${header.owner} (no signature, another signer, or changed after signing)`);
}

/** Restores `from` into the owner's database at `url`: all of it in one transaction, or nothing. */
export async function restoreOwner(options: { owner: string; url: string; from: string; keys: KeyDirectory; migrate?: boolean }): Promise<RestoreResult> {
  const owner = requireOwner(options.owner);
  const from = resolve(options.from);
  // First pass: the file alone. Nothing is touched unless it is whole, this owner's and signed by it.
  const { header, trailer } = await readBackup(from);
  if (header.owner !== owner) throw new RestoreRefused(`${from} is a backup of ${header.owner}, not of ${owner}`);
  requireOwnerSignature(from, header, trailer, options.keys);
  await ensureSchemaVersion(owner, options.url, header, !!options.migrate);

  const client = new pg.Client({ connectionString: options.url });
  await client.connect();
  try {
    await client.query('BEGIN');
    try {
      await client.query('SET LOCAL session_replication_role = replica');
    } catch (error) {
      throw new RestoreRefused(`the restoring role may not set session_replication_role (a superuser, or GRANT SET ON PARAMETER session_replication_role): ${(error as Error).message}`);
    }
    for (const statement of TEXT_FORM_SETTINGS) await client.query(statement.replace(/^SET /, 'SET LOCAL '));

    const target = await tablesOf(client);
    const describe = (t: { name: string; columns: { name: string; type: string }[] }) => `${t.name}(${t.columns.map((c) => `${c.name} ${c.type}`).join(', ')})`;
    const expected = header.tables.map(describe).sort();
    const found = target.map(describe).sort();
    const differ = [...expected.filter((t) => !found.includes(t)), ...found.filter((t) => !expected.includes(t))];
    if (differ.length) throw new RestoreRefused(`the target's tables differ from the backup's: ${differ.join('; ')}`);

    // No one writes while the restore runs; then the target must hold nothing.
    if (target.length) await client.query(`LOCK TABLE ${target.map((t) => id(t.name)).join(', ')} IN EXCLUSIVE MODE`);
    const occupied: string[] = [];
    for (const t of target) {
      const { rows: [r] } = await client.query(`SELECT EXISTS (SELECT 1 FROM ${id(t.name)}) AS some`);
      if (r.some) occupied.push(t.name);
    }
    if (occupied.length) throw new RestoreRefused(`${shown(options.url)} is not empty (${occupied.join(', ')} hold rows): a restore goes into an empty database only`);

    // Second pass: the rows, in batches of one table, checked again as they are read.
    const tables = new Map(header.tables.map((t) => [t.name, t]));
    let batch: BackupRow[] = [];
    let restored = 0;
    const flush = async () => {
      if (!batch.length) return;
      const table = tables.get(batch[0].table)!;
      const params: (string | null)[] = [];
      const tuples = batch.map((row) => `(${row.values.map((value, i) => {
        params.push(value);
        return `$${params.length}::${table.columns[i].type}`;
      }).join(', ')})`);
      // OVERRIDING SYSTEM VALUE: identity columns (audit_log.sequence) keep the source's values.
      await client.query(`INSERT INTO ${id(table.name)} (${table.columns.map((c) => id(c.name)).join(', ')}) OVERRIDING SYSTEM VALUE VALUES ${tuples.join(', ')}`, params);
      restored += batch.length;
      batch = [];
    };
    await readBackup(from, {
      onRow: async (row) => {
        const table = tables.get(row.table)!;
        const perInsert = Math.max(1, Math.min(MAX_ROWS_PER_INSERT, Math.floor(PARAMETERS_PER_INSERT / Math.max(1, table.columns.length))));
        if (batch.length && (batch[0].table !== row.table || batch.length >= perInsert)) await flush();
        batch.push(row);
      },
    });
    await flush();

    for (const s of header.sequences) {
      if (s.lastValue === null) {
        await client.query(`SELECT setval(to_regclass($1), (SELECT start_value FROM pg_sequences WHERE schemaname = 'public' AND sequencename = $2), false)`, [`public.${id(s.name)}`, s.name]);
      } else {
        await client.query(`SELECT setval(to_regclass($1), $2::bigint, $3)`, [`public.${id(s.name)}`, s.lastValue, s.isCalled]);
      }
    }
    for (const t of header.tables) {
      const { rows: [r] } = await client.query(`SELECT count(*)::bigint AS n FROM ${id(t.name)}`);
      if (Number(r.n) !== t.rows) throw new Error(`${t.name} holds ${r.n} rows after the restore, the backup ${t.rows}`);
    }
    await client.query('COMMIT');
    return { header, rows: restored };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let url: string | undefined;
  try {
    const { owner, file, flags } = parseArguments(process.argv.slice(2), '--from');
    url = databaseUrlOf(owner);
    const keys = await readKeyDirectory(keyDirectoryFileOf());
    const result = await restoreOwner({ owner, url, from: file, keys, migrate: flags.has('--migrate') });
    console.log(`restored ${owner} (${shown(url)}) from the backup taken at ${result.header.takenAt}: ${result.rows} rows in ${result.header.tables.length} tables, counts and ${owner}'s signature verified`);
    process.exit(0);
  } catch (error) {
    console.error(`restore refused, nothing written${url ? ` (${shown(url)})` : ''}: ${(error as Error).message}`);
    process.exit(1);
  }
}
