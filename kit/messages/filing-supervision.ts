import { instant, message, nullable, oneOf, regionCode, text, uuid, type Payload } from './check';

// 立案监督 (刑事诉讼法 第113条; 国务院令第310号 第九条) between public security and the procuratorate.
// Two messages, one per direction, each through its sender's outbox (kit/outbox.ts) and applied
// once by the receiver (kit/receive-once.ts).

/**
 * What public security reports (POST /internal/filing-events of the procuratorate): a refusal to
 * file, a refusal upheld on reconsideration, a filing (by decision, reconsideration or on the
 * procuratorate's order), the receipt of a notice (收到: the period runs from it) and an
 * explanation of a refusal (不立案理由说明).
 */
export const FILING_EVENT_KINDS = ['REFUSED', 'REFUSAL_UPHELD', 'FILED', 'NOTICE_RECEIVED', 'EXPLAINED'] as const;
export type FilingEventKind = (typeof FILING_EVENT_KINDS)[number];

export const FILING_EVENT = message('FilingEvent', {
  kind: oneOf(FILING_EVENT_KINDS),
  transferId: uuid,
  caseId: uuid,
  agencyCode: text(100),
  acceptingUnit: nullable(text(100)),
  region: regionCode,
  /** When it happened, by public security's clock. */
  at: instant,
  /** REFUSED, REFUSAL_UPHELD: the written reason; EXPLAINED: the explanation. */
  text: nullable(text(20_000)),
  /** NOTICE_RECEIVED, EXPLAINED, FILED on an order: the supervision matter (the procuratorate's id). */
  matterId: nullable(uuid),
  /** NOTICE_RECEIVED: which notice, and when the step it asks for is due (counted from receipt). */
  notice: nullable(oneOf(['EXPLANATION_REQUESTED', 'FILING_ORDERED'] as const)),
  dueAt: nullable(instant),
});
export type FilingEvent = Payload<typeof FILING_EVENT>;
export const FILING_EVENT_ROUTE = 'filing-events';

/**
 * What the procuratorate sends public security (POST /internal/filing-notices): 要求说明不立案理由,
 * 通知立案, that the reasons were found sound (理由成立), or a 纠正违法通知书 for an order not followed.
 */
export const FILING_NOTICE_KINDS = ['EXPLANATION_REQUESTED', 'FILING_ORDERED', 'REASONS_ACCEPTED', 'CORRECTION_NOTICE'] as const;
export type FilingNoticeKind = (typeof FILING_NOTICE_KINDS)[number];

export const FILING_NOTICE = message('FilingNotice', {
  kind: oneOf(FILING_NOTICE_KINDS),
  matterId: uuid,
  transferId: uuid,
  procuratorateCode: text(100),
  region: regionCode,
  /** When the procuratorate sent it (its clock); the period runs from receipt, recorded by public security. */
  sentAt: instant,
  /** The procurator's written reasons, if any. */
  text: nullable(text(20_000)),
});
export type FilingNotice = Payload<typeof FILING_NOTICE>;
export const FILING_NOTICE_ROUTE = 'filing-notices';
