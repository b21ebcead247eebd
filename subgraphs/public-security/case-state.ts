import type { EntityManager } from 'typeorm';
import { enqueue, type Channel, type Queryable } from '../../kit/outbox';
import { TRANSFER_STATE_EVENT, TRANSFER_STATE_ROUTE, type TransferStateEvent } from '../../kit/messages/case-state';
import type { TransferRow } from './entities';
import { pendingDueAt } from './overdue';

// The index's case list filters by transfer state and by overdue (issue 12): every state a
// transfer reaches is reported to justice, in the transaction that reaches it. Only the state and
// the deadline being waited on leave public security, never the transfer's content.

export const CASE_STATE_OUTBOX = 'case_state_outbox';
export const CASE_STATE_REPORTS: Channel<TransferStateEvent> = {
  to: 'justice', route: TRANSFER_STATE_ROUTE, table: CASE_STATE_OUTBOX, message: TRANSFER_STATE_EVENT,
};

/** The transfer's state for the case index, written into the outbox in the caller's transaction. */
export function reportTransferState(tx: EntityManager | Queryable, row: TransferRow, at: Date): Promise<string[]> {
  const due = pendingDueAt(row);
  return enqueue(tx, CASE_STATE_REPORTS, [{
    caseId: row.caseId, transferId: row.id, status: row.status, dueAt: due ? new Date(due).toISOString() : null,
    version: Number(row.version), at: at.toISOString(),
  }]);
}
