// npx tsx bench/subgraph-cpu.ts [--cases 3000] [--queries case,page50] [--warmup 1000] [--requests 1000]
//   [--connections 8] [--rounds 1] [--profile <dir>] [--echo]
// Each process's CPU milliseconds per request for a fixed number of warm requests through the
// hub's gateway (one worker): every subgraph, the gateway, PostgreSQL in all and PostgreSQL per
// database (its backends' process titles name the database), read from the kernel's counters
// (utime+stime) around the measured requests. With the count fixed rather than the time, the
// figure holds on a machine busy with other work. SQL statements per request from the subgraphs'
// own counters (/metrics) around the same requests. Before each query, `--idle` seconds without
// requests give each process's CPU per second at rest (poll loops, timers): a figure per request
// holds that much times the wall time of the requests, divided by their number. `journalPerRequest`:
// per owner's database, the release-journal rows and the transactions that wrote them
// (kit/release-journal.ts groups concurrent requests' releases into one), per request.
// `--profile <dir>`: the hub's services run with an inspector on a free port, and V8's sampling
// profiler runs in every subgraph for a further `--requests` after the last measured round
// (started after the warm-up and the measured requests, stopped after the last answer), so module
// compilation and warm-up are not in the profiles: <dir>/<query>-<subgraph>.cpuprofile,
// summarised by bench/profile-summary.ts. The figures are measured before the profiler starts.
import { mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import WebSocket from 'ws';
import { componentOf, sampleCpu } from './cpu';
import { bootBenchHub } from './hub';
import { seededMix, sendFixed } from './fixed-count';
import { startTarget, type StartedTarget } from './targets';

const { values: args } = parseArgs({ options: {
  cases: { type: 'string', default: '3000' }, queries: { type: 'string', default: 'case,page50' },
  warmup: { type: 'string', default: '1000' }, requests: { type: 'string', default: '1000' },
  connections: { type: 'string', default: '8' }, rounds: { type: 'string', default: '1' },
  idle: { type: 'string', default: '5' }, profile: { type: 'string' }, echo: { type: 'boolean', default: false },
} });
const cases = Number(args.cases);
const queries = args.queries.split(',');
const [warmup, requests, connections, rounds] = [args.warmup, args.requests, args.connections, args.rounds].map(Number);
if (!Number.isInteger(cases) || cases < 1000 || !(requests > 0) || !(rounds > 0)) {
  console.error('usage: npx tsx bench/subgraph-cpu.ts [--cases N ≥ 1000] [--queries case,page50] [--warmup N] [--requests N] [--connections N] [--rounds N] [--profile dir]');
  process.exit(2);
}
const log = (message: string) => process.stderr.write(`[subgraph-cpu] ${message}\n`);

interface Proc { pid: number; ppid: number; ms: number; command: string }

function readProc(pid: number): Proc | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime, cstime in clock ticks (USER_HZ 100): reaped children count in their parent.
    const ms = (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 10;
    return { pid, ppid: Number(fields[1]), ms, command: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim() };
  } catch {
    return null;
  }
}

/** This process's descendants. */
function descendants(): Proc[] {
  const all = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((d) => readProc(Number(d))).filter((p): p is Proc => p !== null);
  const children = new Map<number, Proc[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: Proc[] = [];
  const visit = (pid: number) => { for (const c of children.get(pid) ?? []) { out.push(c); visit(c.pid); } };
  visit(process.pid);
  return out;
}

/**
 * CPU ms so far per component (bench/cpu.ts sampleCpu: each subgraph, `gateway:hub` the gateway
 * under test, `postgres` all of PostgreSQL), and `pg:<database>` (`pg:<login>@<database>` for a
 * login not named as its database): the live backends serving it (their titles read "postgres:
 * <login> <database> <client> <state>").
 */
function sample(): Record<string, number> {
  const out: Record<string, number> = { ...sampleCpu() };
  for (const p of descendants()) {
    const backend = /^postgres: (\S+) (\S+) /.exec(p.command);
    const key = backend && (backend[1] === backend[2] ? `pg:${backend[2]}` : `pg:${backend[1]}@${backend[2]}`);
    if (key) out[key] = (out[key] ?? 0) + p.ms;
  }
  delete out['gateway:main']; // the hub's own gateway, idle
  return out;
}

/**
 * CPU ms so far of each subgraph process by thread ("<subgraph>/<thread name>"): the main thread
 * (the JavaScript a profile shows) apart from V8's helpers (concurrent GC, compilers) and libuv's
 * pool, which a profile does not show.
 */
function sampleThreads(pids: ReadonlyMap<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, pid] of pids) {
    let tasks: string[] = [];
    try { tasks = readdirSync(`/proc/${pid}/task`); } catch { continue; }
    for (const tid of tasks) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const comm = Number(tid) === pid ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+$/, '').trim();
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const key = `${name}/${comm}`;
        out[key] = (out[key] ?? 0) + (Number(fields[11]) + Number(fields[12])) * 10;
      } catch { /* ended meanwhile */ }
    }
  }
  return out;
}

/** Each database of the hub that keeps a release journal, once (owners that share one are named together). */
async function journalDatabases(bench: Awaited<ReturnType<typeof bootBenchHub>>): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const [owner, database] of Object.entries(bench.seedTarget.databases)) names.set(database, names.has(database) ? `${names.get(database)}+${owner}` : owner);
  const kept = new Map<string, string>();
  await Promise.all([...names].map(async ([database, label]) => {
    const [row] = await queryOn(bench.postgres.url(database), `SELECT to_regclass('release_journal') IS NOT NULL AS kept`);
    if (row.kept) kept.set(database, label);
  }));
  return kept;
}

/**
 * Each owner's release journal so far: its last row's id. The rows after it that a window adds, and
 * the transactions that wrote them (rows of one transaction share its xmin), are the journal's
 * work per request: each transaction a commit of its own, a flush of PostgreSQL's write-ahead log.
 */
async function journalMarks(bench: Awaited<ReturnType<typeof bootBenchHub>>, databases: Map<string, string>): Promise<Map<string, string>> {
  const marks = new Map<string, string>();
  await Promise.all([...databases.keys()].map(async (database) => {
    const [row] = await queryOn(bench.postgres.url(database), `SELECT coalesce(max(id), 0)::text AS id FROM release_journal`);
    marks.set(database, row.id);
  }));
  return marks;
}

/** The journal's rows and the transactions that wrote them since `since`, per request, by database. */
async function journalWritten(bench: Awaited<ReturnType<typeof bootBenchHub>>, databases: Map<string, string>, since: Map<string, string>, requests: number): Promise<Record<string, { rows: number; commits: number }>> {
  const out: Record<string, { rows: number; commits: number }> = {};
  await Promise.all([...databases].map(async ([database, label]) => {
    const [row] = await queryOn(bench.postgres.url(database), `SELECT count(*)::int AS rows, count(DISTINCT xmin::text)::int AS commits FROM release_journal WHERE id > $1`, [since.get(database)]);
    if (row.rows) out[label] = { rows: +(row.rows / requests).toFixed(2), commits: +(row.commits / requests).toFixed(2) };
  }));
  return out;
}

async function queryOn(url: string, sql: string, params: unknown[] = []): Promise<any[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try { return (await client.query(sql, params)).rows; } finally { await client.end(); }
}

/** The listening TCP ports of a process (from /proc/net/tcp and its socket descriptors). */
function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try { const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`)); if (m) inodes.add(m[1]); } catch { /* closed meanwhile */ }
  }
  return readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1).map((l) => l.trim().split(/\s+/))
    .filter((f) => f[3] === '0A' && inodes.has(f[9])).map((f) => parseInt(f[1].split(':')[1], 16));
}

/** A V8 inspector session on a subgraph process (its inspector: the listening port that is not its HTTP port). */
async function inspectorOf(pid: number, httpPort: number): Promise<{ call(method: string, params?: object): Promise<any>; close(): void }> {
  const port = listeningPorts(pid).find((p) => p !== httpPort);
  if (!port) throw new Error(`no inspector port for pid ${pid}`);
  const [target] = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  let id = 0;
  const waiting = new Map<number, (m: any) => void>();
  ws.on('message', (data) => { const m = JSON.parse(String(data)); if (m.id && waiting.has(m.id)) { waiting.get(m.id)!(m); waiting.delete(m.id); } });
  return {
    call: (method, params = {}) => new Promise((resolve, reject) => {
      const n = ++id;
      waiting.set(n, (m) => (m.error ? reject(new Error(m.error.message)) : resolve(m.result)));
      ws.send(JSON.stringify({ id: n, method, params }));
    }),
    close: () => ws.close(),
  };
}

if (args.profile) {
  mkdirSync(args.profile, { recursive: true });
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:0`.trim();
}
const bench = await bootBenchHub(args.echo);
if (args.profile) process.env.NODE_OPTIONS = process.env.NODE_OPTIONS!.replace(/\s*--inspect=127\.0\.0\.1:0/, '');
let target: StartedTarget | undefined;
let exitCode = 0;
try {
  log(`seeding ${cases} cases…`);
  const mix = await seededMix(bench, cases, queries);
  target = await startTarget(bench, 'hub', 1, args.echo, { NODE_OPTIONS: '' });
  const subgraphPids = new Map<string, number>();
  for (const p of descendants()) {
    const name = componentOf(p.command);
    if (name && bench.hub.subgraphUrls[name] && /subgraphs\/main\.ts/.test(p.command) && !subgraphPids.has(name)) subgraphPids.set(name, p.pid);
  }
  const journaled = await journalDatabases(bench);
  for (let round = 1; round <= rounds; round++) {
    for (const spec of mix) {
      const ids: string[] = spec.idsFile ? JSON.parse(readFileSync(spec.idsFile, 'utf8')) : [];
      await sendFixed(target.url, spec, ids, warmup, connections);
      // What each process spends with no request at all (poll loops, timers), per second: the part
      // of a figure below that is the wall clock's, not the requests'.
      const idleBefore = sample();
      const idleStart = Date.now();
      await new Promise((resolve) => setTimeout(resolve, Number(args.idle) * 1000));
      const idleAfter = sample();
      const idleSeconds = (Date.now() - idleStart) / 1000;
      const idleMsPerSecond = Object.fromEntries(Object.keys(idleAfter).sort().map((k) => [k, +((idleAfter[k] - (idleBefore[k] ?? 0)) / idleSeconds).toFixed(1)]).filter(([, v]) => (v as number) > 0));
      const sqlBefore = await bench.sqlStatements();
      const journalBefore = await journalMarks(bench, journaled);
      const before = sample();
      const threadsBefore = sampleThreads(subgraphPids);
      const t0 = Date.now();
      const errors = await sendFixed(target.url, spec, ids, requests, connections);
      const wallMs = Date.now() - t0;
      const after = sample();
      const threadsAfter = sampleThreads(subgraphPids);
      const sql = (await bench.sqlStatements()) - sqlBefore;
      const journalPerRequest = await journalWritten(bench, journaled, journalBefore, requests);
      if (args.profile && round === rounds) {
        // After the last measured round, the same number of requests again under the profiler.
        const sessions = await Promise.all([...subgraphPids].map(async ([name, pid]) => {
          const session = await inspectorOf(pid, Number(new URL(bench.hub.subgraphUrls[name]).port));
          await session.call('Profiler.enable');
          await session.call('Profiler.setSamplingInterval', { interval: 200 });
          await session.call('Profiler.start');
          return { name, session };
        }));
        await sendFixed(target.url, spec, ids, requests, connections);
        for (const { name, session } of sessions) {
          const { profile } = await session.call('Profiler.stop');
          writeFileSync(join(args.profile, `${spec.name}-${name}.cpuprofile`), JSON.stringify(profile));
          session.close();
        }
      }
      const perRequest = Object.fromEntries(Object.keys(after).sort().map((k) => [k, +((after[k] - (before[k] ?? 0)) / requests).toFixed(3)]));
      const total = Object.entries(perRequest).filter(([k]) => !k.startsWith('pg:')).reduce((s, [, v]) => s + v, 0);
      const subgraphs = Object.entries(perRequest).filter(([k]) => bench.hub.subgraphUrls[k]).reduce((s, [, v]) => s + v, 0);
      console.log(JSON.stringify({ round, query: spec.name, requests, errors, wallMs, load1: +loadavg()[0].toFixed(1),
        sqlPerRequest: +(sql / requests).toFixed(2), journalPerRequest, totalMs: +total.toFixed(2), subgraphsMs: +subgraphs.toFixed(2), cpuMsPerRequest: Object.fromEntries(Object.entries(perRequest).filter(([, v]) => v > 0)), idleMsPerSecond,
        threadsMsPerRequest: Object.fromEntries(Object.keys(threadsAfter).sort().map((k) => [k, +((threadsAfter[k] - (threadsBefore[k] ?? 0)) / requests).toFixed(3)]).filter(([, v]) => (v as number) >= 0.02)) }));
      if (errors) exitCode = 1;
    }
  }
} catch (error) {
  log(String(error instanceof Error ? error.stack : error));
  exitCode = 1;
} finally {
  await target?.stop().catch(() => {});
  await bench.stop().catch(() => {});
}
process.exit(exitCode);
