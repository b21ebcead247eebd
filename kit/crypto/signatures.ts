// Signature schemes, each named by the identifier a stored signature carries:
//   ed25519   Ed25519 (RFC 8032), the international profile; Node's OpenSSL
//   sm2-sm3   SM2 digital signatures (GB/T 32918.2-2016) with SM3: the signed value is
//             e = SM3(Z_A || M), where Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A)
//             binds the signer's public key and distinguishing identifier (default
//             "1234567812345678", GB/T 35276-2017 §10 / GM/T 0009). Node's OpenSSL has EC keys on
//             the SM2 curve but signs ECDSA with them, not SM2 with Z, so the scheme comes from
//             sm-crypto-v2 (maintained, MIT, built on @noble/curves' audited curve arithmetic).
//
// Keys and signatures are raw bytes, the same shape in both profiles:
//   ed25519  private 32-byte seed, public 32 bytes, signature 64 bytes (R || S)
//   sm2-sm3  private 32 bytes (d), public 65 bytes (04 || x || y), signature 64 bytes (r || s)
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { sm2 } from 'sm-crypto-v2';

export type SignatureName = 'ed25519' | 'sm2-sm3';
export const SIGNATURES: readonly SignatureName[] = ['ed25519', 'sm2-sm3'];

/** The SM2 distinguishing identifier when none is agreed (GB/T 35276-2017 §10, GM/T 0009-2012). */
export const SM2_DEFAULT_USER_ID = '1234567812345678';

export interface KeyPair {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

export interface SignatureScheme {
  name: SignatureName;
  publicKeyLength: number;
  signatureLength: number;
  generateKeyPair(): KeyPair;
  publicKeyOf(privateKey: Uint8Array): Uint8Array;
  sign(privateKey: Uint8Array, message: Uint8Array | string): Uint8Array;
  /** False, never an exception, for a malformed key or signature: callers treat both as "not signed". */
  verify(publicKey: Uint8Array, message: Uint8Array | string, signature: Uint8Array): boolean;
}

const bytes = (data: Uint8Array | string) => (typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
const hex = (data: Uint8Array) => Buffer.from(data).toString('hex');

// DER prefixes of RFC 8410 keys: PKCS#8 for a 32-byte seed, SPKI for a 32-byte public key.
const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const ED25519_SPKI = Buffer.from('302a300506032b6570032100', 'hex');

const ed25519PrivateKey = (seed: Uint8Array) => {
  if (seed.length !== 32) throw new Error('ed25519: a private key is a 32-byte seed');
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8, seed]), format: 'der', type: 'pkcs8' });
};
const ed25519PublicKey = (raw: Uint8Array) => createPublicKey({ key: Buffer.concat([ED25519_SPKI, raw]), format: 'der', type: 'spki' });

const ed25519: SignatureScheme = {
  name: 'ed25519',
  publicKeyLength: 32,
  signatureLength: 64,
  generateKeyPair() {
    const { privateKey } = generateKeyPairSync('ed25519');
    const jwk = privateKey.export({ format: 'jwk' });
    return { privateKey: Buffer.from(jwk.d!, 'base64url'), publicKey: Buffer.from(jwk.x!, 'base64url') };
  },
  publicKeyOf(privateKey) {
    return Buffer.from(ed25519PrivateKey(privateKey).export({ format: 'jwk' }).x!, 'base64url');
  },
  sign(privateKey, message) {
    return sign(null, bytes(message), ed25519PrivateKey(privateKey));
  },
  verify(publicKey, message, signature) {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    try {
      return verify(null, bytes(message), ed25519PublicKey(publicKey), signature);
    } catch {
      return false;
    }
  },
};

// The order n of the SM2 curve (GB/T 32918.5-2017): a private key d lies in [1, n-2].
const SM2_N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

function sm2PrivateHex(privateKey: Uint8Array): string {
  if (privateKey.length !== 32) throw new Error('sm2: a private key is 32 bytes');
  const d = BigInt(`0x${hex(privateKey)}`);
  if (d < 1n || d > SM2_N - 2n) throw new Error('sm2: the private key is out of range');
  return hex(privateKey);
}

// Verifying against a public key's precomputed multiples is ~5x faster (about 3 ms against 15 ms
// here), the table costing ~170 ms once: worth it for the few keys of a key directory, which verify
// again and again, not for a key seen once. So a key gets its table on its second use, and at
// most SM2_TABLES keys keep one (the oldest dropped first).
const SM2_TABLES = 32;
const sm2Seen = new Map<string, ReturnType<typeof sm2.precomputePublicKey> | 'once'>();
function sm2VerifyingKey(publicKeyHex: string): string | ReturnType<typeof sm2.precomputePublicKey> {
  const known = sm2Seen.get(publicKeyHex);
  if (known === undefined) {
    if (sm2Seen.size >= SM2_TABLES * 4) sm2Seen.delete(sm2Seen.keys().next().value!);
    sm2Seen.set(publicKeyHex, 'once');
    return publicKeyHex;
  }
  if (known !== 'once') return known;
  const tables = [...sm2Seen.values()].filter((v) => v !== 'once').length;
  if (tables >= SM2_TABLES) {
    for (const [k, v] of sm2Seen) if (v !== 'once') { sm2Seen.delete(k); break; }
  }
  const point = sm2.precomputePublicKey(publicKeyHex);
  sm2Seen.set(publicKeyHex, point);
  return point;
}

/** An SM2 signer with an agreed distinguishing identifier (the default unless both sides agree another). */
export function sm2WithSm3(userId: string = SM2_DEFAULT_USER_ID): SignatureScheme {
  // ENTL_A is two bytes of BIT length: an identifier is at most 8191 bytes.
  if (Buffer.byteLength(userId, 'utf8') > 8191) throw new Error('sm2: the user id is at most 8191 bytes');
  return {
    name: 'sm2-sm3',
    publicKeyLength: 65,
    signatureLength: 64,
    generateKeyPair() {
      const { privateKey, publicKey } = sm2.generateKeyPairHex();
      return { privateKey: Buffer.from(privateKey.padStart(64, '0'), 'hex'), publicKey: Buffer.from(publicKey, 'hex') };
    },
    publicKeyOf(privateKey) {
      return Buffer.from(sm2.getPublicKeyFromPrivateKey(sm2PrivateHex(privateKey)), 'hex');
    },
    sign(privateKey, message) {
      const d = sm2PrivateHex(privateKey);
      // hash: true = sign SM3(Z_A || M), not M itself; publicKey given so Z_A is not recomputed from d.
      const signature = sm2.doSignature(bytes(message), d, { hash: true, userId, publicKey: sm2.getPublicKeyFromPrivateKey(d) });
      return Buffer.from(signature.padStart(128, '0'), 'hex');
    },
    verify(publicKey, message, signature) {
      if (publicKey.length !== 65 || publicKey[0] !== 0x04 || signature.length !== 64) return false;
      try {
        // GB/T 32918.2-2016 §7.1 B1, B2: r' and s' in [1, n-1], checked here, not left to the library.
        const r = BigInt(`0x${hex(signature.subarray(0, 32))}`);
        const s = BigInt(`0x${hex(signature.subarray(32))}`);
        if (r < 1n || r >= SM2_N || s < 1n || s >= SM2_N) return false;
        if (!sm2.verifyPublicKey(hex(publicKey))) return false; // on the curve, not the point at infinity
        return sm2.doVerifySignature(bytes(message), hex(signature), sm2VerifyingKey(hex(publicKey)), { hash: true, userId });
      } catch {
        return false;
      }
    },
  };
}

/** Z_A of GB/T 32918.2-2016 §5.5: what binds an SM2 signature to its signer's key and identifier. */
export function sm2Z(publicKey: Uint8Array, userId: string = SM2_DEFAULT_USER_ID): Buffer {
  return Buffer.from(sm2.getZ(hex(publicKey), userId));
}

const SCHEMES: Record<SignatureName, SignatureScheme> = { ed25519, 'sm2-sm3': sm2WithSm3() };

/** The scheme a stored signature names (with SM2's default identifier). */
export function signatureScheme(name: SignatureName): SignatureScheme {
  if (!SIGNATURES.includes(name)) throw new Error(`crypto: unknown signature scheme ${String(name)} (one of ${SIGNATURES.join(', ')})`);
  return SCHEMES[name];
}
