import type { SubgraphContext, SubgraphRuntime } from '../../kit/module';
import { batchLoader, perRequest } from '../../kit/loaders';
import { badInput } from '../../kit/errors';
import {
  freezePass, monthFigures, monthRange, parseScorecardKey, requireMonth, scoreRuleById, scoreRuleFor, scorecardKey,
  type BureauMonth, type MonthFigures, type ScoreRule,
} from '../../kit/month';
import { isRegionCode, jurisdictionPrefix } from '../../kit/rules';
import { pollWorker } from '../../kit/workers';

// 一月一晒绩 (seed 001): the procuratorate's figures on a bureau's monthly scorecard (justice owns
// the entity), the score, and the ranking of bureaus.
//
// Why the score and the ranking live here. Seed 001 grades each bureau monthly on "the number of
// procuratorial suggestions and supervision opinions received, and how they were rectified"
// (针对各单位每月收到的检察建议和行政执法监督意见的数量及整改落实情况). Those are the figures the score
// reads, and the suggestions are this subgraph's own data, so the score is computed where the data
// is; the ranking asks justice (already this subgraph's upstream) in one call for the directory
// and each bureau's cases entered, which decide 零执法.
//
// A fair ranking (issue: "a bureau with 0 cases and 0 suggestions ranks first"):
// - the weights are data (schema/scorecard.json) with their source, and each score is explained
//   term by term (scoreTerms) with the rule version used;
// - a bureau that entered no case in the month is flagged 零执法 (seed 003 零执法说明制度) and
//   listed after every bureau with activity, whatever its score: no deduction is not compliance
//   when there was nothing to supervise;
// - each figure counts what happened in the month (a suggestion received, a reply given, a reply
//   period that ended unanswered), so every event belongs to one month; and a closed month is
//   frozen with its rule version (kit/month.ts): a reply given or a copy arriving later does not
//   rewrite a published month.

export interface SuggestionFigures {
  agencyCode: string; month: string;
  suggestionsReceived: number; suggestionsReplied: number; suggestionsRectified: number; suggestionsOverdue: number;
}
interface Counts { suggestionsReceived: number; suggestionsReplied: number; suggestionsRectified: number; suggestionsOverdue: number }
type Scored = SuggestionFigures & { ruleVersion: string; suggestionsFrozenAt: Date | null; justice?: JusticeFigures };

// Justice's figures the score weighs (行政执法监督意见书, seed 001: 收到的检察建议和行政执法监督意见的数量及整改
// 落实情况). Justice resolves and freezes them on its Scorecard (subgraphs/justice/scorecard-opinions.ts);
// the score and its terms @require them, so the gateway fetches them from justice and hands them to
// __resolveReference with the key, and the ranking asks justice for them in its one call.
export const JUSTICE_MEASURES = ['opinionsReceived', 'opinionsOverdue', 'opinionsNotRectified', 'caseFileReviewsFailed'] as const;
type JusticeFigures = Partial<Record<(typeof JUSTICE_MEASURES)[number], number | null>>;
const REQUIRES_JUSTICE = `@requires(fields: "${JUSTICE_MEASURES.join(' ')}")`;
/** The SDL of the procuratorate's Scorecard: justice's figures, external, and the fields that need them. */
export const SCORECARD_JUSTICE_SDL = {
  external: JUSTICE_MEASURES.map((m) => `\n  "justice's figure (行政执法监督意见书, 案卷评查), read by the score"\n  ${m}: Int @external`).join(''),
  requires: REQUIRES_JUSTICE,
};
const justiceOf = (from: Record<string, unknown>): JusticeFigures =>
  Object.fromEntries(JUSTICE_MEASURES.map((m) => [m, typeof from[m] === 'number' ? from[m] : null]));
type Db = { query(sql: string, parameters?: unknown[]): Promise<any> };

export interface ScoreTerm { measure: string; label: string; count: number; points: number; deducted: number }

/** The score of a bureau's month under `rule`, term by term. */
export function scoreTermsOf(f: Counts & { justice?: JusticeFigures }, rule: ScoreRule): { score: number; terms: ScoreTerm[] } {
  const measures: Record<string, number> = {
    suggestionsReceived: f.suggestionsReceived, suggestionsOverdue: f.suggestionsOverdue,
    suggestionsNotRectified: f.suggestionsReplied - f.suggestionsRectified,
    // null: a month justice froze before it counted opinions, scored by a rule that does not weigh them.
    ...Object.fromEntries(JUSTICE_MEASURES.map((m) => [m, f.justice?.[m] ?? 0])),
  };
  const terms = rule.deductions.map((d) => ({ measure: d.key, label: d.label, count: measures[d.key], points: d.points, deducted: d.points * measures[d.key] }));
  return { score: Math.max(rule.floor, rule.base - terms.reduce((sum, t) => sum + t.deducted, 0)), terms };
}

const ruleOf = (f: Scored): ScoreRule => scoreRuleById(f.ruleVersion) ?? scoreRuleFor(f.month);
export const scoreOf = (f: Scored): number => scoreTermsOf(f, ruleOf(f)).score;

/**
 * Per bureau and month (China Standard Time): suggestions issued to it, replies it gave (and of
 * them with rectification), and reply periods that ended unanswered (not replied, or replied only
 * after the due date) up to `now`. One statement for all of them.
 */
async function countSuggestions(db: Db, keys: readonly BureauMonth[], now: Date): Promise<Counts[]> {
  const ranges = keys.map((k) => monthRange(k.month)!);
  const rows: { i: number; received: number; replied: number; rectified: number; overdue: number }[] = await db.query(
    `SELECT k.i::int AS i,
       count(s.id) FILTER (WHERE s.issued_at >= k.start_at AND s.issued_at < k.end_at)::int AS received,
       count(s.id) FILTER (WHERE s.replied_at >= k.start_at AND s.replied_at < k.end_at)::int AS replied,
       count(s.id) FILTER (WHERE s.replied_at >= k.start_at AND s.replied_at < k.end_at AND s.rectified)::int AS rectified,
       count(s.id) FILTER (WHERE s.reply_due_at >= k.start_at AND s.reply_due_at < k.end_at AND s.reply_due_at < $4
         AND (s.replied_at IS NULL OR s.replied_at > s.reply_due_at))::int AS overdue
     FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS k(agency_code, start_at, end_at, i)
     LEFT JOIN procuratorial_suggestion s ON s.agency_code = k.agency_code
       AND (s.issued_at < k.end_at) AND (s.replied_at >= k.start_at OR s.reply_due_at >= k.start_at OR s.issued_at >= k.start_at)
     GROUP BY k.i`,
    [keys.map((k) => k.agencyCode), ranges.map((r) => r.start), ranges.map((r) => r.end), now]);
  const byIndex = new Map(rows.map((r) => [r.i, r]));
  return keys.map((_, i) => {
    const r = byIndex.get(i + 1);
    return { suggestionsReceived: r?.received ?? 0, suggestionsReplied: r?.replied ?? 0, suggestionsRectified: r?.rectified ?? 0, suggestionsOverdue: r?.overdue ?? 0 };
  });
}

const scored = (k: BureauMonth, f: MonthFigures<Counts>): Scored =>
  ({ agencyCode: k.agencyCode, month: k.month, ...f.figures, ruleVersion: f.ruleVersion, suggestionsFrozenAt: f.frozenAt });

/** The suggestion figures of each bureau-month of a page: one statement while the months are open. */
export function scorecardLoader(runtime: SubgraphRuntime) {
  return batchLoader<string, Scored | Error>(async (keys) => {
    const parsed = keys.map(parseScorecardKey);
    const valid = parsed.filter((k) => monthRange(k.month));
    const now = runtime.now();
    const figures = valid.length ? await monthFigures(runtime.db, valid, now, (of) => countSuggestions(runtime.db, of, now)) : [];
    const byKey = new Map(valid.map((k, i) => [scorecardKey(k.agencyCode, k.month), scored(k, figures[i])]));
    return parsed.map((k) => byKey.get(scorecardKey(k.agencyCode, k.month)) ?? badInput('month', 'month', "must be a month 'YYYY-MM'"));
  });
}

const loaderOf = perRequest(scorecardLoader);

/** SubgraphModule.workers: freezes the month just ended for every bureau of the directory, soon after it ends (hub clock). */
export const scorecardFreezeWorker = pollWorker('scorecard freeze', 'ESCALATION_POLL_MS', freezePass(
  // The directory as it is now (not the client's cache): a bureau registered this minute is frozen too.
  async (runtime: SubgraphRuntime) => (await runtime.call<{ agencies: { code: string }[] }>('justice', '{ agencies { code } }')).agencies.map((b) => b.code),
  // The figures are computed at the freeze, after the month's end: every reply period of the month has ended.
  (db, keys) => countSuggestions(db, keys, new Date(Math.max(...keys.map((k) => monthRange(k.month)!.end.getTime())))),
));

export const scorecardFields = {
  __resolveReference: async (ref: { agencyCode: string; month: string } & Record<string, unknown>, ctx: SubgraphContext) => {
    const f = await loaderOf(ctx).load(scorecardKey(ref.agencyCode, ref.month));
    // The loader's row is shared by the page; justice's figures come with each representation (@requires).
    return f instanceof Error ? f : { ...f, justice: justiceOf(ref) };
  },
  score: (f: Scored) => scoreOf(f),
  scoreRule: (f: Scored) => f.ruleVersion,
  scoreTerms: (f: Scored) => scoreTermsOf(f, ruleOf(f)).terms,
};

interface Ranked { figures: Scored; score: number; active: boolean; casesEntered: number }

/** Why a bureau stands where it does, in one line: 零执法, or the score's terms. */
function explain(entry: Ranked): string {
  const rule = ruleOf(entry.figures);
  const terms = scoreTermsOf(entry.figures, rule).terms.filter((t) => t.count > 0);
  const formula = `${rule.base}${terms.map((t) => ` − ${t.points} × ${t.count} ${t.measure}`).join('')} = ${entry.score} (rule ${rule.id})`;
  if (!entry.active) return `零执法: no case entered in ${entry.figures.month}; listed after every bureau with activity. Score ${formula}`;
  return `${entry.casesEntered} case(s) entered. Score ${formula}`;
}

export const scorecardQueries = {
  /**
   * The bureaus of the directory (under `region` when given): those with activity in the month
   * ranked by score, highest first, then the 零执法 bureaus ranked among themselves. Equal
   * scores share a rank (1, 1, 3) and are listed by bureau code: no order is invented where the
   * score sees none.
   */
  async scorecardRanking(_: unknown, { month, region }: { month: string; region?: string | null }, ctx: SubgraphContext) {
    const range = requireMonth('month', month, ctx.runtime.now());
    if (region !== null && region !== undefined && !isRegionCode(region)) {
      throw badInput('region', 'regionCode', 'must be a 6-digit administrative division code');
    }
    // The directory and each bureau's cases entered (justice's figure, frozen with the month), in one call.
    const { agencies } = await ctx.runtime.call<{ agencies: { code: string; region: string; scorecard: { casesEntered: number } & JusticeFigures }[] }>('justice',
      `query($m: String!) { agencies { code region scorecard(month: $m) { casesEntered ${JUSTICE_MEASURES.join(' ')} } } }`, { m: range.month });
    const bureaus = region ? agencies.filter((a) => a.region.startsWith(jurisdictionPrefix(region))) : agencies;
    const loader = loaderOf(ctx);
    const entries: Ranked[] = await Promise.all(bureaus.map(async (b) => {
      const f = await loader.load(scorecardKey(b.code, range.month));
      if (f instanceof Error) throw f;
      const figures = { ...f, justice: justiceOf(b.scorecard) };
      return { figures, score: scoreOf(figures), active: b.scorecard.casesEntered > 0, casesEntered: b.scorecard.casesEntered };
    }));
    const ahead = (a: Ranked, b: Ranked) => (a.active !== b.active ? a.active : a.score > b.score);
    entries.sort((a, b) => Number(b.active) - Number(a.active) || b.score - a.score || a.figures.agencyCode.localeCompare(b.figures.agencyCode));
    return entries.map((entry) => ({
      rank: 1 + entries.filter((other) => ahead(other, entry)).length,
      zeroEnforcement: !entry.active,
      explanation: explain(entry),
      scorecard: entry.figures,
    }));
  },
};
