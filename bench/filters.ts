// npx tsx bench/filters.ts [--cases 1000000] [--small 10000] [--connections 4] [--duration 3] [--warmup 1] [--echo] [--keep | --reuse <dir>]
// --keep: the hub's data directory (the seeded databases) is kept at the end and its path printed;
// --reuse <dir>: boot the hub on such a directory (migrations run, nothing is seeded) and measure its
// cases alone, so a change is measured again at a million cases without seeding for 15 minutes.
// The first boot on a kept directory seals the agencies' party rows the seed wrote unsealed (their
// start-up pass, kit/at-rest.ts): at a million cases it took 9 minutes (several boot attempts of 240 s
// each, every one resuming where the last stopped); later boots start at once.
// Every filter and sort of the case list (`cases`, justice's index) at --small cases and again at
// --cases, on one hub: p50/p99 through the hub's gateway (a procurator's token and a reason, as a
// console sends them; the page with totalCount), and each statement the resolver runs, by
// EXPLAIN (ANALYZE, BUFFERS): rows read, buffers, the plan's scans. Target (issue 13): p99 at
// 1,000,000 cases at most 1.5 × p99 at 10,000. Written to bench/results/filters-<time>.{md,json}.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { DataSource, type Logger } from 'typeorm';
import { mintDevToken } from '../gateway/dev-issuer';
import { bootBenchHub, type BenchHub } from './hub';
import { BUREAUS, PROCURATOR, REASON } from './dataset';
import { measureAll, preflight, type LoadSettings, type Measurement } from './measure';
import type { QuerySpec } from './queries';
import { dropPool, seedCases } from './seed';
import { entities } from '../subgraphs/justice/entities';
import { justiceLoaders } from '../subgraphs/justice/loaders';
import { listCases, type CaseFilter, type CaseSort } from '../subgraphs/justice/cases';

const { values: args } = parseArgs({ options: {
  cases: { type: 'string' }, small: { type: 'string' }, connections: { type: 'string' }, duration: { type: 'string' },
  warmup: { type: 'string' }, echo: { type: 'boolean', default: false },
  keep: { type: 'boolean', default: false }, reuse: { type: 'string' },
} });
const large = Number(args.cases ?? 1_000_000);
const small = Number(args.small ?? 10_000);
const settings: LoadSettings = { connections: Number(args.connections ?? 4), durationSec: Number(args.duration ?? 3), warmupSec: Number(args.warmup ?? 1) };
if (!Number.isInteger(large) || !Number.isInteger(small) || small < 1000 || large <= small || (args.keep && args.reuse)) {
  console.error('usage: npx tsx bench/filters.ts [--cases N] [--small M ≥ 1000, < N] [--connections C] [--duration S] [--warmup S]');
  process.exit(2);
}
/** The seed's party pool is made for a dataset of this size (bench/dataset.ts poolSize: 10,000 parties). */
const POOL_OF = 40_000;
const log = (message: string) => process.stderr.write(`[filters] ${message}\n`);

/**
 * The seed's dates, relative to its "now": case i is recorded 10 days + i × 20 s before it, so the
 * 10,000 newest span 2.3 days and a million 232 days. A window in the newest two days is inside
 * both datasets (and holds the same cases in both).
 */
const day = 86_400_000;
/** The number of the first case from 100 on that a bureau of the procurator's county (320706) owns. */
const COUNTY_CASE_NUMBER = (() => {
  const i = Array.from({ length: BUREAUS.length }, (_, k) => 100 + k).find((n) => BUREAUS[n % BUREAUS.length].region === '320706')!;
  return `BENCH〔${2020 + (i % 7)}〕${i}号`;
})();
interface FilterCase { name: string; filter?: Record<string, unknown>; sort?: CaseSort; note?: string }
function filterCases(now: Date): FilterCase[] {
  const at = (daysBefore: number) => new Date(now.getTime() - daysBefore * day).toISOString();
  return [
    { name: 'none (recorded, newest first)' },
    { name: 'sort RECORDED_ASC', sort: 'RECORDED_ASC' },
    { name: 'sort DECIDED_DESC', sort: 'DECIDED_DESC' },
    { name: 'sort DECIDED_ASC', sort: 'DECIDED_ASC' },
    { name: 'agencyCode', filter: { agencyCode: 'EE-320706' } },
    { name: 'region (county)', filter: { region: '320706' } },
    { name: 'region (city)', filter: { region: '320700' } },
    { name: 'agencyKind', filter: { agencyKind: 'ECO_ENVIRONMENT' } },
    { name: 'caseType', filter: { caseType: 'MarketRegulationCase' } },
    { name: 'actType', filter: { actType: 'ADMINISTRATIVE_INSPECTION' } },
    { name: 'offenceCode', filter: { offenceCode: 'HJ107' } },
    { name: 'recordedFrom/To (1 day)', filter: { recordedFrom: at(11.5), recordedTo: at(10.5) } },
    { name: 'decidedFrom/To (1 day)', filter: { decidedFrom: at(13.5), decidedTo: at(12.5) } },
    { name: 'decidedFrom/To, DECIDED_ASC', filter: { decidedFrom: at(13.5), decidedTo: at(12.5) }, sort: 'DECIDED_ASC' },
    { name: 'decided: true', filter: { decided: true } },
    { name: 'decided: false', filter: { decided: false } },
    // Case numbers are BENCH〔2020 + i % 7〕i号 and the county's bureaus own the cases i with
    // BUREAUS[i % B].region = 320706 (bench/dataset.ts): 〕1232 is in 12320, 123200… of them; the exact
    // number is one case of the county, in both datasets.
    { name: 'caseNumber (substring)', filter: { caseNumber: '〕1232' }, note: 'numbers containing 〕1232: 1232, 12320, 12321…' },
    { name: 'caseNumber (exact)', filter: { caseNumber: COUNTY_CASE_NUMBER }, note: COUNTY_CASE_NUMBER },
    { name: 'cause (substring)', filter: { cause: '危险废物' } },
    { name: 'cause (rare word)', filter: { cause: '噪声' } },
    { name: 'transferStatus [ACCEPTED]', filter: { transferStatus: ['ACCEPTED'] } },
    { name: 'transferStatus [SUBMITTED, ACCEPTED]', filter: { transferStatus: ['SUBMITTED', 'ACCEPTED'] } },
    { name: 'transferred: true', filter: { transferred: true } },
    { name: 'transferred: false', filter: { transferred: false } },
    { name: 'supervisionStatus OPEN', filter: { supervisionStatus: 'OPEN' } },
    { name: 'supervisionStatus CLOSED', filter: { supervisionStatus: 'CLOSED' } },
    { name: 'supervisionStatus NONE', filter: { supervisionStatus: 'NONE' } },
    { name: 'overdue: true', filter: { overdue: true } },
    { name: 'overdue: false', filter: { overdue: false } },
    { name: 'agencyKind + cause + decided range', filter: { agencyKind: 'ECO_ENVIRONMENT', cause: '排放', decidedFrom: at(40), decidedTo: at(10) } },
  ];
}

const QUERY = `query CaseList($filter: CaseFilter, $sort: CaseSort) { cases(filter: $filter, sort: $sort, first: 20) {
  totalCount totalCountCapped edges { node { id caseNumber region recordedAt } } pageInfo { hasNextPage endCursor } } }`;

/** The filter as the resolver receives it: DateTime values parsed (an instant each). */
function asResolverFilter(filter: Record<string, unknown> = {}): CaseFilter {
  const out: Record<string, unknown> = { ...filter };
  for (const key of ['recordedFrom', 'recordedTo', 'decidedFrom', 'decidedTo']) if (typeof out[key] === 'string') out[key] = new Date(out[key] as string);
  return out as CaseFilter;
}

interface Explained { statement: 'page' | 'count' | 'ids'; ms: number; rowsRead: number; buffers: number; scans: string[] }
interface SizeResult { cases: number; totalCount: number | null; capped: boolean | null; problem: string | null; measured: Measurement; explained: Explained[] }

/** Rows the plan's scans read (returned or removed by a filter or a recheck) and how: "Index Scan using x". */
function planFigures(plan: Record<string, unknown>): { rowsRead: number; scans: string[] } {
  let rowsRead = 0;
  const scans: string[] = [];
  const visit = (node: Record<string, unknown>) => {
    const type = String(node['Node Type']);
    if (/Scan$/.test(type) && type !== 'Subquery Scan' && type !== 'CTE Scan') {
      const loops = Number(node['Actual Loops'] ?? 1);
      const read = Number(node['Actual Rows'] ?? 0) + Number(node['Rows Removed by Filter'] ?? 0) + Number(node['Rows Removed by Index Recheck'] ?? 0);
      rowsRead += read * loops;
      const index = node['Index Name'] ? ` using ${node['Index Name']}` : node['Relation Name'] ? ` on ${node['Relation Name']}` : '';
      scans.push(`${type}${index} (${Math.round(read * loops)})`);
    }
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) visit(child);
  };
  visit(plan);
  return { rowsRead, scans };
}

/**
 * The resolver's own statements for one filter: listCases run against the justice database with a
 * logger that keeps what it sends, each case-list statement then EXPLAINed (ANALYZE, BUFFERS).
 */
async function explainAll(bench: BenchHub, cases: FilterCase[]): Promise<Explained[][]> {
  const captured: { query: string; parameters?: unknown[] }[] = [];
  const logger: Logger = {
    logQuery: (query, parameters) => { captured.push({ query, parameters }); },
    logQueryError: () => {}, logQuerySlow: () => {}, logSchemaBuild: () => {}, logMigration: () => {}, log: () => {},
  };
  const url = bench.seedTarget.url(bench.seedTarget.databases.justice);
  const db = new DataSource({ type: 'postgres', url, entities, logger, logging: true, extra: { max: 2 } });
  await db.initialize();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const runtime = { db, now: () => new Date() } as never;
    const identity = { ...PROCURATOR, reason: REASON };
    const out: Explained[][] = [];
    for (const c of cases) {
      const ctx = { identity, runtime, loaders: justiceLoaders(runtime), releases: [] } as never;
      captured.length = 0;
      const list = await listCases(ctx, asResolverFilter(c.filter), 20, null, c.sort ?? 'RECORDED_DESC');
      await list.totalCount();
      // The page and the count: a count by state alone reads the state table (case-list-count.ts).
      const statements = captured.filter((s) => /FROM "?(case_index|case_transfer_state|case_supervision_state|case_supervision_summary|case_\w*tally)"?/.test(s.query) && !/"Agency"/.test(s.query));
      const explained: Explained[] = [];
      for (const s of statements) {
        const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${s.query}`, s.parameters as unknown[]);
        const [{ Plan: plan, 'Execution Time': ms }] = rows[0]['QUERY PLAN'] as { Plan: Record<string, unknown>; 'Execution Time': number }[];
        explained.push({
          // 'ids': the cases in a state, or matching a 决定书文号, looked up before the page (few of them).
          statement: /^SELECT (count\(\*\)|least\()/.test(s.query) ? 'count' : /^SELECT CASE WHEN count\(\*\)|^SELECT "t"\."id" AS "id" FROM "case_index"/.test(s.query) ? 'ids' : 'page', ms,
          buffers: Number(plan['Shared Hit Blocks'] ?? 0) + Number(plan['Shared Read Blocks'] ?? 0), ...planFigures(plan),
        });
      }
      out.push(explained);
    }
    return out;
  } finally {
    await client.end();
    await db.destroy();
  }
}

/** What autovacuum does after a bulk load (the visibility map lets a count read the index alone), and fresh statistics. */
async function vacuum(bench: BenchHub): Promise<void> {
  const client = new pg.Client({ connectionString: bench.seedTarget.url(bench.seedTarget.databases.justice) });
  await client.connect();
  try { await client.query('VACUUM (ANALYZE) case_index, case_transfer_state, case_supervision_state'); } finally { await client.end(); }
}

/**
 * Whether pg_trgm can serve the 案由 search: it makes trigrams of the characters the database's
 * LC_CTYPE calls alphanumeric, and under the C locale no Chinese character is one, so a search
 * for 危险废物 has no trigram to look up and the GIN index cannot narrow it.
 */
async function trigramCheck(bench: BenchHub): Promise<{ lcCtype: string; cause: string[]; caseNumber: string[] }> {
  const client = new pg.Client({ connectionString: bench.seedTarget.url(bench.seedTarget.databases.justice) });
  await client.connect();
  try {
    const { rows: [row] } = await client.query(`SELECT (SELECT datctype FROM pg_database WHERE datname = current_database()) AS lc,
      show_trgm('危险废物') AS cause, show_trgm('〕1232') AS number`);
    return { lcCtype: row.lc, cause: row.cause, caseNumber: row.number };
  } finally { await client.end(); }
}

async function measureSize(bench: BenchHub, cases: number, list: FilterCase[], token: string): Promise<SizeResult[]> {
  const headers = { 'content-type': 'application/json', authorization: token, 'x-access-reason': REASON };
  const specs: QuerySpec[] = list.map((c) => ({ name: c.name, caller: 'procurator 320706 (X-Access-Reason)', query: QUERY, variables: { filter: c.filter ?? null, sort: c.sort ?? null }, headers }));
  const url = `${bench.hub.gatewayUrl}/graphql`;
  const answers = await Promise.all(specs.map((s) => preflight(url, s, '')));
  log(`${cases.toLocaleString('en')} cases: EXPLAIN (ANALYZE, BUFFERS) of each filter's statements`);
  const explained = await explainAll(bench, list);
  log(`${cases.toLocaleString('en')} cases: ${specs.length} filters, each ${settings.warmupSec} s warm-up + ${settings.durationSec} s × ${settings.connections} connections`);
  // The statement counter is read around each measurement; a /metrics read that fails on a loaded
  // machine (a closed keep-alive socket) is tried again rather than losing the run.
  let last = 0;
  const sqlStatements = async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      try { return (last = await bench.sqlStatements()); } catch { await new Promise((r) => setTimeout(r, 200)); }
    }
    return last;
  };
  const measured = await measureAll(url, specs, settings, sqlStatements, bench.dataDir, 'hub');
  return list.map((_, i) => {
    const data = answers[i].data as { cases?: { totalCount: number; totalCountCapped: boolean } } | null;
    return { cases, totalCount: data?.cases?.totalCount ?? null, capped: data?.cases?.totalCountCapped ?? null, problem: answers[i].problem, measured: measured[i], explained: explained[i] };
  });
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const thousands = (n: number) => Math.round(n).toLocaleString('en');

/** A run on a reused directory: one size, no seed. */
function markdownReused(report: FilterReport): string {
  const t = report.trigrams;
  const size = `@${report.large / 1000}k`;
  const lines = [
    `# Case-list filters at ${report.large.toLocaleString('en')} cases (reused data directory)`,
    '',
    `\`${report.command}\` — started ${report.startedAt}, finished ${report.finishedAt}; hub booted on the kept directory in ${fmt(report.bootSeconds)} s (its migrations run), nothing seeded.`,
    `Machine: ${report.machine.cpus} cores, ${report.machine.memoryGiB} GiB, Node ${report.machine.node}; 1-minute load ${fmt(report.machine.loadAverage)} at the start, ${fmt(report.machine.loadAverageAtEnd ?? NaN)} at the end.`,
    `Each filter: \`cases(filter, sort, first: 20)\` with totalCount, as a procurator of 320706 (case:read@region); ${report.settings.warmupSec} s warm-up, ${report.settings.durationSec} s × ${report.settings.connections} connections. Rows read and buffers: EXPLAIN (ANALYZE, BUFFERS) of the page + count statements the resolver sends.`,
    `pg_trgm under LC_CTYPE ${t ? `\`${t.lcCtype}\`` : '?'}.`,
    '',
    `| filter | totalCount ${size} | rows read page + count | buffers page + count | p50 ms | p99 ms | req/s |`,
    '|---|---|---|---|---|---|---|',
  ];
  for (const f of report.filters) {
    const l = f.large;
    const count = l.problem ? `error: ${l.problem}` : `${l.totalCount}${l.capped ? '+' : ''}`;
    lines.push(`| ${f.name} | ${count} | ${l.explained.map((e) => thousands(e.rowsRead)).join(' + ')} | ${l.explained.map((e) => thousands(e.buffers)).join(' + ')} | ${fmt(l.measured.p50)} | ${fmt(l.measured.p99)} | ${fmt(l.measured.rps, 0)} |`);
  }
  lines.push('', `## Plans at ${report.large.toLocaleString('en')} cases (the resolver's statements, EXPLAIN ANALYZE)`, '');
  lines.push('| filter | statement | ms | rows read | buffers | scans (rows read) |', '|---|---|---|---|---|---|');
  for (const f of report.filters) {
    for (const e of f.large.explained) lines.push(`| ${f.name} | ${e.statement} | ${fmt(e.ms, 2)} | ${thousands(e.rowsRead)} | ${thousands(e.buffers)} | ${e.scans.join('; ')} |`);
  }
  const errors = report.filters.filter((f) => f.large.measured.graphqlErrors || f.large.measured.non2xx);
  lines.push('', errors.length ? `Errors under load: ${errors.map((f) => f.name).join(', ')}.` : 'No request under load failed (no GraphQL error, no non-2xx answer).');
  return `${lines.join('\n')}\n`;
}

function markdown(report: FilterReport): string {
  if (report.reused) return markdownReused(report);
  const t = report.trigrams;
  const lines = [
    `# Case-list filters at ${report.small.toLocaleString('en')} and ${report.large.toLocaleString('en')} cases`,
    '',
    `\`${report.command}\` — started ${report.startedAt}, finished ${report.finishedAt}.`,
    `Hub booted in ${fmt(report.bootSeconds)} s; seeded ${report.small.toLocaleString('en')} cases in ${fmt(report.seedSeconds[0])} s, then up to ${report.large.toLocaleString('en')} in ${fmt(report.seedSeconds[1])} s (every owner's tables, justice's case states included, 10,000 parties shared by all cases, agencies' parties unsealed; VACUUM ANALYZE of justice's list tables after each).`,
    `Machine: ${report.machine.cpus} cores, ${report.machine.memoryGiB} GiB, Node ${report.machine.node}; 1-minute load ${fmt(report.machine.loadAverage)} at the start, ${fmt(report.machine.loadAverageAtEnd ?? NaN)} at the end; the load generator, the gateway, six subgraphs and PostgreSQL share it.`,
    `Each filter: \`cases(filter, sort, first: 20)\` with totalCount through the hub's gateway, as a procurator of 320706 (case:read@region: one county of eight, 1/8 of the cases) with X-Access-Reason; ${report.settings.warmupSec} s warm-up, ${report.settings.durationSec} s × ${report.settings.connections} connections.`,
    'Rows read: the rows the plan\'s scans read (returned or removed by a filter) for the page statement + the count statement, from EXPLAIN (ANALYZE, BUFFERS) of the statements the resolver sends; buffers likewise (8 KiB pages, hit or read).',
    `pg_trgm under LC_CTYPE ${t ? `\`${t.lcCtype}\`` : '?'}: trigrams of 危险废物 ${t?.cause.length ? t.cause.join(' ') : 'none'}; of 〕1232 ${t?.caseNumber.join(' ') ?? '?'}.`,
    '',
    `| filter | totalCount @${report.small / 1000}k / @${report.large / 1000}k | rows read page + count @${report.small / 1000}k | @${report.large / 1000}k | buffers page + count @${report.small / 1000}k | @${report.large / 1000}k | p50 ms @${report.small / 1000}k | p99 ms @${report.small / 1000}k | p50 ms @${report.large / 1000}k | p99 ms @${report.large / 1000}k | p99 ratio | req/s @${report.large / 1000}k |`,
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const f of report.filters) {
    const [s, l] = [f.small!, f.large];
    const count = (r: SizeResult) => (r.problem ? `error: ${r.problem}` : `${r.totalCount}${r.capped ? '+' : ''}`);
    const rows = (r: SizeResult) => r.explained.map((e) => thousands(e.rowsRead)).join(' + ');
    const buffers = (r: SizeResult) => r.explained.map((e) => thousands(e.buffers)).join(' + ');
    const ratio = l.measured.p99 / s.measured.p99;
    lines.push(`| ${f.name} | ${count(s)} / ${count(l)} | ${rows(s)} | ${rows(l)} | ${buffers(s)} | ${buffers(l)} | ${fmt(s.measured.p50)} | ${fmt(s.measured.p99)} | ${fmt(l.measured.p50)} | ${fmt(l.measured.p99)} | ${fmt(ratio, 2)}${ratio > 1.5 ? ' ✗' : ''} | ${fmt(l.measured.rps, 0)} |`);
  }
  for (const size of ['large', 'small'] as const) {
    lines.push('', `## Plans at ${report[size].toLocaleString('en')} cases (the resolver's statements, EXPLAIN ANALYZE)`, '');
    lines.push('| filter | statement | ms | rows read | buffers | scans (rows read) |', '|---|---|---|---|---|---|');
    for (const f of report.filters) {
      for (const e of f[size]!.explained) lines.push(`| ${f.name} | ${e.statement} | ${fmt(e.ms, 2)} | ${thousands(e.rowsRead)} | ${thousands(e.buffers)} | ${e.scans.join('; ')} |`);
    }
  }
  const errors = report.filters.filter((f) => f.small!.measured.graphqlErrors || f.large.measured.graphqlErrors || f.small!.measured.non2xx || f.large.measured.non2xx);
  lines.push('', errors.length ? `Errors under load: ${errors.map((f) => f.name).join(', ')}.` : 'No request under load failed (no GraphQL error, no non-2xx answer).');
  return `${lines.join('\n')}\n`;
}

interface FilterReport {
  command: string; startedAt: string; finishedAt?: string; small: number; large: number; settings: LoadSettings;
  bootSeconds: number; seedSeconds: number[]; trigrams?: Awaited<ReturnType<typeof trigramCheck>>;
  machine: { cpus: number; memoryGiB: number; node: string; loadAverage: number; loadAverageAtEnd?: number };
  /** --reuse: the kept directory measured (no seed, no small size). */
  reused?: string;
  filters: { name: string; filter?: Record<string, unknown>; sort?: string; note?: string; small?: SizeResult; large: SizeResult }[];
}

/** The cases a reused directory holds and the seed's "now" (bench/seed-sql.ts: case 1 recorded 10 days + 20 s before it). */
async function seededCases(bench: BenchHub): Promise<{ cases: number; now: Date }> {
  const client = new pg.Client({ connectionString: bench.seedTarget.url(bench.seedTarget.databases.justice) });
  await client.connect();
  try {
    const { rows: [row] } = await client.query(`SELECT count(*)::int AS cases, max(recorded_at) AS newest FROM case_index WHERE case_number LIKE 'BENCH〔%'`);
    if (!row.cases) throw new Error(`${bench.dataDir} holds no seeded case`);
    return { cases: row.cases, now: new Date(new Date(row.newest).getTime() + 10 * day + 20_000) };
  } finally { await client.end(); }
}

const t0 = Date.now();
const report: FilterReport = {
  command: `npx tsx bench/filters.ts ${process.argv.slice(2).join(' ')}`.trim(), startedAt: new Date().toISOString(), small, large, settings,
  bootSeconds: 0, seedSeconds: [],
  machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.versions.node, loadAverage: loadavg()[0] },
  filters: [],
};
log('booting the hub (embedded PostgreSQL in a fresh temporary directory, free ports)…');
// On a machine shared with other work a service can miss its start-up time: boot again, up to three times.
let bench: BenchHub | undefined;
for (let attempt = 1; !bench; attempt++) {
  try { bench = await bootBenchHub(args.echo, args.reuse, args.keep); } catch (error) {
    if (attempt === 3) throw error;
    log(`boot failed (${(error as Error).message.split('\n')[0]}); again`);
  }
}
process.on('SIGINT', () => void bench!.stop().finally(() => process.exit(130)));
try {
  report.bootSeconds = (Date.now() - t0) / 1000;
  // A reused directory holds a former run's seed: its "now" is the newest case's recording + 10 days + 20 s.
  const seeded = args.reuse ? await seededCases(bench) : undefined;
  const now = seeded?.now ?? new Date();
  const list = filterCases(now);
  const token = `Bearer ${await mintDevToken(bench.dataDir, PROCURATOR, '8h')}`;
  if (seeded) {
    log(`reusing ${args.reuse}: ${seeded.cases.toLocaleString('en')} cases seeded at ${now.toISOString()}`);
    Object.assign(report, { small: 0, large: seeded.cases, reused: args.reuse });
    await vacuum(bench);
    report.trigrams = await trigramCheck(bench).catch((error) => { log(`pg_trgm check: ${(error as Error).message}`); return undefined; });
    const atLarge = await measureSize(bench, seeded.cases, list, token);
    report.filters = list.map((c, i) => ({ ...c, large: atLarge[i] }));
  } else {
    // The list reads no party: a small pool (poolSize(POOL_OF) parties, one OPRF evaluation each, most
    // of a large seed's client time) that the million cases share, and the agencies' parties left
    // unsealed (their start-up pass would seal them; the list never reads an agency).
    const target = { ...bench.seedTarget, dataKekFile: undefined };
    report.seedSeconds.push(await seedCases(target, { from: 1, to: small, total: POOL_OF, now }, `seeding ${small.toLocaleString('en')}`));
    await vacuum(bench);
    report.trigrams = await trigramCheck(bench).catch((error) => { log(`pg_trgm check: ${(error as Error).message}`); return undefined; });
    const atSmall = await measureSize(bench, small, list, token);
    writeFileSync(join(bench.dataDir, '..', `filters-partial-${process.pid}.json`), JSON.stringify({ ...report, atSmall }));
    report.seedSeconds.push(await seedCases(target, { from: small + 1, to: large, total: POOL_OF, now }, `seeding ${large.toLocaleString('en')}`));
    await dropPool(bench.seedTarget);
    await vacuum(bench);
    const atLarge = await measureSize(bench, large, list, token);
    report.filters = list.map((c, i) => ({ ...c, small: atSmall[i], large: atLarge[i] }));
  }
  report.finishedAt = new Date().toISOString();
  report.machine.loadAverageAtEnd = loadavg()[0];
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  const text = markdown(report);
  writeFileSync(join(dir, `filters-${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, `filters-${stamp}.md`), text);
  console.log(text);
  log(`written bench/results/filters-${stamp}.{md,json} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
} catch (error) {
  console.error('[filters] failed:', error);
  process.exitCode = 1;
} finally {
  await bench.stop(args.keep).catch(() => {});
  if (args.keep) log(`kept the seeded hub's data directory: ${bench.dataDir} (measure it again with --reuse ${bench.dataDir})`);
}
