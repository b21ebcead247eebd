// Crypto profiles (issue 16): one choice per deployment of the algorithms that protect data, each
// algorithm named by the identifier stored beside what it made, so data written under one profile
// stays readable after a deployment switches (a reader picks the algorithm the data names, never
// the profile's).
//   international  Ed25519, SHA-256, AES-256-GCM, HMAC-SHA-256
//   commercial     商用密码 (《密码法》 第27条; GB/T 39786-2021 信息系统密码应用基本要求, which a
//                  等保 level-3 system is assessed against): SM2 with SM3 (GB/T 32918.2-2016), SM3
//                  (GB/T 32905-2016), SM4 (GB/T 32907-2016) with HMAC-SM3 (kit/crypto/aead.ts)
//
// Who uses which: identities and checkpoints are signed with `signature` (kit/identity.ts,
// kit/checkpoint.ts), the audit log's tree hashes with `hash` (kit/merkle.ts takes the same names),
// stored personal fields are sealed with `aead`, and exact-match lookups use `blindIndex` with `mac`.
import { AEADS, type AeadName } from './aead';
import { digest, HASHES, mac, MACS, type HashName, type MacName } from './hash';
import { signatureScheme, SIGNATURES, type SignatureName, type SignatureScheme } from './signatures';

export type ProfileName = 'international' | 'commercial';
export const PROFILE_NAMES: readonly ProfileName[] = ['international', 'commercial'];
/** What the embedded default runs. */
export const DEFAULT_PROFILE: ProfileName = 'international';

export interface CryptoProfile {
  name: ProfileName;
  signature: SignatureName;
  hash: HashName;
  aead: AeadName;
  mac: MacName;
}

export const PROFILES: Readonly<Record<ProfileName, CryptoProfile>> = {
  international: { name: 'international', signature: 'ed25519', hash: 'sha256', aead: 'aes-256-gcm', mac: 'hmac-sha256' },
  commercial: { name: 'commercial', signature: 'sm2-sm3', hash: 'sm3', aead: 'sm4-ctr-hmac-sm3', mac: 'hmac-sm3' },
};

// Every profile names algorithms this kit implements (checked once, at load).
for (const p of Object.values(PROFILES)) {
  if (!SIGNATURES.includes(p.signature) || !HASHES.includes(p.hash) || !AEADS.includes(p.aead) || !MACS.includes(p.mac)) throw new Error(`crypto: profile ${p.name} names an unknown algorithm`);
}

/** The profile a deployment names (a setting's value); unset = the default. */
export function cryptoProfile(name: string | undefined = DEFAULT_PROFILE): CryptoProfile {
  if (!(PROFILE_NAMES as readonly string[]).includes(name)) throw new Error(`crypto: unknown profile ${name} (one of ${PROFILE_NAMES.join(', ')})`);
  return PROFILES[name as ProfileName];
}

export function profileSigner(profile: CryptoProfile): SignatureScheme {
  return signatureScheme(profile.signature);
}

export function profileDigest(profile: CryptoProfile, data: Uint8Array | string): Buffer {
  return digest(profile.hash, data);
}

/**
 * A keyed blind index of a value for exact-match lookups and uniqueness without storing the value
 * (《个人信息保护法》 第51条: encryption and de-identification): `<mac>:<hex>`, the MAC named so an
 * index built under one profile is not compared with another's. `purpose` separates indexes (an
 * ID number's index never equals a phone's); the caller normalises the value first.
 */
export function blindIndex(profile: CryptoProfile, key: Uint8Array, purpose: string, value: string): string {
  if (key.length < 32) throw new Error('crypto: a blind-index key is at least 32 bytes');
  if (!/^[a-z0-9_.-]{1,100}$/.test(purpose)) throw new Error('crypto: a blind-index purpose is lower-case letters, digits, _ . -');
  return `${profile.mac}:${mac(profile.mac, key, `${purpose}\n${value}`).toString('hex')}`;
}
