// The gateway's POST/GET /graphql path with authorization and limits in front of Apollo: the
// request is judged on its operation text, executed rewritten, and its response restored.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer, BaseContext } from '@apollo/server';
import type { Identity } from '../../kit/identity';
import { readJson, sendJson, serveGraphQL } from '../../kit/http';
import type { Authorizer } from './authorizer';
import { restoreResult } from './restore';
import type { DeniedField, RewritePlan } from './rewrite';

export interface AuthorizedOutcome {
  /** Fields and types withheld from (or, in reject mode, refused to) this caller: for the audit log. */
  denied: DeniedField[];
}

/** The operation as the client sent it, for the audit log (filled in as soon as it is read). */
export interface SeenOperation { query?: string; operationName?: string }

/**
 * The one operation Apollo may execute for this request: the text the authorizer judged (and
 * rewrote) and the operation name it judged it under. Absent when nothing was judged.
 */
export interface JudgedOperation { query: string; operationName: string | null }

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Serves one /graphql request for `identity`. `context` builds Apollo's context; it is given the
 * same `denied` array returned here (objects withheld at runtime are appended after execution) and
 * the operation judged for execution, if any.
 */
export async function serveAuthorized<C extends BaseContext>(
  apollo: ApolloServer<C>, req: IncomingMessage, res: ServerResponse, identity: Identity, authorizer: Authorizer,
  context: (denied: DeniedField[], judged?: JudgedOperation) => Promise<C>,
  seen: SeenOperation = {},
): Promise<AuthorizedOutcome> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const isGet = req.method === 'GET' || req.method === 'HEAD';
  let body: unknown;
  let request: Record<string, unknown> | undefined;
  if (req.method === 'POST') {
    body = await readJson(req);
    if (Array.isArray(body)) {
      sendJson(res, 400, { errors: [{ message: 'batched operations are not supported', extensions: { code: 'BAD_REQUEST' } }] });
      return { denied: [] };
    }
    if (isObject(body)) request = { ...body };
  } else if (isGet) {
    request = Object.fromEntries(url.searchParams);
    for (const key of ['variables', 'extensions']) {
      if (typeof request[key] !== 'string') continue;
      try { request[key] = JSON.parse(request[key] as string); } catch { /* Apollo reports it */ }
    }
  }
  const pass = (denied: DeniedField[] = []) =>
    serveGraphQL(apollo, req, res, () => context(denied), { body }).then(() => ({ denied }));
  if (!request) return pass();

  // Automatic persisted queries would let a hash stand for a query this gateway never saw (and
  // store one it rewrote for someone else): operations are judged on their text only.
  const extensions = isObject(request.extensions) ? { ...request.extensions } : undefined;
  if (extensions && 'persistedQuery' in extensions) {
    if (typeof request.query !== 'string') {
      sendJson(res, 400, { errors: [{ message: 'PersistedQueryNotSupported', extensions: { code: 'PERSISTED_QUERY_NOT_SUPPORTED' } }] });
      return { denied: [] };
    }
    delete extensions.persistedQuery;
    request.extensions = extensions;
  }
  if (typeof request.query !== 'string') return pass();
  seen.query = request.query;
  seen.operationName = typeof request.operationName === 'string' ? request.operationName : undefined;
  // Apollo refuses an operationName that is not a string (nor null); nothing to judge then.
  if (request.operationName !== undefined && request.operationName !== null && typeof request.operationName !== 'string') return pass();

  const variables = isObject(request.variables) ? request.variables : undefined;
  const operationName = (request.operationName as string | null | undefined) ?? null;
  const decision = authorizer.decide({ query: request.query, operationName, variables }, identity);
  if (decision.kind === 'refuse') {
    sendJson(res, decision.status, decision.body);
    return { denied: [...decision.denied] };
  }
  if (decision.kind === 'pass') {
    if (isGet) return serveGraphQL(apollo, req, res, () => context([]), { search: searchOf(request) }).then(() => ({ denied: [] }));
    body = request;
    return pass();
  }

  const { plan, skipped } = decision;
  const denied = skipped.size ? plan.denied.filter((_, i) => !skipped.has(i)) : [...plan.denied];
  const rewritten = { ...request, query: plan.query, ...(variables && plan.dropVariables.length ? { variables: without(variables, plan.dropVariables) } : {}) };
  const transform = plan.restore || plan.denied.length ? (text: string) => restore(text, plan, skipped, denied) : undefined;
  const judged: JudgedOperation = { query: plan.query, operationName };
  await serveGraphQL(apollo, req, res, () => context(denied, judged), isGet ? { search: searchOf(rewritten), transform } : { body: rewritten, transform });
  return { denied };
}

function restore(text: string, plan: RewritePlan, skipped: ReadonlySet<number>, denied: DeniedField[]): string {
  let result: unknown;
  try { result = JSON.parse(text); } catch { return text; }
  if (!isObject(result) || !('data' in result)) return text; // a request error: nothing was executed
  denied.push(...restoreResult(result, plan.restore, plan.denied, skipped));
  return JSON.stringify(result);
}

function without(variables: Record<string, unknown>, names: string[]): Record<string, unknown> {
  const copy = { ...variables };
  for (const name of names) delete copy[name];
  return copy;
}

function searchOf(request: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(request)) {
    if (value === undefined || value === null) continue;
    params.set(key, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return `?${params}`;
}
