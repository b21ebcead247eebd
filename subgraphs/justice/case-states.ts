import type { SubgraphRuntime } from '../../kit/module';
import { receiveOnce, type Received } from '../../kit/receive-once';
import {
  SUPERVISION_STATE_EVENT, SUPERVISION_STATE_ROUTE, TRANSFER_STATE_EVENT, TRANSFER_STATE_ROUTE,
} from '../../kit/messages/case-state';

// The states of a case with the other owners, as they report them (kit/messages/case-state.ts):
// the case list filters by them (cases.ts). Each event is applied once; a state delivered late
// never replaces a later one.

/**
 * POST /internal/transfer-states (public security): the transfer's state, kept if its version is
 * newer. A case transferred again (重新移送, after a refusal or a return) has a new transfer whose
 * versions restart at 1: a state of ANOTHER transfer replaces the one held when it happened later
 * (`at`, public security's clock), so the new transfer shows at once and a late report of the
 * earlier one (closed for good by the new one) never replaces it.
 */
export function receiveTransferStates(runtime: SubgraphRuntime, body: unknown): Promise<Received> {
  return receiveOnce(runtime, TRANSFER_STATE_EVENT, body, async (tx, fresh) => {
    for (const e of fresh) {
      await tx.query(`
        INSERT INTO case_transfer_state (case_id, transfer_id, status, due_at, version, changed_at) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (case_id) DO UPDATE SET transfer_id = excluded.transfer_id, status = excluded.status, due_at = excluded.due_at,
          version = excluded.version, changed_at = excluded.changed_at
        WHERE (case_transfer_state.transfer_id = excluded.transfer_id AND case_transfer_state.version < excluded.version)
           OR (case_transfer_state.transfer_id <> excluded.transfer_id AND case_transfer_state.changed_at <= excluded.changed_at)`, [e.caseId, e.transferId, e.status, e.dueAt, e.version, e.at]);
    }
  });
}

/** POST /internal/supervision-states (the procuratorate): a matter opened or closed; a closed matter stays closed. */
export function receiveSupervisionStates(runtime: SubgraphRuntime, body: unknown): Promise<Received> {
  return receiveOnce(runtime, SUPERVISION_STATE_EVENT, body, async (tx, fresh) => {
    for (const e of fresh) {
      await tx.query(`
        INSERT INTO case_supervision_state (matter_id, case_id, status, changed_at) VALUES ($1, $2, $3, $4)
        ON CONFLICT (matter_id) DO UPDATE SET status = excluded.status, changed_at = excluded.changed_at
        WHERE case_supervision_state.status = 'OPEN'`, [e.matterId, e.caseId, e.status, e.at]);
    }
  });
}

export const CASE_STATE_ROUTES = { [TRANSFER_STATE_ROUTE]: receiveTransferStates, [SUPERVISION_STATE_ROUTE]: receiveSupervisionStates };
export const CASE_STATE_SENDERS = { [TRANSFER_STATE_ROUTE]: ['public-security'], [SUPERVISION_STATE_ROUTE]: ['procuratorate'] };
