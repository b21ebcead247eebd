// npx tsx bench/floor.ts [--queries case,page50] [--requests 2000] [--warmup 1000] [--connections 8] [--rounds 2]
// The floor of the chosen packages under the benchmark's queries: bare @apollo/gateway on the
// hub's own supergraph, in front of one @apollo/server process per subgraph built with
// @apollo/subgraph from that subgraph's own typeDefs, whose resolvers answer from memory (no
// database, no policy, no masking, no audit, no signed identity). The query plans are the hub's:
// for the unified case query the same four fetches (justice, then procuratorate, public security
// and the case's agency in parallel), for the 50-case page justice then public security and the
// bureau's agency; the same HTTP between processes and the same server path (kit/http.ts
// serveGraphQL), with the hub's subgraph client (gateway/data-source.ts keptAliveFetch).
// What each process spends per request here is what no change to the hub's own code takes off:
// issue 13's "whole-hub CPU per case query ≤ 5 ms" has this much of it spent before the hub does
// any work of its own, and before PostgreSQL. Every answer is checked against the hub's shape.
// CPU from each process's kernel counters (utime+stime) around a fixed count of requests.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { keptAliveFetch } from '../gateway/data-source';
import { serveGraphQL } from '../kit/http';
import { readSupergraph } from '../gateway/supergraph';
import { SUBGRAPHS, subgraphNamed } from '../subgraphs';
import { KINDS, OFFICER } from './dataset';
import { CASE_QUERY, pageQuery } from './queries';

const { values: args } = parseArgs({ options: {
  serve: { type: 'string' }, gateway: { type: 'boolean', default: false }, port: { type: 'string' }, urls: { type: 'string' },
  requests: { type: 'string', default: '2000' }, warmup: { type: 'string', default: '1000' },
  connections: { type: 'string', default: '8' }, rounds: { type: 'string', default: '2' }, queries: { type: 'string', default: 'case,page50' },
} });
const queries = args.queries.split(',');

// One case per agency kind, chosen by the id: the case query's answer has the shape of the hub's
// for a case with a transfer and no supervision matter (bench/dataset.ts: most of the seeded cases).
const kindOf = (id: string) => KINDS[createHash('sha256').update(id).digest()[0] % KINDS.length];
const CASE_TYPE_SUBGRAPH = new Map(KINDS.map((k) => [k.subgraph, k.caseType]));
const PAGE_KIND = KINDS.find((k) => k.prefix === OFFICER.org.split('-')[0]) ?? KINDS[0];
const idOf = (i: number) => createHash('sha256').update(String(i)).digest('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5');
const caseOf = (id: string, kind: (typeof KINDS)[number]) => ({
  __typename: kind.caseType, id, caseNumber: `${kind.prefix}罚〔2026〕${id.slice(0, 4)}号`, region: '320706',
  agency: { code: `${kind.prefix}-320706`, name: `灌南县${kind.label}`, kind: kind.kind, region: '320706' },
});

/** Resolvers answering the case query's fields from memory, per subgraph. */
function floorResolvers(name: string): Record<string, any> {
  if (name === 'justice') {
    return {
      Query: {
        case: (_: unknown, { id }: { id: string }) => caseOf(id, kindOf(id)),
        // A bureau's page: its own kind's cases (the query names one bureau).
        cases: (_: unknown, { first }: { first: number }) => ({ edges: Array.from({ length: first }, (__, i) => ({ cursor: String(i), node: caseOf(idOf(i), PAGE_KIND) })) }),
      },
      EnforcementCase: { __resolveType: (c: { __typename: string }) => c.__typename },
    };
  }
  if (name === 'public-security') return { EnforcementCase: { transfer: (c: { id: string }) => ({ id: c.id, status: 'ACCEPTED' }) } };
  if (name === 'procuratorate') return { EnforcementCase: { supervision: () => [] } };
  const caseType = CASE_TYPE_SUBGRAPH.get(name);
  if (caseType) return { [caseType]: { party: () => ({ name: '张某某', idNumber: '320706199001011234' }) } };
  return {};
}

async function listen(server: Server, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', resolve); });
}

async function serve(apollo: ApolloServer, port: number): Promise<void> {
  await apollo.start();
  const http = createServer((req, res) => {
    void serveGraphQL(apollo, req, res, async () => ({})).catch(() => { if (!res.headersSent) { res.statusCode = 500; res.end(); } });
  });
  await listen(http, port);
  process.send?.('ready');
}

if (args.serve) {
  const module = subgraphNamed(args.serve);
  await serve(new ApolloServer({ schema: buildSubgraphSchema({ typeDefs: module.typeDefs, resolvers: floorResolvers(module.name) as any }), plugins: [ApolloServerPluginInlineTraceDisabled()] }), Number(args.port));
} else if (args.gateway) {
  const urls = JSON.parse(args.urls!) as Record<string, string>;
  const gateway = new ApolloGateway({
    // The links @apollo/gateway refuses (`for: SECURITY`) made plain, as for the bench's bare target.
    supergraphSdl: readSupergraph().replace(/,\s*for:\s*SECURITY/g, ''),
    // The hub's own subgraph client (agents made once), as the bench's apollo-agents target: the
    // default one pays agent-base's stack-trace capture per fetch, which is not the floor.
    buildService: ({ name }) => new RemoteGraphQLDataSource({ url: urls[name], fetcher: keptAliveFetch(urls[name], 30_000) as any }),
  });
  await serve(new ApolloServer({ gateway }), Number(args.port));
} else {
  await measure();
}

async function freePort(): Promise<number> {
  const server = createServer();
  await listen(server, 0);
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function start(extra: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, ...extra], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, NODE_ENV: 'production' } });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`${extra.join(' ')} exited with ${code}`)));
  });
}

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function measure(): Promise<void> {
  const [requests, warmup, connections, rounds] = [args.requests, args.warmup, args.connections, args.rounds].map(Number);
  const children = new Map<string, ChildProcess>();
  try {
    const urls: Record<string, string> = {};
    for (const s of SUBGRAPHS) {
      const port = await freePort();
      children.set(s.name, await start(['--serve', s.name, '--port', String(port)]));
      urls[s.name] = `http://127.0.0.1:${port}/graphql`;
    }
    const port = await freePort();
    children.set('gateway', await start(['--gateway', '--port', String(port), '--urls', JSON.stringify(urls)]));
    const url = `http://127.0.0.1:${port}/graphql`;
    const ids = Array.from({ length: 997 }, (_, i) => idOf(i));
    // Each answer has the hub's shape, or the run stops: a floor that answered less is no floor.
    const checks: Record<string, { body: (n: number) => string; ok: (data: any) => boolean }> = {
      case: {
        body: (n) => JSON.stringify({ query: CASE_QUERY, variables: { id: ids[n % ids.length] } }),
        ok: (d) => !!d?.case?.party?.idNumber && !!d.case.agency?.name && d.case.transfer?.status === 'ACCEPTED' && Array.isArray(d.case.supervision),
      },
      page50: {
        body: () => JSON.stringify({ query: pageQuery(50) }),
        ok: (d) => d?.cases?.edges?.length === 50 && d.cases.edges.every((e: any) => e.node.party?.idNumber && e.node.agency?.name && e.node.transfer?.status === 'ACCEPTED'),
      },
    };
    for (const query of queries) {
      const check = checks[query];
      if (!check) throw new Error(`no floor for ${query}; one of ${Object.keys(checks).join(', ')}`);
      const send = async (count: number) => {
        let next = 0;
        await Promise.all(Array.from({ length: connections }, async () => {
          while (next < count) {
            const answer = await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: check.body(next++) })).json() as any;
            if (answer.errors || !check.ok(answer.data)) throw new Error(`floor answered ${JSON.stringify(answer).slice(0, 500)}`);
          }
        }));
      };
      await send(warmup);
      for (let round = 1; round <= rounds; round++) {
        const before = new Map([...children].map(([name, child]) => [name, cpuMs(child.pid!)]));
        const t0 = Date.now();
        await send(requests);
        const wallMs = Date.now() - t0;
        const perRequest = Object.fromEntries([...children].map(([name, child]) => [name, +((cpuMs(child.pid!) - before.get(name)!) / requests).toFixed(3)]).filter(([, v]) => (v as number) > 0));
        const subgraphs = Object.entries(perRequest).filter(([k]) => k !== 'gateway').reduce((s, [, v]) => s + (v as number), 0);
        console.log(JSON.stringify({ round, query, requests, wallMs, load1: +loadavg()[0].toFixed(1),
          totalMs: +(subgraphs + ((perRequest.gateway as number) ?? 0)).toFixed(2), gatewayMs: perRequest.gateway, subgraphsMs: +subgraphs.toFixed(2), cpuMsPerRequest: perRequest }));
      }
    }
  } finally {
    for (const child of children.values()) child.kill();
  }
}
