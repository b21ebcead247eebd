import type { EntityManager } from 'typeorm';
import type { SubgraphContext } from '../../kit/module';
import { badInput, notFound } from '../../kit/errors';
import { optionalText, requireText } from '../../kit/rules';
import { may, requireCovers, requireMay, requireScope } from '../../kit/access';
import { transferRule } from './resources/transfer';
import { dueAt, periodText, ruleInEffect } from '../../kit/deadlines';
import { columnOf, TRANSFER_COLUMNS, type TransferDecision, type TransferRow } from './entities';
import { guardedUpdate } from '../../kit/guarded-update';
import { transferFlow } from './transfer-flow';
import { justiceClient } from '../../kit/justice-client';
import { remember, type PublicSecurityLoaders } from './loaders';
import { FILING_OUTBOX, insertTransfer, reportFiling, SUPERVISION_OUTBOX, type TransferChange } from './store';
import type { FilingEvent } from '../../kit/messages/filing-supervision';
import { nudgeOutbox } from '../../kit/outbox';
import { NOTIFICATION_OUTBOX, notify, type Notification } from '../../kit/notifications';
import { CASE_STATE_OUTBOX, reportTransferState } from './case-state';
import { Violations } from '../../kit/rules';
import { ATTACHMENT_KINDS, readAttachments, type Attachment, type AttachmentInput } from './intake/attachments';

type Ctx = SubgraphContext<PublicSecurityLoaders>;

const MAX_MATERIALS = 50;

async function requireTransfer(ctx: Ctx, id: string): Promise<TransferRow> {
  const transfer = await ctx.loaders.transferById.load(id);
  if (!transfer) throw notFound('CaseTransfer', id);
  return transfer;
}

export type Step = keyof typeof transferRule.actions;

/**
 * The caller may take `step` on the transfer (resources/transfer.ts): first its grant must reach
 * the transfer at all (so a unit outside learns nothing of its state), then the transfer must be
 * in the state the step needs, then the step's own condition (the accepting unit, the
 * transferring bureau) must hold. FORBIDDEN or BAD_USER_INPUT otherwise; nothing is written.
 */
export async function requireStep(ctx: Ctx, id: string, step: Step & keyof typeof transferFlow.steps, what: string): Promise<TransferRow> {
  requireScope(ctx.identity, transferRule.actions[step].scope, what);
  const transfer = await requireTransfer(ctx, id);
  requireCovers(ctx.identity, transferRule.actions[step].scope, transferRule.place(transfer), `${what} on this transfer`);
  transferFlow.requireFrom(step, transfer, what);
  // A transfer followed by a later one of the same case (重新移送) is history: no step re-opens it.
  if (transfer.supersededBy) {
    throw badInput('id', 'transition', `${what} needs the case's latest transfer; transfer ${transfer.id} was followed by transfer ${transfer.supersededBy}`);
  }
  requireMay(ctx.identity, transferRule, step, transfer);
  return transfer;
}

/** 通报: a notification about a transfer, for justice's inbox (via this subgraph's notification outbox). */
export function notice(row: TransferRow, recipient: Notification['recipient'], kind: Notification['kind'], title: string, at: Date): Notification {
  return { recipient, kind, title, subjectType: 'CASE_TRANSFER', subjectId: row.id, region: row.region, occurredAt: at.toISOString() };
}

/**
 * Moves the transfer on and writes the notifications about the new state, and any report for the
 * procuratorate (立案监督: refusals and filings), in one transaction.
 */
export async function save(ctx: Ctx, seen: TransferRow, change: TransferChange, notices: (row: TransferRow) => Notification[] = () => [],
  report?: (row: TransferRow) => Pick<FilingEvent, 'kind' | 'at' | 'text'>): Promise<TransferRow> {
  const row = await ctx.runtime.db.transaction(async (tx) => {
    // Guarded by the status and version the caller saw: of two concurrent decisions exactly one wins.
    const advanced = await guardedUpdate<TransferRow>(tx, {
      table: 'case_transfer', id: seen.id, expect: { status: seen.status, version: seen.version }, version: 'version', returning: TRANSFER_COLUMNS,
      // jsonb goes as JSON text (the driver would send an array as a Postgres array).
      set: Object.fromEntries(Object.entries(change).map(([property, value]) => [columnOf(property as keyof TransferChange), property === 'attachments' ? JSON.stringify(value) : value])),
    }, { type: 'CaseTransfer', conflict: () => `transfer ${seen.id} was changed by someone else while it was ${seen.status}; reload it and decide again` });
    await notify(tx, notices(advanced));
    if (report) await reportFiling(tx, advanced, report(advanced));
    await reportTransferState(tx, advanced, ctx.runtime.now());
    return advanced;
  });
  nudgeOutbox(ctx.runtime, CASE_STATE_OUTBOX);
  nudgeOutbox(ctx.runtime, NOTIFICATION_OUTBOX);
  if (report) nudgeOutbox(ctx.runtime, FILING_OUTBOX);
  return remember(ctx.loaders, row);
}

/** 立案: when, and when a filed case without investigation progress draws a reminder (立而不侦, investigationReminder). */
export function filing(filedAt: Date): Pick<TransferRow, 'filedAt' | 'investigationReminderDueAt'> {
  return { filedAt, investigationReminderDueAt: dueAt('investigationReminder', { filedAt }) };
}

export interface TransferInput { summary: string; materials?: string[] | null; attachments?: AttachmentInput[] | null }

/** The transfer's own input (移送书 summary, the free list, the attachments of 第六条), every violation into `violations`. */
export function readTransferInput(violations: Violations, input: TransferInput): Pick<TransferRow, 'summary' | 'materials' | 'attachments'> {
  const summary = violations.check(() => requireText('input.summary', input.summary, 5000), '');
  const listed = input.materials ?? [];
  if (listed.length > MAX_MATERIALS) violations.add('input.materials', 'maxItems', `may list at most ${MAX_MATERIALS} items`);
  const materials = listed.slice(0, MAX_MATERIALS).map((m, i) => violations.check(() => requireText(`input.materials.${i}`, m, 500), ''));
  const attachments: Attachment[] = input.attachments ? readAttachments(violations, 'input.attachments', input.attachments, ATTACHMENT_KINDS) : [];
  return { summary, materials, attachments };
}

/**
 * Writes a new transfer of a case, its copy for the procuratorate, its state for the index and the
 * notices to public security and the procuratorate of the case's region, in one transaction;
 * `alsoInTx` adds the caller's own writes (a re-transfer closes the transfer it follows).
 */
export async function submitTransfer(ctx: Ctx, found: { id: string; caseNumber: string; region: string; agencyCode: string },
  read: Pick<TransferRow, 'summary' | 'materials' | 'attachments'>, extra: Partial<Pick<TransferRow, 'previousTransferId' | 'newEvidence'>> = {},
  alsoInTx?: (tx: EntityManager, inserted: TransferRow) => Promise<void>): Promise<TransferRow> {
  const submittedAt = ctx.runtime.now();
  const row = await ctx.runtime.db.transaction(async (tx) => {
    const inserted = await insertTransfer(tx, {
      caseId: found.id, agencyCode: found.agencyCode, region: found.region, ...read, submittedAt, ...extra,
      submittedBy: ctx.identity.sub, decisionDueAt: dueAt('filingDecision', submittedAt, { env: ctx.runtime.env }),
    });
    if (alsoInTx) await alsoInTx(tx, inserted);
    // 通报: public security and the procuratorate of the case's region (抄送).
    const title = `${extra.previousTransferId ? '重新移送涉嫌犯罪案件' : '移送涉嫌犯罪案件'}: ${found.caseNumber} (${found.agencyCode})`;
    await notify(tx, [
      notice(inserted, { scope: 'transfer:decide', region: inserted.region }, 'TRANSFER_SUBMITTED', title, submittedAt),
      notice(inserted, { scope: 'supervision:write', region: inserted.region }, 'TRANSFER_SUBMITTED', title, submittedAt), // 抄送 the procuratorate
    ]);
    return inserted;
  });
  nudgeOutbox(ctx.runtime, SUPERVISION_OUTBOX);
  nudgeOutbox(ctx.runtime, NOTIFICATION_OUTBOX);
  nudgeOutbox(ctx.runtime, CASE_STATE_OUTBOX);
  return remember(ctx.loaders, row);
}

export const transferMutations = {
  /**
   * 移送: the owning bureau hands a suspected crime to public security, with the five attachments of
   * 国务院令第310号 第六条 (intake/attachments.ts) declared, every missing one named at once. A
   * client that sends only the free `materials` list is still heard: its transfer declares none of
   * the five, which the accepting unit sees (missingAttachments) and may ask for (补正).
   */
  async transferCase(_: unknown, { caseId, input }: { caseId: string; input: TransferInput }, ctx: Ctx) {
    requireScope(ctx.identity, transferRule.actions.submit.scope, 'transfer a case');
    const violations = new Violations();
    const read = readTransferInput(violations, input);
    violations.throwIfAny();
    const found = await justiceClient(ctx.runtime).case(caseId);
    if (!found) throw badInput('caseId', 'exists', `no case ${caseId} in the case index`);
    // The transfer will belong to the case's bureau and region: the caller's grant must cover that.
    const bureau = found.agency.code;
    if (!may(ctx.identity, transferRule, 'submit', { agencyCode: bureau, acceptingUnit: null, region: found.region })) {
      throw badInput('caseId', 'ownCase', 'only the bureau that owns a case may transfer it');
    }
    // A case transferred before goes again only as a re-transfer naming its new evidence (intake/retransfer.ts).
    const [earlier]: { id: string }[] = await ctx.runtime.db.query(
      'SELECT id FROM case_transfer WHERE case_id = $1 ORDER BY submitted_at DESC, id DESC LIMIT 1', [found.id]);
    if (earlier) {
      throw badInput('caseId', 'transition', `case ${found.id} has been transferred already (transfer ${earlier.id}); after a refusal or a return it is transferred again with new evidence (retransferCase)`);
    }
    return submitTransfer(ctx, { id: found.id, caseNumber: found.caseNumber, region: found.region, agencyCode: bureau }, read);
  },

  /** 受理: public security signs receipt; the filing-decision period runs from now. */
  async acceptTransfer(_: unknown, { id }: { id: string }, ctx: Ctx) {
    // A transfer with materials missing is accepted all the same (不得以材料不全为由不接受移送案件, 公安部 2016
    // 受理规定); what is missing is asked for by 补正 within 24 hours (intake/materials.ts).
    const transfer = await requireStep(ctx, id, 'accept', 'acceptance');
    const acceptedAt = ctx.runtime.now();
    return save(ctx, transfer, {
      status: transferFlow.to('accept', 'ACCEPTED'), acceptedAt, acceptedBy: ctx.identity.sub, acceptingUnit: ctx.identity.org ?? null,
      decisionDueAt: dueAt('filingDecision', acceptedAt, { env: ctx.runtime.env }),
    });
  },

  /** 立案 / 不予立案: once, after acceptance, in writing with reasons when not filing. */
  async decideTransfer(_: unknown, { id, decision, reason }: { id: string; decision: TransferDecision; reason?: string | null }, ctx: Ctx) {
    // Only the unit that accepted the transfer decides (国务院令第310号 第八条).
    const transfer = await requireStep(ctx, id, 'decide', 'a filing decision');
    const decisionReason = optionalText('reason', reason, 2000);
    if (decision === 'NOT_FILE' && !decisionReason) {
      throw badInput('reason', 'requiredWhenNotFiling', 'must state in writing why the case is not filed (不予立案理由)');
    }
    const decidedAt = ctx.runtime.now();
    return save(ctx, transfer, {
      status: transferFlow.to('decide', decision === 'FILE' ? 'FILED' : 'NOT_FILED'), decidedAt, decidedBy: ctx.identity.sub, decision, decisionReason,
      ...(decision === 'FILE' ? filing(decidedAt) : {}),
    }, (row) => [
      notice(row, { org: row.agencyCode }, 'TRANSFER_DECIDED', `${decision === 'FILE' ? '公安机关决定立案' : '公安机关决定不予立案'}: ${row.summary.slice(0, 60)}`, decidedAt),
      // 抄送: a refusal reaches the procuratorate of the region the moment it is made (有案不立 is its to supervise, 刑诉法 第113条).
      ...(decision === 'NOT_FILE' ? [notice(row, { scope: 'supervision:write', region: row.region }, 'TRANSFER_DECIDED', `不予立案 (抄送): ${row.summary.slice(0, 60)}`, decidedAt)] : []),
    ], () => ({ kind: decision === 'FILE' ? 'FILED' : 'REFUSED', at: decidedAt.toISOString(), text: decisionReason }));
  },

  /** 提请复议: the transferring bureau, within the reconsiderationRequest period of the refusal (schema/deadlines.json). */
  async requestReconsideration(_: unknown, { id, reason }: { id: string; reason: string }, ctx: Ctx) {
    const transfer = await requireStep(ctx, id, 'requestReconsideration', 'a reconsideration request');
    const reconsiderationReason = requireText('reason', reason, 2000);
    const now = ctx.runtime.now();
    const window = ruleInEffect('reconsiderationRequest', transfer.decidedAt!);
    const lastDay = dueAt('reconsiderationRequest', transfer.decidedAt!, { env: ctx.runtime.env });
    if (now > lastDay) {
      throw badInput('id', 'deadline', `reconsideration may be requested within ${periodText(window, ctx.runtime.env)} of the refusal, until ${lastDay.toISOString()}`);
    }
    return save(ctx, transfer, {
      status: transferFlow.to('requestReconsideration', 'RECONSIDERATION_REQUESTED'), reconsiderationRequestedAt: now, reconsiderationRequestedBy: ctx.identity.sub,
      reconsiderationReason, reconsiderationDueAt: dueAt('reconsiderationAnswer', now, { env: ctx.runtime.env }),
    }, (row) => [notice(row, row.acceptingUnit ? { org: row.acceptingUnit } : { scope: 'transfer:decide', region: row.region },
      'RECONSIDERATION_REQUESTED', `提请复议: ${row.agencyCode}`, now)]);
  },

  /** 复议决定: FILE files the case, NOT_FILE upholds the refusal. */
  async decideReconsideration(_: unknown, { id, decision, reason }: { id: string; decision: TransferDecision; reason: string }, ctx: Ctx) {
    // The unit that refused answers the reconsideration of its own refusal (第九条).
    const transfer = await requireStep(ctx, id, 'decideReconsideration', 'a reconsideration decision');
    const reconsiderationDecisionReason = requireText('reason', reason, 2000);
    const reconsideredAt = ctx.runtime.now();
    return save(ctx, transfer, {
      status: transferFlow.to('decideReconsideration', decision === 'FILE' ? 'FILED' : 'RECONSIDERATION_UPHELD'), reconsideredAt, reconsideredBy: ctx.identity.sub,
      reconsiderationDecision: decision, reconsiderationDecisionReason, ...(decision === 'FILE' ? filing(reconsideredAt) : {}),
    }, (row) => [
      notice(row, { org: row.agencyCode }, 'RECONSIDERATION_DECIDED', `复议决定 (${decision === 'FILE' ? '立案' : '维持不予立案'}): ${row.summary.slice(0, 60)}`, reconsideredAt),
      // 抄送: an upheld refusal reaches the procuratorate too; the bureau may now ask it for filing supervision (第九条).
      ...(decision === 'NOT_FILE' ? [notice(row, { scope: 'supervision:write', region: row.region }, 'RECONSIDERATION_DECIDED', `复议维持不予立案 (抄送): ${row.summary.slice(0, 60)}`, reconsideredAt)] : []),
    ], () => ({ kind: decision === 'FILE' ? 'FILED' : 'REFUSAL_UPHELD', at: reconsideredAt.toISOString(), text: reconsiderationDecisionReason }));
  },
};
