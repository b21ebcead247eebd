// npx tsx bench/at-rest-run.ts [--cases N] [--duration S] [--warmup S] [--connections N]
// The at-rest part of `npm run bench` alone (bench/at-rest.ts): boots the hub, seeds N cases by
// bulk SQL (sealed like the agencies' own), measures the opening in both profiles and writes
// bench/results/at-rest.json and .md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { withinJurisdiction } from '../kit/rules';
import { atRestCost, atRestMarkdown } from './at-rest';
import { BUREAUS, PROCURATOR } from './dataset';
import { bootBenchHub } from './hub';
import { queryMix } from './queries';
import { RESULTS_DIR } from './report';
import { caseIds, dropPool, seedCases } from './seed';

const { values: args } = parseArgs({ options: { cases: { type: 'string' }, duration: { type: 'string' }, warmup: { type: 'string' }, connections: { type: 'string' } } });
const cases = Number(args.cases ?? 10_000);
const settings = { connections: Number(args.connections ?? 16), durationSec: Number(args.duration ?? 3), warmupSec: Number(args.warmup ?? 1) };
const log = (message: string) => process.stderr.write(`[at-rest] ${message}\n`);

const startedAt = new Date().toISOString();
const loadAtStart = loadavg()[0];
const bench = await bootBenchHub();
try {
  await seedCases(bench.seedTarget, { from: 1, to: cases, total: cases, now: new Date() }, `seeding ${cases}`);
  await dropPool(bench.seedTarget);
  // Case ids within the procurator's county (outside it the case rule answers null: no work measured).
  const numbers: number[] = [];
  while (numbers.length < Math.min(cases, 2000)) {
    const i = 1 + Math.floor(Math.random() * cases);
    if (withinJurisdiction(PROCURATOR.region, BUREAUS[i % BUREAUS.length].region)) numbers.push(i);
  }
  const idsFile = join(bench.dataDir, 'ids.json');
  writeFileSync(idsFile, JSON.stringify(await caseIds(bench.seedTarget, numbers)));
  const mix = await queryMix(bench.dataDir, idsFile);
  const atRest = await atRestCost(bench, mix.slice(0, 2), settings, log);
  const report = { startedAt, finishedAt: new Date().toISOString(), cases, settings, machine: { cpus: cpus().length, loadAverage: loadAtStart, loadAverageAtEnd: loadavg()[0] }, atRest };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'at-rest.json'), JSON.stringify(report, null, 2));
  const md = [`# At rest ${startedAt}`, '',
    `${cases.toLocaleString('en')} seeded cases; ${settings.connections} connections, ${settings.warmupSec} s warm-up + ${settings.durationSec} s per query. `
      + `Machine: ${report.machine.cpus} cores, 1-minute load ${loadAtStart.toFixed(1)} at the start and ${report.machine.loadAverageAtEnd.toFixed(1)} at the end (other work shared it: CPU per request, not req/s, is the figure).`, '',
    ...atRestMarkdown(atRest)].join('\n');
  writeFileSync(join(RESULTS_DIR, 'at-rest.md'), md);
  console.log(md);
} finally {
  await bench.stop();
}
