// npm run audit:verify: recomputes the audit log's Merkle tree (and its hash chain) from the stored
// entries, compares it with every checkpoint the procuratorate's witness cosigned, and names the
// first bad entry. Exit 0: intact; 1: broken; 2: could not check.
//
// Where it looks:
//   DATABASE_URL          the log (the gateway's own database); default: the embedded hub of
//                         `npm start` (127.0.0.1:${PG_PORT:-54329}, database `gateway`, as the superuser
//                         whose generated password is kept in ${HUB_DATA_DIR:-.data}/pg)
//   WITNESS_DATABASE_URL  the procuratorate's database, where its witness keeps what it cosigned;
//                         default: the embedded hub's `procuratorate`, when DATABASE_URL is not set
//   HUB_PUBLIC_KEYS_FILE  the key directory, to check the witness's cosignatures; default:
//                         ${HUB_DATA_DIR:-.data}/keys/public-keys.json when it exists
//
// With `--archive <file>` (written by npm run audit:archive) it checks that file alone, offline:
// no database is opened. The gateway's signature and the witness's cosignature on each checkpoint
// are checked with the keys of HUB_PUBLIC_KEYS_FILE (required: never keys from the archive), then
// every entry against the cosigned roots and its chain hash. Exit 0: intact; 1: tampered (the first
// bad entry, or the span of leaves it is in, named); 2: could not check.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { verifyAuditLog } from '../gateway/audit/verify-log';
import { verifyArchiveFile } from '../gateway/audit/archive';

const archiveAt = process.argv.indexOf('--archive');
if (archiveAt >= 0) {
  const file = process.argv[archiveAt + 1];
  const keysFile = process.env.HUB_PUBLIC_KEYS_FILE || join(resolve(process.env.HUB_DATA_DIR ?? '.data'), 'keys', 'public-keys.json');
  try {
    if (!file) throw new Error('usage: npm run audit:verify -- --archive <file>');
    if (!existsSync(keysFile)) throw new Error(`no key directory at ${keysFile} (set HUB_PUBLIC_KEYS_FILE): the checkpoints' signatures cannot be checked`);
    const report = await verifyArchiveFile(file, keysFile);
    if (report.ok) {
      console.log(`audit archive intact: ${file}: leaves ${report.fromSize}..${report.toSize - 1} (${report.entries} entries), ${report.checkpoints} checkpoints signed by the gateway and cosigned by the procuratorate`);
      process.exit(0);
    }
    const bad = report.firstBad!;
    console.error(`AUDIT ARCHIVE TAMPERED: ${file}: at leaf ${bad.leafIndex}${bad.sequence !== null ? ` (row sequence ${bad.sequence})` : ''}: ${bad.reason}`);
    if (bad.range) console.error(`  the bad entry is among leaves ${bad.range.fromLeaf}..${bad.range.toLeaf}; the entries before them match the cosigned checkpoints`);
    process.exit(1);
  } catch (error) {
    console.error(`audit archive could not be verified: ${(error as Error).message}`);
    process.exit(2);
  }
}
import { embeddedSuperuserUrl } from './hub/superuser';

// The embedded default's superuser, with the password kept in its data directory (scripts/hub/superuser.ts).
function embedded(database: string): string {
  try {
    return embeddedSuperuserUrl(database);
  } catch (error) {
    console.error(`audit log could not be verified: ${(error as Error).message}`);
    process.exit(2);
  }
}
const url = process.env.DATABASE_URL || embedded('gateway');
const witnessUrl = process.env.WITNESS_DATABASE_URL || (process.env.DATABASE_URL ? undefined : embedded('procuratorate'));
const defaultKeys = join(resolve(process.env.HUB_DATA_DIR ?? '.data'), 'keys', 'public-keys.json');
const publicKeysFile = process.env.HUB_PUBLIC_KEYS_FILE || (existsSync(defaultKeys) ? defaultKeys : undefined);

/** The URL without its password, for messages. */
function shown(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

try {
  const report = await verifyAuditLog(url, { witnessUrl, publicKeysFile });
  const witness = witnessUrl
    ? `${report.witnessed} checkpoints of the procuratorate's witness matched, up to ${report.witnessedSize} entries${report.cosignaturesChecked ? ' (cosignatures checked)' : ' (cosignatures not checked: no key directory)'}`
    : 'NO WITNESS compared (set WITNESS_DATABASE_URL): only the chain was checked, which whoever holds the database can recompute';
  if (report.ok) {
    console.log(`audit log intact: ${report.entries} entries verified, chain unbroken; ${witness} (${shown(url)})`);
    process.exit(0);
  }
  const bad = report.firstBad!;
  console.error(`AUDIT LOG BROKEN at row sequence ${bad.sequence ?? '(none: the log ends before it)'}: ${bad.reason} (leaf ${bad.leafIndex})`);
  if (bad.range) {
    console.error(`  the bad entry is among leaves ${bad.range.fromLeaf}..${bad.range.toLeaf} (sequences ${bad.range.fromSequence ?? '-'}..${bad.range.toSequence ?? '-'}); the entries before them match the witness`);
  }
  console.error(`${bad.leafIndex} entries before it verified; ${witness} (${shown(url)})`);
  process.exit(1);
} catch (error) {
  console.error(`audit log could not be verified (${shown(url)}): ${(error as Error).message}`);
  process.exit(2);
}
