// The periods public security works to (domain brief, flows 3–4). The rules themselves are data in
// schema/deadlines.json, with their citations; kit/deadlines.ts does the arithmetic
// (calendar days rolled past weekends and holidays, FILING_DECISION_DAYS for complex cases).
import { dueAt as kitDueAt, periodAmount, ruleInEffect, type DayCounting, type DeadlineKey } from '../../kit/deadlines';

export type DayCount = DayCounting;

/** The public-security steps with a deadline; `reconsiderationDecision` is the kit's reconsiderationAnswer. */
export type PublicSecurityDeadline = 'filingDecision' | 'reconsiderationRequest' | 'reconsiderationDecision';

const KIT_KEY: Record<PublicSecurityDeadline, DeadlineKey> = {
  filingDecision: 'filingDecision',
  reconsiderationRequest: 'reconsiderationRequest',
  reconsiderationDecision: 'reconsiderationAnswer',
};

export interface DeadlineRule {
  key: PublicSecurityDeadline;
  days: number;
  calendar: DayCount;
  citation: string;
  override?: string;
}

/** The rules in force today, in the shape this subgraph's callers and tests know. */
export const DEADLINE_RULES: readonly DeadlineRule[] = (Object.keys(KIT_KEY) as PublicSecurityDeadline[]).map((key) => {
  const rule = ruleInEffect(KIT_KEY[key], new Date());
  return { key, days: rule.period.amount, calendar: rule.counting, citation: rule.citation, override: rule.override?.env };
});

export function deadlineRule(key: PublicSecurityDeadline): DeadlineRule {
  const rule = DEADLINE_RULES.find((r) => r.key === key);
  if (!rule) throw new Error(`no deadline rule ${key}`);
  return rule;
}

/** The period of a rule in days, after any environment override. */
export function periodDays(rule: DeadlineRule, env: NodeJS.ProcessEnv): number {
  return periodAmount(ruleInEffect(KIT_KEY[rule.key], new Date()), env);
}

/** When a period that starts at `from` ends (the rule in force at `from`). */
export function dueAt(key: PublicSecurityDeadline, from: Date, env: NodeJS.ProcessEnv): Date {
  return kitDueAt(KIT_KEY[key], from, { env });
}
