import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, importJWK, importSPKI, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
type KeyLike = CryptoKey;
import { ROLES, type Identity } from '../kit/identity';
import type { EnvVar } from '../kit/module';
import { isRegionCode } from '../kit/rules';
import type { GatewayConfig } from './config';

export class AuthenticationError extends Error {}

export interface AuthenticationOptions {
  /** The longest a token may live, `exp` − `iat` (or `exp` − now without `iat`), in seconds. */
  maxLifetimeSeconds: number;
  /** How far the issuer's clock may run ahead of ours for `iat` (and behind for `exp`), in seconds. */
  clockSkewSeconds: number;
}

export const DEFAULT_MAX_LIFETIME_SECONDS = 12 * 3600;

/** The variables authentication reads beyond the issuer's (for GATEWAY_ENV and docker-compose.yml). */
export const AUTHENTICATION_ENV: EnvVar[] = [
  { name: 'JWT_MAX_LIFETIME_SECONDS', required: false, description: `the longest lifetime (exp − iat) of a token the gateway accepts, in seconds (default ${DEFAULT_MAX_LIFETIME_SECONDS})`, kind: 'integer', min: 60 },
];

export function authenticationOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): AuthenticationOptions {
  const raw = env.JWT_MAX_LIFETIME_SECONDS;
  const maxLifetimeSeconds = raw === undefined || raw === '' ? DEFAULT_MAX_LIFETIME_SECONDS : Number(raw);
  if (!Number.isInteger(maxLifetimeSeconds) || maxLifetimeSeconds < 60) throw new Error(`gateway: JWT_MAX_LIFETIME_SECONDS must be an integer of at least 60, got "${raw}"`);
  return { maxLifetimeSeconds, clockSkewSeconds: 60 };
}

async function loadKey(config: GatewayConfig['jwt']): Promise<KeyLike | Uint8Array | JWTVerifyGetKey> {
  if (config.jwksUrl) return createRemoteJWKSet(new URL(config.jwksUrl));
  const text = readFileSync(config.publicKeyFile!, 'utf8').trim();
  if (text.startsWith('{')) {
    const jwk = JSON.parse(text);
    return importJWK(jwk, jwk.alg ?? 'EdDSA') as Promise<KeyLike>;
  }
  return importSPKI(text, 'RS256');
}

/** How long a verified token's signature is taken as verified, and how many such tokens are held. */
const VERIFIED_TTL_SECONDS = 60;
const VERIFIED_MAX = 10_000;

/** jwtVerify's own time checks (jose validateClaimsSet): not before `nbf`, not at or after `exp`, with the skew. */
function stillValid(payload: JWTPayload, now: number, skewSeconds: number): boolean {
  if (typeof payload.nbf === 'number' && payload.nbf > now + skewSeconds) return false;
  return typeof payload.exp === 'number' && payload.exp > now - skewSeconds;
}

const optionalString = (value: unknown, claim: string): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !value) throw new AuthenticationError(`token claim ${claim} must be a non-empty string`);
  return value;
};

/**
 * Verifies `Authorization: Bearer <JWT>`; no header means the role `public`. A token must expire
 * (`exp`), within the maximum lifetime, must not be issued in the future (`iat`, a minute of skew
 * allowed), and names its subject (`sub`); `role`, `org` and `region` are strings: a token that
 * lived forever or a numeric region must be refused (401), not accepted or answered with 500.
 */
export async function authenticator(config: GatewayConfig['jwt'], options: AuthenticationOptions = authenticationOptionsFromEnv({})) {
  const key = await loadKey(config);
  // Verifying an EdDSA signature was the larger part of authenticating a request, for the same few
  // tokens over and over. Held a minute at most, so a key withdrawn from the JWKS stops counting
  // within the minute after its tokens were last verified (jose's own JWKS cache holds keys longer).
  const verified = new Map<string, JWTPayload & { verifiedAt: number }>();
  return async (authorization: string | undefined): Promise<Identity> => {
    if (!authorization) return { sub: 'anonymous', role: 'public' };
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw new AuthenticationError('Authorization header must be "Bearer <token>"');
    const token = match[1];
    const now = Math.floor(Date.now() / 1000);
    let payload = verified.get(token);
    // A token verified within the minute is not verified again (its signature, issuer and audience
    // cannot have changed); its times are checked again as jwtVerify checks them.
    if (payload && !(payload.verifiedAt + VERIFIED_TTL_SECONDS > now && stillValid(payload, now, options.clockSkewSeconds))) {
      verified.delete(token);
      payload = undefined;
    }
    if (!payload) {
      try {
        const result = await jwtVerify(token, key as any, {
          issuer: config.issuer, audience: config.audience, requiredClaims: ['exp', 'sub'], clockTolerance: options.clockSkewSeconds,
        });
        payload = { ...result.payload, verifiedAt: now };
      } catch {
        throw new AuthenticationError('token is invalid, expired or not signed by a trusted issuer');
      }
      if (verified.size >= VERIFIED_MAX) verified.clear();
      verified.set(token, payload);
    }
    const exp = payload.exp!;
    if (payload.iat !== undefined && payload.iat > now + options.clockSkewSeconds) throw new AuthenticationError('token is issued in the future');
    if (exp - (payload.iat ?? now) > options.maxLifetimeSeconds) throw new AuthenticationError(`token lives longer than ${options.maxLifetimeSeconds} seconds`);
    const sub = optionalString(payload.sub, 'sub');
    if (!sub) throw new AuthenticationError('token names no subject (sub)');
    const role = optionalString(payload.role, 'role');
    if (!role || !(ROLES as readonly string[]).includes(role)) throw new AuthenticationError('token carries no known role');
    const org = optionalString(payload.org, 'org');
    const region = optionalString(payload.region, 'region');
    if (region !== undefined && !isRegionCode(region)) throw new AuthenticationError('token region is not a 6-digit region code');
    return { sub, role: role as Identity['role'], org, region };
  };
}

/** A request header the gateway cannot accept: 400, naming the header and the rule it breaks. */
export class BadHeaderError extends Error {
  readonly status = 400;
  constructor(readonly header: string, readonly rule: string, message: string) { super(message); }

  body() {
    return { errors: [{ message: this.message, extensions: { code: 'BAD_USER_INPUT', field: this.header, rule: this.rule } }] };
  }
}

const REASON_HEADER = 'X-Access-Reason';
export const MAX_REASON_LENGTH = 200;
/** Percent-encoded, a character takes at most 12 header bytes (4 UTF-8 bytes × "%XX"). */
const MAX_REASON_HEADER = MAX_REASON_LENGTH * 12;

/**
 * What does not count as a visible character: controls, format characters (zero-width space,
 * joiners, word joiner, BOM, bidi marks), unassigned and private use (\p{C}), every separator
 * (\p{Z}: NBSP, ideographic space), combining marks on their own (\p{M}), and the characters that
 * render as blanks though their category says letter or symbol (Hangul fillers, braille blank).
 */
const INVISIBLE = /[\p{C}\p{Z}\p{M}\s\u115F\u1160\u3164\uFFA0\u2800]/gu;
/** Blanks become one space in the stored reason; controls and format characters are dropped. */
const DROPPED = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/gu;

/**
 * X-Access-Reason, the stated purpose. HTTP headers carry bytes, so a reason in Chinese is sent
 * percent-encoded (UTF-8); plain ASCII passes as it is. Decoded first, then validated: a reason
 * with fewer than two visible characters (`%20`, `%09`, `%C2%A0`, `%00`, `%E2%80%8B`) is no reason
 * (undefined); invalid percent-encoding, malformed UTF-8, or raw non-ASCII bytes (which Node reads
 * as latin1 mojibake) are refused with 400 naming the header, never stored as they came.
 */
export function accessReason(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (Array.isArray(header)) throw new BadHeaderError(REASON_HEADER, 'single', `${REASON_HEADER} must be sent once`);
  if (header.length > MAX_REASON_HEADER) throw new BadHeaderError(REASON_HEADER, 'length', `${REASON_HEADER} must be at most ${MAX_REASON_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[^\x20-\x7E\t]/.test(header)) throw new BadHeaderError(REASON_HEADER, 'encoding', `${REASON_HEADER} must be percent-encoded UTF-8 (e.g. encodeURIComponent)`);
  let text: string;
  try {
    text = decodeURIComponent(header);
  } catch {
    throw new BadHeaderError(REASON_HEADER, 'encoding', `${REASON_HEADER} is not valid percent-encoded UTF-8`);
  }
  const visible = Array.from(text.replace(INVISIBLE, '')).length;
  if (visible < 2) return undefined;
  const reason = text.replace(/[\p{Z}\s]+/gu, ' ').replace(DROPPED, '').trim();
  if (Array.from(reason).length > MAX_REASON_LENGTH) throw new BadHeaderError(REASON_HEADER, 'length', `${REASON_HEADER} must be at most ${MAX_REASON_LENGTH} characters`);
  return reason;
}
