// npm run bench [-- --quick] [--cases N] [--workers N] [--connections N] [--duration S] [--warmup S]
//   [--scale] [--targets hub,apollo,hive,hive-nodedupe,hive-router,hive-router-nodedupe] [--seed-only] [--echo]
//   [--measure-wrong] [--baseline <git ref> [--baseline-rounds N]] [--skip party,at-rest]
// Every target's first answer to every query is compared with bare @apollo/gateway's before any
// load: a target that answers differently is not measured (unless --measure-wrong), and the report
// says where it differs.
// npm run bench -- --filters [--cases N]: every case-list filter at 10,000 and at N cases instead (bench/filters.ts).
// npm run bench -- --soak <minutes> [--rate N] [--cases N]: the soak instead (bench/soak.ts): a fixed mix of reads
//   and writes at a fixed rate (default 20 req/s on 10,000 cases), memory, errors, outbox lag and a loss check.
// Boots the hub on a fresh embedded PostgreSQL, seeds cases by bulk SQL, then measures the hub's
// gateway, bare @apollo/gateway and Hive Gateway on the same subgraphs with the same query mix.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bootBenchHub, type BenchHub } from './hub';
import { compareAnswers, type FirstAnswer } from './compare';
import { BUREAUS, PROCURATOR, SAMPLE_CASE } from './dataset';
import { withinJurisdiction } from '../kit/rules';
import { TARGETS, type TargetKind } from './gateways';
import { measureAll, preflight, statementsByPageSize, type LoadSettings, type Measurement } from './measure';
import { pageQuery, queryMix, type QuerySpec } from './queries';
import { answersDiffer, conclude, markdown, writeReport, type BenchReport } from './report';
import { caseIds, dropPool, seedCases } from './seed';
import { partyScenario } from './party-scenario';
import { startTarget, TARGET_LABELS, type StartedTarget } from './targets';
import { atRestCost } from './at-rest';
import { baselineOptions, baselineRatios, combineRounds, type Combined } from './baseline';
import { bootBaselineHub, ROOT, type BaselineHub } from './baseline-hub';

const { values: args } = parseArgs({ options: {
  quick: { type: 'boolean', default: false }, scale: { type: 'boolean', default: false }, 'seed-only': { type: 'boolean', default: false },
  echo: { type: 'boolean', default: false }, 'measure-wrong': { type: 'boolean', default: false }, cases: { type: 'string' }, workers: { type: 'string' }, connections: { type: 'string' },
  duration: { type: 'string' }, warmup: { type: 'string' }, targets: { type: 'string' }, filters: { type: 'boolean', default: false },
  soak: { type: 'string' }, rate: { type: 'string' }, baseline: { type: 'string' }, 'baseline-rounds': { type: 'string' }, skip: { type: 'string' },
} });
// --skip party,at-rest: leave out the party-reference scenario and the at-rest cost (minutes on a busy machine).
const skip = new Set(args.skip?.split(',') ?? []);
if (args.soak !== undefined) {
  const minutes = Number(args.soak);
  const rate = Number(args.rate ?? 20);
  const soakCases = Number(args.cases ?? 10_000);
  if (!(minutes > 0) || !(rate > 0) || !Number.isInteger(soakCases) || soakCases < 1000) {
    console.error('usage: npm run bench -- --soak <minutes> [--rate N req/s] [--cases N ≥ 1000]');
    process.exit(2);
  }
  const { runSoak } = await import('./soak');
  process.exit(await runSoak({ minutes, rate, cases: soakCases, echo: args.echo }));
}
if (args.filters) {
  // The case list's filters and sorts at two sizes, on a hub of their own (bench/filters.ts).
  const { spawnSync } = await import('node:child_process');
  const passed = ['cases', 'connections', 'duration', 'warmup'].flatMap((o) => (args[o as 'cases'] ? [`--${o}`, String(args[o as 'cases'])] : []));
  process.exit(spawnSync(process.execPath, ['--import', 'tsx', 'bench/filters.ts', ...passed, ...(args.echo ? ['--echo'] : [])], { stdio: 'inherit' }).status ?? 1);
}
const SMALL = 10_000;
const cases = Number(args.cases ?? (args.quick ? SMALL : 100_000));
const workers = Number(args.workers ?? 2);
const settings: LoadSettings = {
  connections: Number(args.connections ?? 16),
  durationSec: Number(args.duration ?? (args.quick ? 3 : 10)),
  warmupSec: Number(args.warmup ?? (args.quick ? 1 : 3)),
};
const targets = (args.targets?.split(',') ?? [...TARGETS]) as TargetKind[];
if (!Number.isInteger(cases) || cases < 1000 || targets.some((t) => !TARGETS.includes(t))) {
  console.error(`usage: npm run bench -- [--quick] [--cases N ≥ 1000] [--targets ${TARGETS.join(',')}] …`);
  process.exit(2);
}
const baselineArgs = baselineOptions(args, targets);
if (typeof baselineArgs === 'string') {
  console.error(baselineArgs);
  process.exit(2);
}
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const seconds = (since: number) => (Date.now() - since) / 1000;

/**
 * Case numbers drawn at random from cases 1..n within the procurator's jurisdiction (the case rule
 * answers null outside it, which would measure no work).
 */
function caseNumbers(n: number): number[] {
  const inReach = (i: number) => withinJurisdiction(PROCURATOR.region, BUREAUS[i % BUREAUS.length].region);
  const numbers: number[] = [];
  while (numbers.length < Math.min(n, 10_000)) {
    const i = 1 + Math.floor(Math.random() * n);
    if (inReach(i)) numbers.push(i);
  }
  return numbers;
}

/** The ids of those cases, written to a file the load generator reads. */
async function idsFile(bench: BenchHub, n: number, numbers = caseNumbers(n)): Promise<string> {
  const file = join(bench.dataDir, `ids-${n}.json`); // removed with the hub's temporary directory
  writeFileSync(file, JSON.stringify(await caseIds(bench.seedTarget, numbers)));
  return file;
}

/**
 * This commit's hub and the baseline's, query by query, in alternation (ABBA over the rounds, so a
 * drift in the machine's load falls on both sides alike); each side's CPU from its own processes.
 */
async function measureBaseline(base: BaselineHub, hubUrl: string, mix: QuerySpec[], numbers: number[], rounds: number, ours: string[]) {
  const baseMix = await queryMix(base.dataDir, await base.idsFile(numbers));
  const anBaseId = JSON.parse(readFileSync(baseMix[0].idsFile!, 'utf8'))[0] as string;
  for (const query of baseMix) {
    const { problem } = await preflight(base.url, query, anBaseId);
    if (problem) return { ref: base.ref, commit: base.commit, rounds: 0, current: {}, base: {}, ratios: {}, problem: `${query.name}: ${problem}` };
  }
  const current: Record<string, Measurement[]> = {};
  const before: Record<string, Measurement[]> = {};
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < mix.length; i++) {
      const sides = [
        async () => { (current[mix[i].name] ??= []).push((await measureAll(hubUrl, [mix[i]], settings, bench.sqlStatements, bench.dataDir, 'hub', ours))[0]); },
        async () => { (before[mix[i].name] ??= []).push((await measureAll(base.url, [baseMix[i]], settings, base.sqlStatements, bench.dataDir, 'hub', base.dirs))[0]); },
      ];
      log(`baseline round ${round + 1}/${rounds}: ${mix[i].name}, ${round % 2 ? `${base.ref} first` : 'this commit first'}`);
      for (const side of round % 2 ? sides.reverse() : sides) await side();
    }
  }
  const combine = (byQuery: Record<string, Measurement[]>) => Object.fromEntries(Object.entries(byQuery).map(([q, ms]) => [q, combineRounds(ms)])) as Record<string, Combined>;
  const [c, b] = [combine(current), combine(before)];
  return { ref: base.ref, commit: base.commit, rounds, current: c, base: b, ratios: baselineRatios(c, b) };
}

const t0 = Date.now();
const answers: Record<string, Record<string, FirstAnswer>> = {};
const report: BenchReport = {
  startedAt: new Date().toISOString(),
  machine: { loadAverage: loadavg()[0], cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.versions.node, platform: `${process.platform}-${process.arch}` },
  options: { cases, workers, ...settings, quick: args.quick, scale: args.scale, targets },
  seed: { cases, bootSeconds: 0, seedSeconds: 0 }, mix: [], preflight: {}, results: {},
};
log(`booting the hub (embedded PostgreSQL in a fresh temporary directory, free ports)…`);
const bench = await bootBenchHub(args.echo);
let base: BaselineHub | undefined;
let stopping = false;
const shutdown = async (code: number) => {
  if (stopping) return;
  stopping = true;
  await base?.stop().catch(() => {});
  await bench.stop().catch(() => {});
  process.exit(code);
};
process.on('SIGINT', () => void shutdown(130));
try {
  report.seed.bootSeconds = seconds(t0);
  const now = new Date();
  const small = args.scale && cases > SMALL;
  const firstSeed = small ? SMALL : cases;
  // The gateways boot (CPU) while the first cases go in (PostgreSQL); they idle until their turn.
  const toStart = args['seed-only'] ? [] : targets;
  if (toStart.length) log(`starting ${toStart.map((k) => TARGET_LABELS[k]).join(', ')} (${workers} workers each) while seeding…`);
  const booting = Date.now();
  // Two at a time: on a busy machine, every gateway compiling at once starves them all past their boot timeout.
  const queue = [...toStart];
  const bootNext = async (): Promise<StartedTarget[]> => {
    const kind = queue.shift();
    if (!kind) return [];
    const target = await startTarget(bench, kind, workers, args.echo);
    log(`${kind} listening after ${seconds(booting).toFixed(1)} s`);
    return [target, ...(await bootNext())];
  };
  const starting = Promise.all([bootNext(), bootNext()]).then((lists) => lists.flat());
  starting.catch(() => {});
  report.seed.seedSeconds += await seedCases(bench.seedTarget, { from: 1, to: firstSeed, total: cases, now }, `seeding ${firstSeed.toLocaleString('en')}`);
  const started = new Map((await starting).map((t) => [t.kind, t]));
  try {
    // --scale: the hub's case query at 10,000 cases first, on the same hub, before the rest goes in.
    if (small && started.has('hub')) {
      const [caseQuery] = await queryMix(bench.dataDir, await idsFile(bench, SMALL));
      log(`scale: the case query at ${SMALL.toLocaleString('en')} cases`);
      const [m] = await measureAll(started.get('hub')!.url, [caseQuery], settings, bench.sqlStatements, bench.dataDir, 'hub');
      report.scale = { smallCases: SMALL, smallP99: m.p99, largeCases: cases, largeP99: NaN, ratio: NaN, small: m };
    }
    if (small) report.seed.seedSeconds += await seedCases(bench.seedTarget, { from: SMALL + 1, to: cases, total: cases, now }, `seeding ${cases.toLocaleString('en')}`);
    await dropPool(bench.seedTarget);
    log(`seeded ${cases.toLocaleString('en')} cases in ${report.seed.seedSeconds.toFixed(1)} s`);
    if (!skip.has('party')) report.party = await partyScenario(bench, cases, log);
    if (args['seed-only']) await shutdown(0);

    const numbers = caseNumbers(cases);
    const mix: QuerySpec[] = await queryMix(bench.dataDir, await idsFile(bench, cases, numbers));
    if (baselineArgs) {
      try {
        base = await bootBaselineHub(baselineArgs.ref, { cases, workers, now, echo: args.echo, log });
      } catch (error) {
        log(`baseline ${baselineArgs.ref}: ${String(error)}`);
        report.baseline = { ref: baselineArgs.ref, commit: '', rounds: 0, current: {}, base: {}, ratios: {}, problem: String(error instanceof Error ? error.message : error).slice(0, 500) };
      }
    }
    // With a baseline hub running beside this one, each side's CPU counts only its own processes.
    const ours = base ? [ROOT, bench.dataDir] : undefined;
    const anId = (await caseIds(bench.seedTarget, [SAMPLE_CASE]))[0];
    report.mix = mix.map((q) => ({ name: q.name, caller: q.caller, query: q.query }));
    // The subgraphs and PostgreSQL are shared by every gateway: warm them (JIT, caches) through the
    // last gateway before measuring the first, so the first measured does not pay for everyone.
    const warmer = targets.includes('apollo') ? 'apollo' : targets[targets.length - 1];
    log(`warming the subgraphs through ${warmer} (not measured)`);
    await measureAll(started.get(warmer)!.url, mix, { ...settings, warmupSec: 0, durationSec: Math.max(2, settings.warmupSec * 2) }, bench.sqlStatements, bench.dataDir, warmer);
    // Answers first: every target's first answer to every query, compared with bare @apollo/gateway's
    // (the reference) before any load, so no number is reported for a gateway that does other work.
    const reference = targets.includes('apollo') ? 'apollo' : targets[0];
    for (const kind of targets) {
      report.preflight[kind] = {};
      answers[kind] = {};
      for (const query of mix) {
        answers[kind][query.name] = await preflight(started.get(kind)!.url, query, anId);
        report.preflight[kind]![query.name] = answers[kind][query.name].problem;
      }
    }
    report.sameAnswers = compareAnswers(answers, reference);
    for (const kind of targets) {
      const target = started.get(kind)!;
      // The hub itself is always measured (its problems are in the report); a peer that answers otherwise is not.
      const wrong = kind === 'hub' ? null : answersDiffer(report, kind);
      if (wrong) {
        log(`${kind}: answers differ from ${reference}'s (${wrong})${args['measure-wrong'] ? '; measured anyway (--measure-wrong)' : '; not measured'}`);
        report.notMeasured = { ...report.notMeasured, ...(args['measure-wrong'] ? {} : { [kind]: wrong }) };
        if (!args['measure-wrong']) { await target.stop(); continue; }
      }
      report.results[kind] = {};
      log(`${kind}: ${mix.map((q) => q.name).join(', ')}: each ${settings.warmupSec} s warm-up, ${settings.durationSec} s × ${settings.connections} connections`);
      const measured = await measureAll(target.url, mix, settings, bench.sqlStatements, bench.dataDir, kind, ours);
      mix.forEach((query, i) => { report.results[kind]![query.name] = measured[i]; });
      if (kind === 'hub') report.pageSize = await statementsByPageSize(target.url, (first) => ({ ...mix[1], name: `page${first}`, query: pageQuery(first) }), bench.sqlStatements);
      if (!(kind === 'hub' && base)) await target.stop();
    }
    if (base && baselineArgs) report.baseline = await measureBaseline(base, started.get('hub')!.url, mix, numbers, baselineArgs.rounds, ours!);
    await base?.stop();
    base = undefined;
    // The gateways' figures are in hand: a failure of the at-rest part is reported, not fatal.
    if (targets.includes('hub') && !skip.has('at-rest')) {
      report.atRest = await atRestCost(bench, mix.slice(0, 2), settings, log).catch((error: unknown) => {
        report.problems = [...(report.problems ?? []), `at rest: ${error instanceof Error ? error.message : String(error)}`];
        log(`at rest failed: ${String(error)}`);
        return undefined;
      });
    }
  } finally {
    await Promise.all([...started.values()].map((t) => t.stop()));
  }
  if (report.scale && report.results.hub?.case) {
    report.scale.largeP99 = report.results.hub.case.p99;
    report.scale.ratio = report.scale.largeP99 / report.scale.smallP99;
  }
  report.finishedAt = new Date().toISOString();
  report.machine.loadAverageAtEnd = loadavg()[0];
  const files = writeReport(conclude(report));
  console.log(markdown(report));
  log(`written ${files.json}, ${files.md} (and latest.json/latest.md) in ${seconds(t0).toFixed(0)} s`);
  await shutdown(0);
} catch (error) {
  console.error('[bench] failed:', error);
  await shutdown(1);
}
