import type { EntityManager } from 'typeorm';
import { enqueue, type Channel, type Queryable } from '../../kit/outbox';
import { SUPERVISION_STATE_EVENT, SUPERVISION_STATE_ROUTE, type SupervisionStateEvent } from '../../kit/messages/case-state';
import type { SupervisionMatterRow } from './entities';

// The index's case list filters by supervision state (issue 12): every matter opened or closed is
// reported to justice, in the transaction that opens or closes it. Only the matter's id and state
// leave the procuratorate, never its summary or notes.

export const CASE_STATE_OUTBOX = 'case_state_outbox';
export const CASE_STATE_REPORTS: Channel<SupervisionStateEvent> = {
  to: 'justice', route: SUPERVISION_STATE_ROUTE, table: CASE_STATE_OUTBOX, message: SUPERVISION_STATE_EVENT,
};

/** The matter's state for the case index, written into the outbox in the caller's transaction. */
export function reportSupervisionState(tx: EntityManager | Queryable, row: Pick<SupervisionMatterRow, 'id' | 'caseId' | 'status'>, at: Date): Promise<string[]> {
  return enqueue(tx, CASE_STATE_REPORTS, [{ caseId: row.caseId, matterId: row.id, status: row.status as 'OPEN' | 'CLOSED', at: at.toISOString() }]);
}
