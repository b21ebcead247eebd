import { POLICY } from './policy';
import { enqueue, type Queryable } from './outbox';
import { instant, message, MessageError, nullable, oneOf, regionCode, text, uuid, type Check, type Payload } from './messages/check';

// The inbox contract (双向通报). Justice runs the platform and keeps every unit's inbox; the other
// owners write notifications into their `notification_outbox`, relayed to justice's
// POST /internal/notifications. A unit is addressed by its code (org), or, where the sender
// cannot know the unit, by a scope and a region: every unit whose grant of that scope reaches the
// region sees it (public security of 320706 and of the city 320700 alike). Addressing by scope keeps
// the inbox under schema/policy.json, like every other access decision: no role is named here.

export const NOTIFICATION_OUTBOX = 'notification_outbox';
export const NOTIFICATION_ROUTE = 'notifications';

export const INBOX_KINDS = [
  'TRANSFER_SUBMITTED', 'TRANSFER_DECIDED', 'RECONSIDERATION_REQUESTED', 'RECONSIDERATION_DECIDED',
  'SUGGESTION_ISSUED', 'SUGGESTION_REPLIED', 'SUGGESTION_ESCALATED', 'ESCALATION_RESULT',
  'SUGGESTION_TYPICAL', 'SUGGESTION_LITIGATION', // 典型问题 抄送司法局, 公益诉讼 (subgraphs/procuratorate/suggestion-stages.ts)
  // 立案监督 (subgraphs/procuratorate/filing-supervision.ts, subgraphs/public-security/filing-supervision.ts)
  'FILING_SUPERVISION_REQUESTED', 'FILING_EXPLANATION_REQUESTED', 'FILING_EXPLAINED', 'FILING_REASONS_ACCEPTED', 'FILING_ORDERED', 'FILED_ON_ORDER', 'FILING_CORRECTION_NOTICE',
  'INVESTIGATION_REMINDER', // 立而不侦 (subgraphs/public-security/investigation-reminder.ts)
  'TRANSFER_MATERIALS_REQUESTED', 'TRANSFER_MATERIALS_COMPLETED', 'FILING_PERIOD_EXTENDED', // 受理: 补正, 立案审查期限的延长 (subgraphs/public-security/intake/)
  'TRANSFER_FORWARDED', 'TRANSFER_RETURNED', // 转送, 退回 (subgraphs/public-security/intake/forward.ts)
  'SEIZED_ITEMS_HANDED_OVER', 'SEIZED_ITEMS_NONE', 'SEIZED_ITEMS_RECEIVED', // 涉案物品移交 (subgraphs/public-security/intake/seized-items.ts)
  'CASE_RETURNED', 'CASE_RETURN_ACKNOWLEDGED', // 反向移送 (kit/reverse-transfer.ts)
  // 行政执法监督意见书 (subgraphs/justice/supervision-opinions.ts)
  'SUPERVISION_OPINION_ISSUED', 'SUPERVISION_OPINION_REPLIED', 'SUPERVISION_OPINION_VERIFIED',
  'COLLABORATION_REQUESTED', 'COLLABORATION_ANSWERED', 'COLLABORATION_URGED', 'COLLABORATION_OVERDUE', // 协作: 咨询, 提前介入, 线索, 交办/督办 (subgraphs/justice/collaboration.ts)
] as const;
export type InboxKind = (typeof INBOX_KINDS)[number];

export const SUBJECT_TYPES = ['CASE_TRANSFER', 'PROCURATORIAL_SUGGESTION', 'JUSTICE_SUPERVISION_MATTER', 'SUPERVISION_OPINION', 'CASE_RETURN', 'COLLABORATION_MATTER'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

/** Whether `scope` is one the policy knows (a notice to an unknown scope would reach nobody). */
export const isKnownScope = (scope: string): boolean => Object.hasOwn(POLICY.scopes, scope);

export type Recipient = { org: string } | { scope: string; region: string };

/** A unit by its code, or a scope of the policy and a region. */
const recipient: Check<Recipient> = (v, path) => {
  const r = (typeof v === 'object' && v !== null ? v : {}) as { org?: unknown; scope?: unknown; region?: unknown };
  if (r.org !== undefined && r.org !== null) return { org: text(100)(r.org, `${path}.org`) };
  const scope = text(100)(r.scope, `${path}.scope`);
  if (!isKnownScope(scope)) throw new MessageError(`${path}.scope`, 'knownScope', 'must be a scope of schema/policy.json');
  return { scope, region: regionCode(r.region, `${path}.region`) };
};

/** A notification for a unit's inbox (route `notifications` of justice). */
export const NOTIFICATION = message('Notification', {
  recipient,
  kind: oneOf(INBOX_KINDS),
  title: text(2000),
  subjectType: oneOf(SUBJECT_TYPES),
  subjectId: uuid,
  /** The region of the matter (the case's or the bureau's). */
  region: regionCode,
  /** The sender's runtime.now() when it happened. */
  occurredAt: instant,
});
export type Notification = Payload<typeof NOTIFICATION>;

/** The sender's side of the notification channel: its outbox table and the message it holds. */
export const NOTIFICATIONS = { table: NOTIFICATION_OUTBOX, message: NOTIFICATION };

/** Writes notifications into the sender's outbox, in the caller's transaction. */
export function notify(tx: Queryable, notifications: Notification[]): Promise<string[]> {
  return enqueue(tx, NOTIFICATIONS, notifications);
}

/** SDL shared by the owners that show escalations (justice and the procuratorate): enums must match. */
export const ESCALATION_SDL = `
"""Why a procuratorial suggestion was copied to the justice bureau (seed 001)"""
enum EscalationReason {
  "不予回复: no written reply by replyDueAt"
  OVERDUE
  "不予整改: replied without rectification"
  NOT_RECTIFIED
}

"""行政执法监督 matter state: OPEN until the justice bureau records its result"""
enum JusticeSupervisionStatus { OPEN CLOSED }`;

export const ESCALATION_REASONS = ['OVERDUE', 'NOT_RECTIFIED'] as const;

/** What the procuratorate sends justice (route `supervision-escalations`) when it escalates. */
export const ESCALATION_EVENT = message('EscalationEvent', {
  /** The escalation's id, which is also the id of the justice bureau's matter. */
  escalationId: uuid,
  suggestionId: uuid,
  agencyCode: text(100),
  procuratorateCode: text(100),
  region: regionCode,
  reason: oneOf(ESCALATION_REASONS),
  escalatedAt: instant,
  suggestionKind: text(100),
  content: text(20_000),
  issuedAt: instant,
  replyDueAt: instant,
  reply: nullable(text(20_000)),
});
export type EscalationEvent = Payload<typeof ESCALATION_EVENT>;
export const ESCALATION_ROUTE = 'supervision-escalations';

/** What justice sends back (route `escalation-results`) when it records its result. */
export const ESCALATION_RESULT_EVENT = message('EscalationResultEvent', {
  escalationId: uuid,
  suggestionId: uuid,
  status: oneOf(['OPEN', 'CLOSED'] as const),
  result: text(5000),
  resultAt: instant,
});
export type EscalationResultEvent = Payload<typeof ESCALATION_RESULT_EVENT>;
export const ESCALATION_RESULT_ROUTE = 'escalation-results';
