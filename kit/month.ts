import { badInput } from './errors';
import { checkNoOverlap, checkValidity, readRuleFile, RuleFileError, versionsAt } from './versioned-rules';

/**
 * A calendar month of the monthly scorecard (一月一晒绩), 'YYYY-MM'. Months are China Standard
 * Time months (UTC+8, no daylight saving), like every legal date of the hub: a case recorded at
 * 2026-03-31T20:00Z belongs to April.
 */
export interface MonthRange { month: string; start: Date; end: Date }

const CST_OFFSET_MS = 8 * 3_600_000;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function monthRange(month: string): MonthRange | null {
  const match = MONTH.exec(month);
  if (!match) return null;
  const year = Number(match[1]), index = Number(match[2]) - 1;
  if (year < 2000 || year > 2100) return null;
  return { month, start: new Date(Date.UTC(year, index, 1) - CST_OFFSET_MS), end: new Date(Date.UTC(year, index + 1, 1) - CST_OFFSET_MS) };
}

/** The month (China Standard Time) an instant falls in. */
export function monthOf(at: Date): string {
  return new Date(at.getTime() + CST_OFFSET_MS).toISOString().slice(0, 7);
}

/** Validates a month argument: BAD_USER_INPUT naming the field and the rule; with `now`, no month after the current one. */
export function requireMonth(field: string, value: unknown, now?: Date): MonthRange {
  const range = typeof value === 'string' ? monthRange(value) : null;
  if (!range) throw badInput(field, 'month', "must be a month 'YYYY-MM' between 2000-01 and 2100-12");
  if (now && range.start.getTime() > now.getTime()) throw badInput(field, 'notInFuture', 'must not be a month that has not begun');
  return range;
}

/** Batch-loader key of one bureau's month. */
export const scorecardKey = (agencyCode: string, month: string) => `${agencyCode}|${month}`;
export function parseScorecardKey(key: string): { agencyCode: string; month: string } {
  const at = key.lastIndexOf('|');
  return { agencyCode: key.slice(0, at), month: key.slice(at + 1) };
}

/** The SDL every contributor of the Scorecard entity shares: who may see it, and its key. */
export const SCORECARD_ACCESS = '@requiresScopes(scopes: [["case:read"], ["supervision:read"]])';

// ── closed months: frozen figures ─────────────────────────────────────────────────────────────
//
// 一月一晒绩 publishes a month's figures once: a month that has closed keeps the figures it had
// when it closed, so a case whose index event arrives late, or a reply given later, does not
// rewrite a ranking already published. Each owner freezes its own figures in its own table
// (scorecard_frozen, one row per bureau and month) with the version of the scoring rule in force
// for that month (schema/scorecard.json); the row is written once, by the freeze pass shortly
// after the month ends or by the first read that needs it, whichever comes first.

/** Whether the month has ended by `now`. */
export const monthClosed = (range: MonthRange, now: Date): boolean => range.end.getTime() <= now.getTime();

/** The month before the one `at` falls in. */
export function previousMonth(at: Date): string {
  const range = monthRange(monthOf(at))!;
  return monthOf(new Date(range.start.getTime() - 1));
}

/** The migration statement of an owner's table of frozen months. */
export const FROZEN_MONTHS_SQL = `CREATE TABLE scorecard_frozen (
  agency_code text NOT NULL, month text NOT NULL CHECK (month ~ '^[0-9]{4}-[0-9]{2}$'), figures jsonb NOT NULL,
  rule_version text NOT NULL, frozen_at timestamptz NOT NULL, PRIMARY KEY (agency_code, month))`;

export interface MonthFigures<T> {
  figures: T;
  /** The scoring rule in force for the month (schema/scorecard.json) when the figures were frozen; the current one while open. */
  ruleVersion: string;
  /** When the month's figures were frozen; null while the month is open. */
  frozenAt: Date | null;
}

interface Db { query(sql: string, parameters?: unknown[]): Promise<any> }
export interface BureauMonth { agencyCode: string; month: string }

/**
 * The figures of each bureau-month: an open month computed now (`compute`, one statement for all
 * of them); a closed month read from scorecard_frozen, and frozen first when it is not yet there.
 * At most three statements for a page, one when every month asked is open.
 */
export async function monthFigures<T>(db: Db, keys: readonly BureauMonth[], now: Date, compute: (keys: readonly BureauMonth[]) => Promise<T[]>): Promise<MonthFigures<T>[]> {
  const closed = keys.filter((k) => monthClosed(monthRange(k.month)!, now));
  const frozen = new Map<string, MonthFigures<T>>();
  const read = async (of: readonly BureauMonth[]) => {
    const rows: { agency_code: string; month: string; figures: T; rule_version: string; frozen_at: Date }[] = await db.query(
      `SELECT f.agency_code, f.month, f.figures, f.rule_version, f.frozen_at FROM scorecard_frozen f
       JOIN unnest($1::text[], $2::text[]) AS k(agency_code, month) USING (agency_code, month)`,
      [of.map((k) => k.agencyCode), of.map((k) => k.month)]);
    for (const r of rows) frozen.set(scorecardKey(r.agency_code, r.month), { figures: r.figures, ruleVersion: r.rule_version, frozenAt: new Date(r.frozen_at) });
  };
  if (closed.length) await read(closed);
  const toFreeze = closed.filter((k) => !frozen.has(scorecardKey(k.agencyCode, k.month)));
  const open = keys.filter((k) => !monthClosed(monthRange(k.month)!, now));
  const computed = toFreeze.length || open.length ? await compute([...toFreeze, ...open]) : [];
  if (toFreeze.length) {
    // Of two concurrent freezes the first row stays; both answer with it.
    await db.query(
      `INSERT INTO scorecard_frozen (agency_code, month, figures, rule_version, frozen_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::timestamptz[]) ON CONFLICT DO NOTHING`,
      [toFreeze.map((k) => k.agencyCode), toFreeze.map((k) => k.month), toFreeze.map((_, i) => JSON.stringify(computed[i])),
        toFreeze.map((k) => scoreRuleFor(k.month).id), toFreeze.map(() => now)]);
    await read(toFreeze);
  }
  const live = new Map(open.map((k, i) => [scorecardKey(k.agencyCode, k.month), computed[toFreeze.length + i]]));
  return keys.map((k) => {
    const key = scorecardKey(k.agencyCode, k.month);
    return frozen.get(key) ?? { figures: live.get(key)!, ruleVersion: scoreRuleFor(k.month).id, frozenAt: null };
  });
}

/**
 * One pass of a freeze watch: the month before the current one, for every bureau `bureaus` names,
 * frozen where it is not yet. Returns how many were frozen now; a month done is not asked again.
 */
export function freezePass<R extends FreezeRuntime, T>(bureaus: (runtime: R) => Promise<string[]>, compute: (db: Db, keys: readonly BureauMonth[]) => Promise<T[]>) {
  const done = new WeakMap<R, string>();
  return async (runtime: R): Promise<number> => {
    const now = runtime.now();
    const month = previousMonth(now);
    if (done.get(runtime) === month) return 0;
    const runner = runtime.db.createQueryRunner();
    // Background work: not counted as statements of requests.
    runner.data = { background: true };
    try {
      const codes = await bureaus(runtime);
      const before: { n: number }[] = await runner.manager.query(`SELECT count(*)::int AS n FROM scorecard_frozen WHERE month = $1`, [month]);
      if (before[0].n < codes.length) {
        await monthFigures(runner.manager, codes.map((agencyCode) => ({ agencyCode, month })), now, (keys) => compute(runner.manager, keys));
      }
      done.set(runtime, month);
      return 0;
    } finally {
      await runner.release();
    }
  };
}
interface FreezeRuntime { now(): Date; db: { createQueryRunner(): { data: object; manager: Db; release(): Promise<void> } } }

// ── the scoring rule (schema/scorecard.json) ──────────────────────────────────────────────────

export interface ScoreDeduction { key: string; points: number; label: string }
export interface ScoreRule {
  id: string; effectiveFrom: string; effectiveTo: string | null; citation: string; verified: boolean; source: string;
  base: number; floor: number;
  /** 零执法: a bureau with no case entered into the index in the month is flagged and listed after every active bureau. */
  inactivity: { measure: 'casesEntered'; citation: string };
  deductions: ScoreDeduction[];
}

function readScoreRules(): ScoreRule[] {
  const data = readRuleFile('scorecard.json') as { rules?: unknown };
  if (!Array.isArray(data.rules) || !data.rules.length) throw new RuleFileError('scorecard.json', '(file)', 'rules', 'must list at least one rule');
  const rules = data.rules as ScoreRule[];
  for (const rule of rules) {
    const name = String(rule.id ?? '(no id)');
    checkValidity('scorecard.json', name, rule);
    if (typeof rule.id !== 'string' || !rule.id) throw new RuleFileError('scorecard.json', name, 'id', 'must be a non-empty string');
    if (typeof rule.citation !== 'string' || rule.citation.length < 10) throw new RuleFileError('scorecard.json', name, 'citation', 'must cite its source');
    if (!(rule.base > rule.floor)) throw new RuleFileError('scorecard.json', name, 'base', 'must be above floor');
    for (const [i, d] of (rule.deductions ?? []).entries()) {
      if (!SCORE_MEASURES.includes(d.key as never)) throw new RuleFileError('scorecard.json', name, `deductions[${i}].key`, `must be one of ${SCORE_MEASURES.join(', ')}`);
      if (!(typeof d.points === 'number' && d.points >= 0)) throw new RuleFileError('scorecard.json', name, `deductions[${i}].points`, 'must be a number ≥ 0');
    }
  }
  checkNoOverlap('scorecard.json', 'rules', rules);
  return rules;
}

/** The figures a deduction may weigh: the procuratorate's suggestion figures, and justice's opinion and case-file review figures (read through federation). */
export const SCORE_MEASURES = ['suggestionsReceived', 'suggestionsOverdue', 'suggestionsNotRectified', 'opinionsReceived', 'opinionsOverdue', 'opinionsNotRectified', 'caseFileReviewsFailed'] as const;

export const SCORE_RULES: readonly ScoreRule[] = readScoreRules();

/** The scoring rule in force on the month's first day (Beijing). */
export function scoreRuleFor(month: string): ScoreRule {
  const range = monthRange(month);
  const [rule] = range ? versionsAt(SCORE_RULES, range.start) : [];
  if (!rule) throw new Error(`schema/scorecard.json: no scoring rule in force for ${month}`);
  return rule;
}

/** A frozen month's rule by the version it was frozen with. */
export const scoreRuleById = (id: string): ScoreRule | undefined => SCORE_RULES.find((r) => r.id === id);
