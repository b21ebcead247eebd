import type { SubgraphContext, SubgraphRuntime } from '../../kit/module';
import { batchLoader } from '../../kit/loaders';
import { monthRange, parseScorecardKey, requireMonth, scorecardKey } from '../../kit/month';
import type { AgencyRow } from './entities';
import type { JusticeLoaders } from './loaders';

// 一月一晒绩 (seed 001): the monthly scorecard of one bureau. Justice owns the Scorecard entity
// (key: agencyCode month) and its index figure, casesEntered; public security adds the transfers,
// the procuratorate the suggestions, the score and the ranking (see subgraphs/procuratorate/scorecard.ts).

type Ctx = SubgraphContext<JusticeLoaders>;
interface ScorecardRef { agencyCode: string; month: string }

export function scorecardLoaders(runtime: SubgraphRuntime) {
  return {
    /** Cases entered into the index (归集) per bureau and month (by recorded_at, China Standard Time): one statement per page. */
    casesEntered: batchLoader<string, number | Error>(async (keys) => {
      const parsed = keys.map((key) => ({ key, ...parseScorecardKey(key) })).map((k) => ({ ...k, range: monthRange(k.month) }));
      const valid = parsed.filter((k) => k.range);
      const rows: { key: string; n: number }[] = valid.length ? await runtime.db.query(
        `SELECT k.key, count(c.id)::int AS n
         FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[]) AS k(key, agency_code, start_at, end_at)
         LEFT JOIN case_index c ON c.agency_code = k.agency_code AND c.recorded_at >= k.start_at AND c.recorded_at < k.end_at
         GROUP BY k.key`,
        [valid.map((k) => k.key), valid.map((k) => k.agencyCode), valid.map((k) => k.range!.start), valid.map((k) => k.range!.end)]) : [];
      const counts = new Map(rows.map((r) => [r.key, r.n]));
      return parsed.map((k) => (k.range ? counts.get(k.key) ?? 0 : new Error(`not a scorecard month: ${k.month}`)));
    }),
  };
}

export const agencyScorecardField = {
  scorecard: (agency: AgencyRow, { month }: { month: string }, ctx: Ctx): ScorecardRef =>
    ({ agencyCode: agency.code, month: requireMonth('month', month, ctx.runtime.now()).month }),
};

export const scorecardFields = {
  __resolveReference: (ref: ScorecardRef) => ({ agencyCode: ref.agencyCode, month: ref.month }),
  agency: (s: ScorecardRef, _: unknown, ctx: Ctx) => ctx.loaders.agencyByCode.load(s.agencyCode),
  casesEntered: (s: ScorecardRef, _: unknown, ctx: Ctx) => ctx.loaders.casesEntered.load(scorecardKey(s.agencyCode, s.month)),
};
