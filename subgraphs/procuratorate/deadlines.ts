// Reply periods for procuratorial suggestions (检察建议). The periods and their legal basis are data
// in schema/deadlines.json; this file only says which rule a suggestion follows.
import { addPeriod, dueAt, LEGAL_UTC_OFFSET_MINUTES, ruleInEffect, type DeadlineKey } from '../../kit/deadlines';

export { addPeriod, LEGAL_UTC_OFFSET_MINUTES };

export type SuggestionKind = 'CORRECTION' | 'SOCIAL_GOVERNANCE' | 'PUBLIC_INTEREST' | 'RETRIAL' | 'OTHER';

export interface Period { months?: number; days?: number }

export interface ReplyDeadlineRule {
  /** The key of the rule in schema/deadlines.json (stored on the suggestion as reply_due_rule). */
  id: DeadlineKey;
  /** Suggestion kinds the rule covers; undefined: every kind. */
  kinds?: SuggestionKind[];
  /** Only when the suggestion states that the harm to the public interest is ongoing. */
  harmOngoing?: true;
  period: Period;
  dayCount: 'calendar' | 'working';
  citation: string;
  verified: boolean;
}

/** Which rule a suggestion follows: the first that matches. */
const SELECTION: { id: DeadlineKey; kinds?: SuggestionKind[]; harmOngoing?: true }[] = [
  { id: 'publicInterestUrgentReply', kinds: ['PUBLIC_INTEREST'], harmOngoing: true },
  { id: 'publicInterestReply', kinds: ['PUBLIC_INTEREST'] },
  { id: 'suggestionReply' },
];

function describe(selection: (typeof SELECTION)[number], at: Date): ReplyDeadlineRule {
  const rule = ruleInEffect(selection.id, at);
  const period = rule.period.unit === 'months' ? { months: rule.period.amount } : { days: rule.period.amount };
  return { ...selection, period, dayCount: rule.counting, citation: rule.citation, verified: rule.verified ?? false };
}

/** The rules in force today (for documentation and tests). */
export const REPLY_DEADLINE_RULES: ReplyDeadlineRule[] = SELECTION.map((s) => describe(s, new Date()));

export function replyDeadlineRule(kind: SuggestionKind, harmOngoing: boolean, at: Date = new Date()): ReplyDeadlineRule {
  const selection = SELECTION.find((r) => (!r.kinds || r.kinds.includes(kind)) && (!r.harmOngoing || harmOngoing));
  if (!selection) throw new Error(`no reply-deadline rule for ${kind}`);
  return describe(selection, at);
}

/** When the receiving body's written reply is due, and the rule that says so. */
export function replyDueAt(kind: SuggestionKind, harmOngoing: boolean, issuedAt: Date): { dueAt: Date; rule: ReplyDeadlineRule } {
  const rule = replyDeadlineRule(kind, harmOngoing, issuedAt);
  return { dueAt: dueAt(rule.id, issuedAt), rule };
}
