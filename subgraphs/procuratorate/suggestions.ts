import { randomUUID } from 'node:crypto';
import type { SubgraphContext } from '../../kit/module';
import { badInput, notFound } from '../../kit/errors';
import { covers, requireMay, requireScope } from '../../kit/access';
import { optionalText, requireText } from '../../kit/rules';
import { mayReadSuggestion, suggestionRule } from './resources/suggestion';
import { dueAt, periodEnd, ruleInEffect, type DeadlineKey } from '../../kit/deadlines';
import { Suggestion, type SuggestionRow } from './entities';
import { justiceClient } from '../../kit/justice-client';
import type { ProcuratorateLoaders } from './loaders';
import type { EntityManager } from 'typeorm';
import { guardedUpdate, selectListOf } from '../../kit/guarded-update';
import { suggestionFlow } from './suggestion-flow';
import { nudgeOutbox } from '../../kit/outbox';
import { NOTIFICATION_OUTBOX, notify } from '../../kit/notifications';
import { escalate, ESCALATION_OUTBOX, suggestionDeadlineFields } from './escalation';
import { litigationSet, noticeLitigation, noticeTypical, suggestionStageFields } from './suggestion-stages';

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
export type RecipientKind = SuggestionRow['recipientKind'];
interface SuggestionInput {
  agencyCode: string; recipientKind?: RecipientKind | null; recipientName?: string | null;
  caseId?: string | null; kind: SuggestionKind; content: string; harmOngoing?: boolean | null; replyDays?: number | null;
  /** 典型问题: copied to the justice bureau of the region at issuance (双向通报, seed 001). */
  typical?: boolean | null;
}
interface SuggestionReplyInput { reply: string; rectified: boolean; rectification?: string | null }

/**
 * Who each kind of suggestion goes to (《人民检察院检察建议工作规定》(2019) 第五条 and the articles
 * on each kind; article numbers to verify): 再审检察建议 to the people's court at the same level
 * whose judgment is in force; 公益诉讼检察建议 to an administrative organ (行政诉讼法 第二十五条);
 * 纠正违法 to the body whose act was unlawful (a court, an investigation organ, an administrative
 * organ); 社会治理 and others to whichever unit or department the problem lies with.
 */
export const RECIPIENTS_OF_KIND: Record<SuggestionKind, readonly RecipientKind[]> = {
  RETRIAL: ['COURT'],
  PUBLIC_INTEREST: ['ENFORCEMENT_BUREAU', 'OTHER_AUTHORITY'],
  CORRECTION: ['ENFORCEMENT_BUREAU', 'PUBLIC_SECURITY', 'COURT', 'OTHER_AUTHORITY'],
  SOCIAL_GOVERNANCE: ['ENFORCEMENT_BUREAU', 'PUBLIC_SECURITY', 'COURT', 'OTHER_AUTHORITY'],
  OTHER: ['ENFORCEMENT_BUREAU', 'PUBLIC_SECURITY', 'COURT', 'OTHER_AUTHORITY'],
};
const RECIPIENT_TEXT: Record<RecipientKind, string> = {
  ENFORCEMENT_BUREAU: 'an enforcement bureau', PUBLIC_SECURITY: 'a public-security unit', COURT: 'a court', OTHER_AUTHORITY: 'another authority',
};

/**
 * When the reply is due for a suggestion received at `receivedAt`: the rule's period from receipt
 * (检察建议工作规定 第十九条: 自收到检察建议书之日起两个月以内; schema/deadlines.json), or the
 * shorter period in calendar days the procurator set because the matter is urgent (情况紧急),
 * counted the same way (the day of receipt not counted, ending at 24:00 of the last day).
 */
export function replyDueAtOf(rule: DeadlineKey, replyDays: number | null, receivedAt: Date): Date {
  if (!replyDays) return dueAt(rule, { receivedAt });
  const { override: _ignored, ...inForce } = ruleInEffect(rule, receivedAt);
  return periodEnd({ ...inForce, period: { amount: replyDays, unit: 'days' } }, receivedAt);
}

/** 情况紧急: a shorter reply period, in days, which must end before the rule's. */
function requireReplyDays(rule: DeadlineKey, value: number | null | undefined, issuedAt: Date): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < 1) throw badInput('input.replyDays', 'positiveInteger', 'must be a whole number of days, at least 1');
  if (replyDueAtOf(rule, value, issuedAt).getTime() >= dueAt(rule, { receivedAt: issuedAt }).getTime()) {
    throw badInput('input.replyDays', 'shorterThanRule', 'must be shorter than the period of the rule (情况紧急 shortens the period, never lengthens it)');
  }
  return value;
}

interface Recipient { kind: RecipientKind; code: string; name: string | null; region: string }

/**
 * The recipient named by the input, checked against the kind of suggestion: an enforcement
 * bureau must be in the justice directory (and lies in its own region); a public-security unit, a
 * court or another authority is not in that directory, so it is taken as named, in the region of
 * the issuing procuratorate (a suggestion goes to a body at the procuratorate's level), and the
 * code must not be a bureau's of the directory.
 */
async function resolveRecipient(ctx: Ctx, input: SuggestionInput): Promise<Recipient> {
  const kind: RecipientKind = input.recipientKind ?? 'ENFORCEMENT_BUREAU';
  if (!RECIPIENTS_OF_KIND[input.kind].includes(kind)) {
    throw badInput('input.recipientKind', 'recipientOfKind',
      `a ${input.kind} suggestion goes to ${RECIPIENTS_OF_KIND[input.kind].map((k) => RECIPIENT_TEXT[k]).join(' or ')}, not to ${RECIPIENT_TEXT[kind]}`);
  }
  const code = requireText('input.agencyCode', input.agencyCode, 64);
  const name = optionalText('input.recipientName', input.recipientName, 200);
  const bureau = await justiceClient(ctx.runtime).bureau(code);
  if (kind === 'ENFORCEMENT_BUREAU') {
    if (!bureau) throw badInput('input.agencyCode', 'exists', `no bureau with code ${code} in the directory`);
    return { kind, code: bureau.code, name: null, region: bureau.region };
  }
  if (bureau) throw badInput('input.recipientKind', 'recipientOfKind', `${code} is an enforcement bureau of the directory, not ${RECIPIENT_TEXT[kind]}`);
  if ((kind === 'COURT' || kind === 'OTHER_AUTHORITY') && !name) {
    throw badInput('input.recipientName', 'required', `must name ${RECIPIENT_TEXT[kind]}, which is not in the directory`);
  }
  return { kind, code, name, region: ctx.identity.region ?? '' };
}

/** The suggestion if the caller reads it (resources/suggestion.ts), else null. */
const visible = (ctx: Ctx, row: SuggestionRow | null) => (row && mayReadSuggestion(ctx.identity, row) ? row : null);


/**
 * One step of a suggestion (suggestion-flow.ts): refused unless the suggestion is in a state the
 * step starts from; then one guarded UPDATE (kit/guarded-update.ts) that holds the state seen
 * and `expect` (e.g. "not verified yet"), so of two concurrent steps one is written; `then` runs
 * in the same transaction on the updated row.
 */
async function transition(ctx: Ctx, seen: SuggestionRow, step: keyof typeof suggestionFlow.steps, what: string, expect: Record<string, unknown>,
  set: Record<string, unknown>, then?: (tx: EntityManager, row: SuggestionRow) => Promise<void>): Promise<SuggestionRow> {
  suggestionFlow.requireFrom(step, seen, what);
  if (typeof set.status === 'string') suggestionFlow.to(step, set.status as SuggestionRow['status']);
  return ctx.runtime.db.transaction(async (tx) => {
    const row = await guardedUpdate<SuggestionRow>(tx, {
      table: 'procuratorial_suggestion', id: seen.id, expect: { status: seen.status, ...expect }, set, returning: selectListOf(ctx.runtime.db, Suggestion),
    }, { type: 'ProcuratorialSuggestion', conflict: (current) => `${what}: suggestion ${seen.id} is ${current.status} now, or the step was taken already; reload it` });
    if (then) await then(tx, row);
    return row;
  });
}

/** Records the receipt and sets the reply due date from it, once. */
const receive = (ctx: Ctx, suggestion: SuggestionRow, receivedAt: Date): Promise<SuggestionRow> =>
  transition(ctx, suggestion, 'receive', 'signing for a suggestion', { received_at: null }, {
    received_at: receivedAt, received_by: ctx.identity.sub, reply_due_at: replyDueAtOf(suggestion.replyDueRule as DeadlineKey, suggestion.replyDays, receivedAt),
  });

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
    const bureau = await resolveRecipient(ctx, input);
    // The suggestion belongs to the recipient's region, the recipient and the caller's procuratorate.
    const place = { agencyCode: bureau.code, procuratorateCode: identity.org ?? '', region: bureau.region };
    if (!covers(identity, suggestionRule.actions.issue.scope, suggestionRule.place(place))) {
      throw badInput('input.agencyCode', 'jurisdiction', `bureau ${bureau.code} lies outside the jurisdiction of procuratorate ${identity.org} (region ${identity.region})`);
    }
    requireMay(identity, suggestionRule, 'issue', place);
    let caseId: string | null = null;
    if (input.caseId !== null && input.caseId !== undefined && input.caseId !== '') {
      const indexed = await justiceClient(ctx.runtime).case(input.caseId);
      if (!indexed) throw badInput('input.caseId', 'exists', `no case ${input.caseId} in the case index`);
      if (bureau.kind === 'ENFORCEMENT_BUREAU' && indexed.agency.code !== bureau.code) throw badInput('input.caseId', 'agencyCase', `the case is not a case of bureau ${bureau.code}`);
      caseId = indexed.id;
    }
    const issuedAt = ctx.runtime.now();
    const replyRule = replyRuleOf(input.kind, harmOngoing);
    const replyDays = requireReplyDays(replyRule, input.replyDays, issuedAt);
    const row: SuggestionRow = {
      id: randomUUID(), agencyCode: bureau.code, caseId, kind: input.kind, content, harmOngoing,
      procuratorateCode: place.procuratorateCode, region: bureau.region, issuedBy: identity.sub, issuedAt, replyDueAt: null, replyDueRule: replyRule,
      status: 'ISSUED', repliedBy: null, repliedAt: null, reply: null, rectified: null, rectification: null,
      objection: null, objectedAt: null, review: null, reviewReason: null, reviewedAt: null, verification: null, verifiedAt: null,
      recipientKind: bureau.kind, recipientName: bureau.name,
      // The reply period runs from receipt: no due date until the recipient signs for it.
      receivedAt: null, receivedBy: null, replyDays,
      typical: input.typical === true, litigationAt: null, litigationReason: null, litigationDecision: null, litigationDecisionReason: null, litigationDecidedAt: null,
    };
    await ctx.runtime.db.transaction(async (tx) => {
      await tx.getRepository(Suggestion).insert(row);
      // 通报: the bureau's inbox.
      await notify(tx, [{
        recipient: { org: row.agencyCode }, kind: 'SUGGESTION_ISSUED', title: `检察建议: ${row.procuratorateCode} → ${row.agencyCode}`,
        subjectType: 'PROCURATORIAL_SUGGESTION', subjectId: row.id, region: row.region, occurredAt: issuedAt.toISOString(),
      }]);
      // 双向通报 at issuance: a typical problem goes to the justice bureau now, before any escalation.
      if (row.typical) await noticeTypical(tx, row, issuedAt);
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
    suggestionFlow.requireFrom('reply', suggestion, 'a reply');
    const reply = requireText('input.reply', input.reply, 20000);
    const rectification = optionalText('input.rectification', input.rectification, 20000);
    if (input.rectified && !rectification) {
      throw badInput('input.rectification', 'requiredWhenRectified', 'must describe the rectification when rectified is true');
    }
    // The WHERE clause carries the expected state: of two concurrent replies only one is written.
    // Not rectified (不予整改): the suggestion is copied to the justice bureau at once, in the same transaction;
    // a public-interest one moves to the litigation stage instead (suggestion-stages.ts).
    const now = ctx.runtime.now();
    const toLitigation = suggestion.kind === 'PUBLIC_INTEREST' && !input.rectified;
    const replied = await ctx.runtime.db.transaction(async (tx) => {
      const row = await guardedUpdate<SuggestionRow>(tx, {
        table: 'procuratorial_suggestion', id: suggestion.id, expect: { status: 'ISSUED' }, returning: selectListOf(ctx.runtime.db, Suggestion),
        set: {
          status: suggestionFlow.to('reply', toLitigation ? 'LITIGATION' : 'REPLIED'), ...(toLitigation ? litigationSet('NOT_RECTIFIED', now) : {}), replied_at: now, replied_by: identity.sub, reply, rectified: input.rectified, rectification,
          // A reply shows the suggestion was received: one not signed for is received now.
          ...(suggestion.receivedAt ? {} : { received_at: now, received_by: identity.sub, reply_due_at: replyDueAtOf(suggestion.replyDueRule as DeadlineKey, suggestion.replyDays, now) }),
        },
      }, { type: 'ProcuratorialSuggestion', conflict: () => REPLIED_ALREADY });
      // The justice bureau supervises administrative enforcement: only a bureau's refusal goes there.
      if (!row.rectified && row.recipientKind === 'ENFORCEMENT_BUREAU' && !toLitigation) await escalate(tx, row, 'NOT_RECTIFIED', now);
      if (toLitigation) await noticeLitigation(tx, row, now);
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

  /**
   * 签收: the recipient signs for the suggestion; its reply period starts (检察建议工作规定 第十九条).
   * Once only, and only by the unit it is addressed to.
   */
  async acknowledgeSuggestion(_: unknown, { id }: { id: string }, ctx: Ctx) {
    requireScope(ctx.identity, suggestionRule.actions.reply.scope, 'sign for a suggestion');
    const suggestion = await ctx.loaders.suggestionById.load(id);
    if (!suggestion) throw notFound('ProcuratorialSuggestion', id);
    requireMay(ctx.identity, suggestionRule, 'reply', suggestion);
    return receive(ctx, suggestion, ctx.runtime.now());
  },

  /**
   * 送达回证: the issuing procuratorate records when a recipient outside the hub (a court, another
   * authority) received the suggestion on paper. Not in the future, not before issuance; once.
   */
  async recordSuggestionService(_: unknown, { id, receivedAt }: { id: string; receivedAt: string }, ctx: Ctx) {
    requireScope(ctx.identity, suggestionRule.actions.issue.scope, 'record the service of a suggestion');
    const suggestion = await ctx.loaders.suggestionById.load(id);
    if (!suggestion) throw notFound('ProcuratorialSuggestion', id);
    requireMay(ctx.identity, suggestionRule, 'issue', suggestion);
    const at = new Date(receivedAt);
    if (Number.isNaN(at.getTime())) throw badInput('receivedAt', 'dateTime', 'must be a date and time');
    if (at.getTime() > ctx.runtime.now().getTime()) throw badInput('receivedAt', 'notInFuture', 'must not be in the future');
    if (at.getTime() < new Date(suggestion.issuedAt).getTime()) throw badInput('receivedAt', 'afterIssue', 'must not be before the suggestion was issued');
    return receive(ctx, suggestion, at);
  },

  /**
   * 异议: the recipient objects to the suggestion instead of replying; nothing is escalated while
   * the procuratorate reviews it (the overdue watch takes ISSUED suggestions only). Once.
   */
  async objectToSuggestion(_: unknown, { id, reason }: { id: string; reason: string }, ctx: Ctx) {
    requireScope(ctx.identity, suggestionRule.actions.reply.scope, 'object to a suggestion');
    const suggestion = await ctx.loaders.suggestionById.load(id);
    if (!suggestion) throw notFound('ProcuratorialSuggestion', id);
    requireMay(ctx.identity, suggestionRule, 'reply', suggestion);
    const objection = requireText('reason', reason, 20000);
    const now = ctx.runtime.now();
    return transition(ctx, suggestion, 'object', 'an objection', { objected_at: null },
      { status: 'OBJECTED', objection, objected_at: now, ...(suggestion.receivedAt ? {} : { received_at: now, received_by: ctx.identity.sub }) });
  },

  /**
   * 复核: the issuing procuratorate reviews an objection: MAINTAIN (the suggestion stands) or AMEND
   * (its content is changed) sends it back to the recipient, whose reply period runs anew from
   * the review; WITHDRAW ends it.
   */
  async reviewSuggestionObjection(_: unknown, { id, decision, reason, content }: { id: string; decision: 'AMEND' | 'WITHDRAW' | 'MAINTAIN'; reason: string; content?: string | null }, ctx: Ctx) {
    requireScope(ctx.identity, suggestionRule.actions.issue.scope, 'review an objection');
    const suggestion = await ctx.loaders.suggestionById.load(id);
    if (!suggestion) throw notFound('ProcuratorialSuggestion', id);
    requireMay(ctx.identity, suggestionRule, 'issue', suggestion);
    const reviewReason = requireText('reason', reason, 20000);
    const amended = optionalText('content', content, 20000);
    if (decision === 'AMEND' && !amended) throw badInput('content', 'requiredWhenAmended', 'must give the amended content when the decision is AMEND');
    if (decision !== 'AMEND' && amended) throw badInput('content', 'amendOnly', 'is given only when the decision is AMEND');
    const now = ctx.runtime.now();
    const set: Record<string, unknown> = decision === 'WITHDRAW'
      ? { status: 'WITHDRAWN', review: decision, review_reason: reviewReason, reviewed_at: now }
      : {
        status: 'ISSUED', review: decision, review_reason: reviewReason, reviewed_at: now,
        reply_due_at: replyDueAtOf(suggestion.replyDueRule as DeadlineKey, suggestion.replyDays, now), ...(amended ? { content: amended } : {}),
      };
    return transition(ctx, suggestion, 'review', 'a review of the objection', {}, set);
  },

  /**
   * 跟进监督: after the reply, the issuing procuratorate verifies the rectification. INSUFFICIENT
   * or NOT_DONE copies a bureau's suggestion to the justice bureau (seed 001: 整改不到位), in the
   * same transaction; a PUBLIC_INTEREST suggestion moves to the litigation stage instead
   * (公益诉讼解释 第二十一条; suggestion-stages.ts). Once.
   */
  async verifySuggestionRectification(_: unknown, { id, outcome }: { id: string; outcome: 'DONE' | 'INSUFFICIENT' | 'NOT_DONE' }, ctx: Ctx) {
    requireScope(ctx.identity, suggestionRule.actions.issue.scope, 'verify a rectification');
    const suggestion = await ctx.loaders.suggestionById.load(id);
    if (!suggestion) throw notFound('ProcuratorialSuggestion', id);
    requireMay(ctx.identity, suggestionRule, 'issue', suggestion);
    const now = ctx.runtime.now();
    const toLitigation = outcome !== 'DONE' && suggestion.kind === 'PUBLIC_INTEREST';
    const row = await transition(ctx, suggestion, 'verify', 'a verification of the rectification', { verification: null },
      { verification: outcome, verified_at: now, ...(toLitigation ? litigationSet('NOT_RECTIFIED', now) : {}) },
      async (tx, updated) => {
        if (toLitigation) await noticeLitigation(tx, updated, now);
        else if (outcome !== 'DONE' && updated.recipientKind === 'ENFORCEMENT_BUREAU') await escalate(tx, updated, 'NOT_RECTIFIED', now);
      });
    nudgeOutbox(ctx.runtime, ESCALATION_OUTBOX);
    nudgeOutbox(ctx.runtime, NOTIFICATION_OUTBOX);
    return row;
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
  agency: (row: SuggestionRow) => (row.recipientKind === 'ENFORCEMENT_BUREAU' ? { code: row.agencyCode } : null),
  recipient: (row: SuggestionRow) => ({ kind: row.recipientKind, code: row.agencyCode, name: row.recipientName }),
  case: (row: SuggestionRow) => (row.caseId ? { __typename: 'EnforcementCase', id: row.caseId } : null),
  ...suggestionDeadlineFields,
  ...suggestionStageFields,
};
