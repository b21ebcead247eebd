// npm run audit:archive -- --to <tree size | date> --out <file> [--from <tree size>]
//
// Writes a CLOSED range of the audit log to a file: the entries up to the last checkpoint the
// procuratorate's witness cosigned of at most `--to` entries (or cosigned at or before `--to`, a
// date or time in ISO 8601), with the signed and cosigned checkpoints and, with `--from` (an
// earlier archive's end), the tree's frontier there. Checked offline by
// `npm run audit:verify -- --archive <file>` (no database). Exit 0: written; 1: the log does not
// give the cosigned checkpoints (nothing written); 2: bad arguments or nothing to archive.
//
// Nothing is removed from the live table: entries are kept at least six months (网络安全法 第二十一条)
// and, with the tree as it is stored today (proofs and audit:verify recompute it from the first
// entry), for as long as the log is to prove itself; README, "Retention and archives".
//
// Where it looks (as npm run audit:verify):
//   DATABASE_URL          the log (the gateway's own database); default: the embedded hub's `gateway`,
//                         as the superuser whose generated password is kept in ${HUB_DATA_DIR:-.data}/pg
//   WITNESS_DATABASE_URL  the procuratorate's database; default: the embedded hub's `procuratorate`
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildArchive } from '../gateway/audit/archive';
import { embeddedSuperuserUrl } from './hub/superuser';

function fail(message: string, code: number): never {
  console.error(`audit:archive: ${message}`);
  process.exit(code);
}

// The embedded default's superuser, with the password kept in its data directory (scripts/hub/superuser.ts).
function embedded(database: string): string {
  try {
    return embeddedSuperuserUrl(database);
  } catch (error) {
    fail((error as Error).message, 2);
  }
}

let values;
try {
  ({ values } = parseArgs({ options: { to: { type: 'string' }, from: { type: 'string' }, out: { type: 'string' } }, strict: true }));
} catch (error) {
  fail(`${(error as Error).message}\nusage: npm run audit:archive -- --to <tree size | date> --out <file> [--from <tree size>]`, 2);
}
if (!values.to || !values.out) fail('usage: npm run audit:archive -- --to <tree size | date> --out <file> [--from <tree size>]', 2);
const url = process.env.DATABASE_URL || embedded('gateway');
const witnessUrl = process.env.WITNESS_DATABASE_URL || (process.env.DATABASE_URL ? undefined : embedded('procuratorate'));
if (!witnessUrl) fail('set WITNESS_DATABASE_URL (the procuratorate\'s database): an archive ends at a checkpoint its witness cosigned', 2);
const to = /^\d+$/.test(values.to) ? Number(values.to) : new Date(values.to);
if (to instanceof Date && Number.isNaN(to.getTime())) fail(`--to is a tree size or an ISO 8601 date: ${values.to}`, 2);
if (values.from !== undefined && !/^\d+$/.test(values.from)) fail(`--from is a tree size: ${values.from}`, 2);

try {
  const archive = await buildArchive(url, witnessUrl, { to, from: values.from === undefined ? undefined : Number(values.from) });
  writeFileSync(values.out, `${JSON.stringify(archive, null, 1)}\n`, { mode: 0o600 });
  const first = archive.entries[0]?.at ?? '-';
  const last = archive.entries[archive.entries.length - 1]?.at ?? '-';
  console.log(`audit archive written to ${values.out}: leaves ${archive.from?.treeSize ?? 0}..${archive.to.treeSize - 1} (${archive.entries.length} entries, ${first} to ${last}), `
    + `closed by the checkpoint of ${archive.to.treeSize} cosigned by the ${archive.witness} at ${archive.to.cosignedAt}; nothing was removed from the live table`);
} catch (error) {
  const message = (error as Error).message;
  fail(message, /no archive is written/.test(message) ? 1 : 2);
}
