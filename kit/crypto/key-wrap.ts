// Data keys and the keys that wrap them (envelope encryption, issue 16). Each owner seals its
// personal fields with its own data key (kit/crypto/aead.ts); the database holds that data key
// only wrapped by a key-encryption key the owner keeps OUTSIDE the database: a key file on the
// embedded default, a KMS or an HSM in a deployment (KeyEncryptionKey is what either implements).
// A copied database, backup or replica then holds ciphertext and wrapped keys, nothing that opens
// them (《个人信息保护法》 第51条: encryption as a security measure; GB/T 39786-2021 §8: keys kept
// apart from the data they protect).
//
// A wrapped key names its algorithm and the wrapping key's id (`<aead>:<kek id>:<...>`), so a
// rotation re-wraps data keys under a new key-encryption key without touching a single row, and a
// reader finds which key-encryption key to ask.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { DATA_KEY_LENGTH, open, seal, sealedHeader, type AeadName } from './aead';

/** What a KMS, an HSM or a key file offers: wrap and unwrap, the key itself never handed out. */
export interface KeyEncryptionKey {
  /** Named in every key it wraps: letters, digits, _ and -. */
  id: string;
  wrap(dataKey: Uint8Array, context: string): Promise<string>;
  /** Null when the wrapped key is not this key's, or was altered, or belongs to another context. */
  unwrap(wrapped: string, context: string): Promise<Buffer | null>;
}

export function newDataKey(): Buffer {
  return randomBytes(DATA_KEY_LENGTH);
}

/** The context a data key is bound to: the owner and the key's purpose (a phone key is not an ID number key). */
export const dataKeyContext = (owner: string, purpose: string) => `data-key\n${owner}\n${purpose}`;

/** The key id a wrapped data key names, readable without any key (to plan a rotation). */
export const wrappingKeyId = (wrapped: string) => sealedHeader(wrapped)?.keyId ?? null;

/** A key-encryption key held in memory: what a key file holds once read. */
export function localKeyEncryptionKey(id: string, key: Uint8Array, algorithm: AeadName): KeyEncryptionKey {
  if (key.length !== DATA_KEY_LENGTH) throw new Error(`crypto: a key-encryption key is ${DATA_KEY_LENGTH} bytes`);
  const secret = Buffer.from(key);
  return {
    id,
    wrap: async (dataKey, context) => {
      if (dataKey.length !== DATA_KEY_LENGTH) throw new Error(`crypto: a data key is ${DATA_KEY_LENGTH} bytes`);
      return seal(algorithm, id, secret, dataKey, context);
    },
    // The wrapped key's own algorithm is used (open reads it), so keys wrapped before a profile
    // switch still unwrap.
    unwrap: async (wrapped, context) => open(wrapped, (keyId) => (keyId === id ? secret : undefined), context),
  };
}

/**
 * The embedded default: a key-encryption key in a file beside the owner's signing key, created
 * (mode 0600, 32 random bytes as hex) when there is none. Its id is the caller's (say
 * `agencies-kek-1`); a rotation writes a new file with a new id.
 */
export function fileKeyEncryptionKey(file: string, id: string, algorithm: AeadName): KeyEncryptionKey {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${randomBytes(DATA_KEY_LENGTH).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  }
  const text = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(text)) throw new Error(`crypto: ${file} is not a key-encryption key (64 hex digits)`);
  return localKeyEncryptionKey(id, Buffer.from(text, 'hex'), algorithm);
}

/**
 * Several key-encryption keys, the newest wrapping: during a rotation old wrapped keys still
 * unwrap (by the id they name) while everything re-wrapped or new uses `current`.
 */
export function keyRing(current: KeyEncryptionKey, ...previous: KeyEncryptionKey[]): KeyEncryptionKey & { rewrap(wrapped: string, context: string): Promise<string | null> } {
  const byId = new Map([current, ...previous].map((k) => [k.id, k]));
  if (byId.size !== previous.length + 1) throw new Error('crypto: key-encryption key ids must be distinct');
  const unwrap = async (wrapped: string, context: string) => {
    const id = wrappingKeyId(wrapped);
    const kek = id === null ? undefined : byId.get(id);
    return kek ? kek.unwrap(wrapped, context) : null;
  };
  return {
    id: current.id,
    wrap: (dataKey, context) => current.wrap(dataKey, context),
    unwrap,
    /** The same data key wrapped by `current`; null when it does not unwrap. Rows stay as they are. */
    async rewrap(wrapped, context) {
      const dataKey = await unwrap(wrapped, context);
      return dataKey ? current.wrap(dataKey, context) : null;
    },
  };
}

const KEK_FILE_TEXT = /^[0-9a-f]{64}$/;

/**
 * A key-encryption key's id from the key itself (`kek-` and 12 hex digits of a hash of it, under a
 * label nothing else hashes): the same file gives the same id on every start and every host, and
 * a rotation's new file a new one, with nothing to keep in step beside the file.
 */
export function keyEncryptionKeyId(key: Uint8Array): string {
  return `kek-${createHash('sha256').update('key-encryption key id\n').update(key).digest('hex').slice(0, 12)}`;
}

/**
 * Reads a key-encryption key file (64 hex digits), refusing a missing or malformed one: a
 * deployment that lost its secret mount must stop, not make a new key that opens nothing.
 */
export function readKeyEncryptionKeyFile(file: string, algorithm: AeadName): KeyEncryptionKey {
  let text: string;
  try { text = readFileSync(file, 'utf8').trim(); } catch (error) { throw new Error(`crypto: cannot read the key-encryption key ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`); }
  if (!KEK_FILE_TEXT.test(text)) throw new Error(`crypto: ${file} is not a key-encryption key (64 hex digits)`);
  const key = Buffer.from(text, 'hex');
  return localKeyEncryptionKey(keyEncryptionKeyId(key), key, algorithm);
}

/** The embedded default and scripts/keys.ts: makes the file (mode 0600) when there is none; an existing one is kept. */
export function ensureKeyEncryptionKeyFile(file: string): void {
  if (existsSync(file)) return;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${randomBytes(DATA_KEY_LENGTH).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
}
