import type { SubgraphContext, SubgraphRuntime } from '../../kit/module';
import { keysetPageSql } from '../../kit/cursor';
import { dueAt, isPast } from '../../kit/deadlines';
import { notFound } from '../../kit/errors';
import { guardedUpdate } from '../../kit/guarded-update';
import { CASE_STATE_OUTBOX, reportTransferState } from './case-state';
import { filingSupervisionRequestFlow as flow } from './filing-supervision-flow';
import { transferFlow } from './transfer-flow';
import { batchLoader, byKey, isUuid, perRequest } from '../../kit/loaders';
import { may, mayFilter, requireCovers, requireMay, requireScope } from '../../kit/access';
import { FILING_NOTICE, type FilingNotice } from '../../kit/messages/filing-supervision';
import { NOTIFICATION_OUTBOX, notify, type Notification } from '../../kit/notifications';
import { nudgeOutbox, type Queryable } from '../../kit/outbox';
import { receiveOnce, type Received } from '../../kit/receive-once';
import { requireText } from '../../kit/rules';
import { TRANSFER_COLUMNS, type TransferRow } from './entities';
import { remember, type PublicSecurityLoaders } from './loaders';
import { filing } from './mutations';
import { FILING_OUTBOX, reportFiling } from './store';
import { filingSupervisionRequestReadSql, filingSupervisionRequestRule } from './resources/filing-supervision-request';
import { transferRule } from './resources/transfer';

// 立案监督 as public security lives it (刑事诉讼法 第113条; 刑诉规则 2019 第五百五十九条–第五百六十一条;
// 公安机关办理刑事案件程序规定 第一百八十三条、第一百八十四条). The procuratorate's notices arrive on
// POST /internal/filing-notices; the day one arrives is the day public security received it (收到),
// and the period to answer runs from that receipt: 7 days to explain a refusal (filingExplanation),
// 15 days to file once ordered (filingOrder). Every receipt, explanation and filing is reported
// back to the procuratorate through this subgraph's filing outbox (kit/outbox.ts).

type Ctx = SubgraphContext<PublicSecurityLoaders>;

export type RequestStatus = 'EXPLANATION_REQUESTED' | 'EXPLAINED' | 'REASONS_ACCEPTED' | 'FILING_ORDERED' | 'CORRECTION_NOTICED' | 'FILED';

export interface FilingSupervisionRequestRow {
  id: string; transferId: string; caseId: string; agencyCode: string; acceptingUnit: string | null; region: string; procuratorateCode: string;
  status: RequestStatus; requestText: string | null;
  explanationRequestedAt: Date; explanationReceivedAt: Date; explanationDueAt: Date;
  explanation: string | null; explainedAt: Date | null; explainedBy: string | null; reasonsAcceptedAt: Date | null;
  orderText: string | null; filingOrderedAt: Date | null; orderReceivedAt: Date | null; filingDueAt: Date | null;
  correctionNoticedAt: Date | null; filedAt: Date | null; filedBy: string | null; version: number;
}

const COLUMNS = `id, transfer_id AS "transferId", case_id AS "caseId", agency_code AS "agencyCode", accepting_unit AS "acceptingUnit", region,
  procuratorate_code AS "procuratorateCode", status, request_text AS "requestText",
  explanation_requested_at AS "explanationRequestedAt", explanation_received_at AS "explanationReceivedAt", explanation_due_at AS "explanationDueAt",
  explanation, explained_at AS "explainedAt", explained_by AS "explainedBy", reasons_accepted_at AS "reasonsAcceptedAt",
  order_text AS "orderText", filing_ordered_at AS "filingOrderedAt", order_received_at AS "orderReceivedAt", filing_due_at AS "filingDueAt",
  correction_noticed_at AS "correctionNoticedAt", filed_at AS "filedAt", filed_by AS "filedBy", version`;

/** What public security owes now, and by when: an explanation, or the filing it was ordered to make. */
export function owedDueAt(r: FilingSupervisionRequestRow): Date | null {
  if (r.status === 'EXPLANATION_REQUESTED') return r.explanationDueAt;
  if (r.status === 'FILING_ORDERED' || r.status === 'CORRECTION_NOTICED') return r.filingDueAt;
  return null;
}

const notice = (r: Pick<FilingSupervisionRequestRow, 'transferId' | 'region'>, recipient: Notification['recipient'], kind: Notification['kind'], title: string, at: Date): Notification =>
  ({ recipient, kind, title, subjectType: 'CASE_TRANSFER', subjectId: r.transferId, region: r.region, occurredAt: at.toISOString() });

/** The accepting unit, or (a transfer never accepted cannot be refused, but to be safe) public security of the region. */
const acceptingUnitOf = (r: { acceptingUnit: string | null; region: string }): Notification['recipient'] =>
  (r.acceptingUnit ? { org: r.acceptingUnit } : { scope: 'transfer:decide', region: r.region });

// ── receiving the procuratorate's notices ──────────────────────────────────────────────────────

/** The rows an UPDATE … RETURNING changed (in a CTE: TypeORM answers a bare UPDATE with [rows, count]). */
export const updated = (tx: Queryable, update: string, params: unknown[]): Promise<{ id: string }[]> =>
  tx.query(`WITH changed AS (${update}) SELECT * FROM changed`, params);

async function applyNotice(runtime: SubgraphRuntime, tx: Queryable, n: FilingNotice): Promise<void> {
  const receivedAt = runtime.now();
  const [transfer]: TransferRow[] = await tx.query(`SELECT ${TRANSFER_COLUMNS} FROM case_transfer WHERE id = $1`, [n.transferId]);
  if (!transfer) return; // not a transfer of this public security: nothing to record
  const ref = { transferId: transfer.id, region: transfer.region };
  switch (n.kind) {
    case 'EXPLANATION_REQUESTED': {
      // 收到要求说明不立案理由通知书: 7 days from receipt (filingExplanation).
      const due = dueAt('filingExplanation', { receivedAt });
      const inserted = await tx.query(`
        INSERT INTO filing_supervision_request (id, transfer_id, case_id, agency_code, accepting_unit, region, procuratorate_code, status,
          request_text, explanation_requested_at, explanation_received_at, explanation_due_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, 'EXPLANATION_REQUESTED', $8, $9, $10, $11) ON CONFLICT DO NOTHING RETURNING id`,
      [n.matterId, transfer.id, transfer.caseId, transfer.agencyCode, transfer.acceptingUnit, transfer.region, n.procuratorateCode,
        n.text, n.sentAt, receivedAt, due]);
      if (!inserted.length) return;
      await reportFiling(tx, transfer, { kind: 'NOTICE_RECEIVED', at: receivedAt.toISOString(), matterId: n.matterId, notice: n.kind, dueAt: due.toISOString() });
      await notify(tx, [notice(ref, acceptingUnitOf(transfer), 'FILING_EXPLANATION_REQUESTED',
        `要求说明不立案理由 (${n.procuratorateCode}): 请于 ${due.toISOString()} 前书面说明`, receivedAt)]);
      return;
    }
    case 'FILING_ORDERED': {
      // 收到通知立案书: file within 15 days of receipt (filingOrder).
      const due = dueAt('filingOrder', { receivedAt });
      const changed = await updated(tx, `
        UPDATE filing_supervision_request SET status = 'FILING_ORDERED', order_text = $2, filing_ordered_at = $3, order_received_at = $4,
          filing_due_at = $5, version = version + 1
        WHERE id = $1 AND status = ANY($6) RETURNING id`, [n.matterId, n.text, n.sentAt, receivedAt, due, flow.steps.filingOrdered.from]);
      if (!changed.length) return;
      await reportFiling(tx, transfer, { kind: 'NOTICE_RECEIVED', at: receivedAt.toISOString(), matterId: n.matterId, notice: n.kind, dueAt: due.toISOString() });
      await notify(tx, [notice(ref, acceptingUnitOf(transfer), 'FILING_ORDERED', `通知立案 (${n.procuratorateCode}): 请于 ${due.toISOString()} 前立案`, receivedAt)]);
      return;
    }
    case 'REASONS_ACCEPTED': {
      const changed = await updated(tx, `UPDATE filing_supervision_request SET status = 'REASONS_ACCEPTED', reasons_accepted_at = $2, version = version + 1
        WHERE id = $1 AND status = ANY($3) RETURNING id`, [n.matterId, receivedAt, flow.steps.reasonsAccepted.from]);
      if (changed.length) await notify(tx, [notice(ref, acceptingUnitOf(transfer), 'FILING_REASONS_ACCEPTED', `不立案理由成立 (${n.procuratorateCode})`, receivedAt)]);
      return;
    }
    case 'CORRECTION_NOTICE': {
      const changed = await updated(tx, `UPDATE filing_supervision_request SET status = 'CORRECTION_NOTICED', correction_noticed_at = $2, version = version + 1
        WHERE id = $1 AND status = ANY($3) RETURNING id`, [n.matterId, receivedAt, flow.steps.correctionNoticed.from]);
      if (changed.length) await notify(tx, [notice(ref, acceptingUnitOf(transfer), 'FILING_CORRECTION_NOTICE', `纠正违法通知书 (${n.procuratorateCode}): 通知立案后逾期未立案`, receivedAt)]);
      return;
    }
  }
}

/** POST /internal/filing-notices: the procuratorate's notices, each applied once, in order. */
export function receiveFilingNotices(runtime: SubgraphRuntime, body: unknown): Promise<Received> {
  return receiveOnce(runtime, FILING_NOTICE, body, async (tx, fresh) => {
    for (const n of fresh) await applyNotice(runtime, tx, n);
  }).then((received) => {
    nudgeOutbox(runtime, FILING_OUTBOX);
    nudgeOutbox(runtime, NOTIFICATION_OUTBOX);
    return received;
  });
}

// ── reading ────────────────────────────────────────────────────────────────────────────────────

const requestsOf = perRequest((runtime) => ({
  byId: batchLoader<string, FilingSupervisionRequestRow | null>(async (ids) => {
    const wanted = ids.filter(isUuid);
    const rows: FilingSupervisionRequestRow[] = wanted.length ? await runtime.db.query(`SELECT ${COLUMNS} FROM filing_supervision_request WHERE id = ANY($1)`, [wanted]) : [];
    return byKey(ids, rows, (r) => r.id);
  }),
  byTransfer: batchLoader<string, FilingSupervisionRequestRow | null>(async (ids) => {
    const rows: FilingSupervisionRequestRow[] = await runtime.db.query(`SELECT ${COLUMNS} FROM filing_supervision_request WHERE transfer_id = ANY($1)`, [ids.filter(isUuid)]);
    return byKey(ids, rows, (r) => r.transferId);
  }),
}));

const readable = (ctx: Ctx, row: FilingSupervisionRequestRow | null) => (row && may(ctx.identity, filingSupervisionRequestRule, 'read', row) ? row : null);

/** Query.filingSupervisionRequests: those on transfers the caller reads, newest first; `open`: those still owing an answer or a filing. */
export async function listFilingSupervisionRequests(ctx: Ctx, { open, ...page }: { open?: boolean | null; first?: number | null; after?: string | null; last?: number | null; before?: string | null }) {
  requireScope(ctx.identity, filingSupervisionRequestRule.actions.read.scope, 'read filing supervision');
  const rule = filingSupervisionRequestReadSql(ctx.identity, 'r');
  // rowFilterSql speaks TypeORM's named parameters; here they become positional ones.
  const params: unknown[] = [];
  const where = rule.sql.replace(/:(\w+)/g, (_, name: string) => { params.push(rule.params[name]); return `$${params.length}`; });
  const openOnly = open ? `AND r.status IN ('EXPLANATION_REQUESTED', 'FILING_ORDERED', 'CORRECTION_NOTICED')` : '';
  return keysetPageSql<FilingSupervisionRequestRow>(params, { column: 'r.explanation_received_at', idColumn: 'r.id', timeOf: (row) => row.explanationReceivedAt, ...page },
    (page) => ctx.runtime.db.query(`SELECT ${COLUMNS} FROM filing_supervision_request r
      WHERE ${where} ${openOnly} AND ${page.where} ${page.orderLimit}`, params));
}

/**
 * OverdueItems.filingSupervisionRequests: explanations or filings owed past their due date, among
 * the requests the caller reads (resources/filing-supervision-request.ts). Nobody else has any.
 */
export const overdueFilingSupervisionFields = {
  async filingSupervisionRequests(_: { unit: string }, __: unknown, ctx: Ctx): Promise<FilingSupervisionRequestRow[]> {
    if (mayFilter(ctx.identity, filingSupervisionRequestRule, 'read').kind === 'none') return [];
    const rule = filingSupervisionRequestReadSql(ctx.identity, 'r');
    const params: unknown[] = [ctx.runtime.now()];
    const where = rule.sql.replace(/:(\w+)/g, (_, name: string) => { params.push(rule.params[name]); return `$${params.length}`; });
    const rows: FilingSupervisionRequestRow[] = await ctx.runtime.db.query(`SELECT ${COLUMNS} FROM filing_supervision_request r
      WHERE ((r.status = 'EXPLANATION_REQUESTED' AND r.explanation_due_at < $1) OR (r.status IN ('FILING_ORDERED', 'CORRECTION_NOTICED') AND r.filing_due_at < $1))
        AND ${where} ORDER BY r.explanation_received_at, r.id LIMIT 500`, params);
    for (const row of rows) requestsOf(ctx).byId.prime(row.id, row);
    return rows;
  },
};

export const filingSupervisionQueries = {
  filingSupervisionRequests: (_: unknown, args: { open?: boolean | null; first?: number | null; after?: string | null; last?: number | null; before?: string | null }, ctx: Ctx) => listFilingSupervisionRequests(ctx, args),
};

/** CaseTransfer.filingSupervision: the procuratorate's requests on this transfer, as public security holds them. */
export const transferFilingSupervisionFields = {
  filingSupervision: async (t: TransferRow, _: unknown, ctx: Ctx) => readable(ctx, await requestsOf(ctx).byTransfer.load(t.id)),
};

export const filingSupervisionRequestFields = {
  __resolveReference: async (ref: { id: string }, ctx: Ctx) => readable(ctx, await requestsOf(ctx).byId.load(ref.id)),
  /** The transfer itself (this subgraph's own entity: resolved here, under its own row rule). */
  transfer: async (r: FilingSupervisionRequestRow, _: unknown, ctx: Ctx) => {
    const transfer = await ctx.loaders.transferById.load(r.transferId);
    return transfer && may(ctx.identity, transferRule, 'read', transfer) ? transfer : null;
  },
  /** The procuratorate's matter (its own entity). */
  matter: (r: FilingSupervisionRequestRow) => ({ __typename: 'FilingSupervision', id: r.id }),
  dueAt: (r: FilingSupervisionRequestRow) => owedDueAt(r),
  /** Past the due date of what public security owes now, by the hub's clock. */
  overdue: (r: FilingSupervisionRequestRow, _: unknown, ctx: Ctx) => isPast(owedDueAt(r), ctx.runtime.now()),
};

// ── answering ──────────────────────────────────────────────────────────────────────────────────

type Step = 'explain' | 'file';

/** The request, if the caller's grant reaches it and it is in one of `states`, and the step's condition holds; nothing is written otherwise. */
async function requireStep(ctx: Ctx, id: string, step: Step, what: string): Promise<FilingSupervisionRequestRow> {
  requireScope(ctx.identity, filingSupervisionRequestRule.actions[step].scope, what);
  const row = await requestsOf(ctx).byId.load(id);
  if (!row) throw notFound('FilingSupervisionRequest', id);
  requireCovers(ctx.identity, filingSupervisionRequestRule.actions[step].scope, filingSupervisionRequestRule.place(row), `${what} on this filing supervision request`);
  flow.requireFrom(step, row, what);
  requireMay(ctx.identity, filingSupervisionRequestRule, step, row);
  return row;
}

const conflict = (seen: FilingSupervisionRequestRow) => () => `filing supervision request ${seen.id} was changed by someone else while it was ${seen.status}; reload it`;

export const filingSupervisionMutations = {
  /** 不立案理由说明: the accepting unit explains its refusal in writing; late answers are taken and shown late. */
  async explainNonFiling(_: unknown, { id, explanation }: { id: string; explanation: string }, ctx: Ctx) {
    const seen = await requireStep(ctx, id, 'explain', 'an explanation of the refusal');
    const text = requireText('explanation', explanation, 20_000);
    const now = ctx.runtime.now();
    const row = await ctx.runtime.db.transaction(async (tx) => {
      const changed = await guardedUpdate<FilingSupervisionRequestRow>(tx, {
        table: 'filing_supervision_request', id: seen.id, expect: { status: seen.status, version: seen.version }, version: 'version', returning: COLUMNS,
        set: { status: flow.to('explain', 'EXPLAINED'), explanation: text, explained_at: now, explained_by: ctx.identity.sub },
      }, { type: 'FilingSupervisionRequest', conflict: conflict(seen) });
      const transfer = { id: changed.transferId, caseId: changed.caseId, agencyCode: changed.agencyCode, acceptingUnit: changed.acceptingUnit, region: changed.region };
      await reportFiling(tx, transfer, { kind: 'EXPLAINED', at: now.toISOString(), matterId: changed.id, text });
      await notify(tx, [notice(changed, { org: changed.procuratorateCode }, 'FILING_EXPLAINED', `不立案理由说明 (${changed.acceptingUnit ?? changed.region})`, now)]);
      return changed;
    });
    nudgeOutbox(ctx.runtime, FILING_OUTBOX);
    nudgeOutbox(ctx.runtime, NOTIFICATION_OUTBOX);
    requestsOf(ctx).byId.clear(row.id).prime(row.id, row);
    return row;
  },

  /** 依通知立案: the accepting unit files the case it was ordered to file; the transfer becomes FILED. */
  async fileOnOrder(_: unknown, { id }: { id: string }, ctx: Ctx) {
    const seen = await requireStep(ctx, id, 'file', 'filing on the procuratorate\'s order');
    const transfer = await ctx.loaders.transferById.load(seen.transferId);
    if (!transfer) throw notFound('CaseTransfer', seen.transferId);
    transferFlow.requireFrom('fileOnOrder', transfer, 'filing on an order');
    const now = ctx.runtime.now();
    const { row, filed } = await ctx.runtime.db.transaction(async (tx) => {
      const changed = await guardedUpdate<FilingSupervisionRequestRow>(tx, {
        table: 'filing_supervision_request', id: seen.id, expect: { status: seen.status, version: seen.version }, version: 'version', returning: COLUMNS,
        set: { status: flow.to('file', 'FILED'), filed_at: now, filed_by: ctx.identity.sub },
      }, { type: 'FilingSupervisionRequest', conflict: conflict(seen) });
      const filedTransfer = await guardedUpdate<TransferRow>(tx, {
        table: 'case_transfer', id: transfer.id, expect: { status: transfer.status, version: transfer.version }, version: 'version', returning: TRANSFER_COLUMNS,
        set: { status: transferFlow.to('fileOnOrder', 'FILED'), filed_at: now, investigation_reminder_due_at: filing(now).investigationReminderDueAt },
      }, { type: 'CaseTransfer', conflict: () => `transfer ${transfer.id} was changed by someone else while it was ${transfer.status}; reload it` });
      await reportFiling(tx, filedTransfer, { kind: 'FILED', at: now.toISOString(), matterId: changed.id });
      await reportTransferState(tx, filedTransfer, now);
      const title = `依检察院通知立案: ${filedTransfer.summary.slice(0, 60)}`;
      await notify(tx, [
        notice(changed, { org: changed.procuratorateCode }, 'FILED_ON_ORDER', title, now),
        notice(changed, { org: changed.agencyCode }, 'FILED_ON_ORDER', title, now),
      ]);
      return { row: changed, filed: filedTransfer };
    });
    nudgeOutbox(ctx.runtime, FILING_OUTBOX);
    nudgeOutbox(ctx.runtime, NOTIFICATION_OUTBOX);
    nudgeOutbox(ctx.runtime, CASE_STATE_OUTBOX);
    remember(ctx.loaders, filed);
    requestsOf(ctx).byId.clear(row.id).prime(row.id, row);
    return row;
  },
};
