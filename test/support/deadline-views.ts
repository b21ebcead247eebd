// The deadline rules in the shapes two older tests read them (public security's steps, the
// procuratorate's reply periods). Only tests use these views: the services call kit/deadlines.ts
// directly, so the views live here, built on the kit and the rule file, not in a subgraph.
import { addPeriod, dueAt as kitDueAt, ruleInEffect, type DayCounting, type DeadlineKey } from '../../kit/deadlines';

export { addPeriod };

/** Public security's steps; `reconsiderationDecision` is the rule file's reconsiderationAnswer. */
export type PublicSecurityDeadline = 'filingDecision' | 'reconsiderationRequest' | 'reconsiderationDecision';
const KEY: Record<PublicSecurityDeadline, DeadlineKey> = {
  filingDecision: 'filingDecision', reconsiderationRequest: 'reconsiderationRequest', reconsiderationDecision: 'reconsiderationAnswer',
};

/** Public security's rules in force at the test's start. */
export const DEADLINE_RULES = (Object.keys(KEY) as PublicSecurityDeadline[]).map((key) => {
  const rule = ruleInEffect(KEY[key], new Date());
  return { key, days: rule.period.amount, calendar: rule.counting as DayCounting, citation: rule.citation, override: rule.override?.env };
});

/** When a public-security period that starts at `from` ends, with `env` as the service's environment. */
export function dueAt(key: PublicSecurityDeadline, from: Date, env: NodeJS.ProcessEnv): Date {
  return kitDueAt(KEY[key], from, { env });
}

/** The procuratorate's reply periods in force at the test's start. */
export const REPLY_DEADLINE_RULES = (['publicInterestUrgentReply', 'publicInterestReply', 'suggestionReply'] as const).map((id) => {
  const rule = ruleInEffect(id, new Date());
  return { id, citation: rule.citation, dayCount: rule.counting, verified: rule.verified ?? false };
});
