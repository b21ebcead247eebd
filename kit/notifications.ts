import { POLICY } from './policy';
import { enqueue, type Queryable } from './outbox';

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
] as const;
export type InboxKind = (typeof INBOX_KINDS)[number];

export const SUBJECT_TYPES = ['CASE_TRANSFER', 'PROCURATORIAL_SUGGESTION', 'JUSTICE_SUPERVISION_MATTER'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

export type Recipient = { org: string } | { scope: string; region: string };

/** Whether `scope` is one the policy knows (a notice to an unknown scope would reach nobody). */
export const isKnownScope = (scope: string): boolean => Object.hasOwn(POLICY.scopes, scope);

export interface Notification {
  recipient: Recipient;
  kind: InboxKind;
  title: string;
  subjectType: SubjectType;
  subjectId: string;
  /** The region of the matter (the case's or the bureau's). */
  region: string;
  /** The sender's runtime.now() when it happened. */
  occurredAt: string;
}

/** Writes notifications into the sender's outbox, in the caller's transaction. */
export function notify(tx: Queryable, notifications: Notification[]): Promise<string[]> {
  return enqueue(tx, notifications, NOTIFICATION_OUTBOX);
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

/** What the procuratorate sends justice (route `supervision-escalations`) when it escalates. */
export interface EscalationEvent {
  eventId: string;
  /** The escalation's id, which is also the id of the justice bureau's matter. */
  escalationId: string;
  suggestionId: string;
  agencyCode: string;
  procuratorateCode: string;
  region: string;
  reason: 'OVERDUE' | 'NOT_RECTIFIED';
  escalatedAt: string;
  suggestionKind: string;
  content: string;
  issuedAt: string;
  replyDueAt: string;
  reply: string | null;
}

/** What justice sends back (route `escalation-results`) when it records its result. */
export interface EscalationResultEvent {
  eventId: string;
  escalationId: string;
  suggestionId: string;
  status: 'OPEN' | 'CLOSED';
  result: string;
  resultAt: string;
}
