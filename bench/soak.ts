// npm run bench -- --soak <minutes> [--rate N] [--cases N] [--echo]
//
// The soak (issue 14): a hub left running under a steady load, as it runs for years on a
// government host with nobody watching. It boots the benchmark hub (bench/hub.ts, seeded like the
// other benchmarks) and drives a FIXED mix at a FIXED rate (open loop: request k leaves at
// k / rate seconds whether or not the earlier ones answered, so a slow hub meets the same load):
//   per cycle of 20 requests —
//     7 × the unified case query (a procurator with a reason: the party's ID number, audited),
//     6 × a page of the case list with its total (a bureau's officer),
//     3 × createMarketRegulationCase (the bureau: agencies → justice's index → the procuratorate),
//     2 × transferCase of a case created earlier (移送: public security → justice's index and inbox, the procuratorate's copy),
//     1 × a public-security unit reads its unread notices and marks them read (markInboxRead),
// every write with an Idempotency-Key, retried once with the same key when the answer is lost.
// Every 10 s it samples each process's RSS (and the Node services' heap from their /metrics),
// each owner's outbox lag (the oldest undelivered row's age) and the machine's load. At the end,
// once the outboxes are drained, it checks that nothing was lost or applied twice: every case it
// created is in its bureau's database once and in justice's index; every transfer is in public
// security, in justice's case states and inbox (2 notices: 公安 and 抄送 the procuratorate) and
// in the procuratorate's copy; every notice it marked read is read; the audit log holds one
// Party.idNumber entry per ID number the gateway released (by trace id), and its chain verifies.
// Writes bench/results/soak-<time>.json and .md.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { IDENTITY_HEADER, signForwardedIdentity } from '../kit/identity';
import { GATEWAY, readSigningKey } from '../kit/keys';
import { withinJurisdiction } from '../kit/rules';
import { verifyAuditLog } from '../gateway/audit/verify-log';
import { hubClient } from '../scripts/hub/client';
import { residentId } from '../scripts/demo-data';
import { componentOf } from './cpu';
import { BUREAUS, OFFICER, PROCURATOR, REASON } from './dataset';
import { bootBenchHub, type BenchHub } from './hub';
import { caseIds, dropPool, seedCases } from './seed';
import { CASE_QUERY } from './queries';

// ── pure parts (test/soak-unit.test.ts) ─────────────────────────────────────────────────────

/** One request kind of the mix. */
export type Kind = 'case' | 'page' | 'create' | 'transfer' | 'acknowledge';
/** The cycle of 20 requests the soak repeats (`acknowledge` is two requests: the inbox, then markInboxRead). */
export const MIX: Kind[] = ['case', 'page', 'case', 'create', 'case', 'page', 'transfer', 'case', 'page', 'create',
  'case', 'acknowledge', 'page', 'case', 'transfer', 'page', 'create', 'case', 'page'];
/** Requests per cycle: one per entry, two for `acknowledge`. */
export const REQUESTS_PER_CYCLE = MIX.reduce((n, k) => n + (k === 'acknowledge' ? 2 : 1), 0);

/** Least-squares slope of (t minutes, value) points; 0 with fewer than two distinct times. */
export function slope(points: readonly { t: number; v: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mt = points.reduce((s, p) => s + p.t, 0) / n;
  const mv = points.reduce((s, p) => s + p.v, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.t - mt) ** 2, 0);
  if (sxx === 0) return 0;
  return points.reduce((s, p) => s + (p.t - mt) * (p.v - mv), 0) / sxx;
}

export interface MemorySample { atSec: number; rssMb: Record<string, number>; heapMb: Record<string, number> }
export interface MemorySummary { startMb: number; endMb: number; maxMb: number; slopeMbPerMinLastHalf: number }

/** Start, end, max and the slope (MB/min) over the last half of the run, of one series of samples. */
export function summarize(samples: readonly MemorySample[], pick: (s: MemorySample) => number | undefined): MemorySummary | null {
  const points = samples.map((s) => ({ t: s.atSec / 60, v: pick(s) })).filter((p): p is { t: number; v: number } => typeof p.v === 'number' && Number.isFinite(p.v));
  if (!points.length) return null;
  const half = points[points.length - 1].t / 2 + points[0].t / 2;
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    startMb: r(points[0].v), endMb: r(points[points.length - 1].v), maxMb: r(Math.max(...points.map((p) => p.v))),
    slopeMbPerMinLastHalf: r(slope(points.filter((p) => p.t >= half))),
  };
}

export interface Account { expected: number; found: number; missing: string[]; twice: string[] }

/**
 * What was written against what is found where it should be: `found` lists each row's key as
 * often as it is stored, so a key stored twice (a write applied twice) is named as well as a
 * missing one (a write lost). `times` is how many rows each expected key should have (default 1).
 */
export function account(expected: readonly string[], found: readonly string[], times = 1): Account {
  const counts = new Map<string, number>();
  for (const key of found) counts.set(key, (counts.get(key) ?? 0) + 1);
  const unique = [...new Set(expected)];
  return {
    expected: unique.length * times,
    found: unique.reduce((n, key) => n + Math.min(counts.get(key) ?? 0, times), 0),
    missing: unique.filter((key) => (counts.get(key) ?? 0) < times),
    twice: unique.filter((key) => (counts.get(key) ?? 0) > times),
  };
}

export const lossless = (a: Account) => a.missing.length === 0 && a.twice.length === 0;

// ── the run ─────────────────────────────────────────────────────────────────────────────────

const PSB = { role: 'psb_officer', org: 'PSB-320706', region: '320706', sub: 'soak:psb' };
const SOAK_OFFICER = { ...OFFICER, sub: 'soak:officer' };
const SOAK_PROCURATOR = { ...PROCURATOR, sub: 'soak:procurator' };
const ADMIN = { role: 'platform_admin', org: 'PLATFORM', sub: 'soak:metrics' };
const SAMPLE_EVERY_MS = 10_000;
/** Requests in flight above which a due request is not sent but counted as shed (the hub is far behind). */
const MAX_IN_FLIGHT = 200;
const REQUEST_TIMEOUT_MS = 30_000;

const PAGE = `query CaseListPage { cases(filter: { agencyCode: "${OFFICER.org}" }, first: 20) { totalCount edges { node { id caseNumber recordedAt transfer { status } } } } }`;
const CREATE = `mutation SoakCreate($input: MarketRegulationCaseInput!) { createMarketRegulationCase(input: $input) { id caseNumber } }`;
const TRANSFER = `mutation SoakTransfer($caseId: ID!, $input: TransferInput!) { transferCase(caseId: $caseId, input: $input) { id status } }`;
const UNREAD = `query SoakInbox { inbox(unreadOnly: true, first: 20) { edges { node { id subjectId } } } }`;
const MARK_READ = `mutation SoakMarkRead($ids: [ID!]!) { markInboxRead(ids: $ids) { id read } }`;

interface KindStats { sent: number; ok: number; failed: number; codes: Record<string, number>; latencies: number[] }
interface Answer { ok: boolean; status: number; body: any; code?: string }

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0);
const log = (message: string) => process.stderr.write(`[soak] ${message}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Memory (MB: PSS, else RSS) of each component below this process: a Node service is its own process (its launcher, if any, left out); PostgreSQL is all its processes. */
function sampleRss(root = process.pid): Record<string, number> {
  const procs: { pid: number; ppid: number; rssKb: number; command: string }[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const status = readFileSync(`/proc/${d}/status`, 'utf8');
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      // PSS where the kernel gives it: PostgreSQL's backends share its buffers, which RSS would count in each.
      let rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      try { rssKb = Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${d}/smaps_rollup`, 'utf8'))?.[1] ?? rssKb); } catch { /* RSS then */ }
      const command = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      procs.push({ pid: Number(d), ppid, rssKb, command });
    } catch { /* ended meanwhile */ }
  }
  const children = new Map<number, typeof procs>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const rss: Record<string, number> = {};
  const visit = (pid: number, inherited: string | null) => {
    for (const child of children.get(pid) ?? []) {
      const own = componentOf(child.command);
      const component = own ?? inherited;
      // A launcher whose child runs the same service (tsx's wrapper) is not counted twice.
      const wrapper = own !== null && (children.get(child.pid) ?? []).some((c) => componentOf(c.command) === own);
      if (component && !wrapper) rss[component] = (rss[component] ?? 0) + child.rssKb / 1024;
      visit(child.pid, component);
    }
  };
  visit(root, null);
  return Object.fromEntries(Object.entries(rss).map(([k, v]) => [k === 'gateway:main' ? 'gateway' : k, round(v, 1)]));
}

/** nodejs_heap_size_used_bytes (MB) of a Prometheus exposition, summed over its workers; undefined when absent. */
export function heapFromExposition(text: string): number | undefined {
  const values = [...text.matchAll(/^nodejs_heap_size_used_bytes(?:\{[^}]*\})?\s+([\d.eE+-]+)/gm)].map((m) => Number(m[1]));
  return values.length ? round(values.reduce((a, b) => a + b, 0) / 2 ** 20, 1) : undefined;
}

/** Each owner's outboxes: the age (s) of the oldest undelivered row, and how many are pending. */
async function outboxLag(clients: Record<string, pg.Client>): Promise<Record<string, { lagSec: number; pending: number }>> {
  const result: Record<string, { lagSec: number; pending: number }> = {};
  await Promise.all(Object.entries(clients).map(async ([owner, db]) => {
    const { rows: tables } = await db.query<{ table_name: string }>(`SELECT table_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND column_name IN ('delivered_at', 'next_attempt_at', 'payload') GROUP BY table_name HAVING count(*) = 3`);
    let lagSec = 0;
    let pending = 0;
    for (const { table_name: table } of tables) {
      const { rows: [row] } = await db.query<{ lag: string | null; n: string }>(
        `SELECT extract(epoch FROM clock_timestamp() - min(created_at)) AS lag, count(*) AS n FROM "${table}" WHERE delivered_at IS NULL`);
      lagSec = Math.max(lagSec, Number(row.lag ?? 0));
      pending += Number(row.n);
    }
    result[owner] = { lagSec: round(lagSec, 1), pending };
  }));
  return result;
}

/** In-reach ids of the seeded cases for the procurator (the case rule answers null outside it). */
async function readableIds(bench: BenchHub, cases: number): Promise<string[]> {
  const numbers: number[] = [];
  for (let i = 1; i <= cases && numbers.length < 2000; i++) {
    if (withinJurisdiction(PROCURATOR.region, BUREAUS[i % BUREAUS.length].region)) numbers.push(i);
  }
  return caseIds(bench.seedTarget, numbers);
}

export interface SoakOptions { minutes: number; rate: number; cases: number; echo?: boolean }

export async function runSoak(options: SoakOptions): Promise<number> {
  const started = new Date();
  const machine = { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.versions.node, loadAverageAtStart: loadavg() as number[] };
  log(`booting the hub (embedded PostgreSQL in a fresh temporary directory, free ports)…`);
  const bench = await bootBenchHub(options.echo);
  const owners = Object.keys(bench.hub.databases);
  const dbs: Record<string, pg.Client> = {};
  try {
    for (const owner of owners) {
      dbs[owner] = new pg.Client({ connectionString: bench.postgres.url(bench.hub.databases[owner]) });
      await dbs[owner].connect();
    }
    await seedCases(bench.seedTarget, { from: 1, to: options.cases, total: options.cases, now: new Date() }, `seeding ${options.cases.toLocaleString('en')}`);
    await dropPool(bench.seedTarget);
    const ids = await readableIds(bench, options.cases);
    const client = hubClient(bench.hub.gatewayUrl, bench.dataDir);
    const tokens = { procurator: await client.tokenFor(SOAK_PROCURATOR), officer: await client.tokenFor(SOAK_OFFICER), psb: await client.tokenFor(PSB), admin: await client.tokenFor(ADMIN) };
    const gatewayKey = await readSigningKey(bench.hub.keys.privateKey(GATEWAY), GATEWAY);
    const metricsIdentity = await signForwardedIdentity({ sub: 'soak:metrics', role: 'public' }, gatewayKey, Object.keys(bench.hub.subgraphUrls), 86_400);

    const stats: Record<Kind | 'inbox', KindStats> = Object.fromEntries((['case', 'page', 'create', 'transfer', 'acknowledge', 'inbox'] as const)
      .map((k) => [k, { sent: 0, ok: 0, failed: 0, codes: {}, latencies: [] } as KindStats])) as unknown as Record<Kind | 'inbox', KindStats>;
    const created: { id: string; caseNumber: string; at: number }[] = [];
    const transferred: { caseId: string; transferId: string }[] = [];
    /** Every case number and every case to transfer the soak sent, answered or not. */
    const attemptedCases: string[] = [];
    const attemptedTransfers: string[] = [];
    const marked: string[] = [];
    const markedSet = new Set<string>();
    const releases = new Map<string, 'full' | 'masked'>();
    let sequence = 0;
    let nextToTransfer = 0;
    let inFlight = 0;
    let shed = 0;
    let retried = 0;

    async function post(kind: Kind | 'inbox', token: string, query: string, variables: Record<string, unknown> | undefined, extra: Record<string, string> = {}, retries = 0): Promise<Answer> {
      const s = stats[kind];
      s.sent++;
      const t = performance.now();
      let answer: Answer;
      for (let attempt = 0; ; attempt++) {
        try {
          const response = await fetch(`${bench.hub.gatewayUrl}/graphql`, {
            method: 'POST', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...extra },
            body: JSON.stringify({ query, variables }),
          });
          const body = await response.json().catch(() => null) as any;
          const code = body?.errors?.[0]?.extensions?.code ?? (response.ok ? undefined : `HTTP_${response.status}`);
          answer = { ok: response.ok && !body?.errors, status: response.status, body, code };
          // A lost answer of a write (the gateway's own failure) is retried with the same key: at most once applied.
          if (retries > attempt && response.status >= 500) { retried++; continue; }
        } catch (error) {
          answer = { ok: false, status: 0, body: null, code: (error as Error).name === 'TimeoutError' ? 'TIMEOUT' : 'NETWORK' };
          if (retries > attempt) { retried++; continue; }
        }
        break;
      }
      s.latencies.push(performance.now() - t);
      if (answer.ok) s.ok++;
      else { s.failed++; s.codes[answer.code ?? 'ERROR'] = (s.codes[answer.code ?? 'ERROR'] ?? 0) + 1; }
      return answer;
    }

    const run: Record<Kind, () => Promise<void>> = {
      async case() {
        const trace = randomBytes(16).toString('hex');
        const answer = await post('case', tokens.procurator, CASE_QUERY, { id: ids[Math.floor(Math.random() * ids.length)] },
          { traceparent: `00-${trace}-${randomBytes(8).toString('hex')}-01`, 'x-access-reason': encodeURIComponent(REASON) });
        const idNumber = answer.body?.data?.case?.party?.idNumber;
        if (typeof idNumber === 'string') releases.set(trace, idNumber.includes('*') ? 'masked' : 'full');
      },
      async page() { await post('page', tokens.officer, PAGE, undefined); },
      async create() {
        const n = ++sequence;
        const caseNumber = `海市监罚〔2026〕S${String(n).padStart(6, '0')}号`;
        // One in ten over the ¥50,000 sales threshold (公通字〔2008〕36号): an alert for the procuratorate too.
        const sales = n % 10 === 0 ? 62_000 : 12_000 + (n % 7) * 1000;
        const input = {
          caseNumber, actType: 'ADMINISTRATIVE_PENALTY', cause: '销售伪劣产品', offenceCode: 'CL140',
          party: { kind: 'NATURAL_PERSON', name: '张伟', idNumber: residentId('320706', '19850312', n % 1000), phone: '13812345678', address: '江苏省连云港市海州区朝阳路18号' },
          amountInvolved: sales + 4000, fineAmount: 20000, decidedAt: '2026-09-15T02:00:00Z', region: '320706', productName: '劣质电线', salesAmount: sales, unsoldGoodsValue: 4000,
        };
        const answer = await post('create', tokens.officer, CREATE, { input }, { 'idempotency-key': randomUUID() }, 1);
        attemptedCases.push(caseNumber);
        const id = answer.body?.data?.createMarketRegulationCase?.id;
        if (typeof id === 'string') created.push({ id, caseNumber, at: performance.now() });
      },
      async transfer() {
        // A case created at least 5 s before, so that it has reached justice's index; none yet: a page read instead (the rate stays fixed).
        const candidate = created[nextToTransfer];
        if (!candidate || performance.now() - candidate.at < 5000) return run.page();
        nextToTransfer++;
        attemptedTransfers.push(candidate.id);
        const answer = await post('transfer', tokens.officer, TRANSFER, { caseId: candidate.id, input: { summary: '涉嫌销售伪劣产品，移送公安机关', materials: ['调查报告'] } },
          { 'idempotency-key': randomUUID() }, 1);
        const id = answer.body?.data?.transferCase?.id;
        if (typeof id === 'string') transferred.push({ caseId: candidate.id, transferId: id });
      },
      async acknowledge() {
        const inbox = await post('inbox', tokens.psb, UNREAD, undefined);
        const unread = (inbox.body?.data?.inbox?.edges ?? []).map((e: any) => e.node.id as string);
        if (!unread.length) { stats.acknowledge.sent++; stats.acknowledge.ok++; return; } // nothing to mark: counted, not sent
        const answer = await post('acknowledge', tokens.psb, MARK_READ, { ids: unread }, { 'idempotency-key': randomUUID() }, 1);
        if (answer.ok) for (const id of unread) if (!markedSet.has(id)) { markedSet.add(id); marked.push(id); }
      },
    };

    // Sampling: memory, heap, outbox lag, load, every 10 s from the start of the load.
    const samples: (MemorySample & { outbox: Record<string, { lagSec: number; pending: number }>; load1: number; inFlight: number })[] = [];
    const t0 = performance.now();
    const sample = async () => {
      const heapMb: Record<string, number> = {};
      await Promise.all([
        ...Object.entries(bench.hub.subgraphUrls).map(async ([name, url]) => {
          try {
            const r = await fetch(`${url}/metrics`, { headers: { [IDENTITY_HEADER]: metricsIdentity, accept: 'text/plain' }, signal: AbortSignal.timeout(5000) });
            const heap = r.ok ? heapFromExposition(await r.text()) : undefined;
            if (heap !== undefined) heapMb[name] = heap;
          } catch { /* not visible this time */ }
        }),
        (async () => {
          try {
            const r = await fetch(`${bench.hub.gatewayUrl}/metrics`, { headers: { authorization: `Bearer ${tokens.admin}`, accept: 'text/plain' }, signal: AbortSignal.timeout(5000) });
            const heap = r.ok ? heapFromExposition(await r.text()) : undefined;
            if (heap !== undefined) heapMb.gateway = heap;
          } catch { /* not visible this time */ }
        })(),
      ]);
      samples.push({ atSec: round((performance.now() - t0) / 1000, 1), rssMb: sampleRss(), heapMb, outbox: await outboxLag(dbs), load1: round(loadavg()[0]), inFlight });
    };

    const durationMs = options.minutes * 60_000;
    const intervalMs = 1000 / options.rate;
    log(`load: ${options.rate} req/s for ${options.minutes} min, mix per ${REQUESTS_PER_CYCLE} requests: ${MIX.join(' ')}`);
    await sample();
    const sampler = setInterval(() => { void sample().catch((e) => log(`sample failed: ${e}`)); }, SAMPLE_EVERY_MS);
    const pending = new Set<Promise<void>>();
    let k = 0;
    let due = 0; // requests due so far (the acknowledge slot counts two)
    let lastReport = 0;
    while (performance.now() - t0 < durationMs) {
      const kind = MIX[k % MIX.length];
      const at = t0 + due * intervalMs;
      const wait = at - performance.now();
      if (wait > 0) await sleep(wait);
      k++;
      due += kind === 'acknowledge' ? 2 : 1;
      if (inFlight >= MAX_IN_FLIGHT) { shed++; continue; }
      inFlight++;
      const p: Promise<void> = run[kind]().catch((e) => { log(`${kind}: ${e}`); }).finally(() => { inFlight--; pending.delete(p); });
      pending.add(p);
      if (performance.now() - lastReport > 60_000) {
        lastReport = performance.now();
        const last = samples.at(-1);
        log(`${round((performance.now() - t0) / 60_000, 1)} min: ${Object.values(stats).reduce((n, s) => n + s.sent, 0)} sent, ${Object.values(stats).reduce((n, s) => n + s.failed, 0)} failed, ${inFlight} in flight; gateway RSS ${last?.rssMb.gateway ?? '?'} MB`);
      }
    }
    const loadSeconds = (performance.now() - t0) / 1000;
    log(`load done after ${loadSeconds.toFixed(0)} s; waiting for ${pending.size} answers`);
    await Promise.all(pending);
    clearInterval(sampler);
    await sample();

    // Drained: nothing pending in any outbox (at most 2 minutes).
    const drainStarted = performance.now();
    let drained = false;
    for (;;) {
      const lag = await outboxLag(dbs);
      if (Object.values(lag).every((o) => o.pending === 0)) { drained = true; break; }
      if (performance.now() - drainStarted > 120_000) break;
      await sleep(500);
    }
    const drainSec = round((performance.now() - drainStarted) / 1000, 1);
    log(`outboxes ${drained ? 'drained' : 'NOT drained'} ${drainSec} s after the load; checking for loss`);

    // ── nothing lost, nothing twice ──
    // A write whose answer was lost (a timeout, the gateway's 5xx) may still have been made: what
    // must arrive downstream is every row that exists at its owner, not only the answered ones.
    const rowsOf = async (owner: string, sql: string, params: unknown[]) => (await dbs[owner].query<{ key: string }>(sql, params)).rows.map((r) => r.key);
    const inBureau = (await dbs['market-regulation'].query<{ id: string; case_number: string }>(
      'SELECT id::text, case_number FROM enforcement_case WHERE case_number = ANY($1)', [attemptedCases])).rows;
    const existingCaseIds = inBureau.map((r) => r.id);
    const inPublicSecurity = (await dbs['public-security'].query<{ id: string; case_id: string }>(
      'SELECT id::text, case_id::text FROM case_transfer WHERE case_id = ANY($1::uuid[])', [attemptedTransfers])).rows;
    const transferIds = inPublicSecurity.map((r) => r.id);
    const loss = {
      // Answered writes are stored; no case number and no case's transfer stored twice (retries under one Idempotency-Key).
      casesAnsweredInBureau: account(created.map((c) => c.caseNumber), inBureau.map((r) => r.case_number)),
      casesAttemptedStoredAtMostOnce: { ...account(attemptedCases, inBureau.map((r) => r.case_number)), expected: inBureau.length, found: inBureau.length, missing: [] },
      casesInJusticeIndex: account(existingCaseIds, await rowsOf('justice', 'SELECT id::text AS key FROM case_index WHERE id = ANY($1::uuid[])', [existingCaseIds])),
      transfersAnsweredInPublicSecurity: account(transferred.map((t) => t.transferId), transferIds),
      transfersAttemptedStoredAtMostOnce: { ...account(attemptedTransfers, inPublicSecurity.map((r) => r.case_id)), expected: inPublicSecurity.length, found: inPublicSecurity.length, missing: [] },
      transfersInJusticeIndex: account(transferIds, await rowsOf('justice', 'SELECT transfer_id::text AS key FROM case_transfer_state WHERE transfer_id = ANY($1::uuid[])', [transferIds])),
      transferNoticesInJusticeInbox: account(transferIds, await rowsOf('justice', `SELECT subject_id::text AS key FROM notification WHERE subject_id = ANY($1::uuid[]) AND kind = 'TRANSFER_SUBMITTED'`, [transferIds]), 2),
      transfersInProcuratorate: account(transferIds, await rowsOf('procuratorate', 'SELECT transfer_id::text AS key FROM transferred_case WHERE transfer_id = ANY($1::uuid[])', [transferIds])),
      noticesMarkedRead: account(marked, await rowsOf('justice', 'SELECT notification_id::text AS key FROM notification_read WHERE notification_id = ANY($1::uuid[]) AND unit = $2', [marked, PSB.org])),
    };
    // What is still undelivered, and why (the relay's last error), for the report.
    const undelivered: { owner: string; table: string; ageSec: number; attempts: number; lastError: string | null }[] = [];
    for (const [owner, db] of Object.entries(dbs)) {
      const { rows: tables } = await db.query<{ table_name: string }>(`SELECT table_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND column_name IN ('delivered_at', 'next_attempt_at', 'payload') GROUP BY table_name HAVING count(*) = 3`);
      for (const { table_name: table } of tables) {
        const { rows } = await db.query<{ age: string; attempts: number; last_error: string | null }>(
          `SELECT extract(epoch FROM clock_timestamp() - created_at) AS age, attempts, last_error FROM "${table}" WHERE delivered_at IS NULL ORDER BY created_at LIMIT 5`);
        for (const r of rows) undelivered.push({ owner, table, ageSec: round(Number(r.age), 1), attempts: r.attempts, lastError: r.last_error?.slice(0, 300) ?? null });
      }
    }
    // Each owner's connections at the end, by state, and any transaction open for over 10 s: a
    // service that stopped answering shows here (a pool held by transactions waiting on something).
    const { rows: activity } = await dbs.gateway.query<{ database: string; state: string | null; wait: string | null; xact_sec: string | null; query: string }>(
      `SELECT datname AS database, state, concat_ws(':', wait_event_type, wait_event) AS wait,
         extract(epoch FROM clock_timestamp() - xact_start) AS xact_sec, left(query, 160) AS query
       FROM pg_stat_activity WHERE datname = ANY($1) AND pid <> pg_backend_pid()`, [Object.values(bench.hub.databases)]);
    const ownerOf = Object.fromEntries(Object.entries(bench.hub.databases).map(([o, d]) => [d, o]));
    const connections: Record<string, Record<string, number>> = {};
    for (const a of activity) {
      const owner = ownerOf[a.database] ?? a.database;
      connections[owner] ??= {};
      connections[owner][a.state ?? 'unknown'] = (connections[owner][a.state ?? 'unknown'] ?? 0) + 1;
    }
    const longTransactions = activity.filter((a) => Number(a.xact_sec ?? 0) > 10)
      .map((a) => ({ owner: ownerOf[a.database] ?? a.database, state: a.state, wait: a.wait, transactionSec: round(Number(a.xact_sec), 1), query: a.query }));
    const { rows: audited } = await dbs.gateway.query<{ trace_id: string; decision: string }>(
      `SELECT trace_id, decision FROM audit_log WHERE coordinate = 'Party.idNumber' AND trace_id = ANY($1)`, [[...releases.keys()]]);
    const auditAccount = account([...releases].map(([trace, decision]) => `${trace}:${decision}`), audited.map((r) => `${r.trace_id}:${r.decision}`));
    const chain = await verifyAuditLog(bench.postgres.url(bench.hub.databases.gateway), { witnessUrl: bench.postgres.url(bench.hub.databases.procuratorate), publicKeysFile: bench.hub.keys.directory });

    // ── the report ──
    const components = [...new Set(samples.flatMap((s) => Object.keys(s.rssMb)))].sort();
    const heapComponents = [...new Set(samples.flatMap((s) => Object.keys(s.heapMb)))].sort();
    const memory = Object.fromEntries(components.map((c) => [c, { rss: summarize(samples, (s) => s.rssMb[c]), heap: heapComponents.includes(c) ? summarize(samples, (s) => s.heapMb[c]) : null }]));
    const requests = Object.fromEntries(Object.entries(stats).map(([kind, s]) => {
      const sorted = [...s.latencies].sort((a, b) => a - b);
      return [kind, { sent: s.sent, ok: s.ok, failed: s.failed, codes: s.codes, p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), maxMs: round(sorted.at(-1) ?? 0) }];
    }));
    const sent = Object.values(stats).reduce((n, s) => n + s.sent, 0);
    const failed = Object.values(stats).reduce((n, s) => n + s.failed, 0);
    const lagByOwner = Object.fromEntries(owners.map((o) => [o, { maxLagSec: Math.max(0, ...samples.map((s) => s.outbox[o]?.lagSec ?? 0)), maxPending: Math.max(0, ...samples.map((s) => s.outbox[o]?.pending ?? 0)) }]));
    const nothingLost = Object.values(loss).every(lossless) && lossless(auditAccount) && chain.ok && drained;
    const report = {
      startedAt: started.toISOString(), finishedAt: new Date().toISOString(),
      options: { ...options, mix: MIX, requestsPerCycle: REQUESTS_PER_CYCLE, sampleEverySec: SAMPLE_EVERY_MS / 1000, maxInFlight: MAX_IN_FLIGHT },
      machine: { ...machine, loadAverageAtEnd: loadavg() as number[], loadDuringRun: { max: Math.max(...samples.map((s) => s.load1)), mean: round(samples.reduce((n, s) => n + s.load1, 0) / samples.length) } },
      load: { seconds: round(loadSeconds, 1), sent, failed, shed, retriedWithSameKey: retried, achievedRate: round(sent / loadSeconds, 2), requests },
      writes: { created: created.length, transferred: transferred.length, noticesMarkedRead: marked.length, casesSent: attemptedCases.length, transfersSent: attemptedTransfers.length },
      memory, outboxLag: lagByOwner, drained, drainSec, undelivered, connections, longTransactions,
      loss: Object.fromEntries(Object.entries(loss).map(([k, a]) => [k, { ...a, missing: a.missing.slice(0, 20), twice: a.twice.slice(0, 20) }])),
      audit: { releasesSent: releases.size, entriesFound: auditAccount.found, missing: auditAccount.missing.length, twice: auditAccount.twice.length, chainOk: chain.ok, chainEntries: chain.entries, witnessed: chain.witnessed, firstBad: chain.firstBad ?? null },
      nothingLost,
      samples,
    };
    const files = writeSoakReport(report);
    log(`written ${files.json} and ${files.md}`);
    console.log(files.markdown);
    return nothingLost ? 0 : 1;
  } finally {
    await Promise.all(Object.values(dbs).map((db) => db.end().catch(() => {})));
    await bench.stop().catch(() => {});
  }
}

function writeSoakReport(report: any): { json: string; md: string; markdown: string } {
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-').slice(0, 16);
  const json = join(dir, `soak-${stamp}.json`);
  const md = join(dir, `soak-${stamp}.md`);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  const mem = (s: MemorySummary | null) => (s ? `${s.startMb} | ${s.endMb} | ${s.maxMb} | ${s.slopeMbPerMinLastHalf}` : '— | — | — | —');
  const yes = (b: boolean) => (b ? 'yes' : '**NO**');
  const lines = [
    `# Soak, ${report.options.minutes} min at ${report.options.rate} req/s (${report.startedAt})`,
    '',
    `\`npm run bench -- --soak ${report.options.minutes}${report.options.rate === 20 ? '' : ` --rate ${report.options.rate}`}\`: the benchmark hub (embedded PostgreSQL, the six subgraphs and the gateway, one process each) seeded with ${report.options.cases.toLocaleString('en')} cases, then a fixed mix at a fixed rate (open loop), sampled every ${report.options.sampleEverySec} s.`,
    `Machine: ${report.machine.cpus} CPUs, ${report.machine.memoryGiB} GiB, Node ${report.machine.node}; load average ${report.machine.loadAverageAtStart[0].toFixed(2)} at the start, ${report.machine.loadAverageAtEnd[0].toFixed(2)} at the end, ${report.machine.loadDuringRun.mean} on average during the run (max ${report.machine.loadDuringRun.max}) — shared with other work.`,
    '',
    `**Nothing lost: ${yes(report.nothingLost)}.** ${report.load.sent} requests in ${report.load.seconds} s (${report.load.achievedRate} req/s), ${report.load.failed} failed, ${report.load.shed} not sent (over ${report.options.maxInFlight} in flight), ${report.load.retriedWithSameKey} writes retried with their Idempotency-Key.`,
    '',
    `Mix per cycle of ${report.options.requestsPerCycle} requests: ${report.options.mix.join(', ')} (acknowledge: the unread inbox, then markInboxRead).`,
    '',
    '## Requests',
    '',
    '| kind | sent | ok | failed | error codes | p50 ms | p99 ms | max ms |',
    '|---|---|---|---|---|---|---|---|',
    ...Object.entries(report.load.requests).map(([k, r]: [string, any]) => `| ${k} | ${r.sent} | ${r.ok} | ${r.failed} | ${Object.entries(r.codes).map(([c, n]) => `${c} ×${n}`).join(', ') || '—'} | ${r.p50Ms} | ${r.p99Ms} | ${r.maxMs} |`),
    '',
    '## Memory per process (MB)',
    '',
    'Memory: PSS from /proc/<pid>/smaps_rollup (RSS where unreadable), so that PostgreSQL, the sum over its processes, counts its shared buffers once; heap: `nodejs_heap_size_used_bytes` of the service\'s /metrics. Slope: least squares over the second half of the run.',
    '',
    '| process | PSS start | PSS end | PSS max | PSS slope MB/min (last half) | heap start | heap end | heap max | heap slope MB/min (last half) |',
    '|---|---|---|---|---|---|---|---|---|',
    ...Object.entries(report.memory).map(([c, m]: [string, any]) => `| ${c} | ${mem(m.rss)} | ${mem(m.heap)} |`),
    '',
    '## Outbox lag',
    '',
    `The age of each owner's oldest undelivered outbox row, at every sample; after the load the outboxes ${report.drained ? `were empty ${report.drainSec} s later` : `were **not** empty after ${report.drainSec} s`}.`,
    '',
    '| owner | max lag s | max pending |',
    '|---|---|---|',
    ...Object.entries(report.outboxLag).map(([o, l]: [string, any]) => `| ${o} | ${l.maxLagSec} | ${l.maxPending} |`),
    '',
    ...(report.undelivered.length ? [
      'Still undelivered at the end (the oldest of each outbox, with the relay\'s last error):',
      '',
      '| owner | outbox | age s | attempts | last error |',
      '|---|---|---|---|---|',
      ...report.undelivered.map((u: any) => `| ${u.owner} | ${u.table} | ${u.ageSec} | ${u.attempts} | ${(u.lastError ?? '—').replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`),
      '',
    ] : []),
    ...(report.longTransactions.length ? [
      'Transactions open for over 10 s at the end (pg_stat_activity):',
      '',
      '| owner | state | waiting on | open s | statement |',
      '|---|---|---|---|---|',
      ...report.longTransactions.map((t: any) => `| ${t.owner} | ${t.state} | ${t.wait || '—'} | ${t.transactionSec} | ${String(t.query).replace(/\|/g, '\\|').replace(/\s+/g, ' ')} |`),
      '',
    ] : []),
    '## Loss check',
    '',
    `Writes answered: ${report.writes.created} cases, ${report.writes.transferred} transfers, ${report.writes.noticesMarkedRead} notices marked read; sent: ${report.writes.casesSent} cases, ${report.writes.transfersSent} transfers. A write whose answer was lost may still have been made: downstream, every row stored at its owner is expected, answered or not.`,
    '',
    '| where | expected | found | missing | stored twice |',
    '|---|---|---|---|---|',
    ...Object.entries(report.loss).map(([k, a]: [string, any]) => `| ${k} | ${a.expected} | ${a.found} | ${a.missing.length} | ${a.twice.length} |`),
    `| audit: Party.idNumber entries for the ID numbers released (by trace id) | ${report.audit.releasesSent} | ${report.audit.entriesFound} | ${report.audit.missing} | ${report.audit.twice} |`,
    '',
    `Audit chain (gateway/audit/verify-log.ts, as \`npm run audit:verify\`): ${report.audit.chainOk ? 'intact' : '**BROKEN**'}, ${report.audit.chainEntries} entries, ${report.audit.witnessed} checkpoints cosigned by the procuratorate's witness.`,
    '',
  ];
  const markdown = lines.join('\n');
  writeFileSync(md, markdown);
  return { json, md, markdown };
}
