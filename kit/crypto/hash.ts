// Hashes and keyed hashes, each named by the identifier that stored data carries, so a log or an
// index can say which one made it (algorithm agility, issue 16):
//   sha256  SHA-256 (FIPS 180-4), the international profile
//   sm3     SM3 (GB/T 32905-2016 密码杂凑算法), the commercial-cryptography profile (商用密码:
//           《密码法》 第27条; GB/T 39786-2021 expects it where a hash protects integrity)
// The names are Node's own digest names and the ones kit/merkle.ts accepts (MerkleHashName), so a
// profile's hash can be handed to merkleHasher() as it is. Both come from Node's OpenSSL.
import { createHash, createHmac } from 'node:crypto';

export type HashName = 'sha256' | 'sm3';
export const HASHES: readonly HashName[] = ['sha256', 'sm3'];

/** HMAC (RFC 2104 / GB/T 15852.2) over the named hash. */
export type MacName = 'hmac-sha256' | 'hmac-sm3';
export const MACS: readonly MacName[] = ['hmac-sha256', 'hmac-sm3'];

function hashOf(name: HashName): HashName {
  if (!HASHES.includes(name)) throw new Error(`crypto: unknown hash ${String(name)} (one of ${HASHES.join(', ')})`);
  return name;
}

const bytes = (data: Uint8Array | string) => (typeof data === 'string' ? Buffer.from(data, 'utf8') : data);

/** The digest of `data` (a string is hashed as UTF-8); 32 bytes for both. */
export function digest(name: HashName, data: Uint8Array | string): Buffer {
  return createHash(hashOf(name)).update(bytes(data)).digest();
}

export function macHash(name: MacName): HashName {
  if (!MACS.includes(name)) throw new Error(`crypto: unknown MAC ${String(name)} (one of ${MACS.join(', ')})`);
  return name === 'hmac-sm3' ? 'sm3' : 'sha256';
}

/** HMAC of `data` under `key` with the named hash; 32 bytes. */
export function mac(name: MacName, key: Uint8Array, data: Uint8Array | string): Buffer {
  return createHmac(macHash(name), key).update(bytes(data)).digest();
}
