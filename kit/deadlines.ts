import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Statutory deadlines as data: the rules live in schema/deadlines.json (period, day counting,
// citation, validity), the rest days in schema/holidays.json. This module only does the date
// arithmetic, in Beijing civil dates (UTC+8, no daylight saving).

export const DEADLINE_KEYS = [
  'transferDecision', 'transferDelivery', 'filingDecision', 'reconsiderationRequest', 'reconsiderationAnswer',
  'filingExplanation', 'filingOrder', 'suggestionReply', 'publicInterestReply', 'publicInterestUrgentReply',
] as const;
export type DeadlineKey = (typeof DEADLINE_KEYS)[number];
export type PeriodUnit = 'hours' | 'days' | 'months';
export type DayCounting = 'calendar' | 'working';

export interface DeadlineRule {
  key: DeadlineKey;
  period: { amount: number; unit: PeriodUnit };
  counting: DayCounting;
  citation: string;
  /** First and last day (inclusive, Beijing date) on which a period starting then follows this rule. */
  effectiveFrom: string;
  effectiveTo: string | null;
  note: string;
  /** False while the citation is from a secondary source, not checked against the official text. */
  verified?: boolean;
  /** An environment variable that may set another amount (e.g. FILING_DECISION_DAYS for complex cases). */
  override?: { env: string; min: number; max: number };
}

/** Dates count in China Standard Time: a month-end in Beijing is the month-end. */
export const LEGAL_UTC_OFFSET_MINUTES = 8 * 60;

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const schemaFile = (name: string) => fileURLToPath(new URL(`../schema/${name}`, import.meta.url));

// ── civil dates ────────────────────────────────────────────────────────────────────────────────

/** The Beijing civil date of an instant, as YYYY-MM-DD. */
export function legalDate(at: Date, offsetMinutes = LEGAL_UTC_OFFSET_MINUTES): string {
  return new Date(at.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

function isCivilDate(value: unknown): value is string {
  return typeof value === 'string' && DATE.test(value) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
}

/**
 * Adds a period with calendar semantics: months first, clamped to the last day of the target
 * month (Jan 31 + 1 month = Feb 28/29), then days. The time of day is kept.
 */
export function addPeriod(from: Date, period: { months?: number; days?: number }, offsetMinutes = LEGAL_UTC_OFFSET_MINUTES): Date {
  const local = new Date(from.getTime() + offsetMinutes * 60_000);
  const y = local.getUTCFullYear(), m = local.getUTCMonth() + (period.months ?? 0), d = local.getUTCDate();
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const shifted = new Date(local);
  shifted.setUTCFullYear(y, m, Math.min(d, lastDay));
  shifted.setUTCDate(shifted.getUTCDate() + (period.days ?? 0));
  return new Date(shifted.getTime() - offsetMinutes * 60_000);
}

// ── the holiday calendar ───────────────────────────────────────────────────────────────────────

interface HolidayFile {
  years: { year: number; source: string; provisional: boolean; holidays: { name: string; from: string; to: string }[]; workdays: { name: string; date: string }[] }[];
}

/** Rest days and working days of China's calendar: weekends, public holidays, and 调休 working days. */
export class HolidayCalendar {
  private constructor(
    private readonly holidays: ReadonlyMap<string, string>,
    private readonly workdays: ReadonlyMap<string, string>,
    /** Years the data covers; `provisional` ones lack 调休. */
    readonly years: ReadonlyMap<number, { source: string; provisional: boolean }>,
  ) {}

  static fromData(data: HolidayFile): HolidayCalendar {
    const holidays = new Map<string, string>();
    const workdays = new Map<string, string>();
    const years = new Map<number, { source: string; provisional: boolean }>();
    for (const y of data.years) {
      if (!Number.isInteger(y.year) || years.has(y.year)) throw new Error(`holidays.json: year ${y.year} is not a year or is listed twice`);
      years.set(y.year, { source: y.source, provisional: !!y.provisional });
      for (const h of y.holidays) {
        if (!isCivilDate(h.from) || !isCivilDate(h.to) || h.from > h.to) throw new Error(`holidays.json: ${h.name} ${h.from}–${h.to} is not a date range`);
        if (!h.from.startsWith(`${y.year}-`) && !h.to.startsWith(`${y.year}-`)) throw new Error(`holidays.json: ${h.name} ${h.from} lies outside ${y.year}`);
        for (let t = Date.parse(`${h.from}T00:00:00Z`); t <= Date.parse(`${h.to}T00:00:00Z`); t += DAY_MS) {
          holidays.set(new Date(t).toISOString().slice(0, 10), h.name);
        }
      }
      for (const w of y.workdays) {
        if (!isCivilDate(w.date)) throw new Error(`holidays.json: ${w.date} is not a date`);
        const weekday = new Date(`${w.date}T00:00:00Z`).getUTCDay();
        if (weekday !== 0 && weekday !== 6) throw new Error(`holidays.json: working day ${w.date} (${w.name}) is a weekday already`);
        workdays.set(w.date, w.name);
      }
    }
    for (const date of workdays.keys()) if (holidays.has(date)) throw new Error(`holidays.json: ${date} is both a holiday and a working day`);
    return new HolidayCalendar(holidays, workdays, years);
  }

  /** The holiday's name when the date (YYYY-MM-DD) is a public holiday. */
  holiday(date: string): string | undefined {
    return this.holidays.get(date);
  }

  /** Mondays to Fridays that are not holidays, and weekend days made working days (调休). */
  isWorkingDay(date: string): boolean {
    if (this.workdays.has(date)) return true;
    if (this.holidays.has(date)) return false;
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  covers(date: string): boolean {
    return this.years.has(Number(date.slice(0, 4)));
  }
}

export const CHINA_CALENDAR = HolidayCalendar.fromData(JSON.parse(readFileSync(schemaFile('holidays.json'), 'utf8')));

// ── the rules ──────────────────────────────────────────────────────────────────────────────────

/** Checks the rule file: known keys, sane periods, dates, and no two versions in force on one day. */
export function readDeadlineRules(data: { rules: unknown[] }): DeadlineRule[] {
  const rules = data.rules as DeadlineRule[];
  for (const r of rules) {
    const where = `deadlines.json: ${r.key}`;
    if (!DEADLINE_KEYS.includes(r.key)) throw new Error(`${where} is not a deadline the code knows (${DEADLINE_KEYS.join(', ')})`);
    if (!Number.isInteger(r.period?.amount) || r.period.amount < 1) throw new Error(`${where}: period.amount must be a positive whole number`);
    if (!['hours', 'days', 'months'].includes(r.period.unit)) throw new Error(`${where}: period.unit must be hours, days or months`);
    if (!['calendar', 'working'].includes(r.counting)) throw new Error(`${where}: counting must be calendar or working`);
    if (r.counting === 'working' && r.period.unit !== 'days') throw new Error(`${where}: only days can count working days`);
    if (!r.citation?.trim()) throw new Error(`${where}: a citation is required`);
    if (!isCivilDate(r.effectiveFrom) || (r.effectiveTo !== null && (!isCivilDate(r.effectiveTo) || r.effectiveTo < r.effectiveFrom))) {
      throw new Error(`${where}: effectiveFrom/effectiveTo must be dates (YYYY-MM-DD), effectiveTo null or not before effectiveFrom`);
    }
    if (r.override && !(Number.isInteger(r.override.min) && Number.isInteger(r.override.max) && r.override.min >= 1 && r.override.max >= r.override.min && r.override.env)) {
      throw new Error(`${where}: override needs env, min ≥ 1 and max ≥ min`);
    }
  }
  for (const key of DEADLINE_KEYS) {
    const versions = rules.filter((r) => r.key === key).sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
    if (!versions.length) throw new Error(`deadlines.json: no rule for ${key}`);
    for (let i = 1; i < versions.length; i++) {
      const before = versions[i - 1].effectiveTo;
      if (before === null || before >= versions[i].effectiveFrom) throw new Error(`deadlines.json: two versions of ${key} are in force on ${versions[i].effectiveFrom}`);
    }
  }
  return rules;
}

export const DEADLINE_RULES: readonly DeadlineRule[] = readDeadlineRules(JSON.parse(readFileSync(schemaFile('deadlines.json'), 'utf8')));

/** The version of a rule in force on the (Beijing) day `at` falls on. */
export function ruleInEffect(key: DeadlineKey, at: Date, rules: readonly DeadlineRule[] = DEADLINE_RULES): DeadlineRule {
  const day = legalDate(at);
  const rule = rules.find((r) => r.key === key && r.effectiveFrom <= day && (r.effectiveTo === null || day <= r.effectiveTo));
  if (!rule) throw new Error(`no ${key} deadline rule is in force on ${day}`);
  return rule;
}

/** The rule's amount, after its environment override if one is set. */
export function periodAmount(rule: DeadlineRule, env: NodeJS.ProcessEnv = {}): number {
  const raw = rule.override ? env[rule.override.env] : undefined;
  if (raw === undefined || raw === '') return rule.period.amount;
  const amount = Number(raw);
  const { env: name, min, max } = rule.override!;
  if (!Number.isInteger(amount) || amount < min || amount > max) {
    throw new Error(`${name} must be a whole number of ${rule.period.unit} from ${min} to ${max}, not ${raw}`);
  }
  return amount;
}

export interface DueOptions {
  env?: NodeJS.ProcessEnv;
  calendar?: HolidayCalendar;
}

/** Moves an instant day by day (time of day kept) until its Beijing date is a working day. */
function rollToWorkingDay(at: Date, calendar: HolidayCalendar): Date {
  let due = at;
  while (!calendar.isWorkingDay(legalDate(due))) due = new Date(due.getTime() + DAY_MS);
  return due;
}

/** When a period under `rule` that starts at `from` ends. */
export function periodEnd(rule: DeadlineRule, from: Date, options: DueOptions = {}): Date {
  const calendar = options.calendar ?? CHINA_CALENDAR;
  const amount = periodAmount(rule, options.env);
  switch (rule.period.unit) {
    case 'hours':
      return new Date(from.getTime() + amount * 3_600_000);
    case 'months':
      return rollToWorkingDay(addPeriod(from, { months: amount }), calendar);
    case 'days': {
      if (rule.counting === 'calendar') return rollToWorkingDay(addPeriod(from, { days: amount }), calendar);
      // Working days: the day the period starts does not count; every later working day does.
      let due = from;
      for (let left = amount; left > 0;) {
        due = new Date(due.getTime() + DAY_MS);
        if (calendar.isWorkingDay(legalDate(due))) left--;
      }
      return due;
    }
  }
}

/** When the period `key` that starts at `from` ends, under the rule in force on that day. */
export function dueAt(key: DeadlineKey, from: Date, options: DueOptions = {}): Date {
  return periodEnd(ruleInEffect(key, from), from, options);
}

/** Whether a deadline has passed at `now` (the runtime's clock, never Date.now()). */
export function isPast(due: Date | null | undefined, now: Date): boolean {
  return !!due && now.getTime() > due.getTime();
}
