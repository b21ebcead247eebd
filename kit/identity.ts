import { decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { ALGORITHM, GATEWAY, type KeyDirectory, type SigningKey } from './keys';

// Roles of the contract. `service` is an owner's own machine identity (outbox relays, lookups
// between subgraphs); no client token can carry it because the gateway forwards end users only.
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
  /** Whose key signed what a subgraph received: `gateway` (an end user) or the owner whose service sent it. */
  signer?: string;
}

export const IDENTITY_HEADER = 'x-hub-identity';

/**
 * The identity the gateway forwards to a subgraph: an end user's, signed with the gateway's own
 * key, short-lived, and addressed to that subgraph (`audience`), so the owner that receives it
 * cannot replay it at another owner as that user. Only end-user roles: a service identity is its
 * owner's to sign.
 */
export async function signForwardedIdentity(identity: Identity, gateway: SigningKey, audience: string | string[], ttlSeconds = 60): Promise<string> {
  if (gateway.name !== GATEWAY) throw new Error(`forwarded identities are signed by the ${GATEWAY}, not by ${gateway.name}`);
  if (!(ROLES as readonly string[]).includes(identity.role)) throw new Error(`the ${GATEWAY} forwards end users only, not role ${identity.role}`);
  const { sub, role, org, region, reason } = identity;
  return new SignJWT({ role, org, region, reason })
    .setProtectedHeader({ alg: ALGORITHM, kid: gateway.name })
    .setSubject(sub)
    .setIssuer(gateway.name)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(gateway.key);
}

/** An owner's service identity (`service:<owner>`) for one message or call to the owner `to`. */
export async function signServiceIdentity(owner: SigningKey, to: string, ttlSeconds = 60): Promise<string> {
  if (owner.name === GATEWAY) throw new Error(`the ${GATEWAY} has no service identity`);
  return new SignJWT({ role: 'service' })
    .setProtectedHeader({ alg: ALGORITHM, kid: owner.name })
    .setSubject(`service:${owner.name}`)
    .setIssuer(owner.name)
    // Addressed: a message to justice cannot be replayed by justice to the procuratorate.
    .setAudience(to)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(owner.key);
}

/** Who verifies: the receiving subgraph and the public keys it trusts. */
export interface Receiver { name: string; directory: KeyDirectory }

const optionalString = (value: unknown, claim: string): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Error(`claim ${claim} must be a string`);
  return value;
};

/**
 * Verifies an identity against the signer's PUBLIC key from the directory. The gateway's key vouches
 * for end users only; an owner's key for that owner's service identity only; either addressed to
 * this receiver. Nothing else a token claims (scopes, another owner's name) is believed.
 */
export async function verifyIdentity(token: string, receiver: Receiver): Promise<Identity> {
  const { kid } = decodeProtectedHeader(token);
  const key = typeof kid === 'string' ? receiver.directory.get(kid) : undefined;
  if (!kid || !key) throw new Error('signed by no known owner');
  const forwarded = kid === GATEWAY;
  const { payload } = await jwtVerify(token, key, {
    algorithms: [ALGORITHM], issuer: kid, audience: receiver.name, requiredClaims: ['sub', 'iat', 'exp'],
  });
  if (forwarded) {
    if (!(ROLES as readonly string[]).includes(payload.role as string)) throw new Error('the gateway forwards end users only');
    return {
      sub: String(payload.sub),
      role: payload.role as Role,
      org: optionalString(payload.org, 'org'),
      region: optionalString(payload.region, 'region'),
      reason: optionalString(payload.reason, 'reason'),
      signer: GATEWAY,
    };
  }
  if (payload.role !== 'service' || payload.sub !== `service:${kid}`) throw new Error(`the key of ${kid} vouches for service:${kid} only`);
  return serviceIdentity(kid);
}

const verified = new Map<string, { identity: Identity; expiresAt: number }>();

/**
 * verifyIdentity with memory: the gateway reuses a caller's token for half its minute, so each
 * subgraph checks the signature once per token rather than once per request. Remembered per
 * receiver: a token is addressed to one, and several receivers may share a process (the test hub).
 */
export async function verifyIdentityCached(token: string, receiver: Receiver): Promise<Identity> {
  const key = `${receiver.name}\n${token}`;
  const hit = verified.get(key);
  if (hit && hit.expiresAt > Date.now()) return { ...hit.identity };
  const identity = await verifyIdentity(token, receiver);
  const { exp } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { exp: number };
  if (verified.size > 10_000) verified.clear();
  verified.set(key, { identity, expiresAt: exp * 1000 });
  return { ...identity };
}

/** An owner's machine identity; its scopes are schema/policy.json's "service" (no personal data). */
export function serviceIdentity(owner: string): Identity {
  return { sub: `service:${owner}`, role: 'service', signer: owner };
}
