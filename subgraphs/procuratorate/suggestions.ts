import { randomUUID } from 'node:crypto';
import type { SubgraphContext } from '../../kit/module';
import { badInput, notFound } from '../../kit/errors';
import { covers, requireMay, requireScope } from '../../kit/access';
import { optionalText, requireText } from '../../kit/rules';
import { mayReadSuggestion, suggestionRule } from './resources/suggestion';
import { dueAt, type DeadlineKey } from '../../kit/deadlines';
import { Suggestion, type SuggestionRow } from './entities';
import { justiceClient } from '../../kit/justice-client';
import type { ProcuratorateLoaders } from './loaders';
import { guardedUpdate, selectListOf, wrongState } from '../../kit/guarded-update';
import { nudgeOutbox } from '../../kit/outbox';
import { NOTIFICATION_OUTBOX, notify } from '../../kit/notifications';
import { escalate, ESCALATION_OUTBOX, suggestionDeadlineFields } from './escalation';

type Ctx = SubgraphContext<ProcuratorateLoaders>;
const REPLIED_ALREADY = 'only an ISSUED suggestion takes a reply; this one has been replied to already';
export type SuggestionKind = 'CORRECTION' | 'SOCIAL_GOVERNANCE' | 'PUBLIC_INTEREST' | 'RETRIAL' | 'OTHER';

/**
 * Which reply period of schema/deadlines.json a suggestion follows (the key is stored as
 * reply_due_rule): public-interest pre-litigation suggestions their own (公益诉讼解释 第二十一条),
 * the urgent one when the harm is ongoing; every other kind 检察建议工作规定 第十九条.
 */
export function replyRuleOf(kind: SuggestionKind, harmOngoing: boolean): DeadlineKey {
  if (kind !== 'PUBLIC_INTEREST') return 'suggestionReply';
  return harmOngoing ? 'publicInterestUrgentReply' : 'publicInterestReply';
}
interface SuggestionInput { agencyCode: string; caseId?: string | null; kind: SuggestionKind; content: string; harmOngoing?: boolean | null }
interface SuggestionReplyInput { reply: string; rectified: boolean; rectification?: string | null }

/** The suggestion if the caller reads it (resources/suggestion.ts), else null. */
const visible = (ctx: Ctx, row: SuggestionRow | null) => (row && mayReadSuggestion(ctx.identity, row) ? row : null);

/** 检察建议: issued by a procuratorate to a bureau in its jurisdiction, answered by that bureau. */
export const suggestionMutations = {
  async issueSuggestion(_: unknown, { input }: { input: SuggestionInput }, ctx: Ctx) {
    const { identity } = ctx;
    requireScope(identity, suggestionRule.actions.issue.scope, 'issue a procuratorial suggestion');
    const content = requireText('input.content', input.content, 20000);
    const harmOngoing = input.harmOngoing === true;
    if (harmOngoing && input.kind !== 'PUBLIC_INTEREST') {
      throw badInput('input.harmOngoing', 'publicInterestOnly', 'applies to PUBLIC_INTEREST suggestions only');
    }
    const bureau = await justiceClient(ctx.runtime).bureau(requireText('input.agencyCode', input.agencyCode, 64));
    if (!bureau) throw badInput('input.agencyCode', 'exists', `no bureau with code ${input.agencyCode} in the directory`);
    // The suggestion belongs to the bureau's region, the bureau and the caller's procuratorate.
    const place = { agencyCode: bureau.code, procuratorateCode: identity.org ?? '', region: bureau.region };
    if (!covers(identity, suggestionRule.actions.issue.scope, suggestionRule.place(place))) {
      throw badInput('input.agencyCode', 'jurisdiction', `bureau ${bureau.code} lies outside the jurisdiction of procuratorate ${identity.org} (region ${identity.region})`);
    }
    requireMay(identity, suggestionRule, 'issue', place);
    let caseId: string | null = null;
    if (input.caseId !== null && input.caseId !== undefined && input.caseId !== '') {
      const indexed = await justiceClient(ctx.runtime).case(input.caseId);
      if (!indexed) throw badInput('input.caseId', 'exists', `no case ${input.caseId} in the case index`);
      if (indexed.agency.code !== bureau.code) throw badInput('input.caseId', 'agencyCase', `the case is not a case of bureau ${bureau.code}`);
      caseId = indexed.id;
    }
    const issuedAt = ctx.runtime.now();
    const replyRule = replyRuleOf(input.kind, harmOngoing);
    const row: SuggestionRow = {
      id: randomUUID(), agencyCode: bureau.code, caseId, kind: input.kind, content, harmOngoing,
      procuratorateCode: place.procuratorateCode, region: bureau.region, issuedBy: identity.sub, issuedAt, replyDueAt: dueAt(replyRule, issuedAt), replyDueRule: replyRule,
      status: 'ISSUED', repliedBy: null, repliedAt: null, reply: null, rectified: null, rectification: null,
    };
    await ctx.runtime.db.transaction(async (tx) => {
      await tx.getRepository(Suggestion).insert(row);
      // 通报: the bureau's inbox.
      await notify(tx, [{
        recipient: { org: row.agencyCode }, kind: 'SUGGESTION_ISSUED', title: `检察建议: ${row.procuratorateCode} → ${row.agencyCode}`,
        subjectType: 'PROCURATORIAL_SUGGESTION', subjectId: row.id, region: row.region, occurredAt: issuedAt.toISOString(),
      }]);
    });
    nudgeOutbox(ctx.runtime, NOTIFICATION_OUTBOX);
    return row;
  },

  async replyToSuggestion(_: unknown, { id, input }: { id: string; input: SuggestionReplyInput }, ctx: Ctx) {
    const { identity } = ctx;
    requireScope(identity, suggestionRule.actions.reply.scope, 'reply to a suggestion');
    const suggestion = await ctx.loaders.suggestionById.load(id);
    if (!suggestion) throw notFound('ProcuratorialSuggestion', id);
    // Only the bureau the suggestion is addressed to replies (检察建议工作规定 第十九条).
    requireMay(identity, suggestionRule, 'reply', suggestion);
    if (suggestion.status !== 'ISSUED') throw wrongState(REPLIED_ALREADY);
    const reply = requireText('input.reply', input.reply, 20000);
    const rectification = optionalText('input.rectification', input.rectification, 20000);
    if (input.rectified && !rectification) {
      throw badInput('input.rectification', 'requiredWhenRectified', 'must describe the rectification when rectified is true');
    }
    // The WHERE clause carries the expected state: of two concurrent replies only one is written.
    // Not rectified (不予整改): the suggestion is copied to the justice bureau at once, in the same transaction.
    const now = ctx.runtime.now();
    const replied = await ctx.runtime.db.transaction(async (tx) => {
      const row = await guardedUpdate<SuggestionRow>(tx, {
        table: 'procuratorial_suggestion', id: suggestion.id, expect: { status: 'ISSUED' }, returning: selectListOf(ctx.runtime.db, Suggestion),
        set: { status: 'REPLIED', replied_at: now, replied_by: identity.sub, reply, rectified: input.rectified, rectification },
      }, { type: 'ProcuratorialSuggestion', conflict: () => REPLIED_ALREADY });
      if (!row.rectified) await escalate(tx, row, 'NOT_RECTIFIED', now);
      await notify(tx, [{
        recipient: { org: row.procuratorateCode }, kind: 'SUGGESTION_REPLIED',
        title: `检察建议回复 (${row.rectified ? '已整改' : '未整改'}): ${row.agencyCode}`,
        subjectType: 'PROCURATORIAL_SUGGESTION', subjectId: row.id, region: row.region, occurredAt: now.toISOString(),
      }]);
      return row;
    });
    nudgeOutbox(ctx.runtime, ESCALATION_OUTBOX);
    nudgeOutbox(ctx.runtime, NOTIFICATION_OUTBOX);
    return replied;
  },
};

export const suggestionQueries = {
  suggestion: async (_: unknown, { id }: { id: string }, ctx: Ctx) => visible(ctx, await ctx.loaders.suggestionById.load(id)),
};

/** The procuratorate's field on the justice bureau's Agency entity. */
export const agencyFields = {
  __resolveReference: (ref: { code: string }) => ({ code: ref.code }),
  suggestions: async (agency: { code: string }, _: unknown, ctx: Ctx) =>
    (await ctx.loaders.suggestionsByAgency.load(agency.code)).filter((row) => mayReadSuggestion(ctx.identity, row)),
};

export const suggestionFields = {
  __resolveReference: async (ref: { id: string }, ctx: Ctx) => visible(ctx, await ctx.loaders.suggestionById.load(ref.id)),
  agency: (row: SuggestionRow) => ({ code: row.agencyCode }),
  case: (row: SuggestionRow) => (row.caseId ? { __typename: 'EnforcementCase', id: row.caseId } : null),
  ...suggestionDeadlineFields,
};
