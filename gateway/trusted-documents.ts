// Trusted documents (issue 12): a mode in which the gateway executes only operations registered
// in a manifest, as Apollo Router's persisted queries and Hive's and Cosmo's trusted documents do.
// An operation is named by the sha256 (hex) of its text — Apollo's persisted-query convention,
// `extensions.persistedQuery { version: 1, sha256Hash }` — and the manifest
// (schema/trusted-documents.json, written by `npm run operations:register`) holds each text.
//
// A registered operation is not trusted with anything more: its stored text enters the same
// pipeline as a query sent in full (limits, authorization before planning, masking, audit).
// What the mode takes away is the free-text attack surface: in `only`, a query the gateway was
// not given in advance is refused before any GraphQL parsing, and the refusal is audited.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EnvVar } from '../kit/module';
import { readJson, sendJsonUnread } from '../kit/http';

export const TRUSTED_DOCUMENT_MODES = ['off', 'allow-unregistered', 'only'] as const;
export type TrustedDocumentMode = (typeof TRUSTED_DOCUMENT_MODES)[number];

export const DEFAULT_MANIFEST_PATH = 'schema/trusted-documents.json';

export const TRUSTED_DOCUMENTS_ENV: EnvVar[] = [
  {
    name: 'TRUSTED_DOCUMENTS', required: false, kind: 'choice', values: TRUSTED_DOCUMENT_MODES,
    description: "'only' executes registered operations only (by sha256 hash, Apollo's persistedQuery extension), 'allow-unregistered' resolves registered hashes and still runs free text (migration), 'off' ignores the manifest (default off; production: only)",
  },
  { name: 'TRUSTED_DOCUMENTS_FILE', required: false, description: `the manifest of registered operations (default ${DEFAULT_MANIFEST_PATH}; written by npm run operations:register)` },
];

/** One registered operation: its text exactly as clients hash it, who registered it and when. */
export interface RegisteredOperation {
  /** The operation's name (`query CaseList …`), for people reading the manifest and the audit log. */
  name: string | null;
  /** The clients (apps) that registered this text: the same text from two apps is one entry. */
  clients: string[];
  /** When it was first registered (ISO 8601, UTC). */
  registeredAt: string;
  body: string;
}

export interface TrustedManifest { operations: Record<string, RegisteredOperation> }

export interface TrustedDocuments {
  mode: TrustedDocumentMode;
  /** Manifest ids (sha256 hex of the body) to their operation; empty when the mode is off. */
  operations: ReadonlyMap<string, RegisteredOperation>;
}

/**
 * The ids of texts seen lately: clients send the same few operations over and over, and every
 * request's audit record names its document by this id. Only texts up to DOCUMENT_ID_TEXT_CHARS,
 * and at most DOCUMENT_IDS of them (the lot dropped when full), so what it holds stays small.
 */
const DOCUMENT_IDS = 512;
const DOCUMENT_ID_TEXT_CHARS = 8_192;
const documentIds = new Map<string, string>();

/** The sha256 (hex) of an operation's text: its name in the manifest and in the audit log. */
export function documentId(text: string): string {
  let id = documentIds.get(text);
  if (id === undefined) {
    id = createHash('sha256').update(text, 'utf8').digest('hex');
    if (text.length <= DOCUMENT_ID_TEXT_CHARS) {
      if (documentIds.size >= DOCUMENT_IDS) documentIds.clear();
      documentIds.set(text, id);
    }
  }
  return id;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A manifest's operations, checked: every id is the sha256 of its body (a hand-edited or tampered
 * entry would otherwise run a text no client registered under that name). Throws naming the entry.
 */
export function parseManifest(json: unknown, source = 'manifest'): TrustedManifest {
  if (!isObject(json) || !isObject(json.operations)) throw new Error(`${source}: expected { "operations": { "<sha256>": { … } } }`);
  const operations: Record<string, RegisteredOperation> = {};
  for (const [id, entry] of Object.entries(json.operations)) {
    if (!isObject(entry) || typeof entry.body !== 'string') throw new Error(`${source}: operation ${id} has no body`);
    if (!SHA256_HEX.test(id) || documentId(entry.body) !== id) throw new Error(`${source}: operation ${id} is not the sha256 of its body`);
    const clients = Array.isArray(entry.clients) ? entry.clients.filter((c): c is string => typeof c === 'string') : [];
    operations[id] = {
      name: typeof entry.name === 'string' ? entry.name : null,
      clients,
      registeredAt: typeof entry.registeredAt === 'string' ? entry.registeredAt : '',
      body: entry.body,
    };
  }
  return { operations };
}

export function readManifest(path: string): TrustedManifest {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch { return { operations: {} }; }
  return parseManifest(JSON.parse(text), path);
}

/**
 * TRUSTED_DOCUMENTS and its manifest, read once at start. Under `only` or `allow-unregistered` the
 * manifest must exist and be sound: a gateway that would refuse every operation fails to start.
 */
export function trustedDocumentsFromEnv(env: NodeJS.ProcessEnv, cwd = process.cwd()): TrustedDocuments {
  const mode = (env.TRUSTED_DOCUMENTS || 'off') as TrustedDocumentMode;
  if (mode === 'off') return { mode, operations: new Map() };
  const path = resolve(cwd, env.TRUSTED_DOCUMENTS_FILE || DEFAULT_MANIFEST_PATH);
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch { throw new Error(`TRUSTED_DOCUMENTS=${mode}: cannot read the manifest ${path}`); }
  let json: unknown;
  try { json = JSON.parse(text); } catch { throw new Error(`TRUSTED_DOCUMENTS=${mode}: the manifest ${path} is not JSON`); }
  return { mode, operations: new Map(Object.entries(parseManifest(json, path).operations)) };
}

/** Why a request was refused, in the audit log's terms (a denial of the operation itself). */
export interface TrustRefusal {
  documentHash: string | null;
  operationName: string | null;
  denied: { coordinate: string }[];
}

export type Admission = { request: IncomingMessage; refused?: undefined } | { refused: TrustRefusal; request?: undefined };

type Verdict =
  | { kind: 'pass' }
  | { kind: 'run'; request: Record<string, unknown> }
  | { kind: 'refuse'; status: number; code: string; message: string; documentHash: string | null; operationName: string | null };

/** The operation's own name as written (`query CaseList …`), read without parsing the document. */
const nameInText = (query: string): string | null => /^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(query)?.[1] ?? null;

/**
 * The verdict on one GraphQL request (its body, or its GET parameters with `extensions` parsed).
 * Pure: no parsing of GraphQL, at most one sha256 of the text sent.
 */
export function judgeTrusted(documents: TrustedDocuments, request: Record<string, unknown>): Verdict {
  const { mode, operations } = documents;
  if (mode === 'off') return { kind: 'pass' };
  const query = typeof request.query === 'string' ? request.query : undefined;
  const extensions = isObject(request.extensions) ? request.extensions : undefined;
  const persisted = extensions && 'persistedQuery' in extensions ? extensions.persistedQuery : undefined;
  const refuse = (status: number, code: string, message: string, documentHash: string | null, operationName: string | null): Verdict =>
    ({ kind: 'refuse', status, code, message, documentHash, operationName });

  if (persisted === undefined) {
    if (query === undefined) return { kind: 'pass' }; // nothing to run: Apollo says what is missing
    if (mode === 'allow-unregistered') return { kind: 'pass' };
    return refuse(403, 'OPERATION_NOT_TRUSTED', 'This gateway runs registered operations only: send extensions.persistedQuery { version: 1, sha256Hash } of a registered operation.',
      documentId(query), typeof request.operationName === 'string' ? request.operationName : nameInText(query));
  }
  const hash = isObject(persisted) ? persisted.sha256Hash : undefined;
  if (!isObject(persisted) || persisted.version !== 1 || typeof hash !== 'string' || !SHA256_HEX.test(hash)) {
    return refuse(400, 'PERSISTED_QUERY_INVALID', 'extensions.persistedQuery must be { version: 1, sha256Hash: <64 lowercase hex digits> }.', null, null);
  }
  // Text sent with a hash must be the text of that hash: otherwise the hash would vouch for another text.
  if (query !== undefined && documentId(query) !== hash) {
    return refuse(400, 'PERSISTED_QUERY_HASH_MISMATCH', 'The query sent is not the operation of extensions.persistedQuery.sha256Hash.', hash, null);
  }
  const registered = operations.get(hash);
  const { persistedQuery: _, ...otherExtensions } = extensions!;
  const rest = { ...request, extensions: Object.keys(otherExtensions).length ? otherExtensions : undefined };
  if (registered) return { kind: 'run', request: { ...rest, query: registered.body } };
  // allow-unregistered: a hash with its own (matching) text runs as free text would.
  if (mode === 'allow-unregistered' && query !== undefined) return { kind: 'run', request: { ...rest, query } };
  return refuse(400, 'PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound', hash, null);
}

/** A request that reads as `request` for the gateway's pipeline: same method, headers and socket. */
export function substitute(req: IncomingMessage, request: Record<string, unknown>): IncomingMessage {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const isPost = req.method === 'POST';
  let path = req.url ?? '/';
  const headers = { ...req.headers };
  let body: Buffer | undefined;
  if (isPost) {
    body = Buffer.from(JSON.stringify(request), 'utf8');
    headers['content-length'] = String(body.length);
    delete headers['transfer-encoding'];
  } else {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(request)) {
      if (value === undefined || value === null) continue;
      params.set(key, typeof value === 'string' ? value : JSON.stringify(value));
    }
    path = `${url.pathname}?${params}`;
  }
  const stream = Readable.from(body ? [body] : []);
  return Object.assign(stream, { method: req.method, url: path, headers, rawHeaders: req.rawHeaders, httpVersion: req.httpVersion, socket: req.socket, connection: req.socket }) as unknown as IncomingMessage;
}

/**
 * Admits one /graphql request under the trusted-documents mode: the request to serve (the same
 * one when nothing changes, else one carrying the registered text), or the refusal already
 * answered, for the audit log. The body is read here only when the mode is not off.
 */
export async function admitTrusted(documents: TrustedDocuments, req: IncomingMessage, res: ServerResponse): Promise<Admission> {
  if (documents.mode === 'off') return { request: req };
  let request: Record<string, unknown> | undefined;
  let body: unknown;
  if (req.method === 'POST') {
    body = await readJson(req);
    if (isObject(body)) request = body;
  } else if (req.method === 'GET' || req.method === 'HEAD') {
    request = Object.fromEntries(new URL(req.url ?? '/', 'http://localhost').searchParams);
    if (typeof request.extensions === 'string') {
      try { request.extensions = JSON.parse(request.extensions); } catch { /* Apollo reports it */ }
    }
  }
  if (!request) {
    if (req.method !== 'POST') return { request: req };
    // A batch or a scalar body: refused by the pipeline as today, unless it carries free text.
    if (documents.mode === 'only' && Array.isArray(body) && body.some((item) => isObject(item) && typeof item.query === 'string')) {
      return refuse(res, req, 403, 'OPERATION_NOT_TRUSTED', 'This gateway runs registered operations only.', null, null);
    }
    return { request: substitute(req, body as Record<string, unknown>) };
  }
  const verdict = judgeTrusted(documents, request);
  if (verdict.kind === 'refuse') return refuse(res, req, verdict.status, verdict.code, verdict.message, verdict.documentHash, verdict.operationName);
  if (verdict.kind === 'pass') return { request: req.method === 'POST' ? substitute(req, request) : req };
  return { request: substitute(req, verdict.request) };
}

async function refuse(res: ServerResponse, req: IncomingMessage, status: number, code: string, message: string, documentHash: string | null, operationName: string | null): Promise<Admission> {
  await sendJsonUnread(req, res, status, { errors: [{ message, extensions: { code } }] });
  return { refused: { documentHash, operationName, denied: [{ coordinate: `Operation.${code}` }] } };
}
