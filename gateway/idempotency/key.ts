// The pure part of idempotent writes: what an Idempotency-Key may be, what a retry must repeat to
// be the same request, and how the stored answer is sealed. No database, no network.
//
// Header: IETF draft-ietf-httpapi-idempotency-key-header (a client-chosen unique value per logical
// operation, sent again unchanged on each retry; a UUID v4 is what the draft suggests).
//
// What the gateway keeps of a key is never the key itself: the row is found by a digest of (caller,
// key), and the stored answer — a mutation's answer can carry a party's name or ID number, already
// released to this caller — is sealed (AES-256-GCM) under a key derived from the Idempotency-Key,
// which only the client holds. Whoever reads the database, a backup or a replica reads ciphertext
// it cannot open, and cannot test a guess of the request either: the fingerprint is keyed the same
// way. 个人信息保护法 第51条 (encryption as a security measure); GB/T 22239-2019 8.1.4.8 (confidentiality
// of important data in storage).
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { Kind, parse, type DocumentNode } from 'graphql';

/** The header, lower-case as Node hands it. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Set on an answer that is the stored first answer of an earlier request with the same key. */
export const REPLAYED_HEADER = 'idempotent-replayed';

/**
 * Limits on a key: long enough to be unguessable (it is the secret that seals the stored answer;
 * 16 characters of the allowed set carry ≥ 90 bits when random), short enough that it cannot be
 * used to make the gateway hash megabytes, and of a charset that needs no escaping anywhere
 * (a UUID, a ULID, base64url all fit).
 */
export const KEY_MIN_LENGTH = 16;
export const KEY_MAX_LENGTH = 128;
const KEY_CHARSET = /^[A-Za-z0-9_.:-]+$/;

export type KeyVerdict = { ok: true; key: string } | { ok: false; message: string };

/**
 * The Idempotency-Key of a request. The draft allows it as a structured-header string (quoted);
 * both `"…"` and the bare value are accepted. Sent twice (two headers, or a list), it is refused:
 * which one would the retry repeat?
 */
export function parseIdempotencyKey(header: string | string[] | undefined): KeyVerdict | null {
  if (header === undefined) return null;
  if (Array.isArray(header) || header.includes(',')) return { ok: false, message: 'Idempotency-Key must be sent once, with one value' };
  let key = header.trim();
  if (key.length >= 2 && key.startsWith('"') && key.endsWith('"')) key = key.slice(1, -1);
  if (key.length < KEY_MIN_LENGTH || key.length > KEY_MAX_LENGTH) {
    return { ok: false, message: `Idempotency-Key must be ${KEY_MIN_LENGTH} to ${KEY_MAX_LENGTH} characters (a random UUID is right)` };
  }
  if (!KEY_CHARSET.test(key)) return { ok: false, message: 'Idempotency-Key may hold only letters, digits and _ . : -' };
  return { ok: true, key };
}

/** What is derived from (caller, key): the row's id, the caller's id, the sealing secret. */
export interface KeyMaterial {
  /** sha256 over caller and key: the row's primary key. Another caller's same key is another row. */
  lookup: string;
  /** sha256 of the caller's subject: the per-caller cap counts rows by it (the subject itself is not kept). */
  subjectDigest: string;
  /** HKDF-SHA-256 of the key, salted with the caller: seals the answer and keys the fingerprint. */
  secret: Buffer;
}

export function keyMaterial(subject: string, key: string): KeyMaterial {
  return {
    lookup: createHash('sha256').update(`idempotency-key\n${subject}\n${key}`).digest('hex'),
    subjectDigest: createHash('sha256').update(`idempotency-subject\n${subject}`).digest('hex'),
    secret: Buffer.from(hkdfSync('sha256', key, `idempotency\n${subject}`, 'supervision-graph idempotent answer v1', 32)),
  };
}

/** JSON with object keys sorted at every level: `{a,b}` and `{b,a}` are one request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * What a retry must repeat: the operation text, its name and its variables (extensions, headers
 * and the access reason are not the request's content). Keyed with the secret, so a stored
 * fingerprint cannot confirm a guessed request (an ID number in the variables).
 */
export function requestFingerprint(secret: Buffer, request: { query: string; operationName?: unknown; variables?: unknown }): string {
  const content = canonicalJson({ query: request.query, operationName: request.operationName ?? null, variables: request.variables ?? {} });
  return createHmac('sha256', secret).update(content).digest('hex');
}

/**
 * Whether the operation the request runs is a mutation. Only writes are made idempotent: a
 * queries-only request ignores the key (it is not stored, nothing is replayed). Text that does
 * not parse, or names no operation it holds, is not a write here: Apollo refuses it, unstored.
 */
export function isMutation(query: string, operationName: unknown): boolean {
  let document: DocumentNode;
  try { document = parse(query, { noLocation: true, maxTokens: 20_000 }); } catch { return false; }
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const chosen = typeof operationName === 'string' && operationName
    ? operations.find((o) => o.name?.value === operationName)
    : operations.length === 1 ? operations[0] : undefined;
  return chosen?.operation === 'mutation';
}

const AAD = 'supervision-graph idempotent answer v1';

/** Seals an answer: iv ‖ tag ‖ ciphertext, the row id bound in (a sealed answer copied to another row does not open). */
export function sealAnswer(secret: Buffer, lookup: string, plain: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', secret, iv);
  cipher.setAAD(Buffer.from(`${AAD}\n${lookup}`));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function openAnswer(secret: Buffer, lookup: string, sealed: Buffer): string {
  const decipher = createDecipheriv('aes-256-gcm', secret, sealed.subarray(0, 12));
  decipher.setAAD(Buffer.from(`${AAD}\n${lookup}`));
  decipher.setAuthTag(sealed.subarray(12, 28));
  return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
}

/**
 * Whether an answer is the outcome of an execution that ran, and is kept for retries: a JSON
 * body with `data` in which at least one mutation field answered. An answer refused before
 * execution (unparsable, invalid, 401/403, over a limit) or whose every field is null (input
 * refused, forbidden, a service that did not answer: each owner writes in one transaction, so
 * nothing was written) is not kept: the same request may be retried with the same key.
 */
export function isCompletedAnswer(status: number, body: string): boolean {
  if (status !== 200) return false;
  let parsed: unknown;
  try { parsed = JSON.parse(body); } catch { return false; }
  const data = (parsed as { data?: unknown })?.data;
  if (!data || typeof data !== 'object') return false;
  return Object.values(data as Record<string, unknown>).some((v) => v !== null && v !== undefined);
}
