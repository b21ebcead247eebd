// What the fixed-count harnesses share (bench/gateway-cpu.ts, bench/subgraph-cpu.ts): the bench
// hub's seeded cases with the procurator's case ids and the query mix, and a sender of a fixed
// number of requests. A count fixed rather than a duration keeps CPU-per-request figures still on a
// machine busy with other work.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUREAUS, PROCURATOR } from './dataset';
import type { BenchHub } from './hub';
import { queryMix, type QuerySpec } from './queries';
import { caseIds, dropPool, seedCases } from './seed';
import { withinJurisdiction } from '../kit/rules';

/** Seeds `cases` cases and returns the mix's queries named in `names`, the case query drawing ids within the procurator's jurisdiction. */
export async function seededMix(bench: BenchHub, cases: number, names: readonly string[]): Promise<QuerySpec[]> {
  await seedCases(bench.seedTarget, { from: 1, to: cases, total: cases, now: new Date() });
  await dropPool(bench.seedTarget);
  // Outside the procurator's jurisdiction the case rule answers null: no work to measure.
  const numbers = Array.from({ length: cases }, (_, i) => i + 1).filter((i) => withinJurisdiction(PROCURATOR.region, BUREAUS[i % BUREAUS.length].region));
  const idsFile = join(bench.dataDir, 'ids.json');
  writeFileSync(idsFile, JSON.stringify(await caseIds(bench.seedTarget, numbers)));
  return (await queryMix(bench.dataDir, idsFile)).filter((q) => names.includes(q.name));
}

/** Sends `count` requests over `connections` connections; returns how many answered with errors. */
export async function sendFixed(url: string, spec: QuerySpec, ids: string[], count: number, connections: number): Promise<number> {
  let next = 0;
  let errors = 0;
  const staticBody = JSON.stringify({ query: spec.query, variables: spec.variables ?? {} });
  await Promise.all(Array.from({ length: connections }, async () => {
    while (next++ < count) {
      const body = ids.length ? JSON.stringify({ query: spec.query, variables: { ...spec.variables, id: ids[next % ids.length] } }) : staticBody;
      const answer = (await (await fetch(url, { method: 'POST', headers: spec.headers, body })).json()) as { errors?: unknown[] };
      // The first error answer is shown: a count alone does not say what went wrong.
      if (answer.errors && errors++ === 0) console.error(`[bench] an error answer (${spec.name}): ${JSON.stringify(answer.errors).slice(0, 500)}`);
    }
  }));
  return errors;
}
