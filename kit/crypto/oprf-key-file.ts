// Justice's OPRF key on disk (issue 17): the one key behind every party reference. Like an owner's
// signing key it is a file outside the database, readable by justice's process only
// (PARTY_OPRF_KEY_FILE; docker-compose mounts it as a secret). The file names the suite and the
// key's id; the id travels with every evaluation and is stored with every reference, so a
// rotation (docs: architecture, "Party references") can tell which rows are re-keyed.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { generateOprfKey, oprfKeyOf, OPRF_SUITE, type OprfKey } from './oprf';

interface OprfKeyFile { suite: string; keyId: string; secretKey: string }

const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Reads the key file; refuses another suite, a malformed id or scalar. */
export function readOprfKeyFile(file: string): OprfKey {
  let content: OprfKeyFile;
  try { content = JSON.parse(readFileSync(file, 'utf8')); } catch (error) { throw new Error(`${file}: not an OPRF key file (${(error as Error).message})`); }
  if (content.suite !== OPRF_SUITE) throw new Error(`${file}: an OPRF key of suite ${String(content.suite)}, expected ${OPRF_SUITE}`);
  if (typeof content.keyId !== 'string' || !KEY_ID.test(content.keyId)) throw new Error(`${file}: keyId must be 1–64 letters, digits, _ or -`);
  return oprfKeyOf(content.keyId, content.secretKey);
}

/** Writes a new random key under `keyId` (a rotation writes a new file; an existing file is never replaced). */
export function writeOprfKeyFile(file: string, keyId: string): OprfKey {
  if (existsSync(file)) throw new Error(`${file} exists; a key is replaced deliberately, not by accident`);
  const key = generateOprfKey(keyId);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const content: OprfKeyFile = { suite: OPRF_SUITE, keyId, secretKey: Buffer.from(key.secretKey).toString('hex') };
  writeFileSync(file, JSON.stringify(content), { mode: 0o600 });
  return key;
}

/** The embedded default: the key file made on first start, kept afterwards (references stay stable). */
export function ensureOprfKeyFile(file: string): OprfKey {
  return existsSync(file) ? readOprfKeyFile(file) : writeOprfKeyFile(file, `k-${randomBytes(4).toString('hex')}`);
}
