import { SignJWT, jwtVerify } from 'jose';

// Roles of the contract. `service` is the hub's own machine identity (outbox relays, lookups
// between subgraphs); no client token can carry it because only the gateway signs identities.
export const ROLES = [
  'public',
  'agency_officer',
  'psb_officer',
  'procurator',
  'justice_supervisor',
  'auditor',
  'platform_admin',
] as const;
export type Role = (typeof ROLES)[number] | 'service';

export interface Identity {
  sub: string;
  role: Role;
  org?: string; // unit code: a bureau, a public-security unit, a procuratorate
  region?: string; // 6-digit 行政区划代码 of the unit's jurisdiction
  scopes?: string[];
  reason?: string; // X-Access-Reason, the stated purpose
  traceId?: string;
}

export const IDENTITY_HEADER = 'x-hub-identity';
const ISSUER = 'supervision-graph-gateway';
const AUDIENCE = 'supervision-graph-subgraphs';

function key(secret: string): Uint8Array {
  if (!secret || secret.length < 32) throw new Error('HUB_IDENTITY_SECRET must be at least 32 characters');
  return new TextEncoder().encode(secret);
}

/** The identity the gateway forwards to subgraphs: signed, short-lived. */
export async function signIdentity(identity: Identity, secret: string, ttlSeconds = 60): Promise<string> {
  const { sub, ...claims } = identity;
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key(secret));
}

export async function verifyIdentity(token: string, secret: string): Promise<Identity> {
  const { payload } = await jwtVerify(token, key(secret), { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
  return {
    sub: String(payload.sub),
    role: payload.role as Role,
    org: payload.org as string | undefined,
    region: payload.region as string | undefined,
    scopes: payload.scopes as string[] | undefined,
    reason: payload.reason as string | undefined,
    traceId: payload.traceId as string | undefined,
  };
}

const verified = new Map<string, { identity: Identity; expiresAt: number }>();

/**
 * verifyIdentity with memory: the gateway reuses a caller's token for half its minute, so each
 * subgraph checks the signature once per token rather than once per request.
 */
export async function verifyIdentityCached(token: string, secret: string): Promise<Identity> {
  const hit = verified.get(token);
  if (hit && hit.expiresAt > Date.now()) return { ...hit.identity };
  const identity = await verifyIdentity(token, secret);
  const { exp } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { exp: number };
  if (verified.size > 10_000) verified.clear();
  verified.set(token, { identity, expiresAt: exp * 1000 });
  return { ...identity };
}

export function serviceIdentity(name: string): Identity {
  return { sub: `service:${name}`, role: 'service' };
}
