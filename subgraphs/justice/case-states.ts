import type { SubgraphRuntime } from '../../kit/module';
import { receiveOnce, type Received } from '../../kit/receive-once';
import type { Queryable } from '../../kit/outbox';
import {
  SUPERVISION_STATE_EVENT, SUPERVISION_STATE_ROUTE, TRANSFER_STATE_EVENT, TRANSFER_STATE_ROUTE,
} from '../../kit/messages/case-state';

// The states of a case with the other owners, as they report them (kit/messages/case-state.ts):
// the case list filters by them (cases.ts). Each event is applied once; a state delivered late
// never replaces a later one.
// Each state row carries the case's region and owning bureau, copied from the index (what the
// case rule reads: cases.ts narrows the state rows by them, migration 1700000002950); a state that
// arrives before its case has none until the index receiver copies them (case-events.ts).

/**
 * Key of the transaction-level advisory lock between the two writers of a state's place: a state
 * written while its case is being indexed would otherwise see no case (not yet committed), and the
 * index's copy would not see the state (not yet committed either). The index writer holds it
 * exclusively from its copy to its commit, the state receivers shared (they do not wait for each
 * other). ('caseplce' in ASCII.)
 */
const CASE_PLACE_LOCK = '63617365706c6365';
const lockPlaces = (tx: Queryable, shared: boolean) =>
  tx.query(`SELECT pg_advisory_xact_lock${shared ? '_shared' : ''}(('x' || $1)::bit(64)::bigint)`, [CASE_PLACE_LOCK]);

/** The case's region and bureau onto its state rows, after the index wrote the case (case-events.ts). */
export async function copyCasePlaceToStates(tx: Queryable, caseIds: string[]): Promise<void> {
  if (!caseIds.length) return;
  await lockPlaces(tx, false);
  for (const table of ['case_transfer_state', 'case_supervision_state']) {
    await tx.query(`UPDATE ${table} s SET region = c.region, agency_code = c.agency_code FROM case_index c
      WHERE c.id = s.case_id AND s.case_id = ANY($1::uuid[])
        AND (s.region IS DISTINCT FROM c.region OR s.agency_code IS DISTINCT FROM c.agency_code)`, [caseIds]);
  }
}

/**
 * POST /internal/transfer-states (public security): the transfer's state, kept if its version is
 * newer. A case transferred again (重新移送, after a refusal or a return) has a new transfer whose
 * versions restart at 1: a state of ANOTHER transfer replaces the one held when it happened later
 * (`at`, public security's clock), so the new transfer shows at once and a late report of the
 * earlier one (closed for good by the new one) never replaces it.
 */
export function receiveTransferStates(runtime: SubgraphRuntime, body: unknown): Promise<Received> {
  return receiveOnce(runtime, TRANSFER_STATE_EVENT, body, async (tx, fresh) => {
    if (fresh.length) await lockPlaces(tx, true);
    for (const e of fresh) {
      await tx.query(`
        INSERT INTO case_transfer_state (case_id, transfer_id, status, due_at, version, changed_at, region, agency_code)
        SELECT $1::uuid, $2::uuid, $3::text, $4::timestamptz, $5::int, $6::timestamptz, c.region, c.agency_code
        FROM (SELECT 1) one LEFT JOIN case_index c ON c.id = $1::uuid
        ON CONFLICT (case_id) DO UPDATE SET transfer_id = excluded.transfer_id, status = excluded.status, due_at = excluded.due_at,
          version = excluded.version, changed_at = excluded.changed_at,
          region = coalesce(excluded.region, case_transfer_state.region), agency_code = coalesce(excluded.agency_code, case_transfer_state.agency_code)
        WHERE (case_transfer_state.transfer_id = excluded.transfer_id AND case_transfer_state.version < excluded.version)
           OR (case_transfer_state.transfer_id <> excluded.transfer_id AND case_transfer_state.changed_at <= excluded.changed_at)`, [e.caseId, e.transferId, e.status, e.dueAt, e.version, e.at]);
    }
  });
}

/** POST /internal/supervision-states (the procuratorate): a matter opened or closed; a closed matter stays closed. */
export function receiveSupervisionStates(runtime: SubgraphRuntime, body: unknown): Promise<Received> {
  return receiveOnce(runtime, SUPERVISION_STATE_EVENT, body, async (tx, fresh) => {
    if (fresh.length) await lockPlaces(tx, true);
    for (const e of fresh) {
      await tx.query(`
        INSERT INTO case_supervision_state (matter_id, case_id, status, changed_at, region, agency_code)
        SELECT $1::uuid, $2::uuid, $3::text, $4::timestamptz, c.region, c.agency_code
        FROM (SELECT 1) one LEFT JOIN case_index c ON c.id = $2::uuid
        ON CONFLICT (matter_id) DO UPDATE SET status = excluded.status, changed_at = excluded.changed_at,
          region = coalesce(excluded.region, case_supervision_state.region), agency_code = coalesce(excluded.agency_code, case_supervision_state.agency_code)
        WHERE case_supervision_state.status = 'OPEN'`, [e.matterId, e.caseId, e.status, e.at]);
    }
  });
}

export const CASE_STATE_ROUTES = { [TRANSFER_STATE_ROUTE]: receiveTransferStates, [SUPERVISION_STATE_ROUTE]: receiveSupervisionStates };
export const CASE_STATE_SENDERS = { [TRANSFER_STATE_ROUTE]: ['public-security'], [SUPERVISION_STATE_ROUTE]: ['procuratorate'] };
