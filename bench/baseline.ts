// `--baseline <git ref>`: the same queries on an earlier commit of the hub, booted beside this one
// on the same machine in the same run (bench/baseline-hub.ts), measured in alternation with it, so
// an improvement is a ratio of two numbers taken minutes apart under the same load, not two
// numbers from two days. This file is the pure part: the options, combining the rounds, the
// ratios and the report section.
import type { Measurement } from './measure';

export interface BaselineOptions { ref: string; rounds: number }

/** One side's figures for one query, the rounds combined. */
export interface Combined {
  rounds: number;
  sent: number;
  /** Mean requests/s over the rounds (each round runs for the same time). */
  rps: number;
  /** Mean of the rounds' p99, ms. */
  p99: number;
  sqlPerRequest: number;
  /** CPU ms per request by component, over all the rounds' requests. */
  cpuMsPerRequest: Record<string, number>;
}

export interface BaselineReport {
  ref: string;
  commit: string;
  rounds: number;
  /** By query: this commit's hub and the baseline's, each its own gateway, subgraphs and PostgreSQL. */
  current: Record<string, Combined>;
  base: Record<string, Combined>;
  /** By query and component (and `rps`): current ÷ baseline. CPU below 1 and rps above 1 are improvements. */
  ratios: Record<string, Record<string, number | null>>;
  /** Set when the baseline could not be booted or measured: what went wrong. */
  problem?: string;
}

/** A git ref as the command line gives it; anything that git could read as an option is refused. */
const REF = /^[A-Za-z0-9][A-Za-z0-9._/~^@{}-]*$/;

/**
 * Reads `--baseline <ref>` and `--baseline-rounds N` (default 2): null without --baseline, an
 * error message when they are unusable. The hub's own gateway must be among the targets: the
 * baseline is compared with it.
 */
export function baselineOptions(args: { baseline?: string; 'baseline-rounds'?: string }, targets: readonly string[]): BaselineOptions | string | null {
  if (args.baseline === undefined) return args['baseline-rounds'] === undefined ? null : '--baseline-rounds needs --baseline <git ref>';
  const ref = args.baseline.trim();
  if (!REF.test(ref) || ref.includes('..')) return `--baseline: "${args.baseline}" is not a git ref (a branch, tag, commit or HEAD~N)`;
  const rounds = Number(args['baseline-rounds'] ?? 2);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) return '--baseline-rounds: a whole number from 1 to 20';
  if (!targets.includes('hub')) return "--baseline compares the hub's gateway with the baseline's: keep hub among --targets";
  return { ref, rounds };
}

/** Combines a side's rounds of one query: CPU weighted by the requests of each round. */
export function combineRounds(rounds: Pick<Measurement, 'sent' | 'rps' | 'p99' | 'sqlPerRequest' | 'cpuMsPerRequest'>[]): Combined {
  const sent = rounds.reduce((sum, m) => sum + m.sent, 0);
  const mean = (f: (m: (typeof rounds)[number]) => number) => (rounds.length ? rounds.reduce((sum, m) => sum + f(m), 0) / rounds.length : 0);
  const weighted = (f: (m: (typeof rounds)[number]) => number | undefined) => (sent ? rounds.reduce((sum, m) => sum + (f(m) ?? 0) * m.sent, 0) / sent : 0);
  const components = [...new Set(rounds.flatMap((m) => Object.keys(m.cpuMsPerRequest ?? {})))].sort();
  return {
    rounds: rounds.length,
    sent,
    rps: +mean((m) => m.rps).toFixed(1),
    p99: +mean((m) => m.p99).toFixed(1),
    sqlPerRequest: +weighted((m) => m.sqlPerRequest).toFixed(3),
    cpuMsPerRequest: Object.fromEntries(components.map((c) => [c, +weighted((m) => m.cpuMsPerRequest?.[c]).toFixed(3)])),
  };
}

const quotient = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > 0 ? +(a / b).toFixed(3) : null);

/** current ÷ baseline per query: requests/s, SQL per request, and CPU per request of every component either side has. */
export function baselineRatios(current: Record<string, Combined>, base: Record<string, Combined>): Record<string, Record<string, number | null>> {
  return Object.fromEntries(Object.keys(current).filter((q) => base[q]).map((q) => {
    const c = current[q];
    const b = base[q];
    const components = [...new Set([...Object.keys(c.cpuMsPerRequest), ...Object.keys(b.cpuMsPerRequest)])].filter((k) => k !== 'load generator');
    return [q, {
      rps: quotient(c.rps, b.rps),
      sqlPerRequest: quotient(c.sqlPerRequest, b.sqlPerRequest),
      ...Object.fromEntries(components.map((k) => [k, quotient(c.cpuMsPerRequest[k], b.cpuMsPerRequest[k])])),
    }];
  }));
}

const fixed = (n: number | null | undefined, digits = 2) => (n === null || n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits));

/** Components in report order: the gateway first, PostgreSQL and the total last. */
function ordered(components: string[]): string[] {
  const rank = (c: string) => (c === 'gateway' ? 0 : c === 'postgres' ? 2 : c === 'total' ? 3 : 1);
  return [...components].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The report's section: CPU ms per request both sides, and the ratio, per query and component. */
export function baselineMarkdown(report: BaselineReport | undefined): string[] {
  if (!report) return [];
  const lines = [`## Baseline: this commit ÷ ${report.ref} (${report.commit.slice(0, 12)}), same machine, same run`, ''];
  if (report.problem) return [...lines, `Not measured: ${report.problem}`, ''];
  lines.push(`Each side its own hub (PostgreSQL, subgraphs, the hub's gateway) seeded alike; per query the two measured in alternation, ${report.rounds} round(s) each. `
    + 'Ratios below 1 in CPU (and above 1 in requests/s) mean this commit does better.', '');
  for (const [query, ratios] of Object.entries(report.ratios)) {
    const c = report.current[query];
    const b = report.base[query];
    const components = ordered(Object.keys(ratios).filter((k) => k !== 'rps' && k !== 'sqlPerRequest'));
    lines.push(`### ${query}`, '', `| | ${components.join(' | ')} | req/s | p99 ms | SQL/request |`, `|---|${components.map(() => '---:').join('|')}|---:|---:|---:|`,
      `| this commit (CPU ms/request) | ${components.map((k) => fixed(c.cpuMsPerRequest[k])).join(' | ')} | ${fixed(c.rps, 0)} | ${fixed(c.p99, 0)} | ${fixed(c.sqlPerRequest)} |`,
      `| ${report.ref} (CPU ms/request) | ${components.map((k) => fixed(b.cpuMsPerRequest[k])).join(' | ')} | ${fixed(b.rps, 0)} | ${fixed(b.p99, 0)} | ${fixed(b.sqlPerRequest)} |`,
      `| ratio | ${components.map((k) => fixed(ratios[k])).join(' | ')} | ${fixed(ratios.rps)} | ${fixed(c.p99 && b.p99 ? c.p99 / b.p99 : null)} | ${fixed(ratios.sqlPerRequest)} |`, '');
  }
  return lines;
}
