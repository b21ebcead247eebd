// `npm run bench -- --baseline <git ref>` measures an earlier commit beside this one and reports
// this commit ÷ the baseline per query and component. These tests cover what needs no hub: the
// command line, combining the rounds, the ratios, the report section, which processes each
// side's CPU counts, and which peers are measured at all (only those that answer alike).
import { describe, expect, it } from 'vitest';
import { baselineMarkdown, baselineOptions, baselineRatios, combineRounds, type BaselineReport } from '../bench/baseline';
import { inScope } from '../bench/cpu';
import { answersDiffer, conclude, type BenchReport } from '../bench/report';
import type { Measurement } from '../bench/measure';

const round = (sent: number, rps: number, p99: number, cpu: Record<string, number>, sqlPerRequest = 6) => ({ sent, rps, p99, sqlPerRequest, cpuMsPerRequest: cpu });

describe('--baseline on the command line', () => {
  const all = ['hub', 'apollo', 'hive-router'];

  it('is off without --baseline', () => {
    expect(baselineOptions({}, all)).toBeNull();
  });

  it.each([
    ['main', { ref: 'main', rounds: 2 }],
    ['HEAD~5', { ref: 'HEAD~5', rounds: 2 }],
    ['ecbea00', { ref: 'ecbea00', rounds: 2 }],
    ['origin/release-1.2', { ref: 'origin/release-1.2', rounds: 2 }],
    ['v1.0^', { ref: 'v1.0^', rounds: 2 }],
  ])('takes the ref %s, two rounds by default', (ref, expected) => {
    expect(baselineOptions({ baseline: ref }, all)).toEqual(expected);
  });

  it('takes the number of rounds', () => {
    expect(baselineOptions({ baseline: 'main', 'baseline-rounds': '4' }, all)).toEqual({ ref: 'main', rounds: 4 });
  });

  it.each([
    ['--upload-pack=evil', 'is not a git ref'],
    ['-x', 'is not a git ref'],
    ['main..HEAD', 'is not a git ref'],
    ['a b', 'is not a git ref'],
    ['', 'is not a git ref'],
  ])('refuses %j as a ref (git could read it as an option or a range)', (ref, message) => {
    expect(baselineOptions({ baseline: ref }, all)).toContain(message);
  });

  it.each(['0', '-1', '1.5', 'x', '21'])('refuses %s rounds', (rounds) => {
    expect(baselineOptions({ baseline: 'main', 'baseline-rounds': rounds }, all)).toContain('--baseline-rounds');
  });

  it("needs the hub's gateway among the targets, and a ref for the rounds", () => {
    expect(baselineOptions({ baseline: 'main' }, ['apollo'])).toContain('keep hub among --targets');
    expect(baselineOptions({ 'baseline-rounds': '3' }, all)).toContain('needs --baseline');
  });
});

describe('the baseline figures', () => {
  it('combines rounds: CPU weighted by the requests of each round, rates and p99 averaged', () => {
    const combined = combineRounds([
      round(100, 50, 200, { gateway: 4, justice: 1, total: 5 }),
      round(300, 70, 100, { gateway: 2, postgres: 1, total: 3 }, 5),
    ]);
    expect(combined).toEqual({
      rounds: 2, sent: 400, rps: 60, p99: 150, sqlPerRequest: 5.25,
      // gateway (4·100 + 2·300) / 400; justice only in the first round: 100 / 400; postgres 300 / 400
      cpuMsPerRequest: { gateway: 2.5, justice: 0.25, postgres: 0.75, total: 3.5 },
    });
  });

  it('divides this commit by the baseline per query and component; a zero or missing baseline gives no ratio', () => {
    const current = { case: combineRounds([round(100, 80, 100, { gateway: 2, justice: 1, postgres: 0.5, total: 3.5, 'load generator': 1 })]) };
    const base = {
      case: combineRounds([round(100, 40, 200, { gateway: 4, justice: 0, total: 7, 'load generator': 1 })]),
      page50: combineRounds([round(10, 5, 900, { gateway: 9, total: 9 })]),
    };
    expect(baselineRatios(current, base)).toEqual({
      case: { rps: 2, sqlPerRequest: 1, gateway: 0.5, justice: null, postgres: null, total: 0.5 },
    });
  });

  it('reports both sides and the ratio per query, the gateway first and the total last', () => {
    const current = { case: combineRounds([round(100, 80, 100, { postgres: 1, gateway: 2, justice: 1, total: 4 })]) };
    const base = { case: combineRounds([round(100, 40, 200, { postgres: 2, gateway: 4, justice: 2, total: 8 })]) };
    const report: BaselineReport = { ref: 'HEAD~3', commit: 'abcdef0123456789', rounds: 1, current, base, ratios: baselineRatios(current, base) };
    const text = baselineMarkdown(report).join('\n');
    expect(text).toContain('## Baseline: this commit ÷ HEAD~3 (abcdef012345), same machine, same run');
    expect(text).toContain('| | gateway | justice | postgres | total | req/s | p99 ms | SQL/request |');
    expect(text).toContain('| this commit (CPU ms/request) | 2.00 | 1.00 | 1.00 | 4.00 | 80 | 100 | 6.00 |');
    expect(text).toContain('| HEAD~3 (CPU ms/request) | 4.00 | 2.00 | 2.00 | 8.00 | 40 | 200 | 6.00 |');
    expect(text).toContain('| ratio | 0.50 | 0.50 | 0.50 | 0.50 | 2.00 | 0.50 | 1.00 |');
  });

  it('says why when the baseline could not be measured', () => {
    const text = baselineMarkdown({ ref: 'v0', commit: '', rounds: 0, current: {}, base: {}, ratios: {}, problem: 'v0 has no bench bootBenchHub()' }).join('\n');
    expect(text).toContain('Not measured: v0 has no bench bootBenchHub()');
    expect(baselineMarkdown(undefined)).toEqual([]);
  });
});

describe("each hub's processes counted apart", () => {
  it.each([
    ['/tmp/hub-baseline-x', true],
    ['/tmp/hub-baseline-x/pg', true],
    ['/tmp/hub-baseline-xy', false],
    ['/work/main', false],
    ['', false],
  ])('%s is within the baseline worktree: %s', (dir, expected) => {
    expect(inScope(dir, ['/tmp/hub-baseline-x/', '/tmp/hub-bench-1'])).toBe(expected);
  });
});

describe('peers measured only when they answer alike', () => {
  const m = (rps: number, gateway: number, total: number) => ({ rps, cpuMsPerRequest: { gateway, total } }) as unknown as Measurement;
  const report = (): BenchReport => ({
    startedAt: '', machine: { loadAverage: 1, cpus: 2, memoryGiB: 1, node: '20', platform: 'linux' }, options: {}, seed: { cases: 1000, bootSeconds: 0, seedSeconds: 0 },
    mix: [{ name: 'case', caller: '', query: '' }, { name: 'page50', caller: '', query: '' }],
    preflight: { hub: { case: null, page50: null }, 'hive-router': { case: null, page50: null }, hive: { case: null, page50: 'ERROR at cases: boom' } },
    sameAnswers: { 'hive-router': { case: null, page50: null }, hive: { case: 'data.case: null vs {"id":"1"}', page50: null } },
    results: {
      hub: { case: m(100, 2, 8), page50: m(50, 4, 16) },
      apollo: { case: m(120, 1, 7), page50: m(60, 2, 14) },
      'hive-router': { case: m(80, 1, 6), page50: m(55, 1, 12) },
    },
  });

  it('names the first query where a peer differs from the reference, or errs', () => {
    expect(answersDiffer(report(), 'hive')).toBe('case: data.case: null vs {"id":"1"}');
    expect(answersDiffer(report(), 'hive-router')).toBeNull();
    const erring = report();
    erring.sameAnswers!.hive.case = null;
    expect(answersDiffer(erring, 'hive')).toBe('page50: ERROR at cases: boom');
  });

  it('divides the hub by every measured peer, and judges the Hive target on its worst query', () => {
    const done = conclude(report());
    expect(done.ratios!.case['hive-router']).toEqual({ rps: 1.25, gatewayCpu: 2, totalCpu: 8 / 6 });
    expect(done.ratios!.page50.apollo).toEqual({ rps: 50 / 60, gatewayCpu: 2, totalCpu: 16 / 14 });
    const hive = done.targets!.find((t) => t.target.startsWith('requests/s ≥ the correctly answering Hive'))!;
    expect(hive).toMatchObject({ value: (50 / 55).toFixed(2), pass: false });
    expect(hive.target).toContain('hive-router');
  });
});
