import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, importJWK, importSPKI, jwtVerify, type JWTVerifyGetKey } from 'jose';
type KeyLike = CryptoKey;
import { ROLES, type Identity } from '../subgraphs/kit/identity';
import { isRegionCode } from '../subgraphs/kit/rules';
import type { GatewayConfig } from './config';

export class AuthenticationError extends Error {}

async function loadKey(config: GatewayConfig['jwt']): Promise<KeyLike | Uint8Array | JWTVerifyGetKey> {
  if (config.jwksUrl) return createRemoteJWKSet(new URL(config.jwksUrl));
  const text = readFileSync(config.publicKeyFile!, 'utf8').trim();
  if (text.startsWith('{')) {
    const jwk = JSON.parse(text);
    return importJWK(jwk, jwk.alg ?? 'EdDSA') as Promise<KeyLike>;
  }
  return importSPKI(text, 'RS256');
}

/** Verifies `Authorization: Bearer <JWT>`; no header means the role `public`. */
export async function authenticator(config: GatewayConfig['jwt']) {
  const key = await loadKey(config);
  return async (authorization: string | undefined): Promise<Identity> => {
    if (!authorization) return { sub: 'anonymous', role: 'public' };
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw new AuthenticationError('Authorization header must be "Bearer <token>"');
    let payload;
    try {
      ({ payload } = await jwtVerify(match[1], key as any, { issuer: config.issuer, audience: config.audience }));
    } catch {
      throw new AuthenticationError('token is invalid, expired or not signed by a trusted issuer');
    }
    const role = payload.role as string;
    if (!(ROLES as readonly string[]).includes(role)) throw new AuthenticationError('token carries no known role');
    const region = payload.region as string | undefined;
    if (region !== undefined && !isRegionCode(region)) throw new AuthenticationError('token region is not a 6-digit region code');
    return { sub: String(payload.sub), role: role as Identity['role'], org: payload.org as string | undefined, region };
  };
}

/**
 * X-Access-Reason, the stated purpose. HTTP headers carry bytes, so a reason in Chinese is sent
 * percent-encoded (UTF-8); plain ASCII passes as it is.
 */
export function accessReason(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string' || !header.trim()) return undefined;
  let text = header.trim();
  try { text = decodeURIComponent(text); } catch { /* not encoded: keep as sent */ }
  return text.slice(0, 500);
}
