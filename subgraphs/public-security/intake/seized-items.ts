import { randomUUID } from 'node:crypto';
import type { SubgraphContext, SubgraphRuntime } from '../../../kit/module';
import { Violations, optionalText, requireQuantity, requireText } from '../../../kit/rules';
import { DEADLINE_RULES, dueAt, isPast } from '../../../kit/deadlines';
import { mayFilter, requireCovers, requireMay, requireScope } from '../../../kit/access';
import { notFound } from '../../../kit/errors';
import { guardedUpdate, wrongState } from '../../../kit/guarded-update';
import { NOTIFICATION_OUTBOX, notify } from '../../../kit/notifications';
import { nudgeOutbox } from '../../../kit/outbox';
import { uuidLoader } from '../../../kit/loaders';
import { CaseTransfer, type TransferRow } from '../entities';
import type { PublicSecurityLoaders } from '../loaders';
import { notice } from '../mutations';
import { transferReadSql } from '../resources/transfer';
import { seizedItemsRule } from '../resources/seized-items';
import { seizedItemsFlow, type HandoverStatus } from './seized-items-flow';

// 涉案物品移交 (国务院令第310号 第十二条): 行政执法机关对公安机关决定立案的案件，应当自接到立案通知书之日起
// 3日内将涉案物品以及与案件有关的其他材料移交公安机关，并办结交接手续. The period is
// seizedItemsHandover in schema/deadlines.json, counted from receipt of the filing notice. 收到: the
// filing notice (立案通知书) is served on the bureau through the platform the moment public security
// files the case (the TRANSFER_DECIDED / RECONSIDERATION_DECIDED / FILED_ON_ORDER notice in its
// inbox), so the period runs from the filing. The bureau records what it hands over, each item with
// its description and quantity, or that nothing was seized and why; the unit that accepted and
// filed the case signs for the items (签收). A late handover is still recorded, and shows as late.

type Ctx = SubgraphContext<PublicSecurityLoaders>;

export interface SeizedItem { description: string; quantity: number; unit: string }

/** One handover as stored (seized_items_handover). */
export interface HandoverRow {
  id: string; transferId: string; agencyCode: string; acceptingUnit: string | null; region: string;
  status: Exclude<HandoverStatus, 'OUTSTANDING'>; items: SeizedItem[]; noneSeizedReason: string | null;
  noticeReceivedAt: Date; dueAt: Date; handedOverAt: Date; handedOverBy: string;
  receivedAt: Date | null; receivedBy: string | null; receiptNote: string | null; version: number;
}

const HANDOVER_COLUMNS = `id, transfer_id AS "transferId", agency_code AS "agencyCode", accepting_unit AS "acceptingUnit", region, status, items,
  none_seized_reason AS "noneSeizedReason", notice_received_at AS "noticeReceivedAt", due_at AS "dueAt", handed_over_at AS "handedOverAt",
  handed_over_by AS "handedOverBy", received_at AS "receivedAt", received_by AS "receivedBy", receipt_note AS "receiptNote", version`;

/** The handover of a filed transfer as the schema shows it: its row, or OUTSTANDING while there is none. */
export interface HandoverView {
  transferId: string; status: HandoverStatus; noticeReceivedAt: Date; dueAt: Date; items: SeizedItem[]; noneSeizedReason: string | null;
  handedOverAt: Date | null; receivedAt: Date | null; receiptNote: string | null;
}

const MAX_ITEMS = 100;

const HOUR = 3_600_000;
/** The shortest the handover period has ever run (any version): no period ends sooner after the filing. */
const SHORTEST_PERIOD_MS = Math.min(...DEADLINE_RULES.filter((r) => r.key === 'seizedItemsHandover')
  .map((r) => r.period.amount * (r.period.unit === 'hours' ? HOUR : r.period.unit === 'days' ? 24 * HOUR : 28 * 24 * HOUR)));

/** Per-request loaders (publicSecurityLoaders): one statement for every transfer of a page asking for its handover. */
export function handoverLoaders(runtime: SubgraphRuntime) {
  return {
    handoverByTransferId: uuidLoader<HandoverRow>((ids) => runtime.db.query(`SELECT ${HANDOVER_COLUMNS} FROM seized_items_handover WHERE transfer_id = ANY($1)`, [ids]),
      (r) => r.transferId),
  };
}

/** 收到立案通知书: served through the platform when the case is filed. */
const noticeReceivedAt = (t: TransferRow): Date => t.filedAt!;
const handoverDueAt = (t: TransferRow): Date => dueAt('seizedItemsHandover', { receivedAt: noticeReceivedAt(t) });

function view(t: TransferRow, row: HandoverRow | null): HandoverView {
  if (row) return { ...row, items: row.items ?? [] };
  return {
    transferId: t.id, status: 'OUTSTANDING', noticeReceivedAt: noticeReceivedAt(t), dueAt: handoverDueAt(t), items: [], noneSeizedReason: null,
    handedOverAt: null, receivedAt: null, receiptNote: null,
  };
}

/** The transfer and its handover (null while none is recorded), with the caller's grant of `scope` reaching it. */
async function load(ctx: Ctx, transferId: string, scope: string, what: string): Promise<{ transfer: TransferRow; handover: HandoverRow | null }> {
  requireScope(ctx.identity, scope, what);
  const transfer = await ctx.loaders.transferById.load(transferId);
  if (!transfer) throw notFound('CaseTransfer', transferId);
  requireCovers(ctx.identity, scope, seizedItemsRule.place(transfer), `${what} on this transfer`);
  // 第十二条 applies to the cases public security decided to file (决定立案的案件), only.
  if (!transfer.filedAt) throw wrongState(`${what} needs a transfer that is FILED; transfer ${transfer.id} is ${transfer.status}`);
  return { transfer, handover: await ctx.loaders.handoverByTransferId.load(transfer.id) };
}

const summary = (items: readonly SeizedItem[]) => items.map((i) => `${i.description} ${i.quantity}${i.unit}`).join('、').slice(0, 200);

export const seizedItemsMutations = {
  /** 移交: the transferring bureau records what it handed over (or that nothing was seized, and why). */
  async recordSeizedItemsHandover(_: unknown, { transferId, items, noneSeizedReason }: { transferId: string; items?: SeizedItem[] | null; noneSeizedReason?: string | null }, ctx: Ctx) {
    const what = 'a handover of seized items';
    const { transfer, handover } = await load(ctx, transferId, seizedItemsRule.actions.handOver.scope, what);
    seizedItemsFlow.requireFrom('handOver', { id: transfer.id, status: handover?.status ?? 'OUTSTANDING' }, what);
    requireMay(ctx.identity, seizedItemsRule, 'handOver', transfer);

    const violations = new Violations();
    const listed = items ?? [];
    const reason = violations.check(() => optionalText('noneSeizedReason', noneSeizedReason, 1000), null);
    if (listed.length && reason) violations.add('noneSeizedReason', 'itemsOrNoneSeized', 'either list the items handed over or say why none were seized, not both');
    if (!listed.length && !reason) violations.add('items', 'required', 'list the items handed over (涉案物品), or say why none were seized (noneSeizedReason)');
    if (listed.length > MAX_ITEMS) violations.add('items', 'maxItems', `may list at most ${MAX_ITEMS} items`);
    const read = listed.slice(0, MAX_ITEMS).map((item, i) => {
      const description = violations.check(() => requireText(`items.${i}.description`, item.description, 500), '');
      const quantity = violations.check(() => requireQuantity(`items.${i}.quantity`, item.quantity), null);
      if (quantity === 0) violations.add(`items.${i}.quantity`, 'positive', 'must be more than 0: an item not handed over is not listed');
      const unit = violations.check(() => requireText(`items.${i}.unit`, item.unit, 20), '');
      return { description, quantity: quantity ?? 0, unit };
    });
    violations.throwIfAny();

    const now = ctx.runtime.now();
    const status = seizedItemsFlow.to('handOver', reason ? 'NONE_SEIZED' : 'HANDED_OVER');
    const row = await ctx.runtime.db.transaction(async (tx) => {
      // One handover per transfer: the unique transfer_id decides a race, in one statement.
      const [inserted]: HandoverRow[] = await tx.query(
        `INSERT INTO seized_items_handover (id, transfer_id, agency_code, accepting_unit, region, status, items, none_seized_reason,
           notice_received_at, due_at, handed_over_at, handed_over_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12)
         ON CONFLICT (transfer_id) DO NOTHING RETURNING ${HANDOVER_COLUMNS}`,
        [randomUUID(), transfer.id, transfer.agencyCode, transfer.acceptingUnit, transfer.region, status, JSON.stringify(read), reason,
          noticeReceivedAt(transfer), handoverDueAt(transfer), now, ctx.identity.sub]);
      if (!inserted) throw wrongState(`the handover of transfer ${transfer.id} was recorded by someone else meanwhile; reload it`);
      await notify(tx, [notice(transfer, transfer.acceptingUnit ? { org: transfer.acceptingUnit } : { scope: 'transfer:decide', region: transfer.region },
        status === 'NONE_SEIZED' ? 'SEIZED_ITEMS_NONE' : 'SEIZED_ITEMS_HANDED_OVER',
        status === 'NONE_SEIZED' ? `无涉案物品移交: ${reason!.slice(0, 100)}` : `涉案物品移交，请签收: ${summary(read)}`, now)]);
      return inserted;
    });
    nudgeOutbox(ctx.runtime, NOTIFICATION_OUTBOX);
    ctx.loaders.handoverByTransferId.clear(transfer.id).prime(transfer.id, row);
    return view(transfer, row);
  },

  /** 签收 (办结交接手续): the unit that accepted the transfer confirms it received the items. */
  async confirmSeizedItemsReceipt(_: unknown, { transferId, note }: { transferId: string; note?: string | null }, ctx: Ctx) {
    const what = 'a receipt of seized items';
    const { transfer, handover } = await load(ctx, transferId, seizedItemsRule.actions.confirmReceipt.scope, what);
    seizedItemsFlow.requireFrom('confirmReceipt', { id: transfer.id, status: handover?.status ?? 'OUTSTANDING' }, what);
    requireMay(ctx.identity, seizedItemsRule, 'confirmReceipt', transfer);
    const receiptNote = optionalText('note', note, 2000);
    const now = ctx.runtime.now();
    const row = await ctx.runtime.db.transaction(async (tx) => {
      const received = await guardedUpdate<HandoverRow>(tx, {
        table: 'seized_items_handover', id: handover!.id, expect: { status: handover!.status, version: handover!.version }, version: 'version',
        set: { status: seizedItemsFlow.to('confirmReceipt', 'RECEIVED'), received_at: now, received_by: ctx.identity.sub, receipt_note: receiptNote },
        returning: HANDOVER_COLUMNS,
      }, { type: 'SeizedItemsHandover', conflict: (current) => `the handover of transfer ${transfer.id} is ${current.status} now; reload it` });
      await notify(tx, [notice(transfer, { org: transfer.agencyCode }, 'SEIZED_ITEMS_RECEIVED', `公安机关已签收涉案物品: ${summary(received.items)}`, now)]);
      return received;
    });
    nudgeOutbox(ctx.runtime, NOTIFICATION_OUTBOX);
    ctx.loaders.handoverByTransferId.clear(transfer.id).prime(transfer.id, row);
    return view(transfer, row);
  },
};

export const seizedItemsTransferFields = {
  /** Only a filed transfer owes a handover (第十二条): null before. */
  async seizedItemsHandover(t: TransferRow, _: unknown, ctx: Ctx): Promise<HandoverView | null> {
    if (!t.filedAt) return null;
    return view(t, await ctx.loaders.handoverByTransferId.load(t.id));
  },
};

export const seizedItemsHandoverFields = {
  transfer: (h: HandoverView, _: unknown, ctx: Ctx) => ctx.loaders.transferById.load(h.transferId),
  /** Nothing recorded and past dueAt, by the hub's clock. */
  overdue: (h: HandoverView, _: unknown, ctx: Ctx) => h.status === 'OUTSTANDING' && isPast(h.dueAt, ctx.runtime.now()),
  /** Recorded after dueAt. */
  late: (h: HandoverView) => !!h.handedOverAt && isPast(h.dueAt, new Date(h.handedOverAt)),
};

export const seizedItemsOverdueFields = {
  /**
   * OverdueItems.seizedItemsHandovers: filed transfers whose handover is past due with nothing
   * recorded, among the transfers the caller reads. A period never ends sooner than its amount
   * after its start, so SQL keeps the transfers filed that long ago and the calendar (24:00 of
   * the last day, holidays, 调休: kit/deadlines.ts) decides on each.
   */
  async seizedItemsHandovers(_: { unit: string }, __: unknown, ctx: Ctx): Promise<HandoverView[]> {
    if (mayFilter(ctx.identity, seizedItemsRule, 'read').kind === 'none') return [];
    const now = ctx.runtime.now();
    const rule = transferReadSql(ctx.identity, 't');
    const rows = await ctx.runtime.db.getRepository(CaseTransfer).createQueryBuilder('t')
      .where(`t.filed_at IS NOT NULL AND t.filed_at < :earliest`, { earliest: new Date(now.getTime() - SHORTEST_PERIOD_MS) })
      .andWhere('NOT EXISTS (SELECT 1 FROM seized_items_handover h WHERE h.transfer_id = t.id)')
      .andWhere(rule.sql, rule.params)
      .orderBy('t.filed_at', 'ASC').addOrderBy('t.id', 'ASC').limit(500).getMany();
    for (const row of rows) ctx.loaders.transferById.prime(row.id, row);
    return rows.map((t) => view(t, null)).filter((h) => isPast(h.dueAt, now));
  },
};
