// Statutory periods of the transfer flow, kept as data with their citation (domain brief, flows 2–4).
// Criminal-procedure periods count calendar days. Rolling a period past a public holiday needs a
// holiday calendar the hub does not have yet; until then a period ends on its calendar day.

export type DayCount = 'calendar' | 'working';

export interface DeadlineRule {
  key: 'filingDecision' | 'reconsiderationRequest' | 'reconsiderationDecision';
  days: number;
  calendar: DayCount;
  citation: string;
  /** An environment variable that may set another period (e.g. complex cases, verify). */
  override?: string;
}

export const DEADLINE_RULES: readonly DeadlineRule[] = [
  // 公安机关 decides to file or not within 3 days of acceptance; the 2016 rule allowing 7/30 days
  // for complex cases is unverified, hence the override.
  { key: 'filingDecision', days: 3, calendar: 'calendar', citation: '国务院令第310号 第八条', override: 'FILING_DECISION_DAYS' },
  // The bureau may ask for reconsideration within 3 days of the notice of not filing.
  { key: 'reconsiderationRequest', days: 3, calendar: 'calendar', citation: '国务院令第310号 第九条' },
  // Public security answers a reconsideration request within 3 days of receiving it.
  { key: 'reconsiderationDecision', days: 3, calendar: 'calendar', citation: '国务院令第310号 第九条' },
];

const MAX_OVERRIDE_DAYS = 30;

export function deadlineRule(key: DeadlineRule['key']): DeadlineRule {
  const rule = DEADLINE_RULES.find((r) => r.key === key);
  if (!rule) throw new Error(`no deadline rule ${key}`);
  return rule;
}

/** The period of a rule in days, after any environment override. */
export function periodDays(rule: DeadlineRule, env: NodeJS.ProcessEnv): number {
  const raw = rule.override ? env[rule.override] : undefined;
  if (raw === undefined || raw === '') return rule.days;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1 || days > MAX_OVERRIDE_DAYS) {
    throw new Error(`${rule.override} must be a whole number of days from 1 to ${MAX_OVERRIDE_DAYS}, not ${raw}`);
  }
  return days;
}

function addDays(from: Date, days: number, count: DayCount): Date {
  const due = new Date(from.getTime());
  if (count === 'calendar') {
    due.setUTCDate(due.getUTCDate() + days);
    return due;
  }
  // Working days: weekends skipped (public holidays are not known yet, see above).
  for (let left = days; left > 0;) {
    due.setUTCDate(due.getUTCDate() + 1);
    if (due.getUTCDay() !== 0 && due.getUTCDay() !== 6) left--;
  }
  return due;
}

/** When a period that starts at `from` ends. */
export function dueAt(key: DeadlineRule['key'], from: Date, env: NodeJS.ProcessEnv): Date {
  const rule = deadlineRule(key);
  return addDays(from, periodDays(rule, env), rule.calendar);
}
