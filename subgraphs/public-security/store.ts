import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { badInput } from '../../kit/errors';
import { columnOf, TRANSFER_COLUMNS, type TransferRow } from './entities';

export type NewTransfer = Pick<TransferRow, 'caseId' | 'agencyCode' | 'region' | 'summary' | 'materials' | 'submittedAt' | 'submittedBy' | 'decisionDueAt'>;

/** The outbox whose messages copy transfers to the procuratorate (抄送), its `transfer-events` route. */
export const SUPERVISION_OUTBOX = 'supervision_outbox';

/**
 * One transfer per case: the unique constraint decides a race, in one statement. The same
 * statement writes the copy for the procuratorate into the outbox (抄送), so there is never a
 * transfer without its copy.
 */
export async function insertTransfer(db: DataSource | EntityManager, t: NewTransfer): Promise<TransferRow> {
  const rows: TransferRow[] = await db.query(
    `WITH t AS (
       INSERT INTO case_transfer (id, case_id, agency_code, region, status, summary, materials, submitted_at, submitted_by, decision_due_at, version)
       VALUES ($1, $2, $3, $4, 'SUBMITTED', $5, $6, $7, $8, $9, 1)
       ON CONFLICT (case_id) DO NOTHING
       RETURNING *),
     copy AS (
       INSERT INTO ${SUPERVISION_OUTBOX} (id, payload)
       SELECT gen_random_uuid(), jsonb_build_object('transferId', id, 'caseId', case_id, 'agencyCode', agency_code, 'region', region,
         'status', status, 'submittedAt', submitted_at) FROM t)
     SELECT ${TRANSFER_COLUMNS} FROM t`,
    [randomUUID(), t.caseId, t.agencyCode, t.region, t.summary, t.materials, t.submittedAt, t.submittedBy, t.decisionDueAt]);
  if (!rows.length) throw badInput('caseId', 'transition', `case ${t.caseId} has been transferred already: one transfer per case`);
  return rows[0];
}

export type TransferChange = Partial<Omit<TransferRow, 'id' | 'caseId' | 'version'>>;

/**
 * Moves a transfer on from the state the caller saw: one UPDATE guarded by that status and
 * version, so of two concurrent decisions exactly one wins and the other is told why.
 */
export async function advance(db: DataSource | EntityManager, seen: TransferRow, change: TransferChange): Promise<TransferRow> {
  const properties = Object.keys(change) as (keyof TransferChange)[];
  const assignments = properties.map((p, i) => `${columnOf(p)} = $${i + 4}`);
  // TypeORM answers an UPDATE with [rows, rowCount].
  const [rows] = (await db.query(
    `UPDATE case_transfer SET ${[...assignments, 'version = version + 1'].join(', ')}
     WHERE id = $1 AND status = $2 AND version = $3
     RETURNING ${TRANSFER_COLUMNS}`,
    [seen.id, seen.status, seen.version, ...properties.map((p) => change[p])])) as [TransferRow[], number];
  if (!rows.length) {
    throw badInput('id', 'transition', `transfer ${seen.id} was changed by someone else while it was ${seen.status}; reload it and decide again`);
  }
  return rows[0];
}
