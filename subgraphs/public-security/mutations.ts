import type { SubgraphContext } from '../kit/module';
import { badInput, notFound } from '../kit/errors';
import { requireText } from '../kit/rules';
import { requireAgencyOfficer, requireOwningBureau, requirePsbOfficer, requirePsbOver } from './access';
import { dueAt } from './deadlines';
import type { TransferDecision, TransferRow, TransferStatus } from './entities';
import { isUuid } from '../kit/loaders';
import { remember, type PublicSecurityLoaders } from './loaders';
import { advance, insertTransfer, SUPERVISION_OUTBOX, type TransferChange } from './store';
import { nudgeOutbox } from '../kit/outbox';

type Ctx = SubgraphContext<PublicSecurityLoaders>;

const MAX_MATERIALS = 50;

interface IndexedCase { id: string; region: string; caseNumber: string; agency: { code: string } }

/** The case as the justice bureau's index knows it (归集), or null. */
async function indexedCase(ctx: Ctx, caseId: string): Promise<IndexedCase | null> {
  if (!isUuid(caseId)) return null;
  const data = await ctx.runtime.call<{ case: IndexedCase | null }>('justice',
    'query($id: ID!) { case(id: $id) { id region caseNumber agency { code } } }', { id: caseId });
  return data.case;
}

async function requireTransfer(ctx: Ctx, id: string): Promise<TransferRow> {
  const transfer = await ctx.loaders.transferById.load(id);
  if (!transfer) throw notFound('CaseTransfer', id);
  return transfer;
}

function requireStatus(transfer: TransferRow, expected: TransferStatus, step: string): void {
  if (transfer.status !== expected) {
    throw badInput('id', 'transition', `${step} needs a ${expected} transfer; transfer ${transfer.id} is ${transfer.status}`);
  }
}

function optionalReason(value: string | null | undefined): string | null {
  return value === null || value === undefined || value.trim() === '' ? null : requireText('reason', value, 2000);
}

async function save(ctx: Ctx, seen: TransferRow, change: TransferChange): Promise<TransferRow> {
  return remember(ctx.loaders, await advance(ctx.runtime.db, seen, change));
}

export const transferMutations = {
  /** 移送: the owning bureau hands a suspected crime to public security. */
  async transferCase(_: unknown, { caseId, input }: { caseId: string; input: { summary: string; materials: string[] } }, ctx: Ctx) {
    const org = requireAgencyOfficer(ctx.identity);
    const summary = requireText('input.summary', input.summary, 5000);
    if (input.materials.length > MAX_MATERIALS) throw badInput('input.materials', 'maxItems', `may list at most ${MAX_MATERIALS} items`);
    const materials = input.materials.map((m, i) => requireText(`input.materials.${i}`, m, 500));
    const found = await indexedCase(ctx, caseId);
    if (!found) throw badInput('caseId', 'exists', `no case ${caseId} in the case index`);
    if (found.agency.code !== org) throw badInput('caseId', 'ownCase', 'only the bureau that owns a case may transfer it');
    const submittedAt = new Date();
    const row = await insertTransfer(ctx.runtime.db, {
      caseId: found.id, agencyCode: org, region: found.region, summary, materials, submittedAt,
      submittedBy: ctx.identity.sub, decisionDueAt: dueAt('filingDecision', submittedAt, ctx.runtime.env),
    });
    nudgeOutbox(ctx.runtime, SUPERVISION_OUTBOX);
    return remember(ctx.loaders, row);
  },

  /** 受理: public security signs receipt; the filing-decision period runs from now. */
  async acceptTransfer(_: unknown, { id }: { id: string }, ctx: Ctx) {
    requirePsbOfficer(ctx.identity);
    const transfer = await requireTransfer(ctx, id);
    requirePsbOver(ctx.identity, transfer);
    requireStatus(transfer, 'SUBMITTED', 'acceptance');
    const acceptedAt = new Date();
    return save(ctx, transfer, {
      status: 'ACCEPTED', acceptedAt, acceptedBy: ctx.identity.sub, acceptingUnit: ctx.identity.org ?? null,
      decisionDueAt: dueAt('filingDecision', acceptedAt, ctx.runtime.env),
    });
  },

  /** 立案 / 不予立案: once, after acceptance, in writing with reasons when not filing. */
  async decideTransfer(_: unknown, { id, decision, reason }: { id: string; decision: TransferDecision; reason?: string | null }, ctx: Ctx) {
    requirePsbOfficer(ctx.identity);
    const transfer = await requireTransfer(ctx, id);
    requirePsbOver(ctx.identity, transfer);
    requireStatus(transfer, 'ACCEPTED', 'a filing decision');
    const decisionReason = optionalReason(reason);
    if (decision === 'NOT_FILE' && !decisionReason) {
      throw badInput('reason', 'requiredWhenNotFiling', 'must state in writing why the case is not filed (不予立案理由)');
    }
    return save(ctx, transfer, {
      status: decision === 'FILE' ? 'FILED' : 'NOT_FILED', decidedAt: new Date(), decidedBy: ctx.identity.sub, decision, decisionReason,
    });
  },

  /** 提请复议: the transferring bureau, within 3 days of the refusal. */
  async requestReconsideration(_: unknown, { id, reason }: { id: string; reason: string }, ctx: Ctx) {
    requireAgencyOfficer(ctx.identity);
    const transfer = await requireTransfer(ctx, id);
    requireOwningBureau(ctx.identity, transfer);
    requireStatus(transfer, 'NOT_FILED', 'a reconsideration request');
    const reconsiderationReason = requireText('reason', reason, 2000);
    const now = new Date();
    const lastDay = dueAt('reconsiderationRequest', transfer.decidedAt!, ctx.runtime.env);
    if (now > lastDay) {
      throw badInput('id', 'deadline', `reconsideration may be requested within 3 days of the refusal, until ${lastDay.toISOString()}`);
    }
    return save(ctx, transfer, {
      status: 'RECONSIDERATION_REQUESTED', reconsiderationRequestedAt: now, reconsiderationRequestedBy: ctx.identity.sub,
      reconsiderationReason, reconsiderationDueAt: dueAt('reconsiderationDecision', now, ctx.runtime.env),
    });
  },

  /** 复议决定: FILE files the case, NOT_FILE upholds the refusal. */
  async decideReconsideration(_: unknown, { id, decision, reason }: { id: string; decision: TransferDecision; reason: string }, ctx: Ctx) {
    requirePsbOfficer(ctx.identity);
    const transfer = await requireTransfer(ctx, id);
    requirePsbOver(ctx.identity, transfer);
    requireStatus(transfer, 'RECONSIDERATION_REQUESTED', 'a reconsideration decision');
    const reconsiderationDecisionReason = requireText('reason', reason, 2000);
    return save(ctx, transfer, {
      status: decision === 'FILE' ? 'FILED' : 'RECONSIDERATION_UPHELD', reconsideredAt: new Date(), reconsideredBy: ctx.identity.sub,
      reconsiderationDecision: decision, reconsiderationDecisionReason,
    });
  },
};
