import {
  checkNoOverlap, checkValidity, currentVersion, isCivilDate, legalDate, LEGAL_UTC_OFFSET_MINUTES, nextDate, readRuleFile, RuleFileError,
  startOfLegalDay, versionsAt,
} from './versioned-rules';

export { legalDate, LEGAL_UTC_OFFSET_MINUTES };

// Statutory deadlines as data: the rules live in schema/deadlines.json (period, day counting,
// the event the period starts from, citation, validity, extension levels), the rest days in
// schema/holidays.json. This module only does the date arithmetic, in Beijing civil dates (UTC+8,
// no daylight saving), the way the law counts (民法典 第200–204条, 刑事诉讼法 第105条):
//
// - A period in days or months does not count the day it starts (民法典 第201条: 开始的当日不计入,
//   自下一日开始计算; 刑诉法 第105条: 期间开始的时和日不计算在期间以内).
// - A period in months ends on the corresponding day of the last month, or that month's last day
//   when it has none (民法典 第202条: 没有对应日的，月末日为期间的最后一日).
// - When the last day is a statutory rest day the period ends on the next working day (民法典
//   第203条 第1款; 刑诉法 第105条 第2款); a 调休 Saturday or Sunday is a working day.
// - The period ends at 24:00 of its last day (民法典 第203条 第2款: 期间的最后一日的截止时间为
//   二十四时), whatever the clock time of the starting event. THE HUB STORES THAT END AS THE LAST
//   MILLISECOND OF THE LAST DAY, 23:59:59.999 Beijing time (endOfLegalDay), so every comparison
//   reads "overdue = now is after the due instant": isPast below, and SQL `due_at < now` in the
//   services. An act at 23:59:59 of the last day is in time; one at 00:00:00 the next day is late.
// - A period in hours runs by the clock from the starting instant (民法典 第201条 第2款: 按照小时
//   计算期间的，自法律规定或者当事人约定的时间开始计算) and is never rolled past a holiday.

/** Every deadline the law names and the rule file may hold. */
export const DEADLINE_KEYS = [
  'transferDecision', 'transferDelivery', 'filingDecision', 'reconsiderationRequest', 'reconsiderationAnswer',
  'filingExplanation', 'filingOrder', 'suggestionReply', 'publicInterestReply', 'publicInterestUrgentReply',
  // Public-security intake and filing supervision (国务院令第310号, 公安部 2016 rules, 刑诉规则):
  // 补正 notice and completion, 转送, handover of seized items, the agency's request to the
  // procuratorate, the procuratorate's answer to the agency, the 立而不侦 reminder.
  'materialsNotice', 'materialsCompletion', 'forwardToCompetent', 'seizedItemsHandover', 'supervisionRequest',
  'explanationToAgency', 'investigationReminder',
  // 案件咨询 (中办发〔2011〕8号): the written answer of public security or the procuratorate.
  'consultationAnswer',
] as const;
export type DeadlineKey = (typeof DEADLINE_KEYS)[number];

/**
 * The deadlines the hub computes, so the file must hold a rule for each: public security's
 * filing decision and reconsideration (subgraphs/public-security/mutations.ts), the reply to a
 * procuratorial suggestion (subgraphs/procuratorate/suggestions.ts). The other keys (the agency's
 * own transfer decision and delivery, 立案监督's explanation and order) run outside the hub today:
 * their rules stay in the file as the law's data and are published by deadlineRules, but are
 * not required; so are the intake and filing-supervision steps until their workflow computes them.
 */
export const REQUIRED_DEADLINE_KEYS: readonly DeadlineKey[] = [
  'filingDecision', 'reconsiderationRequest', 'reconsiderationAnswer', 'suggestionReply', 'publicInterestReply', 'publicInterestUrgentReply',
  'filingExplanation', 'filingOrder', 'supervisionRequest', 'explanationToAgency', 'investigationReminder', // 立案监督, 立而不侦 (procuratorate/filing-supervision.ts, public-security/investigation-reminder.ts)
  'materialsNotice', 'materialsCompletion', // 补正 (public-security/intake/materials.ts)
  'forwardToCompetent', // 转送 (public-security/intake/forward.ts)
  'seizedItemsHandover', // 涉案物品移交 (public-security/intake/seized-items.ts)
  'consultationAnswer', // 案件咨询 (justice/collaboration.ts)
];
export type PeriodUnit = 'hours' | 'days' | 'months';
export type DayCounting = 'calendar' | 'working';

/**
 * The event a period runs from, as the law names it. `receipt`: the acting party receives a
 * document (收到, 接到: 不予立案通知书, 复议文件, 检察建议书, 要求说明不立案理由通知书, 通知立案书);
 * `acceptance`: public security accepts a transfer (接受, 受理); `decision`: a decision named by
 * the rule is made (决定批准移送); `filing`: a case is filed (立案).
 */
export const START_EVENTS = ['receipt', 'acceptance', 'decision', 'filing'] as const;
export type StartEvent = (typeof START_EVENTS)[number];

/** The instants a caller knows; the rule's `startsAt` says which one the period runs from. */
export interface StartEvents {
  /** 收到 / 接到: when the acting party received the document. */
  receivedAt?: Date | null;
  /** 接受 / 受理: when public security accepted the transfer. */
  acceptedAt?: Date | null;
  /** 决定: when the decision the rule names was made. */
  decidedAt?: Date | null;
  /** 立案: when the case was filed. */
  filedAt?: Date | null;
}

const START_FIELD: Record<StartEvent, keyof StartEvents> = {
  receipt: 'receivedAt', acceptance: 'acceptedAt', decision: 'decidedAt', filing: 'filedAt',
};

export interface DeadlineRule {
  key: DeadlineKey;
  period: { amount: number; unit: PeriodUnit };
  counting: DayCounting;
  /** The event the period runs from (the words of the citation: 自收到…之日起, 自接受…之日起). */
  startsAt: StartEvent;
  citation: string;
  /** First and last day (both inclusive, Beijing date; kit/versioned-rules.ts) on which a period starting then follows this rule. */
  effectiveFrom: string;
  effectiveTo: string | null;
  note: string;
  /** False while the citation is from a secondary source, not checked against the official text. */
  verified?: boolean;
  /**
   * An environment variable that may set another amount for every case (FILING_DECISION_DAYS).
   * Kept for deployments that set it; a longer period for one case is an extension (below).
   */
  override?: { env: string; min: number; max: number };
}

/**
 * A longer period one case may get, with the approval the law requires (立案审查期限的延长): e.g.
 * 7 days where the leads need checking, 30 days for a major, complex case with the approval of a
 * county-level public-security head. Counted like the rule it extends (same start, same counting);
 * versioned like rules.
 */
export interface DeadlineExtension {
  key: DeadlineKey;
  /** The name callers pass (filingDecisionDueAt(acceptedAt, 'majorComplex')). */
  level: string;
  period: { amount: number; unit: PeriodUnit };
  /** Who must approve it (批准), or null when the law names no approval. */
  approval: string | null;
  citation: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  note: string;
  verified?: boolean;
}


const DAY_MS = 86_400_000;

// ── civil dates ────────────────────────────────────────────────────────────────────────────────

/**
 * Adds a period with calendar semantics: months first, clamped to the last day of the target
 * month (Jan 31 + 1 month = Feb 28/29), then days. The time of day is kept: an instant
 * arithmetic helper, not a statutory end (that is periodEnd: 24:00 of the last day, rolled).
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
 * Checks the rule file: known keys, sane periods, the start event, validity dates
 * (kit/versioned-rules.ts), no two versions in force on one day, and a rule for every deadline
 * the hub computes.
 */
export function readDeadlineRules(data: { rules: unknown[] }): DeadlineRule[] {
  if (!Array.isArray(data?.rules)) throw new RuleFileError(FILE, '(file)', 'rules', 'must be a list');
  const rules = data.rules as DeadlineRule[];
  rules.forEach((r, i) => {
    const where = typeof r?.key === 'string' ? `${r.key}${r.effectiveFrom ? ` from ${r.effectiveFrom}` : ''}` : `rules[${i}]`;
    const fail = (field: string, why: string) => { throw new RuleFileError(FILE, where, field, why); };
    if (!DEADLINE_KEYS.includes(r.key)) fail('key', `${JSON.stringify(r.key)} is not a deadline the code knows (${DEADLINE_KEYS.join(', ')})`);
    checkPeriod(r.period, fail);
    if (!['calendar', 'working'].includes(r.counting)) fail('counting', 'must be calendar or working');
    if (r.counting === 'working' && r.period.unit !== 'days') fail('counting', 'only days can count working days');
    if (!START_EVENTS.includes(r.startsAt)) fail('startsAt', `must be the event the law counts from: ${START_EVENTS.join(', ')}`);
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

function checkPeriod(period: { amount: number; unit: PeriodUnit } | undefined, fail: (field: string, why: string) => void): void {
  if (!Number.isInteger(period?.amount) || period!.amount < 1) fail('period.amount', 'must be a positive whole number');
  if (!['hours', 'days', 'months'].includes(period!.unit)) fail('period.unit', 'must be hours, days or months');
}

/**
 * Checks the extension levels: each extends a rule the file has, in its unit, to a longer period,
 * names its approval (or null) and its citation; no two versions of one level in force on one day.
 */
export function readDeadlineExtensions(data: { extensions?: unknown[] }, rules: readonly DeadlineRule[]): DeadlineExtension[] {
  if (data.extensions === undefined) return [];
  if (!Array.isArray(data.extensions)) throw new RuleFileError(FILE, '(file)', 'extensions', 'must be a list');
  const extensions = data.extensions as DeadlineExtension[];
  extensions.forEach((x, i) => {
    const where = typeof x?.key === 'string' && typeof x?.level === 'string' ? `${x.key}.${x.level}${x.effectiveFrom ? ` from ${x.effectiveFrom}` : ''}` : `extensions[${i}]`;
    const fail = (field: string, why: string) => { throw new RuleFileError(FILE, where, field, why); };
    const base = rules.filter((r) => r.key === x.key);
    if (!base.length) fail('key', `${JSON.stringify(x.key)} has no rule to extend`);
    if (!/^[a-z][A-Za-z]*$/.test(x.level ?? '')) fail('level', 'must be a name (letters, camelCase)');
    checkPeriod(x.period, fail);
    if (base.some((r) => r.period.unit !== x.period.unit)) fail('period.unit', `must be the unit of the ${x.key} rule`);
    if (base.some((r) => r.period.amount >= x.period.amount)) fail('period.amount', `must be longer than the ${x.key} rule's period`);
    if (x.approval !== null && !(typeof x.approval === 'string' && x.approval.trim())) fail('approval', 'must name who approves, or be null');
    if (!x.citation?.trim()) fail('citation', 'a citation is required');
    checkValidity(FILE, where, x);
  });
  for (const key of new Set(extensions.map((x) => `${x.key}.${x.level}`))) {
    checkNoOverlap(FILE, key, extensions.filter((x) => `${x.key}.${x.level}` === key));
  }
  return extensions;
}

const RULE_FILE = readRuleFile(FILE) as { rules: unknown[]; extensions?: unknown[] };
export const DEADLINE_RULES: readonly DeadlineRule[] = readDeadlineRules(RULE_FILE);
export const DEADLINE_EXTENSIONS: readonly DeadlineExtension[] = readDeadlineExtensions(RULE_FILE, DEADLINE_RULES);

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

/**
 * The declaration bounds of a rule's environment override, for a module's `env` entry (kit/config.ts
 * checks the value at start): `{ kind: 'integer', min, max }` from the rule file, so the range is
 * written once, in schema/deadlines.json.
 */
export function overrideBounds(key: DeadlineKey): { kind: 'integer'; min: number; max: number } {
  const override = currentRule(key).override;
  if (!override) throw new Error(`${FILE}: ${key} has no environment override`);
  return { kind: 'integer', min: override.min, max: override.max };
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
  /** An extension level of the rule (DEADLINE_EXTENSIONS) granted to this case; its approval is the caller's record. */
  extension?: string | null;
  /** The extension levels to pick from (tests); default the rule file's. */
  extensions?: readonly DeadlineExtension[];
}

/** The extension `level` of `key` in force on the (Beijing) day `at` falls on. */
export function extensionInEffect(key: DeadlineKey, level: string, at: Date, extensions: readonly DeadlineExtension[] = DEADLINE_EXTENSIONS): DeadlineExtension {
  const [extension] = versionsAt(extensions.filter((x) => x.key === key && x.level === level), at);
  if (!extension) {
    const known = [...new Set(extensions.filter((x) => x.key === key).map((x) => x.level))];
    throw new Error(`no ${key} extension "${level}" is in force on ${legalDate(at)} (levels: ${known.join(', ') || 'none'})`);
  }
  return extension;
}

/** The extension levels of `key` a case starting at `at` may be granted, for callers that validate input or describe it. */
export function extensionsInEffect(key: DeadlineKey, at: Date, extensions: readonly DeadlineExtension[] = DEADLINE_EXTENSIONS): DeadlineExtension[] {
  return versionsAt(extensions.filter((x) => x.key === key), at);
}

/** 24:00 of a Beijing civil date, stored as its last millisecond (23:59:59.999 Beijing): see the top of this file. */
export function endOfLegalDay(date: string): Date {
  return new Date(startOfLegalDay(nextDate(date)).getTime() - 1);
}

/** The first working day on or after a civil date (民法典 第203条: 法定休假日结束的次日). */
function firstWorkingDayFrom(date: string, calendar: HolidayCalendar): string {
  let day = date;
  while (!calendar.isWorkingDay(day)) day = nextDate(day);
  return day;
}

/** The civil date `months` months after `date`: the corresponding day, or the month's last day (民法典 第202条). */
function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const lastDay = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m - 1 + months, Math.min(d, lastDay))).toISOString().slice(0, 10);
}

/** The civil date `days` days after `date`. */
function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * When a period under `rule` that starts at `from` ends (the start event's instant). With
 * `options.extension` the extension's period replaces the rule's (and the env override).
 */
export function periodEnd(rule: DeadlineRule, from: Date, options: DueOptions = {}): Date {
  const calendar = options.calendar ?? CHINA_CALENDAR;
  const extension = options.extension ? extensionInEffect(rule.key, options.extension, from, options.extensions) : null;
  const amount = extension ? extension.period.amount : periodAmount(rule, options.env);
  // The day the period starts is not counted (民法典 第201条): counting begins with the next day.
  const startDay = legalDate(from);
  switch (rule.period.unit) {
    case 'hours':
      return new Date(from.getTime() + amount * 3_600_000);
    case 'months':
      return endOfLegalDay(firstWorkingDayFrom(addMonths(startDay, amount), calendar));
    case 'days': {
      if (rule.counting === 'calendar') return endOfLegalDay(firstWorkingDayFrom(addDays(startDay, amount), calendar));
      // Working days (行政处罚法 第85条): every later working day counts, weekends and holidays do not.
      let day = startDay;
      for (let left = amount; left > 0;) {
        day = nextDate(day);
        if (calendar.isWorkingDay(day)) left--;
      }
      return endOfLegalDay(day);
    }
  }
}

/** The event the rule for `key` in force at `at` counts from. */
export function startEventOf(key: DeadlineKey, at: Date): StartEvent {
  return ruleInEffect(key, at).startsAt;
}

function startInstant(key: DeadlineKey, events: StartEvents): Date {
  // The rule version is chosen by the day the period starts, which needs the rule's event: try each
  // given instant, and take the one the rule in force on that day names.
  for (const event of START_EVENTS) {
    const at = events[START_FIELD[event]];
    if (at && ruleInEffect(key, at).startsAt === event) return at;
  }
  const given = Object.entries(events).filter(([, v]) => v).map(([k]) => k);
  const wanted = [...new Set(DEADLINE_RULES.filter((r) => r.key === key).map((r) => START_FIELD[r.startsAt]))];
  throw new Error(`the ${key} period runs from ${wanted.join(' or ')}, and ${given.length ? `only ${given.join(', ')} was given` : 'none was given'}`);
}

/**
 * When the period `key` ends, under the rule in force on the day it starts.
 *
 * `start` is either the instant of the event the rule counts from (the old form: the caller knows
 * it is the right event), or the events the caller knows, `{ receivedAt }`, `{ acceptedAt }`…, of
 * which the rule's `startsAt` picks one: a period that runs from receipt (收到) is never counted
 * from the sending by mistake, and a missing receipt is an error, not a silent earlier deadline.
 */
export function dueAt(key: DeadlineKey, start: Date | StartEvents, options: DueOptions = {}): Date {
  const from = start instanceof Date ? start : startInstant(key, start);
  return periodEnd(ruleInEffect(key, from), from, options);
}

/**
 * 立案审查期限: when public security must decide on filing a transfer it accepted at `acceptedAt`
 * (国务院令第310号 第八条: 3 days from acceptance), or, for one case, under an extension level
 * granted with the approval the level names (公安机关受理行政执法机关移送涉嫌犯罪案件规定 第八条:
 * 7 days where leads need checking, 30 days for a major, complex case; economic crimes per
 * 公安机关办理经济犯罪案件的若干规定 第十六条). The caller records who approved.
 */
export function filingDecisionDueAt(acceptedAt: Date, extension?: string | null, options: Omit<DueOptions, 'extension'> = {}): Date {
  return dueAt('filingDecision', { acceptedAt }, { ...options, extension });
}

/**
 * Whether a deadline has passed at `now` (the runtime's clock, never Date.now()): strictly after
 * the due instant, which for days and months is 23:59:59.999 of the last day, i.e. from 24:00 on.
 */
export function isPast(due: Date | null | undefined, now: Date): boolean {
  return !!due && now.getTime() > due.getTime();
}
