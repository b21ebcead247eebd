// Reply periods for procuratorial suggestions (检察建议), kept as data with their legal basis.
// The first rule that matches a suggestion decides its replyDueAt.

export type SuggestionKind = 'CORRECTION' | 'SOCIAL_GOVERNANCE' | 'PUBLIC_INTEREST' | 'RETRIAL' | 'OTHER';

export interface Period { months?: number; days?: number }

export interface ReplyDeadlineRule {
  id: string;
  /** Suggestion kinds the rule covers; undefined: every kind. */
  kinds?: SuggestionKind[];
  /** Only when the suggestion states that the harm to the public interest is ongoing. */
  harmOngoing?: true;
  period: Period;
  /** Whether the days count calendar or working days (domain: keep this per deadline). */
  dayCount: 'calendar';
  /** Where the rule comes from (the quoted clause is a paraphrase). */
  citation: string;
  /** False while the citation is from a secondary source and not checked against the official text. */
  verified: boolean;
}

export const REPLY_DEADLINE_RULES: ReplyDeadlineRule[] = [
  {
    id: 'public-interest-harm-ongoing',
    kinds: ['PUBLIC_INTEREST'],
    harmOngoing: true,
    period: { days: 15 },
    dayCount: 'calendar',
    citation: '《行政诉讼法》第二十五条第四款; 《最高人民法院 最高人民检察院关于检察公益诉讼案件适用法律若干问题的解释》第二十一条: 出现国家利益或者社会公共利益损害继续扩大等紧急情形的，应当在十五日内书面回复',
    verified: false,
  },
  {
    id: 'public-interest',
    kinds: ['PUBLIC_INTEREST'],
    period: { months: 2 },
    dayCount: 'calendar',
    citation: '《最高人民法院 最高人民检察院关于检察公益诉讼案件适用法律若干问题的解释》第二十一条: 行政机关应当在收到检察建议书之日起两个月内依法履行职责，并书面回复人民检察院',
    verified: false,
  },
  {
    id: 'default',
    period: { months: 2 },
    dayCount: 'calendar',
    citation: '《人民检察院检察建议工作规定》第十九条: 被建议单位应当在收到检察建议书之日起两个月以内作出相应处理，并书面回复人民检察院',
    verified: false,
  },
];

/** Dates count in China Standard Time (UTC+8, no daylight saving): a month-end in Beijing is the month-end. */
export const LEGAL_UTC_OFFSET_MINUTES = 8 * 60;

/**
 * Adds a period with calendar semantics: months first, clamped to the last day of the target
 * month (Jan 31 + 1 month = Feb 28/29), then days. The time of day is kept.
 */
export function addPeriod(from: Date, period: Period, offsetMinutes = LEGAL_UTC_OFFSET_MINUTES): Date {
  const local = new Date(from.getTime() + offsetMinutes * 60_000);
  const y = local.getUTCFullYear(), m = local.getUTCMonth() + (period.months ?? 0), d = local.getUTCDate();
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const shifted = new Date(local);
  shifted.setUTCFullYear(y, m, Math.min(d, lastDay));
  shifted.setUTCDate(shifted.getUTCDate() + (period.days ?? 0));
  return new Date(shifted.getTime() - offsetMinutes * 60_000);
}

export function replyDeadlineRule(kind: SuggestionKind, harmOngoing: boolean): ReplyDeadlineRule {
  const rule = REPLY_DEADLINE_RULES.find((r) => (!r.kinds || r.kinds.includes(kind)) && (!r.harmOngoing || harmOngoing));
  if (!rule) throw new Error(`no reply-deadline rule for ${kind}`);
  return rule;
}

/** When the receiving body's written reply is due, and the rule that says so. */
export function replyDueAt(kind: SuggestionKind, harmOngoing: boolean, issuedAt: Date): { dueAt: Date; rule: ReplyDeadlineRule } {
  const rule = replyDeadlineRule(kind, harmOngoing);
  return { dueAt: addPeriod(issuedAt, rule.period), rule };
}
