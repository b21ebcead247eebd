import type { SubgraphContext, SubgraphRuntime } from '../../kit/module';
import { batchLoader } from '../../kit/loaders';
import { freezePass, monthFigures, monthRange, parseScorecardKey, requireMonth, scorecardKey, type BureauMonth, type MonthFigures } from '../../kit/month';
import { pollWorker } from '../../kit/workers';
import type { AgencyRow } from './entities';
import type { JusticeLoaders } from './loaders';
import { countOpinions, JUSTICE_SCORECARD_MEASURES, type OpinionFigures } from './scorecard-opinions';
import { countCaseFileReviews } from './case-file-review';

// 一月一晒绩 (seed 001): the monthly scorecard of one bureau. Justice owns the Scorecard entity
// (key: agencyCode month) and its index figure, casesEntered, and with it the 零执法 flag (no case
// entered in the month; seed 003 零执法说明制度); public security adds the transfers, the
// procuratorate the suggestions, the score and the ranking (see subgraphs/procuratorate/scorecard.ts).
// A closed month's count is frozen (kit/month.ts): an index event that arrives after the month
// ended, about a case recorded within it, does not change a published month.

type Ctx = SubgraphContext<JusticeLoaders>;
interface ScorecardRef { agencyCode: string; month: string }
// Opinion figures are absent from a month frozen before the hub counted them (kuiwen-2022-monthly did not weigh them).
interface IndexFigures extends Partial<OpinionFigures & { caseFileReviews: number; caseFileReviewsFailed: number }> { casesEntered: number }
type Db = { query(sql: string, parameters?: unknown[]): Promise<any> };

/** Cases entered into the index (归集) per bureau and month, by recorded_at (China Standard Time): one statement. */
async function countCasesEntered(db: Db, keys: readonly BureauMonth[]): Promise<IndexFigures[]> {
  const ranges = keys.map((k) => monthRange(k.month)!);
  const rows: { i: number; n: number }[] = await db.query(
    `SELECT k.i::int AS i, count(c.id)::int AS n
     FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS k(agency_code, start_at, end_at, i)
     LEFT JOIN case_index c ON c.agency_code = k.agency_code AND c.recorded_at >= k.start_at AND c.recorded_at < k.end_at
     GROUP BY k.i`,
    [keys.map((k) => k.agencyCode), ranges.map((r) => r.start), ranges.map((r) => r.end)]);
  const counts = new Map(rows.map((r) => [r.i, r.n]));
  return keys.map((_, i) => ({ casesEntered: counts.get(i + 1) ?? 0 }));
}

/** Justice's figures of each bureau-month: cases entered, the supervision opinions (scorecard-opinions.ts) and the case-file reviews. */
async function countFigures(db: Db, keys: readonly BureauMonth[], now: Date): Promise<IndexFigures[]> {
  const [cases, opinions, reviews] = [await countCasesEntered(db, keys), await countOpinions(db, keys, now), await countCaseFileReviews(db, keys)];
  return keys.map((_, i) => ({ ...cases[i], ...opinions[i], ...reviews[i] }));
}

export function scorecardLoaders(runtime: SubgraphRuntime) {
  return {
    /** The index's figures of each bureau-month: live while the month is open, frozen once it has closed. */
    indexFigures: batchLoader<string, MonthFigures<IndexFigures> | Error>(async (keys) => {
      const parsed = keys.map(parseScorecardKey);
      const valid = parsed.filter((k) => monthRange(k.month));
      const figures = valid.length ? await monthFigures(runtime.db, valid, runtime.now(), (of) => countFigures(runtime.db, of, runtime.now())) : [];
      const byKey = new Map(valid.map((k, i) => [scorecardKey(k.agencyCode, k.month), figures[i]]));
      return parsed.map((k) => byKey.get(scorecardKey(k.agencyCode, k.month)) ?? new Error(`not a scorecard month: ${k.month}`));
    }),
  };
}

/** SubgraphModule.workers: freezes the month just ended for every bureau of the directory, soon after it ends (hub clock). */
export const scorecardFreezeWorker = pollWorker('scorecard freeze', 'OUTBOX_POLL_MS', freezePass(
  async (runtime: SubgraphRuntime) => ((await runtime.db.query(`SELECT code FROM agency`)) as { code: string }[]).map((r) => r.code),
  // The figures are computed at the freeze, after the month's end: every rectification deadline of the month has ended.
  (db, keys) => countFigures(db, keys, new Date(Math.max(...keys.map((k) => monthRange(k.month)!.end.getTime())))),
));

export const agencyScorecardField = {
  scorecard: (agency: AgencyRow, { month }: { month: string }, ctx: Ctx): ScorecardRef =>
    ({ agencyCode: agency.code, month: requireMonth('month', month, ctx.runtime.now()).month }),
};

const figuresOf = async (s: ScorecardRef, ctx: Ctx) => {
  const f = await ctx.loaders.indexFigures.load(scorecardKey(s.agencyCode, s.month));
  if (f instanceof Error) throw f;
  return f;
};

export const scorecardFields = {
  __resolveReference: (ref: ScorecardRef) => ({ agencyCode: ref.agencyCode, month: ref.month }),
  agency: (s: ScorecardRef, _: unknown, ctx: Ctx) => ctx.loaders.agencyByCode.load(s.agencyCode),
  casesEntered: async (s: ScorecardRef, _: unknown, ctx: Ctx) => (await figuresOf(s, ctx)).figures.casesEntered,
  zeroEnforcement: async (s: ScorecardRef, _: unknown, ctx: Ctx) => (await figuresOf(s, ctx)).figures.casesEntered === 0,
  casesEnteredFrozenAt: async (s: ScorecardRef, _: unknown, ctx: Ctx) => (await figuresOf(s, ctx)).frozenAt,
  ...Object.fromEntries(JUSTICE_SCORECARD_MEASURES.map((m) => [m, async (s: ScorecardRef, _: unknown, ctx: Ctx) => (await figuresOf(s, ctx)).figures[m] ?? null])),
};
