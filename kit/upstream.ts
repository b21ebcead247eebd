import { IDENTITY_HEADER, signServiceIdentity } from './identity';
import type { SigningKey } from './keys';
import { currentRequest } from './log';
import { callTraceparent, inClientSpan } from './tracing';
import { keptAliveFetch, type SubgraphFetch } from './subgraph-client';

/**
 * A call made within a request carries its trace on, as the gateway's fetches do: `traceparent`
 * (kit/tracing.ts callTraceparent), so the other owner's lines and release journal name the
 * request's trace, and (traces on) the call's CLIENT span is the callee's parent.
 */
function traceHeader(): Record<string, string> {
  const traceparent = callTraceparent(currentRequest()?.traceId);
  return traceparent ? { traceparent } : {};
}

const TOKEN_TTL_SECONDS = 60;
/** Per signing key as read at a start: a restarted owner with a new key signs anew (several owners may share a process: the test hub). */
const tokens = new WeakMap<SigningKey, Map<string, { token: Promise<string>; renewAt: number }>>();

/**
 * This owner's service identity addressed to `to`, signed once per half-minute: a relay delivering
 * a batch a second would otherwise sign a token per batch.
 */
function serviceToken(owner: SigningKey, to: string): Promise<string> {
  let signed = tokens.get(owner);
  if (!signed) tokens.set(owner, (signed = new Map()));
  const now = Date.now();
  const hit = signed.get(to);
  if (hit && hit.renewAt > now) return hit.token;
  const token = signServiceIdentity(owner, to, TOKEN_TTL_SECONDS);
  signed.set(to, { token, renewAt: now + (TOKEN_TTL_SECONDS * 1000) / 2 });
  token.catch(() => signed.delete(to));
  return token;
}

/** A GraphQL call to another owner's subgraph under this owner's own service identity. */
export function callSubgraph<T>(baseUrl: string, to: string, owner: SigningKey, query: string, variables?: Record<string, unknown>): Promise<T> {
  return inClientSpan(`POST ${to}`, { 'http.request.method': 'POST', 'peer.service': to }, () => callSubgraphNow<T>(baseUrl, to, owner, query, variables));
}

/** How long a call to another owner may take, answer and all. */
const CALL_TIMEOUT_MS = 10_000;
/** One client per owner's origin: its kept-alive sockets serve every call to that owner. */
const clients = new Map<string, SubgraphFetch>();

/** POSTs JSON to another owner's subgraph under this owner's service identity (the trace carried on). */
async function post(baseUrl: string, path: string, to: string, owner: SigningKey, body: unknown) {
  const url = new URL(path, baseUrl);
  let client = clients.get(url.origin);
  if (!client) clients.set(url.origin, (client = keptAliveFetch(url.origin, CALL_TIMEOUT_MS)));
  return client(url.href, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: await serviceToken(owner, to), ...traceHeader() },
    body: JSON.stringify(body),
  });
}

async function callSubgraphNow<T>(baseUrl: string, to: string, owner: SigningKey, query: string, variables?: Record<string, unknown>): Promise<T> {
  const response = await post(baseUrl, '/graphql', to, owner, { query, variables });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (!response.ok || body.errors?.length) {
    throw new Error(`upstream call failed (${response.status}): ${body.errors?.map((e) => e.message).join('; ')}`);
  }
  return body.data as T;
}

/** POST /internal/<route> on another owner's subgraph: an explicit message between owners, signed by the sender. */
export function sendInternal<T>(baseUrl: string, to: string, route: string, owner: SigningKey, body: unknown): Promise<T> {
  return inClientSpan(`POST ${to} /internal/${route}`, { 'http.request.method': 'POST', 'peer.service': to }, () => sendInternalNow<T>(baseUrl, to, route, owner, body));
}

async function sendInternalNow<T>(baseUrl: string, to: string, route: string, owner: SigningKey, body: unknown): Promise<T> {
  const response = await post(baseUrl, `/internal/${route}`, to, owner, body);
  if (!response.ok) throw new Error(`internal ${route} answered ${response.status}`);
  return (await response.json()) as T;
}
