import { unwatchFile, watchFile } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError } from 'graphql';
import type { DataSource } from 'typeorm';
import { asBackgroundWork, openDatabase, StatementCounter } from './database';
import { clientError } from './errors';
import { close, HttpError, listen, readJson, sendJson, serveGraphQL } from './http';
import { IDENTITY_HEADER, verifyIdentityCached, type Identity, type Receiver } from './identity';
import { GATEWAY, readKeyDirectory, readSigningKey } from './keys';
import { envOf, upstreamVar, type InternalRoute, type SubgraphContext, type SubgraphModule, type SubgraphRuntime } from './module';
import { callSubgraph, sendInternal } from './upstream';
import { enforceDirectives } from './shield';
import { reportReleases } from './releases';
import { journalReleases, KitReleaseJournal1700000000900 } from './release-journal';
import { Clock, clockStartOffset } from './clock';
import { validateEnv } from './config';
import { enterRequest, log } from './log';
import { sendExposition, wantsExposition } from './metrics';
import { refreshSubgraphMetrics } from './subgraph-metrics';
import { inServerSpan, startTracing, stopTracing } from './tracing';

/**
 * No subgraph answer may be cached: each is one caller's, under that caller's rules. Apollo
 * Server's cache-control plugin says so (`no-store`, as no field carries a hint) but does it by
 * hooking every resolved field; the header is set here once per answer instead.
 */
const uncacheableAnswers: ApolloServerPlugin<SubgraphContext> = {
  async requestDidStart() {
    return { async willSendResponse({ response }) { response.http.headers.set('cache-control', 'no-store'); } };
  },
};

/** What every subgraph's Apollo Server runs around a request: its header, its releases reported and journaled. */
export const answerPlugins = (db: DataSource, owner: string): ApolloServerPlugin<SubgraphContext>[] =>
  [ApolloServerPluginCacheControlDisabled(), uncacheableAnswers, reportReleases, journalReleases(db, owner)];

/** `traceparent`: version, trace id (32 hex digits), parent id, flags (W3C Trace Context). */
const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

/**
 * The trace id a call belongs to, from its `traceparent`: the gateway's fetches and owners' calls to
 * each other both carry the request's trace there (kit/tracing.ts callTraceparent). `x-trace-id`,
 * where sent, comes first: owners and gateways of an earlier version sent it during a rolling
 * deploy. A `traceparent` is read only from a signed call (the gateway's, or an owner's).
 */
export function traceIdOfCall(headers: IncomingHttpHeaders, signer: string | undefined): string | undefined {
  const sent = headers['x-trace-id'];
  if (typeof sent === 'string') return sent;
  const traceparent = headers.traceparent;
  if (signer === undefined || typeof traceparent !== 'string') return undefined;
  return TRACEPARENT.exec(traceparent)?.[1];
}

/** Test clock control: { advanceMs } moves this process's clock forward. */
const moveClock = async (runtime: SubgraphRuntime, body: unknown) => {
  runtime.clock.advance(Number((body as { advanceMs?: number })?.advanceMs));
  return { now: runtime.now().toISOString() };
};

export interface RunningSubgraph {
  name: string;
  url: string;
  runtime: SubgraphRuntime;
  stop(): Promise<void>;
}

/** The subgraph's declared variables (envOf), checked by the one validator (kit/config.ts). */
function readEnv(module: SubgraphModule, env: NodeJS.ProcessEnv): void {
  validateEnv(module.name, envOf(module), env);
}

/** Every internal route names who may send it; a route nobody is entitled to send is a mistake. */
function routeSendersOf(module: SubgraphModule): ReadonlyMap<string, { has(owner: string): boolean }> {
  const senders = new Map<string, { has(owner: string): boolean }>();
  for (const name of Object.keys(module.routes ?? {})) {
    const declared = module.routeSenders?.[name];
    const live = declared && !Array.isArray(declared) ? declared as { has(owner: string): boolean } : undefined;
    const list = live ? [] : (declared as readonly string[] | undefined) ?? [];
    if (!live && !list.length) throw new Error(`${module.name}: internal route ${name} declares no senders (routeSenders)`);
    if (live ? live.has(GATEWAY) : list.includes(GATEWAY)) throw new Error(`${module.name}: internal route ${name}: the ${GATEWAY} sends no service messages`);
    // A live set (justice's agencies, learnt at run time) is kept as given; a list is fixed at start.
    senders.set(name, live ?? new Set(list));
  }
  return senders;
}

/** Boots one subgraph: its database (migrations applied), its schema, its HTTP endpoint. */
export async function runSubgraph(module: SubgraphModule, env: NodeJS.ProcessEnv = process.env): Promise<RunningSubgraph> {
  readEnv(module, env);
  startTracing(module.name, env); // before the database: its pool's clients trace their statements
  const senders = routeSendersOf(module);
  // Trust between owners: this owner's own private key, and only public keys of the others.
  const signingKey = await readSigningKey(env.OWNER_SIGNING_KEY_FILE!, module.name);
  const receiver: Receiver = { name: module.name, directory: await readKeyDirectory(env.HUB_PUBLIC_KEYS_FILE!) };
  // An owner onboarded while this one runs (an agency) is trusted once its public key is in the
  // directory file: the file is read again when it changes, a bad version is logged and ignored.
  const keysFile = env.HUB_PUBLIC_KEYS_FILE!;
  const rereadKeys = () => readKeyDirectory(keysFile).then((d) => { receiver.directory = d; }, (e) => log.error('key directory not reloaded', e));
  watchFile(keysFile, { interval: 1000 }, rereadKeys);
  const counter = new StatementCounter();
  const db = await openDatabase({ url: env.DATABASE_URL!, entities: module.entities, migrations: [...module.migrations, KitReleaseJournal1700000000900], counter });
  const clock = new Clock(clockStartOffset(env));
  const runtime: SubgraphRuntime = {
    name: module.name, db, counter, env, clock, now: () => clock.now(),
    call: (owner, query, variables) => callSubgraph(env[upstreamVar(owner)]!, owner, signingKey, query, variables),
    send: (owner, route, body) => sendInternal(env[upstreamVar(owner)]!, owner, route, signingKey, body),
  };

  const buildApollo = async () => {
    const schema = enforceDirectives(buildSubgraphSchema([{ typeDefs: module.typeDefs, resolvers: module.resolvers as any }]), module.typeDefs);
    const server = new ApolloServer<SubgraphContext>({
      schema,
      introspection: env.NODE_ENV !== 'production',
      includeStacktraceInErrorResponses: false,
      formatError: (formatted) => clientError(formatted as any) as any,
      plugins: answerPlugins(db, module.name),
    });
    await server.start();
    return server;
  };
  let apollo = await buildApollo();
  // A module whose SDL follows data (justice's agencies) swaps in a schema built anew, without a
  // restart: requests under way finish on the old one.
  runtime.reloadSchema = async () => {
    const previous = apollo;
    apollo = await buildApollo();
    await previous.stop();
  };
  const stopWorkers = module.workers ? await module.workers(runtime) : async () => {};

  // Every request under a span continuing the caller's traceparent (kit/tracing.ts).
  const http: Server = createServer((req, res) => inServerSpan(req, res, async () => {
    try {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path === '/health') {
        await db.query('SELECT 1');
        return sendJson(res, 200, { status: 'ok', subgraph: module.name });
      }
      // Nothing but health checks is served without an identity signed by the gateway (an end
      // user) or by an owner in the key directory (its service identity).
      let identity: Identity;
      try {
        identity = await verifyIdentityCached(String(req.headers[IDENTITY_HEADER] ?? ''), receiver);
        const traceId = traceIdOfCall(req.headers, identity.signer);
        if (traceId !== undefined) identity.traceId = traceId;
        enterRequest({ traceId: identity.traceId });
      } catch {
        return sendJson(res, 401, { errors: [{ message: 'an identity signed by the gateway or an owner is required', extensions: { code: 'UNAUTHENTICATED' } }] });
      }
      if (path === '/metrics') return wantsExposition(req) ? await sendExposition(res, () => refreshSubgraphMetrics(runtime)) : sendJson(res, 200, { sqlStatements: counter.count });
      if (path.startsWith('/internal/') && req.method === 'POST') {
        const name = path.slice('/internal/'.length);
        // The clock route exists only in test mode, for any owner's service identity.
        const testClock = name === 'clock' && env.HUB_TEST_CLOCK === '1';
        const route: InternalRoute | undefined = testClock ? moveClock : module.routes?.[name];
        if (!route) throw new HttpError(404, 'no such route');
        if (identity.role !== 'service' || !identity.signer) throw new HttpError(403, 'internal routes take a service identity only');
        if (!testClock && !senders.get(name)?.has(identity.signer)) throw new HttpError(403, `${identity.signer} may not send ${name}`);
        // A message between owners is no user's request: its statements are not counted as one's.
        const body = await readJson(req);
        return sendJson(res, 200, await asBackgroundWork(() => route(runtime, body, { owner: identity.signer! })));
      }
      if (path.startsWith('/events/') && req.method === 'GET') {
        const stream = module.streams?.[path.slice('/events/'.length)];
        if (!stream) throw new HttpError(404, 'no such stream');
        // Opened by the gateway for the user it forwards: the owner filters by that user's reach.
        if (identity.signer !== GATEWAY) throw new HttpError(403, 'event streams are opened by the gateway for an end user');
        return stream(runtime, identity, req, res);
      }
      if (path === '/graphql') {
        log.debug('graphql request', { caller: identity.role });
        return await serveGraphQL(apollo, req, res, async () => ({ identity, runtime, loaders: module.loaders?.(runtime), releases: [] }));
      }
      throw new HttpError(404, 'not found');
    } catch (error) {
      if (error instanceof HttpError) return sendJson(res, error.status, { error: error.message });
      if (error instanceof GraphQLError) return sendJson(res, 400, { error: error.message });
      log.error('request failed', error);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    }
  }));
  const port = await listen(http, Number(env.PORT ?? module.defaultPort), env.HOST ?? '127.0.0.1');
  return {
    name: module.name,
    url: `http://${env.HOST ?? '127.0.0.1'}:${port}`,
    runtime,
    async stop() {
      await stopWorkers();
      unwatchFile(keysFile, rereadKeys);
      await close(http);
      await apollo.stop();
      await db.destroy();
      await stopTracing();
    },
  };
}
