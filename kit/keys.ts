import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

// Keys between owners (docs: architecture "Trust between owners"). Owners are separate
// organisations on separate hosts, so no secret is shared: the gateway signs the end-user
// identities it forwards with its own Ed25519 key, each owner signs its own service messages with
// its own, and everyone verifies against a directory of PUBLIC keys. A key leaked from one host
// then lets the thief speak as that owner only, and only where that owner may speak.
//
// Files (JWK, RFC 7517):
//   <name>.private.jwk.json   one owner's private key, `kid` = the owner's name (never leaves it)
//   public-keys.json          the key directory: a JWKS of every owner's public key, `kid` = name

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
    if (!isEd25519(jwk) || typeof jwk.kid !== 'string') throw new Error(`${file}: every key must be an Ed25519 JWK with a kid`);
    if ('d' in jwk) throw new Error(`${file}: the key of ${jwk.kid} is a private key; the directory holds public keys only`);
    if (directory.has(jwk.kid)) throw new Error(`${file}: two keys for ${jwk.kid}`);
    const { d: _ignored, ...publicJwk } = jwk;
    directory.set(jwk.kid, (await importJWK(publicJwk, ALGORITHM)) as CryptoKey);
  }
  if (!directory.has(GATEWAY)) throw new Error(`${file}: has no key for the ${GATEWAY}`);
  return directory;
}
