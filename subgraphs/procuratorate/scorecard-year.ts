import type { SubgraphContext } from '../../kit/module';
import { badInput } from '../../kit/errors';
import { monthClosed, monthOf, monthRange, SCORECARD_ACCESS } from '../../kit/month';
import { isRegionCode, jurisdictionPrefix } from '../../kit/rules';

// 一月一晒绩, the year (issue 11: "an annual roll-up"). Seed 001 publishes each bureau's figures month
// by month; the year is the sum of the months as they were published — the frozen months of
// scorecard_frozen (kit/month.ts), never recomputed — so the roll-up cannot disagree with the
// monthly scorecards already published. A month not frozen (still open, or closed but never
// frozen, e.g. before the hub ran) is named, not guessed. The scoring rules the months were
// frozen with are listed, and the months the bureau entered no case (零执法, seed 003) counted
// from justice's frozen casesEntered. Each month's score stays on its Scorecard (`months`), which
// the gateway resolves with justice's figures the score weighs: no second scoring here.

export const SCORECARD_YEAR_SDL = `
"""一月一晒绩, the year: a bureau's frozen months summed, with the months not counted named."""
type ScorecardYear ${SCORECARD_ACCESS} {
  agencyCode: String!
  year: Int!
  "the months whose figures are frozen (published), in order: the only months summed"
  monthsFrozen: [String!]!
  "the months of the year not summed: still open, not begun, or closed but never frozen"
  monthsMissing: [String!]!
  "sums over monthsFrozen of the monthly figures"
  suggestionsReceived: Int!
  suggestionsReplied: Int!
  suggestionsRectified: Int!
  suggestionsOverdue: Int!
  "cases the bureau entered in monthsFrozen (justice's frozen figure)"
  casesEntered: Int!
  "零执法: the frozen months in which the bureau entered no case"
  zeroEnforcementMonths: [String!]!
  zeroEnforcementMonthCount: Int!
  "the scoring rules (schema/scorecard.json) the frozen months were frozen with, in the order first used"
  scoreRules: [String!]!
  "the frozen months' scorecards, each with its score and terms"
  months: [Scorecard!]
}

extend type Query {
  "一月一晒绩, the year: every bureau of the directory (under region, when given), its frozen months summed; by bureau code"
  scorecardYear(year: Int!, region: String): [ScorecardYear!] ${SCORECARD_ACCESS}
}
`;

interface FrozenRow { agency_code: string; month: string; figures: Record<string, number>; rule_version: string; frozen_at: Date }
const FIGURES = ['suggestionsReceived', 'suggestionsReplied', 'suggestionsRectified', 'suggestionsOverdue'] as const;

/** The twelve months of `year`, 'YYYY-MM'. */
const monthsOf = (year: number) => Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);

export const scorecardYearQueries = {
  async scorecardYear(_: unknown, { year, region }: { year: number; region?: string | null }, ctx: SubgraphContext) {
    const now = ctx.runtime.now();
    if (!Number.isInteger(year) || year < 2000 || year > 2100) throw badInput('year', 'range', 'must be a year between 2000 and 2100');
    if (year > Number(monthOf(now).slice(0, 4))) throw badInput('year', 'notInFuture', 'must not be a year that has not begun');
    if (region !== null && region !== undefined && !isRegionCode(region)) throw badInput('region', 'regionCode', 'must be a 6-digit administrative division code');
    const months = monthsOf(year);
    const closed = months.filter((m) => monthClosed(monthRange(m)!, now));
    // The frozen months of the year, every bureau at once.
    const rows: FrozenRow[] = await ctx.runtime.db.query(
      `SELECT agency_code, month, figures, rule_version, frozen_at FROM scorecard_frozen WHERE month = ANY($1) ORDER BY agency_code, month`, [closed]);
    // The directory and justice's cases entered for each closed month (frozen there on first read), in one call.
    const alias = (m: string) => `m${m.replace('-', '_')}`;
    const { agencies } = await ctx.runtime.call<{ agencies: ({ code: string; region: string } & Record<string, { casesEntered: number } | string>)[] }>('justice',
      `{ agencies { code region ${closed.map((m) => `${alias(m)}: scorecard(month: "${m}") { casesEntered }`).join(' ')} } }`);
    const bureaus = (region ? agencies.filter((a) => a.region.startsWith(jurisdictionPrefix(region))) : agencies)
      .sort((a, b) => a.code.localeCompare(b.code));
    const byBureau = new Map<string, FrozenRow[]>();
    for (const r of rows) byBureau.set(r.agency_code, [...(byBureau.get(r.agency_code) ?? []), r]);
    return bureaus.map((b) => {
      const frozen = byBureau.get(b.code) ?? [];
      const frozenMonths = frozen.map((r) => r.month);
      const casesOf = (m: string) => (b[alias(m)] as { casesEntered: number } | undefined)?.casesEntered ?? 0;
      const zero = frozenMonths.filter((m) => casesOf(m) === 0);
      const sum = (key: (typeof FIGURES)[number]) => frozen.reduce((total, r) => total + (Number(r.figures[key]) || 0), 0);
      return {
        agencyCode: b.code, year, monthsFrozen: frozenMonths, monthsMissing: months.filter((m) => !frozenMonths.includes(m)),
        ...Object.fromEntries(FIGURES.map((key) => [key, sum(key)])),
        casesEntered: frozenMonths.reduce((total, m) => total + casesOf(m), 0),
        zeroEnforcementMonths: zero, zeroEnforcementMonthCount: zero.length,
        scoreRules: [...new Set(frozen.map((r) => r.rule_version))],
        // The month as the monthly scorecard shows it once closed (the same frozen row).
        months: frozen.map((r) => ({ agencyCode: b.code, month: r.month, ...r.figures, ruleVersion: r.rule_version, suggestionsFrozenAt: new Date(r.frozen_at) })),
      };
    });
  },
};
