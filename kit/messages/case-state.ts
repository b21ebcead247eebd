import { instant, integer, message, nullable, oneOf, uuid, type Payload } from './check';

// Where a case stands with the other owners, for the index's case list (filters by transfer and
// supervision state, overdue). The index holds only these states, never the records themselves:
// the transfer stays public security's, the matter the procuratorate's. Each sender writes one
// message in the transaction that changes the state (kit/outbox.ts); justice applies it once
// (kit/receive-once.ts).

/** The states of a transfer (移送 → 受理 → 立案 / 不予立案 → 复议), as public security's flow declares them. */
export const TRANSFER_STATES = ['SUBMITTED', 'ACCEPTED', 'MATERIALS_REQUESTED', 'FILED', 'NOT_FILED', 'RECONSIDERATION_REQUESTED', 'RECONSIDERATION_UPHELD',
  'RETURNED', 'FORWARDED'] as const;

/** POST /internal/transfer-states of justice: the case's transfer is now in `status`. */
export const TRANSFER_STATE_EVENT = message('TransferStateEvent', {
  caseId: uuid,
  transferId: uuid,
  status: oneOf(TRANSFER_STATES),
  /** The deadline public security is waiting on in this state (filing decision, reconsideration answer); null when none. */
  dueAt: nullable(instant),
  /** The transfer's version: a later state never gives way to an earlier one delivered late. */
  version: integer,
  at: instant,
});
export type TransferStateEvent = Payload<typeof TRANSFER_STATE_EVENT>;
export const TRANSFER_STATE_ROUTE = 'transfer-states';

/** POST /internal/supervision-states of justice: a supervision matter on the case is now OPEN or CLOSED. */
export const SUPERVISION_STATE_EVENT = message('SupervisionStateEvent', {
  caseId: uuid,
  matterId: uuid,
  status: oneOf(['OPEN', 'CLOSED'] as const),
  at: instant,
});
export type SupervisionStateEvent = Payload<typeof SUPERVISION_STATE_EVENT>;
export const SUPERVISION_STATE_ROUTE = 'supervision-states';
