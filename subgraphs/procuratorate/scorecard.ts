import type { SubgraphContext, SubgraphRuntime } from '../../kit/module';
import { batchLoader, perRequest } from '../../kit/loaders';
import { badInput } from '../../kit/errors';
import { monthRange, parseScorecardKey, requireMonth, scorecardKey } from '../../kit/month';
import { isRegionCode, jurisdictionPrefix } from '../../kit/rules';
import { justiceClient } from '../../kit/justice-client';

// 一月一晒绩 (seed 001): the procuratorate's figures on a bureau's monthly scorecard (justice owns
// the entity), the score, and the ranking of bureaus.
//
// Why the score and the ranking live here. Seed 001 grades each bureau monthly on "the number of
// procuratorial suggestions and supervision opinions received, and how they were rectified"
// (针对各单位每月收到的检察建议和行政执法监督意见的数量及整改落实情况). Those are the only figures
// the score reads, and the suggestions are this subgraph's own data, so the score is computed
// where the data is, and a ranking (which must sort every bureau by score before it answers) is
// one statement here plus one call for the directory (justice, already this subgraph's upstream).
// Cases entered and transfers stay on the scorecard as figures, not in the score: they measure
// workload, not compliance, and a count alone cannot tell a complete entry from a missing one.
// Had the ranking lived in justice, justice would have to call the procuratorate, which calls
// justice: a startup cycle for deployments that order services by their upstreams.
// Supervision opinions (行政执法监督意见书, justice's) join the score once justice issues them:
// the ranking fetches their counts from justice in the same call, Scorecard.score takes them
// with @requires.

/** The monthly score: data with its source, not constants in the resolver. */
export const SCORE_RULE = {
  id: 'kuiwen-2022-monthly',
  citation: '潍坊市奎文区《关于加强行政检察与行政执法监督衔接工作的意见(试行)》(seed 001): 一月一晒绩; 对检察建议无正当理由不予回复、不予整改、怠于整改、整改不到位的在考核中扣分',
  /** The criteria are the seed's; the weights are the hub's until a bureau's 考核办法 gives figures. */
  verified: false,
  base: 100,
  floor: 0,
  deductions: {
    /** each suggestion received that month: the procuratorate found a problem (违法苗头) */
    suggestionReceived: 2,
    /** each of them still unanswered after its reply period (不予回复) */
    suggestionOverdue: 5,
    /** each answered without rectification (不予整改、整改不到位) */
    suggestionNotRectified: 3,
  },
} as const;

export interface SuggestionFigures {
  agencyCode: string; month: string;
  suggestionsReceived: number; suggestionsReplied: number; suggestionsRectified: number; suggestionsOverdue: number;
}

export function scoreOf(f: SuggestionFigures): number {
  const d = SCORE_RULE.deductions;
  const deducted = d.suggestionReceived * f.suggestionsReceived + d.suggestionOverdue * f.suggestionsOverdue
    + d.suggestionNotRectified * (f.suggestionsReplied - f.suggestionsRectified);
  return Math.max(SCORE_RULE.floor, SCORE_RULE.base - deducted);
}

/**
 * Suggestions issued to a bureau that month (issued_at, China Standard Time) and where they stand
 * now: replied, rectified, overdue (unanswered past reply_due_at). One statement per page.
 */
export function scorecardLoader(runtime: SubgraphRuntime) {
  return batchLoader<string, SuggestionFigures | Error>(async (keys) => {
    const parsed = keys.map((key) => ({ key, ...parseScorecardKey(key) })).map((k) => ({ ...k, range: monthRange(k.month) }));
    const valid = parsed.filter((k) => k.range);
    const rows: { key: string; received: number; replied: number; rectified: number; overdue: number }[] = valid.length ? await runtime.db.query(
      `SELECT k.key, count(s.id)::int AS received,
         count(s.id) FILTER (WHERE s.status = 'REPLIED')::int AS replied,
         count(s.id) FILTER (WHERE s.status = 'REPLIED' AND s.rectified)::int AS rectified,
         count(s.id) FILTER (WHERE s.status = 'ISSUED' AND s.reply_due_at < $5)::int AS overdue
       FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[]) AS k(key, agency_code, start_at, end_at)
       LEFT JOIN procuratorial_suggestion s ON s.agency_code = k.agency_code AND s.issued_at >= k.start_at AND s.issued_at < k.end_at
       GROUP BY k.key`,
      [valid.map((k) => k.key), valid.map((k) => k.agencyCode), valid.map((k) => k.range!.start), valid.map((k) => k.range!.end), runtime.now()]) : [];
    const byKey = new Map(rows.map((r) => [r.key, r]));
    return parsed.map((k) => {
      if (!k.range) return badInput('month', 'month', "must be a month 'YYYY-MM'");
      const r = byKey.get(k.key);
      return {
        agencyCode: k.agencyCode, month: k.month, suggestionsReceived: r?.received ?? 0, suggestionsReplied: r?.replied ?? 0,
        suggestionsRectified: r?.rectified ?? 0, suggestionsOverdue: r?.overdue ?? 0,
      };
    });
  });
}

const loaderOf = perRequest(scorecardLoader);

export const scorecardFields = {
  __resolveReference: (ref: { agencyCode: string; month: string }, ctx: SubgraphContext) => loaderOf(ctx).load(scorecardKey(ref.agencyCode, ref.month)),
  score: (f: SuggestionFigures) => scoreOf(f),
};

export const scorecardQueries = {
  /**
   * The bureaus of the directory (under `region` when given) ranked by score, highest first.
   * Equal scores share a rank (1, 1, 3) and are listed by bureau code: no order is invented
   * where the score sees none.
   */
  async scorecardRanking(_: unknown, { month, region }: { month: string; region?: string | null }, ctx: SubgraphContext) {
    const range = requireMonth('month', month, ctx.runtime.now());
    if (region !== null && region !== undefined && !isRegionCode(region)) {
      throw badInput('region', 'regionCode', 'must be a 6-digit administrative division code');
    }
    const agencies = await justiceClient(ctx.runtime).bureaus();
    const bureaus = region ? agencies.filter((a) => a.region.startsWith(jurisdictionPrefix(region))) : agencies;
    const loader = loaderOf(ctx);
    const figures = await Promise.all(bureaus.map(async (b) => {
      const f = await loader.load(scorecardKey(b.code, range.month));
      if (f instanceof Error) throw f;
      return { figures: f, score: scoreOf(f) };
    }));
    figures.sort((a, b) => b.score - a.score || a.figures.agencyCode.localeCompare(b.figures.agencyCode));
    return figures.map((entry) => ({
      rank: 1 + figures.filter((other) => other.score > entry.score).length,
      scorecard: entry.figures,
    }));
  },
};
