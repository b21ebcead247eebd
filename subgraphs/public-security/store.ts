import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { badInput } from '../../kit/errors';
import { enqueue, type Channel, type Queryable } from '../../kit/outbox';
import { TRANSFER_EVENT, type TransferEvent } from '../../kit/messages/transfer-event';
import { FILING_EVENT, FILING_EVENT_ROUTE, type FilingEvent } from '../../kit/messages/filing-supervision';
import { TRANSFER_COLUMNS, type TransferRow } from './entities';
import { reportTransferState } from './case-state';
import { OPEN_TRANSFER_PREDICATE } from './migrations/1700000002400-ForwardReturnRetransfer';

export type NewTransfer = Pick<TransferRow, 'caseId' | 'agencyCode' | 'region' | 'summary' | 'materials' | 'attachments' | 'submittedAt' | 'submittedBy' | 'decisionDueAt'>
  & Partial<Pick<TransferRow, 'previousTransferId' | 'newEvidence'>>;

/** 抄送: the outbox whose messages copy new transfers to the procuratorate (its `transfer-events` route). */
export const SUPERVISION_OUTBOX = 'supervision_outbox';
export const SUPERVISION_COPIES: Channel<TransferEvent> = { to: 'procuratorate', route: 'transfer-events', table: SUPERVISION_OUTBOX, message: TRANSFER_EVENT };

/** 立案监督: refusals, filings, receipts of notices and explanations, reported to the procuratorate (its `filing-events` route). */
export const FILING_OUTBOX = 'filing_outbox';
export const FILING_REPORTS: Channel<FilingEvent> = { to: 'procuratorate', route: FILING_EVENT_ROUTE, table: FILING_OUTBOX, message: FILING_EVENT };

/** A report about a transfer for the procuratorate, in the caller's transaction. */
export function reportFiling(tx: EntityManager | Queryable, t: Pick<TransferRow, 'id' | 'caseId' | 'agencyCode' | 'acceptingUnit' | 'region'>,
  event: Pick<FilingEvent, 'kind' | 'at'> & Partial<Pick<FilingEvent, 'text' | 'matterId' | 'notice' | 'dueAt'>>): Promise<string[]> {
  return enqueue(tx, FILING_REPORTS, [{
    transferId: t.id, caseId: t.caseId, agencyCode: t.agencyCode, acceptingUnit: t.acceptingUnit, region: t.region,
    text: null, matterId: null, notice: null, dueAt: null, ...event,
  }]);
}

/**
 * One open transfer per case (a case refused, upheld or returned may be transferred again with new
 * evidence: intake/retransfer.ts): the partial unique index decides a race, in one statement. The copy for the
 * procuratorate is written into the outbox in the same transaction (抄送), so there is never a
 * transfer without its copy: the caller passes its transaction.
 */
export async function insertTransfer(tx: EntityManager, t: NewTransfer): Promise<TransferRow> {
  const rows: TransferRow[] = await tx.query(
    `INSERT INTO case_transfer (id, case_id, agency_code, region, status, summary, materials, submitted_at, submitted_by, decision_due_at, attachments,
       previous_transfer_id, new_evidence, version)
     VALUES ($1, $2, $3, $4, 'SUBMITTED', $5, $6, $7, $8, $9, $10::jsonb, $11, $12, 1)
     ON CONFLICT (case_id) WHERE ${OPEN_TRANSFER_PREDICATE} DO NOTHING
     RETURNING ${TRANSFER_COLUMNS}`,
    [randomUUID(), t.caseId, t.agencyCode, t.region, t.summary, t.materials, t.submittedAt, t.submittedBy, t.decisionDueAt, JSON.stringify(t.attachments),
      t.previousTransferId ?? null, t.newEvidence ?? null]);
  if (!rows.length) {
    throw badInput('caseId', 'transition', `case ${t.caseId} has been transferred already: one open transfer per case (a refused or returned case is transferred again with new evidence, retransferCase)`);
  }
  const row = rows[0];
  await enqueue(tx, SUPERVISION_COPIES, [{
    transferId: row.id, caseId: row.caseId, agencyCode: row.agencyCode, region: row.region, submittedAt: new Date(row.submittedAt).toISOString(),
  }]);
  await reportTransferState(tx, row, new Date(row.submittedAt));
  return row;
}

export type TransferChange = Partial<Omit<TransferRow, 'id' | 'caseId' | 'version'>>;
