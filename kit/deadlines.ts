import {
  checkNoOverlap, checkValidity, currentVersion, isCivilDate, legalDate, LEGAL_UTC_OFFSET_MINUTES, readRuleFile, RuleFileError, versionsAt,
} from './versioned-rules';

export { legalDate, LEGAL_UTC_OFFSET_MINUTES };

// Statutory deadlines as data: the rules live in schema/deadlines.json (period, day counting,
// citation, validity), the rest days in schema/holidays.json. This module only does the date
// arithmetic, in Beijing civil dates (UTC+8, no daylight saving).

/** Every deadline the law names and the rule file may hold. */
export const DEADLINE_KEYS = [
  'transferDecision', 'transferDelivery', 'filingDecision', 'reconsiderationRequest', 'reconsiderationAnswer',
  'filingExplanation', 'filingOrder', 'suggestionReply', 'publicInterestReply', 'publicInterestUrgentReply',
] as const;
export type DeadlineKey = (typeof DEADLINE_KEYS)[number];

/**
 * The deadlines the hub computes, so the file must hold a rule for each: public security's
 * filing decision and reconsideration (subgraphs/public-security/mutations.ts), the reply to a
 * procuratorial suggestion (subgraphs/procuratorate/suggestions.ts). The other keys (the agency's
 * own transfer decision and delivery, 立案监督's explanation and order) run outside the hub today:
 * their rules stay in the file as the law's data and are published by deadlineRules, but are
 * not required.
 */
export const REQUIRED_DEADLINE_KEYS: readonly DeadlineKey[] = [
  'filingDecision', 'reconsiderationRequest', 'reconsiderationAnswer', 'suggestionReply', 'publicInterestReply', 'publicInterestUrgentReply',
];
export type PeriodUnit = 'hours' | 'days' | 'months';
export type DayCounting = 'calendar' | 'working';

export interface DeadlineRule {
  key: DeadlineKey;
  period: { amount: number; unit: PeriodUnit };
  counting: DayCounting;
  citation: string;
  /** First and last day (both inclusive, Beijing date; kit/versioned-rules.ts) on which a period starting then follows this rule. */
  effectiveFrom: string;
  effectiveTo: string | null;
  note: string;
  /** False while the citation is from a secondary source, not checked against the official text. */
  verified?: boolean;
  /** An environment variable that may set another amount (e.g. FILING_DECISION_DAYS for complex cases). */
  override?: { env: string; min: number; max: number };
}


const DAY_MS = 86_400_000;

// ── civil dates ────────────────────────────────────────────────────────────────────────────────

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

export const CHINA_CALENDAR = HolidayCalendar.fromData(readRuleFile('holidays.json') as HolidayFile);

// ── the rules ──────────────────────────────────────────────────────────────────────────────────

const FILE = 'deadlines.json';

/**
 * Checks the rule file: known keys, sane periods, validity dates (kit/versioned-rules.ts), no two
 * versions in force on one day, and a rule for every deadline the hub computes.
 */
export function readDeadlineRules(data: { rules: unknown[] }): DeadlineRule[] {
  if (!Array.isArray(data?.rules)) throw new RuleFileError(FILE, '(file)', 'rules', 'must be a list');
  const rules = data.rules as DeadlineRule[];
  rules.forEach((r, i) => {
    const where = typeof r?.key === 'string' ? `${r.key}${r.effectiveFrom ? ` from ${r.effectiveFrom}` : ''}` : `rules[${i}]`;
    const fail = (field: string, why: string) => { throw new RuleFileError(FILE, where, field, why); };
    if (!DEADLINE_KEYS.includes(r.key)) fail('key', `${JSON.stringify(r.key)} is not a deadline the code knows (${DEADLINE_KEYS.join(', ')})`);
    if (!Number.isInteger(r.period?.amount) || r.period.amount < 1) fail('period.amount', 'must be a positive whole number');
    if (!['hours', 'days', 'months'].includes(r.period.unit)) fail('period.unit', 'must be hours, days or months');
    if (!['calendar', 'working'].includes(r.counting)) fail('counting', 'must be calendar or working');
    if (r.counting === 'working' && r.period.unit !== 'days') fail('counting', 'only days can count working days');
    if (!r.citation?.trim()) fail('citation', 'a citation is required');
    checkValidity(FILE, where, r);
    if (r.override && !(Number.isInteger(r.override.min) && Number.isInteger(r.override.max) && r.override.min >= 1 && r.override.max >= r.override.min && r.override.env)) {
      fail('override', 'needs env, min ≥ 1 and max ≥ min');
    }
  });
  for (const key of DEADLINE_KEYS) {
    const versions = rules.filter((r) => r.key === key);
    if (!versions.length && REQUIRED_DEADLINE_KEYS.includes(key)) throw new RuleFileError(FILE, key, '', `no rule, and the hub computes this deadline`);
    checkNoOverlap(FILE, key, versions);
  }
  return rules;
}

export const DEADLINE_RULES: readonly DeadlineRule[] = readDeadlineRules(readRuleFile(FILE) as { rules: unknown[] });

/** The version of a rule in force on the (Beijing) day `at` falls on. */
export function ruleInEffect(key: DeadlineKey, at: Date, rules: readonly DeadlineRule[] = DEADLINE_RULES): DeadlineRule {
  const [rule] = versionsAt(rules.filter((r) => r.key === key), at);
  if (!rule) throw new Error(`no ${key} deadline rule is in force on ${legalDate(at)}`);
  return rule;
}

/** The version users are told about where no date is at hand (SDL descriptions): kit/versioned-rules.ts currentVersion. */
export function currentRule(key: DeadlineKey, rules: readonly DeadlineRule[] = DEADLINE_RULES): DeadlineRule {
  const rule = currentVersion(rules.filter((r) => r.key === key));
  if (!rule) throw new Error(`${FILE} has no ${key} rule`);
  return rule;
}

const UNIT_WORDS: Record<PeriodUnit, [string, string]> = { hours: ['hour', 'hours'], days: ['day', 'days'], months: ['month', 'months'] };

/**
 * A rule's period as users read it ("3 days", "15 working days", "2 months"), with the override's
 * range when one is allowed. Descriptions and messages build their numbers from this, never write them.
 */
export function periodText(rule: DeadlineRule, env: NodeJS.ProcessEnv = {}): string {
  const amount = periodAmount(rule, env);
  const [one, many] = UNIT_WORDS[rule.period.unit];
  const working = rule.counting === 'working' ? 'working ' : '';
  return `${amount} ${working}${amount === 1 ? one : many}`;
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
