// Authenticated encryption of stored values, each sealed value naming its algorithm and key:
//   aes-256-gcm        AES-256 in GCM (NIST SP 800-38D), the international profile
//   sm4-ctr-hmac-sm3   SM4 (GB/T 32907-2016) in CTR mode, then HMAC-SM3 over the header, the
//                      counter block and the ciphertext (encrypt-then-MAC), the commercial profile
//
// Why SM4-CTR + HMAC-SM3 and not SM4-GCM: Node 20's OpenSSL 3.0 has sm4-ctr and sm3 but no
// sm4-gcm, and the JavaScript SM4-GCM on offer (sm-crypto-v2) is table-driven code running in
// the JIT, slower per field and with no constant-time guarantee. Encrypt-then-MAC with a PRF
// (HMAC) over a CPA-secure mode (CTR) is a generic composition proven to give authenticated
// encryption (Bellare & Namprempre 2000); both halves run in OpenSSL's C code, the same library
// that does AES-GCM. Both algorithms are national-standard ones a 密评 (GB/T 39786-2021) accepts
// for confidentiality (SM4) and integrity (HMAC-SM3).
//
// Both take a 32-byte data key. The SM4 composition derives two independent keys from it
// (HMAC-SM3 with distinct labels): 16 bytes for SM4, 32 for the MAC. One key never serves two uses.
//
// A sealed value is text: `<algorithm>:<key id>:<base64url(nonce || ciphertext || tag)>`. The
// header (algorithm and key id) is authenticated with the caller's associated data, so neither can
// be swapped without the value failing to open (no downgrade, no key confusion). A random nonce
// per value: 96 bits for GCM (keep a key under 2^32 values, SP 800-38D §8.3), 128 bits as
// the whole initial counter block for CTR.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type AeadName = 'aes-256-gcm' | 'sm4-ctr-hmac-sm3';
export const AEADS: readonly AeadName[] = ['aes-256-gcm', 'sm4-ctr-hmac-sm3'];

export const DATA_KEY_LENGTH = 32;

export interface AeadAlgorithm {
  name: AeadName;
  nonceLength: number;
  tagLength: number;
  /** With a given nonce: for known-answer tests. Sealing draws a fresh one (seal()). */
  encrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): { ciphertext: Buffer; tag: Buffer };
  /** Null when the tag does not match: nothing is decrypted before it does. */
  decrypt(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad: Uint8Array): Buffer | null;
}

const checkKey = (key: Uint8Array) => {
  if (key.length !== DATA_KEY_LENGTH) throw new Error(`crypto: a data key is ${DATA_KEY_LENGTH} bytes`);
};

const aes256gcm: AeadAlgorithm = {
  name: 'aes-256-gcm',
  nonceLength: 12,
  tagLength: 16,
  encrypt(key, nonce, plaintext, aad) {
    checkKey(key);
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 }).setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { ciphertext, tag: cipher.getAuthTag() };
  },
  decrypt(key, nonce, ciphertext, tag, aad) {
    checkKey(key);
    if (tag.length !== 16) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 }).setAAD(aad).setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      return null;
    }
  },
};

function sm4Keys(key: Uint8Array) {
  checkKey(key);
  return {
    encryption: createHmac('sm3', key).update('sm4-ctr-hmac-sm3 encryption key').digest().subarray(0, 16),
    authentication: createHmac('sm3', key).update('sm4-ctr-hmac-sm3 authentication key').digest(),
  };
}

// The MAC covers len(aad) (8 bytes, big-endian) || aad || counter block || ciphertext, so the
// boundary between associated data and ciphertext cannot move.
function sm4Tag(macKey: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, aad: Uint8Array): Buffer {
  const length = Buffer.alloc(8);
  length.writeBigUInt64BE(BigInt(aad.length));
  return createHmac('sm3', macKey).update(length).update(aad).update(nonce).update(ciphertext).digest();
}

const sm4CtrHmacSm3: AeadAlgorithm = {
  name: 'sm4-ctr-hmac-sm3',
  nonceLength: 16,
  tagLength: 32,
  encrypt(key, nonce, plaintext, aad) {
    const { encryption, authentication } = sm4Keys(key);
    const cipher = createCipheriv('sm4-ctr', encryption, nonce);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { ciphertext, tag: sm4Tag(authentication, nonce, ciphertext, aad) };
  },
  decrypt(key, nonce, ciphertext, tag, aad) {
    const { encryption, authentication } = sm4Keys(key);
    const expected = sm4Tag(authentication, nonce, ciphertext, aad);
    if (tag.length !== expected.length || !timingSafeEqual(tag, expected)) return null;
    const decipher = createDecipheriv('sm4-ctr', encryption, nonce);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  },
};

const ALGORITHMS: Record<AeadName, AeadAlgorithm> = { 'aes-256-gcm': aes256gcm, 'sm4-ctr-hmac-sm3': sm4CtrHmacSm3 };

export function aeadAlgorithm(name: AeadName): AeadAlgorithm {
  if (!AEADS.includes(name)) throw new Error(`crypto: unknown authenticated encryption ${String(name)} (one of ${AEADS.join(', ')})`);
  return ALGORITHMS[name];
}

const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** What a sealed value says about itself, readable without any key (to pick the key, to plan a rotation). */
export function sealedHeader(sealed: string): { algorithm: AeadName; keyId: string } | null {
  const parts = sealed.split(':');
  if (parts.length !== 3 || !(AEADS as readonly string[]).includes(parts[0]) || !KEY_ID.test(parts[1])) return null;
  return { algorithm: parts[0] as AeadName, keyId: parts[1] };
}

const headerAad = (algorithm: AeadName, keyId: string, aad: Uint8Array | string) =>
  Buffer.concat([Buffer.from(`${algorithm}:${keyId}\n`, 'utf8'), typeof aad === 'string' ? Buffer.from(aad, 'utf8') : aad]);

/**
 * Seals `plaintext` under the data key `keyId`. `aad` binds the value to where it lives (say
 * `market_regulation.party.id_number:<row id>`), so a sealed value copied to another row or column
 * does not open there.
 */
export function seal(algorithm: AeadName, keyId: string, key: Uint8Array, plaintext: Uint8Array | string, aad: Uint8Array | string = ''): string {
  if (!KEY_ID.test(keyId)) throw new Error('crypto: a key id is 1-64 letters, digits, _ or -');
  const a = aeadAlgorithm(algorithm);
  const nonce = randomBytes(a.nonceLength);
  const { ciphertext, tag } = a.encrypt(key, nonce, typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext, headerAad(algorithm, keyId, aad));
  return `${algorithm}:${keyId}:${Buffer.concat([nonce, ciphertext, tag]).toString('base64url')}`;
}

/**
 * Opens a sealed value with the data key its header names (`keyFor(keyId)`, undefined when that
 * key is unknown). Null when the value is malformed, the key unknown or anything was altered.
 */
export function open(sealed: string, keyFor: (keyId: string, algorithm: AeadName) => Uint8Array | undefined, aad: Uint8Array | string = ''): Buffer | null {
  const header = sealedHeader(sealed);
  if (!header) return null;
  const a = aeadAlgorithm(header.algorithm);
  const key = keyFor(header.keyId, header.algorithm);
  if (!key) return null;
  const body = Buffer.from(sealed.slice(sealed.lastIndexOf(':') + 1), 'base64url');
  if (body.length < a.nonceLength + a.tagLength) return null;
  const nonce = body.subarray(0, a.nonceLength);
  const ciphertext = body.subarray(a.nonceLength, body.length - a.tagLength);
  const tag = body.subarray(body.length - a.tagLength);
  return a.decrypt(key, nonce, ciphertext, tag, headerAad(header.algorithm, header.keyId, aad));
}
