import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { p256 } from '@noble/curves/nist.js';
import { readOprfKeyFile } from './crypto/oprf-key-file';
import { OPRF_SUITE } from './crypto/oprf';

// Keys between owners (docs: architecture "Trust between owners"). Owners are separate
// organisations on separate hosts, so no secret is shared: the gateway signs the end-user
// identities it forwards with its own Ed25519 key, each owner signs its own service messages with
// its own, and everyone verifies against a directory of PUBLIC keys. A key leaked from one host
// then lets the thief speak as that owner only, and only where that owner may speak.
//
// Files (JWK, RFC 7517):
//   <name>.private.jwk.json   one owner's private key, `kid` = the owner's name (never leaves it)
//   public-keys.json          the key directory: a JWKS of every owner's public key, `kid` = name,
//                             and justice's OPRF public key(s) of party references (issue 17)
//   justice.party-ref-key.json justice's OPRF key (kit/crypto/oprf-key-file.ts), justice only
//
// The OPRF public key is pinned here like the signing keys: the agencies' relays and the gateway
// check justice's proofs against the key the directory names, never against one justice hands
// out itself, so a compromised justice host cannot switch keys (which would split every party's
// history, or tag one sender's references) without the directory's owners noticing.

/** The signer of forwarded end-user identities. No subgraph may carry this name. */
export const GATEWAY = 'gateway';
export const ALGORITHM = 'EdDSA';

export interface SigningKey {
  /** The owner this key speaks for: `gateway` or a subgraph's name. */
  name: string;
  key: CryptoKey;
}

/** Public keys by owner name. */
export type KeyDirectory = ReadonlyMap<string, CryptoKey>;

export interface KeyFiles {
  dir: string;
  /** HUB_PUBLIC_KEYS_FILE */
  directory: string;
  /** GATEWAY_SIGNING_KEY_FILE for `gateway`, OWNER_SIGNING_KEY_FILE for an owner. */
  privateKey(name: string): string;
}

export function keyFiles(dir: string): KeyFiles {
  return { dir, directory: join(dir, 'public-keys.json'), privateKey: (name) => join(dir, `${name}.private.jwk.json`) };
}

/** Where justice's OPRF key file sits beside the owners' keys (the embedded default, scripts/keys.ts). */
export const PARTY_REF_KEY_FILE = 'justice.party-ref-key.json';

/** A directory entry of justice's OPRF public key: an EC P-256 JWK (RFC 7518 §6.2) marked `use: oprf`. */
export const OPRF_USE = 'oprf';
const isOprfJwk = (jwk: JWK) => jwk.use === OPRF_USE;
const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/** The directory entry of an OPRF public key (compressed SEC1 hex), `kid` = the key id. */
export function partyRefKeyJwk(key: { id: string; publicKey: string }): JWK {
  const point = p256.Point.fromHex(key.publicKey).toBytes(false);
  return { kty: 'EC', crv: 'P-256', x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33, 65)), kid: key.id, use: OPRF_USE, alg: OPRF_SUITE };
}

function partyRefKeyOf(jwk: JWK, file: string): string {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || jwk.alg !== OPRF_SUITE || typeof jwk.x !== 'string' || typeof jwk.y !== 'string' || typeof jwk.kid !== 'string' || !jwk.kid) {
    throw new Error(`${file}: an OPRF key must be an EC P-256 JWK with alg ${OPRF_SUITE} and a kid naming the key`);
  }
  if ('d' in jwk) throw new Error(`${file}: the OPRF key ${jwk.kid} is a private key; the directory holds public keys only`);
  const x = Buffer.from(jwk.x, 'base64url');
  const y = Buffer.from(jwk.y, 'base64url');
  if (x.length !== 32 || y.length !== 32) throw new Error(`${file}: the OPRF key ${jwk.kid} is not a P-256 point`);
  // Throws when (x, y) is not on the curve.
  return p256.Point.fromBytes(Uint8Array.from([4, ...x, ...y])).toHex(true);
}

/**
 * Justice's pinned OPRF public keys by key id (compressed SEC1 hex), read from the directory.
 * More than one while a rotation is under way (docs/party-references.md, "Rotating").
 */
export function readPartyRefKeys(file: string): ReadonlyMap<string, string> {
  let jwks: { keys?: JWK[] };
  try { jwks = JSON.parse(readFileSync(file, 'utf8')); } catch (error) { throw new Error(`${file}: not a JWKS (${(error as Error).message})`); }
  const keys = new Map<string, string>();
  for (const jwk of jwks.keys ?? []) {
    if (!isOprfJwk(jwk)) continue;
    if (keys.has(jwk.kid!)) throw new Error(`${file}: two OPRF keys ${jwk.kid}`);
    keys.set(jwk.kid!, partyRefKeyOf(jwk, file));
  }
  return keys;
}

/** An OPRF public key file (a JWK marked `use: oprf`), checked, or null when the file holds another kind of key. */
function readOprfJwk(file: string): JWK | null {
  let jwk: JWK;
  try { jwk = JSON.parse(readFileSync(file, 'utf8')); } catch { return null; }
  if (!isOprfJwk(jwk)) return null;
  partyRefKeyOf(jwk, file);
  return jwk;
}

/** Justice's OPRF public key as a file to hand out for the directory (`<dir>/justice.party-ref-key.public.jwk.json`). */
export function writePartyRefPublicKey(keyFile: string, out: string): string {
  writeFileSync(out, `${JSON.stringify(partyRefKeyJwk(readOprfKeyFile(keyFile)))}\n`);
  return out;
}

/**
 * Pins an OPRF public key in the directory, beside those there (a rotation's first step: every
 * owner must know the new key before justice evaluates with it). The key id must be new.
 */
export function publishPartyRefKey(file: string, key: { id: string; publicKey: string }): void {
  const jwks = JSON.parse(readFileSync(file, 'utf8')) as { keys: JWK[] };
  const entry = partyRefKeyJwk(key);
  const same = jwks.keys.find((k) => isOprfJwk(k) && k.kid === key.id);
  if (same && (same.x !== entry.x || same.y !== entry.y)) throw new Error(`${file}: another OPRF key is pinned as ${key.id}`);
  if (!same) jwks.keys.push(entry);
  writeFileSync(file, `${JSON.stringify(jwks, null, 2)}\n`);
}

const isEd25519 = (jwk: JWK) => jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.x === 'string';

/** A new Ed25519 key pair for `name`, as JWKs. */
export async function newKeyPair(name: string): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const common = { kid: name, alg: ALGORITHM, use: 'sig' };
  return { privateJwk: { ...(await exportJWK(privateKey)), ...common }, publicJwk: { ...(await exportJWK(publicKey)), ...common } };
}

/**
 * The embedded default (and a single-host deployment): a key pair for each name that has none in
 * `dir`, and the directory of every public key rewritten from the private keys present. Existing
 * keys are kept, so tokens and journals stay valid across restarts.
 */
export async function ensureKeys(dir: string, names: readonly string[]): Promise<KeyFiles> {
  if (new Set(names).size !== names.length) throw new Error('owner names must be distinct');
  const files = keyFiles(dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const publicKeys: JWK[] = [];
  for (const name of names) {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`owner name ${name} must be lower-case letters, digits and dashes`);
    const file = files.privateKey(name);
    if (!existsSync(file)) {
      const { privateJwk } = await newKeyPair(name);
      writeFileSync(file, JSON.stringify(privateJwk), { mode: 0o600 });
    }
    const { d: _private, ...publicJwk } = readJwk(file);
    publicKeys.push(publicJwk);
  }
  // Justice's OPRF key, when it sits here: its public key pinned (the ones pinned before stay, a rotation's old key among them).
  const partyRefKeyFile = join(dir, PARTY_REF_KEY_FILE);
  if (existsSync(partyRefKeyFile)) {
    const pinned = existsSync(files.directory) ? [...readPartyRefKeys(files.directory)].map(([id, publicKey]) => ({ id, publicKey })) : [];
    const current = readOprfKeyFile(partyRefKeyFile);
    for (const key of [...pinned.filter((k) => k.id !== current.id), current]) publicKeys.push(partyRefKeyJwk(key));
  }
  writeFileSync(files.directory, `${JSON.stringify({ keys: publicKeys }, null, 2)}\n`);
  return files;
}

/** One owner's pair on its own host: the private key stays there, the public one is handed out. */
export async function writeOwnerKeyPair(dir: string, name: string): Promise<{ privateKey: string; publicKey: string }> {
  const privateKey = keyFiles(dir).privateKey(name);
  if (existsSync(privateKey)) throw new Error(`${privateKey} exists; a key is replaced deliberately, not by accident`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateJwk, publicJwk } = await newKeyPair(name);
  writeFileSync(privateKey, JSON.stringify(privateJwk), { mode: 0o600 });
  const publicKey = join(dir, `${name}.public.jwk.json`);
  writeFileSync(publicKey, `${JSON.stringify(publicJwk)}\n`);
  return { privateKey, publicKey };
}

/** The key directory assembled from the owners' public keys (private parts are refused). */
export async function writeKeyDirectory(file: string, publicKeyFiles: readonly string[]): Promise<void> {
  const keys = publicKeyFiles.map((f) => {
    // Justice's OPRF public key (writePartyRefPublicKey) is pinned as it is.
    const oprf = readOprfJwk(f);
    if (oprf) return oprf;
    const jwk = readJwk(f);
    if ('d' in jwk) throw new Error(`${f}: is a private key; only public keys go into the directory`);
    return jwk;
  });
  writeFileSync(file, `${JSON.stringify({ keys }, null, 2)}\n`);
  await readKeyDirectory(file); // the same checks a subgraph makes at start
}

function readJwk(file: string): JWK {
  let jwk: JWK;
  try { jwk = JSON.parse(readFileSync(file, 'utf8')); } catch (error) { throw new Error(`${file}: not a JWK (${(error as Error).message})`); }
  if (!isEd25519(jwk) || typeof jwk.kid !== 'string' || !jwk.kid) throw new Error(`${file}: expected an Ed25519 JWK (kty OKP, crv Ed25519) with a kid naming its owner`);
  return jwk;
}

/** An owner's private key (GATEWAY_SIGNING_KEY_FILE, OWNER_SIGNING_KEY_FILE). */
export async function readSigningKey(file: string, expectedName?: string): Promise<SigningKey> {
  const jwk = readJwk(file);
  if (typeof jwk.d !== 'string') throw new Error(`${file}: holds no private key`);
  if (expectedName && jwk.kid !== expectedName) throw new Error(`${file}: is the key of ${jwk.kid}, not of ${expectedName}`);
  return { name: jwk.kid!, key: (await importJWK(jwk, ALGORITHM)) as CryptoKey };
}

/** The key directory (HUB_PUBLIC_KEYS_FILE): public keys only; a private key in it is refused. */
export async function readKeyDirectory(file: string): Promise<KeyDirectory> {
  let jwks: { keys?: JWK[] };
  try { jwks = JSON.parse(readFileSync(file, 'utf8')); } catch (error) { throw new Error(`${file}: not a JWKS (${(error as Error).message})`); }
  if (!Array.isArray(jwks.keys)) throw new Error(`${file}: expected {"keys": [...]}`);
  const directory = new Map<string, CryptoKey>();
  for (const jwk of jwks.keys) {
    if (isOprfJwk(jwk)) { partyRefKeyOf(jwk, file); continue; } // justice's OPRF keys: readPartyRefKeys
    if (!isEd25519(jwk) || typeof jwk.kid !== 'string') throw new Error(`${file}: every key must be an Ed25519 JWK with a kid`);
    if ('d' in jwk) throw new Error(`${file}: the key of ${jwk.kid} is a private key; the directory holds public keys only`);
    if (directory.has(jwk.kid)) throw new Error(`${file}: two keys for ${jwk.kid}`);
    const { d: _ignored, ...publicJwk } = jwk;
    directory.set(jwk.kid, (await importJWK(publicJwk, ALGORITHM)) as CryptoKey);
  }
  if (!directory.has(GATEWAY)) throw new Error(`${file}: has no key for the ${GATEWAY}`);
  return directory;
}
