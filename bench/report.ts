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
  ratios?: Record<string, { hubOverApollo: number | null; hubOverHive: number | null }>;
  targets?: { target: string; value: string; pass: boolean | null }[];
  /** Party references (issue 17): the OPRF cost and the answers compared with the seed's ground truth. */
  party?: PartyReport;
  atRest?: AtRestReport;
}

const fixed = (n: number | null | undefined, digits = 2) => (n === null || n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits));
const ratio = (a?: number, b?: number) => (a !== undefined && b ? a / b : null);

/** Mean requests/s over the mix (every query is driven for the same time). */
function overall(results: Record<string, Measurement> | undefined): number | undefined {
  const list = Object.values(results ?? {});
  return list.length ? list.reduce((sum, m) => sum + m.rps, 0) / list.length : undefined;
}

/** Fills in the ratios 1/2 and 1/3 and judges the issue's targets. */
export function conclude(report: BenchReport): BenchReport {
  const { hub, apollo, hive } = report.results;
  const names = [...report.mix.map((q) => q.name), 'overall'];
  const rps = (r: Record<string, Measurement> | undefined, name: string) => (name === 'overall' ? overall(r) : r?.[name]?.rps);
  report.ratios = Object.fromEntries(names.map((name) => [name, {
    hubOverApollo: ratio(rps(hub, name), rps(apollo, name)), hubOverHive: ratio(rps(hub, name), rps(hive, name)),
  }]));
  const all = report.ratios.overall;
  const sizes = report.pageSize ?? [];
  const cpu = (kind: TargetKind, query: string, component: string) => report.results[kind]?.[query]?.cpuMsPerRequest?.[component];
  const hubCaseCpu = cpu('hub', 'case', 'total');
  const gatewayCpuRatio = ratio(cpu('hub', 'case', 'gateway'), cpu('apollo', 'case', 'gateway'));
  report.targets = [
    { target: 'whole-hub CPU per unified case query ≤ 5 ms (gateway + subgraphs + PostgreSQL)', value: hubCaseCpu === undefined ? '—' : `${fixed(hubCaseCpu)} ms`,
      pass: hubCaseCpu === undefined ? null : hubCaseCpu <= 5 },
    { target: "hub's gateway CPU per case query ≤ 1.15 × bare @apollo/gateway's", value: gatewayCpuRatio === null ? '—' : `× ${fixed(gatewayCpuRatio)}`,
      pass: gatewayCpuRatio === null ? null : gatewayCpuRatio <= 1.15 },
    { target: 'policy+masking+audit cost ≤ 10% of bare @apollo/gateway throughput (hub/bare ≥ 0.90)', value: fixed(all.hubOverApollo), pass: all.hubOverApollo === null ? null : all.hubOverApollo >= 0.9 },
    { target: 'hub ≥ Hive Gateway (hub/Hive ≥ 1)', value: fixed(all.hubOverHive), pass: all.hubOverHive === null ? null : all.hubOverHive >= 1 },
    { target: 'hub ≥ 2 × bare @apollo/gateway (hub/bare ≥ 2)', value: fixed(all.hubOverApollo), pass: all.hubOverApollo === null ? null : all.hubOverApollo >= 2 },
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
      + `Hive Gateway's deduplication of identical in-flight subgraph requests: ${o.hiveDedupe === false ? 'off (--hive-no-dedupe)' : 'on (its default)'}. `
      + `Machine: ${report.machine.cpus} cores, ${report.machine.memoryGiB} GiB, Node ${report.machine.node}; load generator, gateways, subgraphs and PostgreSQL share it.`, '',
  ];
  const busy = Math.max(report.machine.loadAverage, report.machine.loadAverageAtEnd ?? 0);
  if (busy > report.machine.cpus) {
    lines.push(`**Warning: the machine was busy with other work (1-minute load average ${report.machine.loadAverage.toFixed(1)} at the start, `
      + `${fixed(report.machine.loadAverageAtEnd, 1)} at the end, on ${report.machine.cpus} cores): absolute numbers and ratios are unreliable.**`, '');
  }
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
    lines.push('## Same answer as bare @apollo/gateway (first request of each query)', '', '| gateway | query | answer |', '|---|---|---|');
    for (const [kind, byQuery] of Object.entries(report.sameAnswers)) {
      for (const [query, difference] of Object.entries(byQuery)) lines.push(`| ${TARGET_LABELS[kind as TargetKind]} | ${query} | ${difference === null ? 'same' : `differs: ${difference.replace(/\|/g, '\\|')}`} |`);
    }
    lines.push('');
  }
  lines.push('## Ratios (requests/s)', '', '| query | 1/2 hub ÷ bare @apollo/gateway | 1/3 hub ÷ Hive Gateway |', '|---|---:|---:|');
  for (const [name, r] of Object.entries(report.ratios ?? {})) lines.push(`| ${name} | ${fixed(r.hubOverApollo)} | ${fixed(r.hubOverHive)} |`);
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
