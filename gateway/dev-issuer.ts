import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';

// The local dev issuer of the embedded default: an Ed25519 key pair under .data/, so
// `npm run token` mints tokens the running hub accepts. Production uses a real issuer.
export const DEV_ISSUER = 'supervision-graph-dev';
export const DEV_AUDIENCE = 'supervision-graph';

export function devIssuerPaths(dataDir: string) {
  const dir = join(dataDir, 'dev-issuer');
  return { privateKey: join(dir, 'private.jwk.json'), publicKey: join(dir, 'public.jwk.json') };
}

export async function ensureDevIssuer(dataDir: string): Promise<{ publicKeyFile: string }> {
  const paths = devIssuerPaths(dataDir);
  if (!existsSync(paths.privateKey)) {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { extractable: true });
    mkdirSync(dirname(paths.privateKey), { recursive: true });
    writeFileSync(paths.privateKey, JSON.stringify({ ...(await exportJWK(privateKey)), alg: 'EdDSA' }), { mode: 0o600 });
    writeFileSync(paths.publicKey, JSON.stringify({ ...(await exportJWK(publicKey)), alg: 'EdDSA' }));
  }
  return { publicKeyFile: paths.publicKey };
}

export interface TokenClaims { sub?: string; role: string; org?: string; region?: string }

export async function mintDevToken(dataDir: string, claims: TokenClaims, ttl = '8h'): Promise<string> {
  await ensureDevIssuer(dataDir);
  const jwk = JSON.parse(readFileSync(devIssuerPaths(dataDir).privateKey, 'utf8')) as JWK;
  const key = await importJWK(jwk, 'EdDSA');
  const { sub, ...rest } = claims;
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'EdDSA' })
    .setSubject(sub ?? `dev:${claims.role}${claims.org ? `@${claims.org}` : ''}`)
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(key);
}
