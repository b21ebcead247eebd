import type { EntityManager } from 'typeorm';
import type { SubgraphContext, SubgraphRuntime } from '../../kit/module';
import { anyRowWhere, backgroundTransaction } from '../../kit/database';
import { badInput, notFound } from '../../kit/errors';
import { requireMay, requireScope } from '../../kit/access';
import { requireText, isRegionCode, jurisdictionPrefix } from '../../kit/rules';
import { guardedUpdate, selectListOf } from '../../kit/guarded-update';
import { nudgeOutbox, type Queryable } from '../../kit/outbox';
import { NOTIFICATION_OUTBOX, notify } from '../../kit/notifications';
import { Suggestion, type SuggestionRow } from './entities';
import { suggestionFlow } from './suggestion-flow';
import { suggestionReadSql, suggestionRule } from './resources/suggestion';
import type { ProcuratorateLoaders } from './loaders';

// Two stages of a suggestion beside the reply (issue 11):
//
// 典型问题 — 双向通报 at issuance (seed 001, Kuiwen 2022: 检察机关向行政执法机关制发检察建议，对典型问题
// 同时抄送司法行政机关). When the procurator marks the problem as typical, the justice bureau of the
// recipient's region gets a notice in its inbox at issuance, before any escalation, and lists such
// suggestions with `typicalSuggestions` (it reads suggestions of its region under supervision:read).
//
// 提起公益诉讼 — a public-interest suggestion (诉前检察建议) is the pre-litigation step: when the organ
// does not reply within the period, or replies without rectifying, or the procurator finds the
// rectification insufficient or not done, the procuratorate may sue (公益诉讼解释 第二十一条:
// 行政机关不依法履行职责的，人民检察院依法向人民法院提起诉讼; 行政诉讼法 第二十五条第四款). So such a
// suggestion is not escalated to the justice bureau: it moves to LITIGATION, where the procuratorate
// records its decision, SUE (提起行政公益诉讼) or CLOSE (终结审查 — the grounds for closing, e.g. the
// public interest restored, are to be checked against the 人民检察院公益诉讼办案规则).

type Ctx = SubgraphContext<ProcuratorateLoaders>;
export type LitigationReason = 'OVERDUE' | 'NOT_RECTIFIED';
const WATCH_BATCH = 100;
/** The suggestions the litigation watch moves ($1: now): public-interest ones still unanswered past their reply due date. */
const LITIGATION_DUE = `status = 'ISSUED' AND kind = 'PUBLIC_INTEREST' AND reply_due_at < $1`;

export const SUGGESTION_STAGE_SDL = `
extend enum SuggestionStatus {
  "公益诉讼: a PUBLIC_INTEREST suggestion unanswered past replyDueAt, answered without rectification, or its rectification verified insufficient or not done; awaiting the decision to sue or to close"
  LITIGATION
  "提起行政公益诉讼: the procuratorate decided to sue"
  SUED
  "终结审查: the procuratorate decided not to sue"
  LITIGATION_CLOSED
}

"""Why a public-interest suggestion moved to the litigation stage"""
enum LitigationReason {
  "unanswered past replyDueAt"
  OVERDUE
  "answered without rectifying, or the rectification verified insufficient or not done"
  NOT_RECTIFIED
}

"""The procuratorate's decision at the litigation stage"""
enum LitigationDecision {
  "提起行政公益诉讼"
  SUE
  "终结审查"
  CLOSE
}

"""提起公益诉讼 (公益诉讼解释 第二十一条): the stage a PUBLIC_INTEREST suggestion moves to instead of escalation to the justice bureau."""
type PublicInterestLitigation {
  reason: LitigationReason!
  "when the suggestion moved to the stage"
  since: DateTime!
  "null until decided"
  decision: LitigationDecision
  decisionReason: String
  decidedAt: DateTime
}

extend input SuggestionInput {
  "典型问题 (双向通报, seed 001): the justice bureau of the recipient's region gets a copy at issuance"
  typical: Boolean
}

extend type ProcuratorialSuggestion {
  "典型问题: copied to the justice bureau of the region at issuance"
  typical: Boolean!
  "提起公益诉讼: set once a PUBLIC_INTEREST suggestion moves to the litigation stage"
  litigation: PublicInterestLitigation
}

extend type Query {
  "典型问题 the caller reads (the justice bureau and procurators: their jurisdiction, under region when given), newest issued first, at most 500"
  typicalSuggestions(region: String): [ProcuratorialSuggestion!] @requiresScopes(scopes: [["supervision:read"]])
}

extend type Mutation {
  "提起公益诉讼: the issuing procuratorate decides to sue or to close a PUBLIC_INTEREST suggestion at the litigation stage; once"
  decidePublicInterestLitigation(id: ID!, decision: LitigationDecision!, reason: String!): ProcuratorialSuggestion @requiresScopes(scopes: [["supervision:write"]])
}
`;

/** The columns a step sets when a public-interest suggestion moves to the litigation stage. */
export const litigationSet = (reason: LitigationReason, now: Date) => ({ status: 'LITIGATION', litigation_at: now, litigation_reason: reason });

/** The issuing procuratorate's inbox: the suggestion awaits its decision to sue or to close. */
export function noticeLitigation(tx: Queryable, row: SuggestionRow, now: Date): Promise<string[]> {
  return notify(tx, [{
    recipient: { org: row.procuratorateCode }, kind: 'SUGGESTION_LITIGATION',
    title: `公益诉讼检察建议${row.litigationReason === 'OVERDUE' ? '逾期未回复' : '未整改'}, 进入诉讼阶段: ${row.agencyCode}`,
    subjectType: 'PROCURATORIAL_SUGGESTION', subjectId: row.id, region: row.region, occurredAt: now.toISOString(),
  }]);
}

/** 双向通报 at issuance: the justice bureau of the region (justice:supervise over the region) hears of a typical problem. */
export function noticeTypical(tx: Queryable, row: SuggestionRow, now: Date): Promise<string[]> {
  return notify(tx, [{
    recipient: { scope: 'justice:supervise', region: row.region }, kind: 'SUGGESTION_TYPICAL',
    title: `典型问题 检察建议 (抄送司法局): ${row.procuratorateCode} → ${row.agencyCode}`,
    subjectType: 'PROCURATORIAL_SUGGESTION', subjectId: row.id, region: row.region, occurredAt: now.toISOString(),
  }]);
}

/**
 * One pass of the litigation watch: every PUBLIC_INTEREST suggestion still ISSUED past its reply
 * due date moves to LITIGATION (reason OVERDUE), with a notice to the issuing procuratorate.
 */
export async function litigateOverdue(runtime: SubgraphRuntime): Promise<number> {
  if (!(await anyRowWhere(runtime.db, 'procuratorial_suggestion', LITIGATION_DUE, [runtime.now()]))) return 0;
  const moved = await backgroundTransaction(runtime.db, async (tx: EntityManager) => {
    const now = runtime.now();
    // In a CTE the statement answers rows like a SELECT (TypeORM answers a bare UPDATE with [rows, count]).
    const rows: SuggestionRow[] = await tx.query(
      `WITH moved AS (UPDATE procuratorial_suggestion SET status = 'LITIGATION', litigation_at = $1, litigation_reason = 'OVERDUE'
       WHERE id IN (SELECT id FROM procuratorial_suggestion WHERE ${LITIGATION_DUE}
                    ORDER BY reply_due_at LIMIT ${WATCH_BATCH} FOR UPDATE SKIP LOCKED)
       RETURNING ${selectListOf(runtime.db, Suggestion)}) SELECT * FROM moved`, [now]);
    for (const row of rows) await noticeLitigation(tx, row, now);
    return rows.length;
  });
  if (moved) nudgeOutbox(runtime, NOTIFICATION_OUTBOX);
  return moved;
}

export const suggestionStageMutations = {
  async decidePublicInterestLitigation(_: unknown, { id, decision, reason }: { id: string; decision: 'SUE' | 'CLOSE'; reason: string }, ctx: Ctx) {
    requireScope(ctx.identity, suggestionRule.actions.issue.scope, 'decide on public-interest litigation');
    const suggestion = await ctx.loaders.suggestionById.load(id);
    if (!suggestion) throw notFound('ProcuratorialSuggestion', id);
    requireMay(ctx.identity, suggestionRule, 'issue', suggestion);
    const decisionReason = requireText('reason', reason, 20000);
    suggestionFlow.requireFrom('decideLitigation', suggestion, 'a decision on public-interest litigation');
    const status = suggestionFlow.to('decideLitigation', decision === 'SUE' ? 'SUED' : 'LITIGATION_CLOSED');
    const now = ctx.runtime.now();
    return ctx.runtime.db.transaction((tx) => guardedUpdate<SuggestionRow>(tx, {
      table: 'procuratorial_suggestion', id: suggestion.id, expect: { status: 'LITIGATION', litigation_decision: null },
      set: { status, litigation_decision: decision, litigation_decision_reason: decisionReason, litigation_decided_at: now },
      returning: selectListOf(ctx.runtime.db, Suggestion),
    }, { type: 'ProcuratorialSuggestion', conflict: (current) => `the litigation decision on suggestion ${suggestion.id} was taken already (it is ${current.status}); reload it` }));
  },
};

export const suggestionStageQueries = {
  async typicalSuggestions(_: unknown, { region }: { region?: string | null }, ctx: Ctx) {
    if (region !== null && region !== undefined && !isRegionCode(region)) throw badInput('region', 'regionCode', 'must be a 6-digit administrative division code');
    const rule = suggestionReadSql(ctx.identity, 's');
    const qb = ctx.runtime.db.getRepository(Suggestion).createQueryBuilder('s').where('s.typical').andWhere(rule.sql, rule.params);
    if (region) qb.andWhere('s.region LIKE :regionPrefix', { regionPrefix: `${jurisdictionPrefix(region)}%` });
    const rows = await qb.orderBy('s.issued_at', 'DESC').addOrderBy('s.id').limit(500).getMany();
    for (const row of rows) ctx.loaders.suggestionById?.prime(row.id, row);
    return rows;
  },
};

export const suggestionStageFields = {
  typical: (row: SuggestionRow) => row.typical === true,
  litigation: (row: SuggestionRow) => (row.litigationAt ? {
    reason: row.litigationReason, since: row.litigationAt, decision: row.litigationDecision,
    decisionReason: row.litigationDecisionReason, decidedAt: row.litigationDecidedAt,
  } : null),
};
