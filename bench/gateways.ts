// The gateways measured, as one worker process each runs them (bench/cluster.ts): the hub's own
// gateway, bare @apollo/gateway (`apollo`; `apollo-agents` with the hub's subgraph client, its
// agents made once, so hub ÷ apollo-agents is what policy, masking and audit cost), and Hive Gateway, the latter with its JavaScript query planner
// (`hive`) and with its Rust one (`hive-router`, @graphql-hive/router-runtime), each with its
// deduplication of identical in-flight subgraph requests on (its default) or off (`-nodedupe`).
// The peers enforce nothing: they send every subgraph one static signed identity (a procurator
// with a reason).
import { createServer, type Server } from 'node:http';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { unifiedGraphHandler as rustQueryPlanner } from '@graphql-hive/router-runtime';
import { gatewayConfig, subgraphUrlVar } from '../gateway/config';
import { keptAliveFetch } from '../kit/subgraph-client';
import { startGateway } from '../gateway/server';
import { readSupergraph } from '../gateway/supergraph';
import { close, listen, serveGraphQL } from '../kit/http';
import { IDENTITY_HEADER } from '../kit/identity';
import { SUBGRAPHS } from '../subgraphs/index';

export const TARGETS = ['hub', 'apollo', 'apollo-agents', 'hive', 'hive-nodedupe', 'hive-router', 'hive-router-nodedupe'] as const;
export type TargetKind = (typeof TARGETS)[number];

export interface RunningTarget { stop(): Promise<void> }

/** What every worker reads: its port, the subgraphs' URLs (as the hub's gateway reads them), the static identity. */
function baseline(env: NodeJS.ProcessEnv) {
  const token = env.BENCH_IDENTITY_TOKEN;
  if (!token) throw new Error('BENCH_IDENTITY_TOKEN is required');
  const urls = Object.fromEntries(SUBGRAPHS.map((s) => [s.name, new URL('/graphql', env[subgraphUrlVar(s.name)]!).toString()]));
  return { token, urls, port: Number(env.PORT), host: '127.0.0.1' };
}

/** The supergraph with the links @apollo/gateway refuses (`for: SECURITY`) made plain. */
const withoutSecurityLinks = (sdl: string) => sdl.replace(/,\s*for:\s*SECURITY/g, '');

/**
 * `agents`: each subgraph's client as the hub's (kit/subgraph-client.ts keptAliveFetch, without
 * the hub's in-flight sharing). Left to its default client, @apollo/gateway pays agent-base's
 * per-fetch stack-trace capture, a cost the hub does not have and that is no part of its policy.
 */
async function bareApollo(env: NodeJS.ProcessEnv, agents = false): Promise<RunningTarget> {
  const { token, urls, port, host } = baseline(env);
  class StaticIdentity extends RemoteGraphQLDataSource {
    override willSendRequest({ request }: Parameters<NonNullable<RemoteGraphQLDataSource['willSendRequest']>>[0]) {
      request.http?.headers.set(IDENTITY_HEADER, token);
    }
  }
  const gateway = new ApolloGateway({
    supergraphSdl: withoutSecurityLinks(readSupergraph()),
    buildService: ({ name }) => new StaticIdentity({ url: urls[name], ...(agents ? { fetcher: keptAliveFetch(urls[name], 30_000) as any } : {}) }),
  });
  const apollo = new ApolloServer({ gateway, includeStacktraceInErrorResponses: false });
  await apollo.start();
  const http: Server = createServer((req, res) => {
    void serveGraphQL(apollo, req, res, async () => ({})).catch(() => { if (!res.headersSent) { res.statusCode = 500; res.end(); } });
  });
  await listen(http, port, host);
  return { async stop() { await close(http); await apollo.stop(); } };
}

/** The Hive Gateway targets: which query planner, and whether identical in-flight subgraph requests are merged. */
export function hiveSettings(kind: TargetKind): { rustPlanner: boolean; dedupe: boolean } | null {
  if (!kind.startsWith('hive')) return null;
  return { rustPlanner: kind.startsWith('hive-router'), dedupe: !kind.endsWith('-nodedupe') };
}

async function hive(env: NodeJS.ProcessEnv, { rustPlanner, dedupe }: { rustPlanner: boolean; dedupe: boolean }): Promise<RunningTarget> {
  const { token, urls, port, host } = baseline(env);
  // The committed supergraph names placeholder URLs; Hive Gateway reads them from the SDL.
  const sdl = readSupergraph().replace(/@join__graph\(name: "([^"]+)", url: "[^"]*"\)/g, (_, name: string) => `@join__graph(name: "${name}", url: "${urls[name]}")`);
  const runtime = createGatewayRuntime({
    supergraph: sdl,
    // The Rust planner (the one the public gateway benchmark measures as "Hive Gateway (Rust QP)")
    // plans and runs the fetches itself; the JavaScript one stitches with @graphql-tools/federation.
    ...(rustPlanner ? { unifiedGraphHandler: rustQueryPlanner } : {}),
    // Hive merges identical in-flight subgraph requests by default (the hub and bare
    // @apollo/gateway do not): the `-nodedupe` targets turn that off to compare the same work.
    transportEntries: { '*.http': { headers: [[IDENTITY_HEADER, token]], options: { deduplicateInflightRequests: dedupe } } },
    logging: false,
    graphiql: false,
    landingPage: false,
    maskedErrors: !env.BENCH_DEBUG,
  });
  const http = createServer(runtime);
  await listen(http, port, host);
  return { async stop() { await close(http); await runtime.dispose(); } };
}

async function hubGateway(env: NodeJS.ProcessEnv): Promise<RunningTarget> {
  const running = await startGateway(gatewayConfig(env));
  return { stop: () => running.stop() };
}

export function startTarget(kind: TargetKind, env: NodeJS.ProcessEnv = process.env): Promise<RunningTarget> {
  switch (kind) {
    case 'hub': return hubGateway(env);
    case 'apollo': return bareApollo(env);
    case 'apollo-agents': return bareApollo(env, true);
    default: return hive(env, hiveSettings(kind)!);
  }
}
