import type { SubgraphContext, SubgraphRuntime } from '../../kit/module';
import { batchLoader, perRequest } from '../../kit/loaders';
import { monthRange, parseScorecardKey, scorecardKey } from '../../kit/month';
import { badInput } from '../../kit/errors';

// 一月一晒绩: public security's figures on a bureau's monthly scorecard (justice owns the entity).
// The transfers the bureau made that month (submitted_at, China Standard Time) and where they
// stand now: filed (FILED, also after reconsideration), not filed (NOT_FILED, RECONSIDERATION_UPHELD),
// pending (SUBMITTED, ACCEPTED, MATERIALS_REQUESTED, RECONSIDERATION_REQUESTED). The four always add up. Counts carry
// no row of any transfer, so every unit allowed to see scorecards sees them for every bureau.

export interface TransferFigures { agencyCode: string; month: string; transfersMade: number; transfersFiled: number; transfersNotFiled: number; transfersPending: number }

export function scorecardLoader(runtime: SubgraphRuntime) {
  /** One statement for every scorecard of a page. */
  return batchLoader<string, TransferFigures | Error>(async (keys) => {
    const parsed = keys.map((key) => ({ key, ...parseScorecardKey(key) })).map((k) => ({ ...k, range: monthRange(k.month) }));
    const valid = parsed.filter((k) => k.range);
    const rows: { key: string; made: number; filed: number; not_filed: number; pending: number }[] = valid.length ? await runtime.db.query(
      `SELECT k.key, count(t.id)::int AS made,
         count(t.id) FILTER (WHERE t.status = 'FILED')::int AS filed,
         count(t.id) FILTER (WHERE t.status IN ('NOT_FILED', 'RECONSIDERATION_UPHELD'))::int AS not_filed,
         count(t.id) FILTER (WHERE t.status IN ('SUBMITTED', 'ACCEPTED', 'MATERIALS_REQUESTED', 'RECONSIDERATION_REQUESTED'))::int AS pending
       FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[]) AS k(key, agency_code, start_at, end_at)
       LEFT JOIN case_transfer t ON t.agency_code = k.agency_code AND t.submitted_at >= k.start_at AND t.submitted_at < k.end_at
       GROUP BY k.key`,
      [valid.map((k) => k.key), valid.map((k) => k.agencyCode), valid.map((k) => k.range!.start), valid.map((k) => k.range!.end)]) : [];
    const byKey = new Map(rows.map((r) => [r.key, r]));
    return parsed.map((k) => {
      if (!k.range) return badInput('month', 'month', "must be a month 'YYYY-MM'");
      const r = byKey.get(k.key);
      return { agencyCode: k.agencyCode, month: k.month, transfersMade: r?.made ?? 0, transfersFiled: r?.filed ?? 0, transfersNotFiled: r?.not_filed ?? 0, transfersPending: r?.pending ?? 0 };
    });
  });
}

const loaderOf = perRequest(scorecardLoader);

export const scorecardFields = {
  __resolveReference: (ref: { agencyCode: string; month: string }, ctx: SubgraphContext) => loaderOf(ctx).load(scorecardKey(ref.agencyCode, ref.month)),
};
