// The gateway's metrics: every GraphQL request by operation and outcome, with its latency, and
// /metrics for a scraper whose token holds `metrics:read` (schema/policy.json). The public (no
// token, or a role without the scope) is refused: latencies and error rates by operation tell an
// outsider what the units are doing.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import { sendJson } from '../kit/http';
import { reachOf } from '../kit/access';
import type { Identity } from '../kit/identity';
import { currentRequest, enterRequest, log, type RequestScope } from '../kit/log';
import { operationLabel, requestSeconds, requestsTotal, sendExposition } from '../kit/metrics';

export const METRICS_SCOPE = 'metrics:read';

/** What an answer refused before execution says, by its HTTP status. */
function outcomeOfStatus(status: number): string {
  if (status < 400) return 'ok';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 429) return 'RATE_LIMITED';
  if (status < 500) return 'BAD_REQUEST';
  return 'INTERNAL_SERVER_ERROR';
}

/**
 * Opens the request's scope (its trace id goes on every log line written within it) and, for a
 * GraphQL request, counts it and its latency once the answer is sent.
 */
export function observeRequest(req: IncomingMessage, res: ServerResponse): RequestScope {
  const scope = enterRequest({});
  if (!(req.url ?? '').startsWith('/graphql')) return scope;
  const started = process.hrtime.bigint();
  res.once('finish', () => {
    const labels = { operation: operationLabel(scope.operation), outcome: scope.outcome ?? outcomeOfStatus(res.statusCode) };
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    requestsTotal.inc(labels);
    requestSeconds.observe(labels, seconds);
    // The access line: 'finish' runs outside the request's scope, so its trace id is named here.
    log.info('request', { traceId: scope.traceId, ...labels, status: res.statusCode, ms: Math.round(seconds * 1000) });
  });
  return scope;
}

/** Names the request's operation and outcome (the first error's code, or ok) for its metrics. */
export const requestMetrics: ApolloServerPlugin<any> = {
  async requestDidStart() {
    return {
      async willSendResponse({ request, operationName, response }) {
        const scope = currentRequest();
        if (!scope) return;
        scope.operation = operationName ?? request.operationName ?? undefined;
        const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
        scope.outcome = errors?.length ? String(errors[0].extensions?.code ?? 'ERROR') : 'ok';
      },
    };
  },
};

/** GET /metrics: the text exposition, for an identity whose role holds metrics:read only. */
export async function serveMetrics(req: IncomingMessage, res: ServerResponse, authenticate: (authorization: string | undefined) => Promise<Identity>): Promise<void> {
  let identity: Identity | null = null;
  try { identity = await authenticate(req.headers.authorization); } catch { identity = null; }
  // No token, or one that does not verify: 401; a verified role without the scope: 403.
  const unauthenticated = !identity || !req.headers.authorization;
  if (unauthenticated || !reachOf(identity!, METRICS_SCOPE)) {
    if (unauthenticated) res.setHeader('www-authenticate', 'Bearer');
    return sendJson(res, unauthenticated ? 401 : 403, { errors: [{ message: `metrics require the scope ${METRICS_SCOPE}`, extensions: { code: unauthenticated ? 'UNAUTHENTICATED' : 'FORBIDDEN' } }] });
  }
  await sendExposition(res);
}
