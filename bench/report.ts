// The report: a table per query, the throughput ratios, the issue's targets judged; written as
// JSON and Markdown under bench/results/ (timestamped, and latest.json / latest.md).
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { TargetKind } from './gateways';
import type { Measurement } from './measure';
import { TARGET_LABELS } from './targets';
import { partyMarkdown, type PartyReport } from './party-scenario';
import { atRestMarkdown, type AtRestReport } from './at-rest';
import { baselineMarkdown, type BaselineReport } from './baseline';

export const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

export interface BenchReport {
  startedAt: string;
  finishedAt?: string;
  /** loadAverage: the 1-minute load when the run started (above the core count, other work was running). */
  machine: { loadAverage: number; loadAverageAtEnd?: number; cpus: number; memoryGiB: number; node: string; platform: string };
  options: Record<string, unknown>;
  seed: { cases: number; bootSeconds: number; seedSeconds: number };
  mix: { name: string; caller: string; query: string }[];
  preflight: Partial<Record<TargetKind, Record<string, string | null>>>;
  results: Partial<Record<TargetKind, Record<string, Measurement>>>;
  /** Per target and query: null when its first answer equals the reference's (bare @apollo/gateway), else the first difference. */
  sameAnswers?: Record<string, Record<string, string | null>>;
  pageSize?: { first: number; statementsPerRequest: number }[];
  /** --scale: the hub's case query at 10,000 cases (small) against the seeded size (the main run's). */
  scale?: { smallCases: number; smallP99: number; largeCases: number; largeP99: number; ratio: number; small?: Measurement };
  /** Targets whose first answers differ from the reference's, and so were not measured: where they differ. */
  notMeasured?: Partial<Record<TargetKind, string>>;
  /** Per query (and 'overall'), per peer measured: hub ÷ peer in requests/s, and the peer's gateway CPU ÷ the hub's. */
  ratios?: Record<string, Partial<Record<TargetKind, { rps: number | null; gatewayCpu: number | null; totalCpu: number | null }>>>;
  /** --baseline: the same queries on an earlier commit of the hub, measured in the same run (bench/baseline.ts). */
  baseline?: BaselineReport;
  targets?: { target: string; value: string; pass: boolean | null }[];
  /** Party references (issue 17): the OPRF cost and the answers compared with the seed's ground truth. */
  party?: PartyReport;
  atRest?: AtRestReport;
  /** Parts of the run that failed after the gateways were measured. */
  problems?: string[];
}

const fixed = (n: number | null | undefined, digits = 2) => (n === null || n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits));
const ratio = (a?: number, b?: number) => (a !== undefined && b ? a / b : null);

/** Mean requests/s over the mix (every query is driven for the same time). */
function overall(results: Record<string, Measurement> | undefined): number | undefined {
  const list = Object.values(results ?? {});
  return list.length ? list.reduce((sum, m) => sum + m.rps, 0) / list.length : undefined;
}

/** The first query where a target's first answer differs from the reference's (or had an error); null when all agree. */
export function answersDiffer(report: Pick<BenchReport, 'sameAnswers' | 'preflight'>, kind: TargetKind): string | null {
  for (const [query, difference] of Object.entries(report.sameAnswers?.[kind] ?? {})) if (difference) return `${query}: ${difference}`;
  for (const [query, problem] of Object.entries(report.preflight[kind] ?? {})) if (problem) return `${query}: ${problem}`;
  return null;
}

/** The Hive Gateway targets measured, that is whose answers matched the reference's. */
const hivePeers = (report: BenchReport) => (Object.keys(report.results) as TargetKind[]).filter((k) => k.startsWith('hive'));

/** Fills in the ratios of the hub to each peer measured and judges the issue's targets. */
export function conclude(report: BenchReport): BenchReport {
  const { hub, apollo } = report.results;
  const names = [...report.mix.map((q) => q.name), 'overall'];
  const rps = (r: Record<string, Measurement> | undefined, name: string) => (name === 'overall' ? overall(r) : r?.[name]?.rps);
  const peers = (Object.keys(report.results) as TargetKind[]).filter((k) => k !== 'hub');
  const cpuOf = (r: Record<string, Measurement> | undefined, name: string, component: string) => (name === 'overall' ? undefined : r?.[name]?.cpuMsPerRequest?.[component]);
  report.ratios = Object.fromEntries(names.map((name) => [name, Object.fromEntries(peers.map((peer) => [peer, {
    rps: ratio(rps(hub, name), rps(report.results[peer], name)),
    gatewayCpu: ratio(cpuOf(hub, name, 'gateway'), cpuOf(report.results[peer], name, 'gateway')),
    totalCpu: ratio(cpuOf(hub, name, 'total'), cpuOf(report.results[peer], name, 'total')),
  }]))]));
  const hubOverApollo = ratio(overall(hub), overall(apollo));
  // Against every Hive configuration that answered alike, query by query: the target is met when
  // the hub is at least as fast as the fastest of them on every query.
  const hives = hivePeers(report);
  const worstOverHive = hives.length && hub ? Math.min(...report.mix.flatMap((q) => hives.map((h) => ratio(rps(hub, q.name), rps(report.results[h], q.name)) ?? NaN))) : null;
  const sizes = report.pageSize ?? [];
  const cpu = (kind: TargetKind, query: string, component: string) => report.results[kind]?.[query]?.cpuMsPerRequest?.[component];
  const hubCaseCpu = cpu('hub', 'case', 'total');
  const gatewayCpuRatio = ratio(cpu('hub', 'case', 'gateway'), cpu('apollo', 'case', 'gateway'));
  // The same, against @apollo/gateway with the hub's subgraph client: what policy, masking and audit alone cost.
  const policyCpuRatio = ratio(cpu('hub', 'case', 'gateway'), cpu('apollo-agents', 'case', 'gateway'));
  report.targets = [
    { target: 'whole-hub CPU per unified case query ≤ 5 ms (gateway + subgraphs + PostgreSQL)', value: hubCaseCpu === undefined ? '—' : `${fixed(hubCaseCpu)} ms`,
      pass: hubCaseCpu === undefined ? null : hubCaseCpu <= 5 },
    { target: "hub's gateway CPU per case query ≤ 1.15 × bare @apollo/gateway's", value: gatewayCpuRatio === null ? '—' : `× ${fixed(gatewayCpuRatio)}`,
      pass: gatewayCpuRatio === null ? null : gatewayCpuRatio <= 1.15 },
    { target: "hub's gateway CPU per case query ≤ 1.15 × @apollo/gateway's with the hub's subgraph client (policy, masking and audit at most 15%)",
      value: policyCpuRatio === null ? '—' : `× ${fixed(policyCpuRatio)}`, pass: policyCpuRatio === null ? null : policyCpuRatio <= 1.15 },
    { target: 'policy+masking+audit cost ≤ 10% of bare @apollo/gateway throughput (hub/bare ≥ 0.90)', value: fixed(hubOverApollo), pass: hubOverApollo === null ? null : hubOverApollo >= 0.9 },
    { target: `requests/s ≥ the correctly answering Hive Gateway's on every query (lowest hub ÷ ${hives.join(', ') || 'Hive: none answered alike'})`,
      value: worstOverHive === null || Number.isNaN(worstOverHive) ? '—' : fixed(worstOverHive), pass: worstOverHive === null || Number.isNaN(worstOverHive) ? null : worstOverHive >= 1 },
    { target: 'hub ≥ 2 × bare @apollo/gateway (hub/bare ≥ 2)', value: fixed(hubOverApollo), pass: hubOverApollo === null ? null : hubOverApollo >= 2 },
    { target: 'SQL statements per request independent of page size', value: sizes.map((s) => `${s.first}: ${fixed(s.statementsPerRequest, 1)}`).join(', ') || '—',
      pass: sizes.length ? sizes.every((s) => s.statementsPerRequest === sizes[0].statementsPerRequest) : null },
    { target: `p99 of the case query at ${report.scale?.largeCases.toLocaleString('en') ?? 'N'} ≤ 1.5 × p99 at ${report.scale?.smallCases.toLocaleString('en') ?? '10,000'}`,
      value: report.scale ? `${report.scale.largeP99} ms vs ${report.scale.smallP99} ms (× ${fixed(report.scale.ratio)})` : 'not measured (run with --scale)',
      pass: report.scale ? report.scale.ratio <= 1.5 : null },
  ];
  return report;
}

/**
 * The report's lead: CPU milliseconds per request of each component (bench/cpu.ts), the figure
 * that holds still when the machine is shared; requests/s follow per query.
 */
function cpuTable(report: BenchReport): string[] {
  const rows = Object.entries(report.results).flatMap(([kind, byQuery]) => Object.entries(byQuery ?? {}).map(([query, m]) => ({ kind: kind as TargetKind, query, cpu: m.cpuMsPerRequest ?? {} })));
  if (!rows.length) return [];
  const components = [...new Set(rows.flatMap((r) => Object.keys(r.cpu)))]
    .filter((c) => c !== 'total' && c !== 'load generator')
    .sort((a, b) => (a === 'gateway' ? -1 : b === 'gateway' ? 1 : a === 'postgres' ? 1 : b === 'postgres' ? -1 : a.localeCompare(b)));
  return [
    '## CPU milliseconds per request, by component', '',
    'From each process\'s own kernel counters (utime+stime, and the reaped children of PostgreSQL\'s postmaster) over the measured window, divided by the requests sent.', '',
    `| gateway | query | ${components.join(' | ')} | total |`, `|---|---|${components.map(() => '---:').join('|')}|---:|`,
    ...rows.map((r) => `| ${TARGET_LABELS[r.kind]} | ${r.query} | ${components.map((c) => fixed(r.cpu[c])).join(' | ')} | ${fixed(r.cpu.total)} |`), '',
  ];
}

export function markdown(report: BenchReport): string {
  const o = report.options;
  const lines = [
    `# Benchmark ${report.startedAt}`, '',
    `${report.seed.cases.toLocaleString('en')} cases (seeded in ${report.seed.seedSeconds.toFixed(1)} s; hub booted in ${report.seed.bootSeconds.toFixed(1)} s). `
      + `${o.workers} worker process(es) per gateway, ${o.connections} connections, ${o.warmupSec} s warm-up + ${o.durationSec} s per query and gateway. `
      + `Gateways: ${((o.targets as TargetKind[] | undefined) ?? []).map((k) => TARGET_LABELS[k] ?? k).join('; ')}. `
      + `Machine: ${report.machine.cpus} cores, ${report.machine.memoryGiB} GiB, Node ${report.machine.node}; load generator, gateways, subgraphs and PostgreSQL share it.`, '',
  ];
  const busy = Math.max(report.machine.loadAverage, report.machine.loadAverageAtEnd ?? 0);
  if (busy > report.machine.cpus) {
    lines.push(`**Warning: the machine was busy with other work (1-minute load average ${report.machine.loadAverage.toFixed(1)} at the start, `
      + `${fixed(report.machine.loadAverageAtEnd, 1)} at the end, on ${report.machine.cpus} cores): absolute numbers and ratios are unreliable.**`, '');
  }
  if (report.problems?.length) lines.push('Parts that failed:', '', ...report.problems.map((p) => `- ${p}`), '');
  lines.push(...cpuTable(report));
  lines.push(...atRestMarkdown(report.atRest));
  for (const q of report.mix) {
    lines.push(`## ${q.name} — ${q.caller}`, '', '```graphql', q.query.replace(/\s+/g, ' '), '```', '',
      '| gateway | req/s | p50 ms | p99 ms | non-2xx | transport errors | GraphQL errors | SQL/request |', '|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const kind of Object.keys(report.results) as TargetKind[]) {
      const m = report.results[kind]?.[q.name];
      if (!m) continue;
      lines.push(`| ${TARGET_LABELS[kind]} | ${fixed(m.rps, 0)} | ${m.p50} | ${m.p99} | ${m.non2xx} | ${m.transportErrors} | ${m.graphqlErrors} | ${fixed(m.sqlPerRequest)} |`);
    }
    const samples = Object.entries(report.results).flatMap(([kind, r]) => (r?.[q.name]?.errorSamples ?? []).map((s) => `- ${kind}: ${s}`));
    const preflights = Object.entries(report.preflight).map(([kind, p]) => p?.[q.name] && `- ${kind} (first answer): ${p[q.name]}`).filter(Boolean) as string[];
    if (samples.length || preflights.length) lines.push('', 'Unexpected errors:', ...preflights, ...samples);
    lines.push('');
  }
  if (report.sameAnswers) {
    lines.push('## Same answer as bare @apollo/gateway (first request of each query, compared before any load)', '', '| gateway | query | answer |', '|---|---|---|');
    for (const [kind, byQuery] of Object.entries(report.sameAnswers)) {
      for (const [query, difference] of Object.entries(byQuery)) lines.push(`| ${TARGET_LABELS[kind as TargetKind] ?? kind} | ${query} | ${difference === null ? 'same' : `differs: ${difference.replace(/\|/g, '\\|')}`} |`);
    }
    lines.push('');
  }
  const skipped = Object.entries(report.notMeasured ?? {});
  if (skipped.length) {
    lines.push('Not measured, because their answers differ (a faster gateway that leaves fields out is not faster at the same work):', '',
      ...skipped.map(([kind, why]) => `- ${TARGET_LABELS[kind as TargetKind] ?? kind}: ${why}`), '');
  }
  const peers = [...new Set(Object.values(report.ratios ?? {}).flatMap((r) => Object.keys(r)))] as TargetKind[];
  if (peers.length) {
    lines.push('## Ratios: hub ÷ each peer', '', 'Requests/s (above 1: the hub is faster) and CPU ms per request, gateway and whole (below 1: the hub spends less).', '',
      `| query | ${peers.map((p) => `${TARGET_LABELS[p] ?? p}: req/s · gateway CPU · total CPU`).join(' | ')} |`, `|---|${peers.map(() => '---:').join('|')}|`);
    for (const [name, r] of Object.entries(report.ratios ?? {})) {
      lines.push(`| ${name} | ${peers.map((p) => `${fixed(r[p]?.rps)} · ${fixed(r[p]?.gatewayCpu)} · ${fixed(r[p]?.totalCpu)}`).join(' | ')} |`);
    }
    lines.push('');
  }
  lines.push(...baselineMarkdown(report.baseline));
  if (report.pageSize) {
    lines.push('', '## SQL statements per request by page size (hub, one request at a time)', '', '| first | statements/request |', '|---:|---:|',
      ...report.pageSize.map((p) => `| ${p.first} | ${fixed(p.statementsPerRequest, 1)} |`));
  }
  lines.push('', ...partyMarkdown(report.party));
  lines.push('', '## Targets (reported, not tuned)', '', '| target | measured | met |', '|---|---|---|',
    ...(report.targets ?? []).map((t) => `| ${t.target} | ${t.value} | ${t.pass === null ? '—' : t.pass ? 'yes' : 'no'} |`), '');
  return lines.join('\n');
}

/** Writes <timestamp>.json/.md and latest.json/.md; returns the timestamped paths. */
export function writeReport(report: BenchReport): { json: string; md: string } {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const json = JSON.stringify(report, null, 2);
  const md = markdown(report);
  for (const name of [stamp, 'latest']) {
    writeFileSync(join(RESULTS_DIR, `${name}.json`), json);
    writeFileSync(join(RESULTS_DIR, `${name}.md`), md);
  }
  return { json: join(RESULTS_DIR, `${stamp}.json`), md: join(RESULTS_DIR, `${stamp}.md`) };
}
