import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError } from 'graphql';
import { close, HttpError, listen, sendJson, sendJsonUnread } from '../kit/http';
import { accessReason, authenticationOptionsFromEnv, authenticator, AuthenticationError, BadHeaderError } from './authentication';
import { authorizerOptionsFromEnv, createAuthorizer, serveAuthorized, type Authorizer } from './authorization/index';
import type { JudgedOperation, SeenOperation } from './authorization/serve';
import { auditCommitTimeoutFromEnv, auditOptionsFromEnv, AuditWriter, auditRequest } from './audit/index';
import { auditAfterCommit, durableAudit, type DurableAuditContext } from './audit/durable';
import { auditRateFromEnv, auditRateLimit } from './audit/rate';
import type { GatewayConfig } from './config';
import type { GatewayContext } from './data-source';
import { subgraphDataSource } from './party-lookup-blinding';
import type { DeniedField } from './authorization/index';
import { applyCors } from './cors';
import { serveExplorer } from './explorer';
import { serveConsole } from './console/index';
import { formatClientError } from './errors';
import { answerInLanguage } from './language';
import { liveness, readiness, subgraphHealth, subgraphStatuses } from './health';
import { GATEWAY_VALIDATION_RULES } from './validation';
import { QUERY_PLAN_PATHS_LIMIT } from './limits';
import { planLimitRefusal, planLimitStatus } from './plan-limit';
import { subgraphBases, subgraphRoute } from './supergraph';
import { SupergraphWatch } from './registry/watch';
import { log } from '../kit/log';
import { currentTraceId, inServerSpan } from '../kit/tracing';
import { observeRequest, requestMetrics, serveMetrics } from './metrics';
import { admitTrusted, documentId } from './trusted-documents';
import { Subscriptions } from './subscriptions/index';
import { Idempotency, idempotencyRetentionFromEnv } from './idempotency/index';

/** The W3C trace id of the caller's traceparent, or a new one: it ties audit entries to logs. */
function traceIdOf(traceparent: string | string[] | undefined): string {
  const match = typeof traceparent === 'string' ? /^[\da-f]{2}-([\da-f]{32})-/.exec(traceparent) : null;
  return match ? match[1] : randomUUID().replace(/-/g, '');
}

/** The operation's own name when the client sent none separately (`query PartyLookup { … }`). */
function operationNameOf(query: string | undefined): string | null {
  return (query && /^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(query)?.[1]) || null;
}

export interface RunningGateway {
  url: string;
  stop(): Promise<void>;
}

/**
 * @apollo/gateway refuses links marked `for: SECURITY`; the committed supergraph keeps them
 * (Router and Hive Gateway enforce them natively), so the gateway loads a copy without the mark.
 */
export function loadableSupergraph(sdl: string): string {
  return sdl.replace(/,\s*for:\s*SECURITY/g, '');
}

type HubContext = GatewayContext & DurableAuditContext & { denied: DeniedField[]; judged?: JudgedOperation };

/** graphql-js's words for a document without the operation to run: a 400 the client can act on. */
function unresolvedOperation(operationName: string | null | undefined): GraphQLError {
  const message = operationName
    ? `Unknown operation named "${operationName.slice(0, 100)}".`
    : 'Must provide operation name if query contains multiple operations.';
  return new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
}

/**
 * Apollo executes only the operation the authorizer judged: the same text under the same name.
 * The authorizer lets through unjudged only what Apollo refuses before this point (unparsable,
 * invalid, unknown operation); should the two ever disagree, nothing runs unjudged.
 */
const judgedOnly: ApolloServerPlugin<HubContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue, source, request, operation }) {
        // Apollo 5 calls this even when no operation was found; the client named none or a wrong one.
        if (!operation) throw unresolvedOperation(request.operationName);
        const judged = contextValue.judged;
        if (!judged || judged.query !== source || judged.operationName !== (request.operationName ?? null)) {
          throw new GraphQLError('The operation could not be checked', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
        }
      },
    };
  },
};

export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  const authenticate = await authenticator(config.jwt, authenticationOptionsFromEnv(config.env));
  const subscriptions = new Subscriptions(authenticate, config);
  const authorizerOptions = authorizerOptionsFromEnv(config.env);
  let authorizer!: Authorizer;
  // The supergraph in service (the schema registry's newest, else the repository's) and each one
  // published after; the authorizer is built for a supergraph before the gateway switches to it.
  const supergraph = await SupergraphWatch.open(config.databaseUrl, (sdl) => {
    const next = createAuthorizer({ ...authorizerOptions, supergraphSdl: sdl });
    return () => { authorizer = next; };
  });
  const audit = new AuditWriter(config.databaseUrl, { ...auditOptionsFromEnv(config.env), signingKeyFile: config.signingKeyFile });
  subscriptions.audit = audit; // a subscription refused under trusted documents is audited as a query is
  const gateway = new ApolloGateway({
    supergraphSdl: supergraph.manager(loadableSupergraph),
    queryPlannerConfig: { debug: { pathsLimit: QUERY_PLAN_PATHS_LIMIT } },
    buildService: ({ name, url }) => subgraphDataSource(name, subgraphRoute(name, url, config.subgraphUrls), config.signingKeyFile, config.subgraphTimeoutMs, config.env),
  });
  const apollo = new ApolloServer<HubContext>({
    gateway,
    introspection: !config.production,
    hideSchemaDetailsFromClientErrors: config.production,
    includeStacktraceInErrorResponses: false,
    // What graphql-js 16 lets through to execution: a missing root type, 1e309, a bad DateTime literal.
    validationRules: GATEWAY_VALIDATION_RULES,
    formatError: (formatted, error) => formatClientError(planLimitRefusal(formatted, error) ?? formatted, { production: config.production }),
    // Apollo's landing page loads Sandbox from a CDN: never. The gateway serves its own offline
    // explorer (gateway/explorer.ts), in production only when enabled (graphql-cop: GraphiQL detection).
    plugins: [judgedOnly, planLimitStatus, ApolloServerPluginLandingPageDisabled(), durableAudit<HubContext>(audit, auditCommitTimeoutFromEnv(config.env))],
  });
  apollo.addPlugin(requestMetrics);
  apollo.addPlugin(auditRateLimit<HubContext>(audit, auditRateFromEnv(config.env)));
  await apollo.start();
  const idempotency = new Idempotency(config.databaseUrl, { retentionSeconds: idempotencyRetentionFromEnv(config.env), audit, auditTimeoutMs: auditCommitTimeoutFromEnv(config.env) });

  // Every request under a span continuing the caller's traceparent (kit/tracing.ts).
  const http = createServer((req, res) => inServerSpan(req, res, async () => {
    const observed = observeRequest(req, res);
    answerInLanguage(req, res); // error messages in Chinese when Accept-Language asks for zh
    try {
      // CORS first: every answer, errors and 401s included, must be readable by a listed origin's page.
      if (applyCors(req, res, config.corsOrigins)) return;
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (serveExplorer(req, res, url, config.explorer)) return;
      if (serveConsole(req, res, url, config.console, config.trustedDocuments)) return;
      const path = url.pathname;
      if (path === '/health' && req.method === 'GET') {
        const health = await subgraphHealth(subgraphBases(supergraph.supergraphSdl, config.subgraphUrls));
        return sendJson(res, health.status, health.body);
      }
      if (path === '/health/live' && req.method === 'GET') return sendJson(res, liveness().status, liveness().body);
      if (path === '/health/ready' && req.method === 'GET') {
        const [database, subgraphs] = await Promise.all([supergraph.databaseAnswers(), subgraphStatuses(subgraphBases(supergraph.supergraphSdl, config.subgraphUrls))]);
        const ready = readiness({ ...supergraph.status, database, subgraphs });
        return sendJson(res, ready.status, ready.body);
      }
      if (path === '/metrics' && req.method === 'GET') return await serveMetrics(req, res, authenticate);
      if (await subscriptions.serve(req, res, path)) return;
      if (path !== '/graphql') throw new HttpError(404, 'not found');
      let identity;
      try {
        identity = await authenticate(req.headers.authorization);
      } catch (error) {
        if (!(error instanceof AuthenticationError)) throw error;
        res.setHeader('www-authenticate', 'Bearer');
        return await sendJsonUnread(req, res, 401, { errors: [{ message: error.message, extensions: { code: 'UNAUTHENTICATED' } }] });
      }
      try {
        identity.reason = accessReason(req.headers['x-access-reason']);
      } catch (error) {
        if (!(error instanceof BadHeaderError)) throw error;
        return await sendJsonUnread(req, res, error.status, error.body());
      }
      // Limits and field/type authorization run before Apollo plans: removed fields never reach a subgraph.
      // With traces on, the request span's trace id (the caller's, or a new one): logs, audit and the collector agree.
      identity.traceId = currentTraceId() ?? traceIdOf(req.headers.traceparent);
      observed.traceId = identity.traceId;
      const seen: SeenOperation = {};
      let aboutOnce: ReturnType<typeof aboutRequest> | undefined;
      const aboutRequest = () => ({
        identity, clientAddress: req.socket.remoteAddress ?? null, operationName: seen.operationName ?? operationNameOf(seen.query),
        documentHash: seen.query ? documentId(seen.query) : null, traceId: identity.traceId,
      });
      const about = () => (aboutOnce ??= aboutRequest());
      // `audited` is created here, not by the plugin: Apollo hands plugins a shallow clone of the
      // context, so only a Set made before it is the one this handler reads back below.
      const context: HubContext = { identity, denied: [], releases: [], auditRequest: about, audited: new Set(), committedThrough: new Map() };
      // Trusted documents: a registered hash stands for its text, free text may be refused (and audited).
      const trusted = await admitTrusted(config.trustedDocuments, req, res);
      if (trusted.refused) return void auditRequest(audit, { ...about(), ...trusted.refused });
      // A mutation with an Idempotency-Key runs once per caller and key; its retries replay the first answer.
      const { denied } = await idempotency.serve(trusted.request, res, context, (request) => serveAuthorized(apollo, request, res, identity, authorizer, async (list, judged) => Object.assign(context, { denied: list, judged }), seen), { denied: [] });
      // What durableAudit committed before the response left is done; the rest (refusals before
      // Apollo, objects withheld while restoring) is queued: written in batches, never dropped.
      auditAfterCommit(audit, context, denied);
    } catch (error) {
      if (error instanceof HttpError) return await sendJsonUnread(req, res, error.status, { errors: [{ message: error.message }] });
      log.error('request failed', error);
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    }
  }));
  const port = await listen(http, config.port, config.host);
  subscriptions.listening(port);
  return {
    url: `http://${config.host}:${port}`,
    async stop() {
      subscriptions.close();
      await close(http);
      await apollo.stop();
      await supergraph.close();
      await idempotency.close();
      await audit.close();
    },
  };
}
