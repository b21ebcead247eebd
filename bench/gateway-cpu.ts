// npx tsx bench/gateway-cpu.ts [--cases 3000] [--targets hub,apollo] [--queries page50,case,publishedDecisions]
//   [--warmup 1500] [--requests 1000] [--connections 8] [--rounds 1] [--cpu-prof <dir>] [--echo]
// The gateway's CPU milliseconds per request for a fixed number of warm requests, read from the
// kernel's counters (utime+stime of the gateway's processes) around them. Boots its own bench hub
// (bench/hub.ts: embedded PostgreSQL, free ports, `--cases` seeded cases), starts each target with
// one worker on its subgraphs, and for each round, query and target sends `--warmup` requests, then
// measures `--requests`. With the count fixed rather than the time, the figure holds on a machine
// busy with other work (the load moves the wall clock, not the work done per request).
// `--cpu-prof <dir>`: each target's processes run with node's --cpu-prof and leave a .cpuprofile
// there when they stop (their whole life, warm-up included: warm up long to see the steady state;
// the CPU figures of such a run are not figures).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sampleCpu } from './cpu';
import { BUREAUS, PROCURATOR } from './dataset';
import { bootBenchHub } from './hub';
import { queryMix, type QuerySpec } from './queries';
import { caseIds, dropPool, seedCases } from './seed';
import { startTarget, type StartedTarget } from './targets';
import { TARGETS, type TargetKind } from './gateways';
import { withinJurisdiction } from '../kit/rules';

const { values: args } = parseArgs({ options: {
  cases: { type: 'string', default: '3000' }, targets: { type: 'string', default: 'hub,apollo' },
  queries: { type: 'string', default: 'page50,case,publishedDecisions' }, warmup: { type: 'string', default: '1500' },
  requests: { type: 'string', default: '1000' }, connections: { type: 'string', default: '8' }, rounds: { type: 'string', default: '1' },
  'cpu-prof': { type: 'string' }, echo: { type: 'boolean', default: false },
} });
const cases = Number(args.cases);
const targets = args.targets.split(',') as TargetKind[];
const queries = args.queries.split(',');
const [warmup, requests, connections, rounds] = [args.warmup, args.requests, args.connections, args.rounds].map(Number);
if (!Number.isInteger(cases) || cases < 1000 || targets.some((t) => !TARGETS.includes(t)) || !(requests > 0) || !(rounds > 0)) {
  console.error('usage: npx tsx bench/gateway-cpu.ts [--cases N ≥ 1000] [--targets hub,apollo] [--queries page50,case,publishedDecisions] [--warmup N] [--requests N] [--connections N] [--rounds N]');
  process.exit(2);
}
const log = (message: string) => process.stderr.write(`[gateway-cpu] ${message}\n`);

/** The gateway's own CPU so far: its cluster primary and its one worker (bench/cpu.ts names them `gateway:<kind>`). */
const gatewayCpuMs = (kind: TargetKind) => sampleCpu()[`gateway:${kind}`] ?? 0;

/** Sends `count` requests over `connections` connections; returns how many answered with errors. */
async function send(url: string, spec: QuerySpec, ids: string[], count: number): Promise<number> {
  let next = 0;
  let errors = 0;
  const staticBody = JSON.stringify({ query: spec.query, variables: spec.variables ?? {} });
  await Promise.all(Array.from({ length: connections }, async () => {
    while (next++ < count) {
      const body = ids.length ? JSON.stringify({ query: spec.query, variables: { ...spec.variables, id: ids[next % ids.length] } }) : staticBody;
      const answer = (await (await fetch(url, { method: 'POST', headers: spec.headers, body })).json()) as { errors?: unknown[] };
      if (answer.errors) errors++;
    }
  }));
  return errors;
}

const bench = await bootBenchHub(args.echo);
const started: StartedTarget[] = [];
let exitCode = 0;
try {
  log(`seeding ${cases} cases…`);
  await seedCases(bench.seedTarget, { from: 1, to: cases, total: cases, now: new Date() });
  await dropPool(bench.seedTarget);
  // Cases within the procurator's jurisdiction (outside it the case rule answers null: no work).
  const numbers = Array.from({ length: cases }, (_, i) => i + 1).filter((i) => withinJurisdiction(PROCURATOR.region, BUREAUS[i % BUREAUS.length].region));
  const idsFile = join(bench.dataDir, 'ids.json');
  writeFileSync(idsFile, JSON.stringify(await caseIds(bench.seedTarget, numbers)));
  const mix = (await queryMix(bench.dataDir, idsFile)).filter((q) => queries.includes(q.name));
  const cpuProf = args['cpu-prof'];
  if (cpuProf) mkdirSync(cpuProf, { recursive: true });
  for (const kind of targets) started.push(await startTarget(bench, kind, 1, args.echo, cpuProf ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${join(cpuProf, kind)}` } : {}));
  const results: { round: number; target: TargetKind; query: string; requests: number; errors: number; gatewayCpuMsPerRequest: number; wallMs: number; load1: number }[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const spec of mix) {
      const ids: string[] = spec.idsFile ? JSON.parse(readFileSync(spec.idsFile, 'utf8')) : [];
      for (const target of started) {
        await send(target.url, spec, ids, warmup);
        const before = gatewayCpuMs(target.kind);
        const t0 = Date.now();
        const errors = await send(target.url, spec, ids, requests);
        const cpu = gatewayCpuMs(target.kind) - before;
        const result = { round, target: target.kind, query: spec.name, requests, errors, gatewayCpuMsPerRequest: +(cpu / requests).toFixed(2), wallMs: Date.now() - t0, load1: +loadavg()[0].toFixed(1) };
        results.push(result);
        console.log(JSON.stringify(result));
        if (errors) exitCode = 1; // a query answered with errors measures something else
      }
    }
  }
  // Hub ÷ apollo per query, from the means over the rounds.
  const mean = (target: string, query: string) => {
    const xs = results.filter((r) => r.target === target && r.query === query).map((r) => r.gatewayCpuMsPerRequest);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  for (const spec of mix) {
    const line = Object.fromEntries(started.map((t) => [t.kind, +mean(t.kind, spec.name).toFixed(2)]));
    const ratio = started.length > 1 ? { [`${started[0].kind}÷${started[1].kind}`]: +(mean(started[0].kind, spec.name) / mean(started[1].kind, spec.name)).toFixed(2) } : {};
    console.log(JSON.stringify({ query: spec.name, ...line, ...ratio }));
  }
} catch (error) {
  log(String(error instanceof Error ? error.stack : error));
  exitCode = 1;
} finally {
  for (const target of started) await target.stop().catch(() => {});
  await bench.stop().catch(() => {});
}
process.exit(exitCode);
