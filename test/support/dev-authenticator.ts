// The gateway's authenticator over a fresh development issuer, with its signing key, for unit
// tests that mint their own tokens (gateway/dev-issuer.ts makes the key pair in a scratch folder).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK, type JWK } from 'jose';
import { authenticator, authenticationOptionsFromEnv } from '../../gateway/authentication';
import { DEV_AUDIENCE, DEV_ISSUER, devIssuerPaths, ensureDevIssuer } from '../../gateway/dev-issuer';

export interface DevAuthenticator {
  /** The issuer's private key, to sign tokens with. */
  key: CryptoKey;
  /** The gateway's check of `Bearer <token>`. */
  authenticate(token: string): ReturnType<Awaited<ReturnType<typeof authenticator>>>;
  /** Removes the scratch folder. */
  remove(): void;
}

export async function devAuthenticator(prefix: string): Promise<DevAuthenticator> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const { publicKeyFile } = await ensureDevIssuer(dir);
  const key = await importJWK(JSON.parse(readFileSync(devIssuerPaths(dir).privateKey, 'utf8')) as JWK, 'EdDSA') as CryptoKey;
  const verify = await authenticator({ publicKeyFile, issuer: DEV_ISSUER, audience: DEV_AUDIENCE }, authenticationOptionsFromEnv({}));
  return { key, authenticate: (token) => verify(`Bearer ${token}`), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
