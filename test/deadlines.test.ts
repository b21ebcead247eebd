// The deadline arithmetic over schema/deadlines.json and schema/holidays.json: no hub needed.
import { describe, expect, it } from 'vitest';
import {
  CHINA_CALENDAR, DEADLINE_EXTENSIONS, DEADLINE_KEYS, DEADLINE_RULES, dueAt, HolidayCalendar, legalDate, periodEnd, readDeadlineExtensions,
  overrideBounds, readDeadlineRules, ruleInEffect, type DeadlineExtension, type DeadlineRule,
} from '../kit/deadlines';
import { envProblems } from '../kit/config';
import { publicSecurity } from '../subgraphs/public-security';

// Instants at 10:00 Beijing time (02:00Z) unless said otherwise. A period in days or months ends at
// 24:00 Beijing of its last day, stored as 23:59:59.999 (15:59:59.999Z): kit/deadlines.ts.
const at = (date: string, time = '02:00:00') => new Date(`${date}T${time}Z`);
const iso = (d: Date) => d.toISOString();
const rule = (over: Partial<DeadlineRule>): DeadlineRule => ({
  key: 'filingDecision', period: { amount: 3, unit: 'days' }, counting: 'calendar', startsAt: 'acceptance', citation: 'test', effectiveFrom: '2000-01-01', effectiveTo: null, note: '', ...over,
});
const working = (amount: number) => rule({ period: { amount, unit: 'days' }, counting: 'working' });

describe('the rule data', () => {
  it('has one rule in force today for every deadline the code knows, each with a citation', () => {
    for (const key of DEADLINE_KEYS) {
      const r = ruleInEffect(key, new Date());
      expect(r.citation.length).toBeGreaterThan(10);
      expect(['calendar', 'working']).toContain(r.counting);
    }
    expect(ruleInEffect('transferDecision', new Date()).period).toEqual({ amount: 3, unit: 'days' });
    expect(ruleInEffect('transferDelivery', new Date()).period).toEqual({ amount: 24, unit: 'hours' });
    expect(ruleInEffect('filingExplanation', new Date()).period).toEqual({ amount: 7, unit: 'days' });
    expect(ruleInEffect('filingOrder', new Date()).period).toEqual({ amount: 15, unit: 'days' });
    expect(ruleInEffect('suggestionReply', new Date()).period).toEqual({ amount: 2, unit: 'months' });
    expect(ruleInEffect('publicInterestUrgentReply', new Date()).period).toEqual({ amount: 15, unit: 'days' });
  });

  it('chooses the version in force on the day the period starts', () => {
    const rules = readDeadlineRules({ rules: [
      ...DEADLINE_RULES.filter((r) => r.key !== 'filingDecision'),
      rule({ effectiveFrom: '2001-07-09', effectiveTo: '2026-12-31', period: { amount: 3, unit: 'days' } }),
      rule({ effectiveFrom: '2027-01-01', effectiveTo: null, period: { amount: 5, unit: 'days' } }),
    ] });
    // 31 December 2026, 23:30 in Beijing is still the old rule; 00:30 on 1 January is the new one.
    expect(ruleInEffect('filingDecision', at('2026-12-31', '15:30:00'), rules).period.amount).toBe(3);
    expect(ruleInEffect('filingDecision', at('2026-12-31', '16:30:00'), rules).period.amount).toBe(5);
    expect(() => ruleInEffect('filingExplanation', at('2010-01-01'))).toThrow(/no filingExplanation deadline rule is in force on 2010-01-01/);
  });

  it('refuses overlapping versions, unknown keys and working months', () => {
    const others = DEADLINE_RULES.filter((r) => r.key !== 'filingDecision');
    expect(() => readDeadlineRules({ rules: [...others, rule({}), rule({ effectiveFrom: '2020-01-01' })] })).toThrow(/two versions of filingDecision/);
    expect(() => readDeadlineRules({ rules: [...DEADLINE_RULES, rule({ key: 'nonsense' as never })] })).toThrow(/nonsense/);
    expect(() => readDeadlineRules({ rules: [...others, rule({ period: { amount: 1, unit: 'months' }, counting: 'working' })] })).toThrow(/working days/);
  });
});

describe('the extension levels', () => {
  const extension = (over: Partial<DeadlineExtension>): DeadlineExtension => ({
    key: 'filingDecision', level: 'majorComplex', period: { amount: 30, unit: 'days' }, approval: '县级以上公安机关负责人', citation: 'test',
    effectiveFrom: '2016-06-16', effectiveTo: null, note: '', ...over,
  });
  const read = (...extensions: DeadlineExtension[]) => readDeadlineExtensions({ extensions }, DEADLINE_RULES);

  it('each extends a rule the file has to a longer period, with its citation and approval (or null)', () => {
    expect(DEADLINE_EXTENSIONS.length).toBeGreaterThan(0);
    for (const x of DEADLINE_EXTENSIONS) {
      expect(ruleInEffect(x.key, new Date(`${x.effectiveFrom}T02:00:00Z`)).period.amount).toBeLessThan(x.period.amount);
      expect(x.citation.length).toBeGreaterThan(10);
    }
  });

  it('refuses an extension of no rule, a shorter one, another unit, a blank approval, overlapping versions', () => {
    expect(() => read(extension({ key: 'nonsense' as never }))).toThrow(/has no rule to extend/);
    expect(() => read(extension({ period: { amount: 2, unit: 'days' } }))).toThrow(/must be longer/);
    expect(() => read(extension({ period: { amount: 2, unit: 'months' } }))).toThrow(/unit of the filingDecision rule/);
    expect(() => read(extension({ approval: ' ' }))).toThrow(/approval: must name who approves/);
    expect(() => read(extension({}), extension({ effectiveFrom: '2020-01-01' }))).toThrow(/filingDecision.majorComplex.*overlap/);
    expect(read(extension({}), extension({ level: 'leadsToCheck', period: { amount: 7, unit: 'days' }, approval: null }))).toHaveLength(2);
  });

  it('every rule names the event it starts from', () => {
    const others = DEADLINE_RULES.filter((r) => r.key !== 'filingDecision');
    expect(() => readDeadlineRules({ rules: [...others, rule({ startsAt: 'sending' as never })] })).toThrow(/startsAt: must be the event the law counts from/);
  });
});

describe('the holiday calendar (2025–2027)', () => {
  it('knows holidays, weekends and 调休 working days', () => {
    expect(CHINA_CALENDAR.holiday('2026-10-01')).toBe('国庆节');
    expect(CHINA_CALENDAR.isWorkingDay('2026-10-01')).toBe(false);
    expect(CHINA_CALENDAR.isWorkingDay('2026-10-08')).toBe(true);
    expect(CHINA_CALENDAR.isWorkingDay('2026-10-10')).toBe(true); // Saturday, 调休上班
    expect(CHINA_CALENDAR.isWorkingDay('2026-10-17')).toBe(false); // an ordinary Saturday
    expect(CHINA_CALENDAR.isWorkingDay('2025-01-26')).toBe(true); // Sunday, 调休上班
    expect(CHINA_CALENDAR.isWorkingDay('2025-01-28')).toBe(false); // 除夕
    for (const year of ['2025', '2026', '2027']) expect(CHINA_CALENDAR.covers(`${year}-06-01`)).toBe(true);
  });

  it('refuses a working day that is a weekday already, or a day that is both', () => {
    const year = (holidays: { name: string; from: string; to: string }[], workdays: { name: string; date: string }[]) =>
      ({ years: [{ year: 2026, source: 't', provisional: false, holidays, workdays }] });
    expect(() => HolidayCalendar.fromData(year([], [{ name: 'x', date: '2026-10-09' }]))).toThrow(/weekday already/);
    expect(() => HolidayCalendar.fromData(year([{ name: 'x', from: '2026-10-03', to: '2026-10-03' }], [{ name: 'x', date: '2026-10-03' }]))).toThrow(/both/);
  });
});

describe('working days', () => {
  it('skip weekends', () => {
    // Thursday 2026-11-19 + 3 working days: Fri, Mon, Tue.
    expect(iso(periodEnd(working(3), at('2026-11-19')))).toBe('2026-11-24T15:59:59.999Z');
  });

  it('skip holidays and count 调休 Saturdays', () => {
    // Wednesday 2026-09-30: 1–7 October are holidays, Thursday 8 and Friday 9 work, Saturday 10 is 调休上班.
    expect(iso(periodEnd(working(1), at('2026-09-30')))).toBe('2026-10-08T15:59:59.999Z');
    expect(iso(periodEnd(working(3), at('2026-09-30')))).toBe('2026-10-10T15:59:59.999Z');
    expect(iso(periodEnd(working(4), at('2026-09-30')))).toBe('2026-10-12T15:59:59.999Z');
    // Friday 2026-02-13: Saturday 14 is 调休上班, then the Spring Festival runs 15–23 February.
    expect(iso(periodEnd(working(1), at('2026-02-13')))).toBe('2026-02-14T15:59:59.999Z');
    expect(iso(periodEnd(working(2), at('2026-02-13')))).toBe('2026-02-24T15:59:59.999Z');
  });

  it('count from the Beijing date, not the UTC one', () => {
    // 2026-11-20T17:00Z is Saturday 01:00 in Beijing: the next working day is Monday 23 November, to 24:00 there.
    expect(iso(periodEnd(working(1), at('2026-11-20', '17:00:00')))).toBe('2026-11-23T15:59:59.999Z');
  });
});

describe('calendar days and months', () => {
  it('count calendar days and end at 24:00 (Beijing) of the last day, whatever the time they start', () => {
    expect(iso(dueAt('filingDecision', at('2026-09-15')))).toBe('2026-09-18T15:59:59.999Z');
    expect(iso(dueAt('filingOrder', at('2026-11-02')))).toBe('2026-11-17T15:59:59.999Z');
  });

  it('roll to the next working day when the last day is a holiday or weekend', () => {
    // Accepted Monday 28 September 2026: day 3 is 1 October (国庆节), the holiday runs to the 7th.
    expect(iso(dueAt('filingDecision', at('2026-09-28')))).toBe('2026-10-08T15:59:59.999Z');
    // Accepted Wednesday 2026-11-18: day 3 is Saturday, the period ends on Monday.
    expect(iso(dueAt('reconsiderationAnswer', at('2026-11-18')))).toBe('2026-11-23T15:59:59.999Z');
    // A 调休 Saturday is a working day: 2026-10-07 + 3 days = Saturday 10 October, which works.
    expect(iso(dueAt('filingDecision', at('2026-10-07')))).toBe('2026-10-10T15:59:59.999Z');
  });

  it('let FILING_DECISION_DAYS set the filing period, within its bounds', () => {
    expect(iso(dueAt('filingDecision', at('2026-09-15'), { env: { FILING_DECISION_DAYS: '7' } }))).toBe('2026-09-22T15:59:59.999Z');
    expect(iso(dueAt('reconsiderationRequest', at('2026-09-15'), { env: { FILING_DECISION_DAYS: '7' } }))).toBe('2026-09-18T15:59:59.999Z');
    expect(() => dueAt('filingDecision', at('2026-09-15'), { env: { FILING_DECISION_DAYS: '31' } })).toThrow(/FILING_DECISION_DAYS must be a whole number of days from 1 to 30/);
  });

  it('declare FILING_DECISION_DAYS with the rule file\'s range, so a bad value stops public security at start', () => {
    expect(overrideBounds('filingDecision')).toEqual({ kind: 'integer', min: 1, max: 30 });
    expect(() => overrideBounds('suggestionReply')).toThrow(/no environment override/);
    const env = publicSecurity.env!.filter((v) => v.name === 'FILING_DECISION_DAYS');
    expect(envProblems(env, { FILING_DECISION_DAYS: '7' })).toEqual([]);
    expect(envProblems(env, { FILING_DECISION_DAYS: '31' }).join('\n')).toMatch(/FILING_DECISION_DAYS.*out of range \(from 1 to 30\): 31/);
  });

  it('run hours by the clock, holidays or not', () => {
    expect(iso(dueAt('transferDelivery', at('2026-09-30', '08:00:00')))).toBe('2026-10-01T08:00:00.000Z');
  });

  it('roll months at the month end, in Beijing time', () => {
    // 31 December 2026 + 2 months = 28 February 2027 (a Sunday): the period ends Monday 1 March.
    expect(iso(dueAt('suggestionReply', at('2026-12-31')))).toBe('2027-03-01T15:59:59.999Z');
    // 30 December 2025 + 2 months = 28 February 2026 (a 调休 Saturday: a working day).
    expect(iso(dueAt('suggestionReply', at('2025-12-30')))).toBe('2026-02-28T15:59:59.999Z');
    // 2026-08-30T20:00Z is 31 August in Beijing: two months later is 31 October (Saturday) → Monday 2 November.
    expect(legalDate(at('2026-08-30', '20:00:00'))).toBe('2026-08-31');
    expect(iso(dueAt('suggestionReply', at('2026-08-30', '20:00:00')))).toBe('2026-11-02T15:59:59.999Z');
    // 15 days for ongoing harm: 2026-09-16 + 15 = 1 October → after the National Day holiday.
    expect(iso(dueAt('publicInterestUrgentReply', at('2026-09-16')))).toBe('2026-10-08T15:59:59.999Z');
  });
});
