// npx tsx bench/gateway-cpu.ts [--cases 3000] [--targets hub,apollo] [--queries page50,case,publishedDecisions]
//   [--warmup 1500] [--requests 1000] [--connections 8] [--rounds 1] [--cpu-prof <dir>] [--echo]
// The gateway's CPU milliseconds per request for a fixed number of warm requests, read from the
// kernel's counters (utime+stime of the gateway's processes) around them. Boots its own bench hub
// (bench/hub.ts: embedded PostgreSQL, free ports, `--cases` seeded cases), starts each target with
// one worker on its subgraphs, and for each round, query and target sends `--warmup` requests, then
// measures `--requests`. With the count fixed rather than the time, the figure holds on a machine
// busy with other work (the load moves the wall clock, not the work done per request).
// `--cpu-prof <dir>`: V8's sampling profile of each target's processes over the measured requests
// only (no module compilation, no warm-up): a .cpuprofile per process, target, query and round
// (Chrome DevTools opens them). The CPU figures of such a run are not figures.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sampleCpu } from './cpu';
import { bootBenchHub } from './hub';
import { seededMix, sendFixed } from './fixed-count';
import { startTarget, type StartedTarget } from './targets';
import { TARGETS, type TargetKind } from './gateways';

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

/**
 * Preloaded into each target's processes for --cpu-prof (NODE_OPTIONS refuses --cpu-prof itself):
 * SIGUSR2 starts V8's profiler, the next SIGUSR2 stops it and writes the profile to the file named
 * in <dir>/next-profile.
 */
const PROFILER = `const inspector = require('node:inspector'), fs = require('node:fs'), path = require('node:path');
const dir = process.env.GATEWAY_CPU_PROFILE_DIR, session = new inspector.Session();
session.connect();
let on = false;
process.on('SIGUSR2', () => {
  if (!on) { on = true; session.post('Profiler.enable', () => session.post('Profiler.start')); return; }
  on = false;
  const name = fs.readFileSync(path.join(dir, 'next-profile'), 'utf8').trim();
  session.post('Profiler.stop', (error, result) => { if (!error) fs.writeFileSync(path.join(dir, name + '-' + process.pid + '.cpuprofile'), JSON.stringify(result.profile)); fs.writeFileSync(path.join(dir, name + '-' + process.pid + '.done'), ''); });
});
`;

/**
 * The processes of a target (its cluster primary and worker) among this run's descendants only:
 * another run on the machine has processes of the same command line, and SIGUSR2 ends a process
 * that has no profiler preloaded.
 */
const targetPids = (kind: TargetKind) => {
  const processes = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return [{ pid: Number(pid), ppid, argv: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0') }];
    } catch { return []; }
  });
  const ours = new Set([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of processes) if (!ours.has(p.pid) && ours.has(p.ppid)) { ours.add(p.pid); grew = true; }
  }
  // `bench/cluster.ts apollo` is not `bench/cluster.ts apollo-agents`.
  return processes.filter((p) => ours.has(p.pid) && p.argv[p.argv.indexOf('bench/cluster.ts') + 1] === kind && p.argv.includes('bench/cluster.ts')).map((p) => p.pid);
};

const bench = await bootBenchHub(args.echo);
const started: StartedTarget[] = [];
let exitCode = 0;
try {
  log(`seeding ${cases} cases…`);
  const mix = await seededMix(bench, cases, queries);
  const cpuProf = args['cpu-prof'];
  if (cpuProf) {
    mkdirSync(cpuProf, { recursive: true });
    writeFileSync(join(cpuProf, 'profiler.cjs'), PROFILER);
  }
  const profiling = cpuProf ? { NODE_OPTIONS: `--require ${join(cpuProf, 'profiler.cjs')}`, GATEWAY_CPU_PROFILE_DIR: cpuProf } : {};
  for (const kind of targets) started.push(await startTarget(bench, kind, 1, args.echo, profiling));
  const results: { round: number; target: TargetKind; query: string; requests: number; errors: number; gatewayCpuMsPerRequest: number; wallMs: number; load1: number }[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const spec of mix) {
      const ids: string[] = spec.idsFile ? JSON.parse(readFileSync(spec.idsFile, 'utf8')) : [];
      for (const target of started) {
        await sendFixed(target.url, spec, ids, warmup, connections);
        const before = gatewayCpuMs(target.kind);
        const t0 = Date.now();
        const profile = `${target.kind}-${spec.name}-${round}`;
        const pids = cpuProf ? targetPids(target.kind) : [];
        if (cpuProf) writeFileSync(join(cpuProf, 'next-profile'), profile);
        for (const pid of pids) process.kill(pid, 'SIGUSR2');
        const errors = await sendFixed(target.url, spec, ids, requests, connections);
        for (const pid of pids) process.kill(pid, 'SIGUSR2');
        // The profiles are written before the next requests, so the next profile has none of their work.
        while (cpuProf && pids.some((pid) => !readdirSync(cpuProf).includes(`${profile}-${pid}.done`))) await new Promise((resolve) => setTimeout(resolve, 200));
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
