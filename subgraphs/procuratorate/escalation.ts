import { randomUUID } from 'node:crypto';
import { anyRowWhere, backgroundTransaction } from '../../kit/database';
import type { EntityManager } from 'typeorm';
import type { SubgraphContext, SubgraphRuntime } from '../../kit/module';
import { batchLoader, byKey, perRequest } from '../../kit/loaders';
import { enqueue, nudgeOutbox, outboxWorkers, type Channel, type Queryable } from '../../kit/outbox';
import { receiveOnce, type Received } from '../../kit/receive-once';
import { allWorkers, pollWorker } from '../../kit/workers';
import { isPast } from '../../kit/deadlines';
import { mayFilter } from '../../kit/access';
import { suggestionReadSql, suggestionRule } from './resources/suggestion';
import {
  ESCALATION_EVENT, ESCALATION_REASONS, ESCALATION_RESULT_EVENT, ESCALATION_ROUTE, NOTIFICATIONS, NOTIFICATION_ROUTE, type EscalationEvent,
} from '../../kit/notifications';
import { Suggestion, type SuggestionRow } from './entities';
import { litigateOverdue } from './suggestion-stages';

// Seed 001 (双向通报): when a bureau does not reply to a suggestion by its due date, or replies
// without rectifying, the procuratorate copies the suggestion to the justice bureau (抄送司法局),
// which handles it and copies its result back. The copy is a message in an outbox written in the
// same transaction as the escalation; the result arrives on POST /internal/escalation-results.

type Ctx = SubgraphContext;

export const ESCALATION_OUTBOX = 'escalation_outbox';
/** 抄送司法局: escalations go to justice's supervision-escalations route. */
const ESCALATIONS: Channel<EscalationEvent> = { to: 'justice', route: ESCALATION_ROUTE, table: ESCALATION_OUTBOX, message: ESCALATION_EVENT };
const WATCH_BATCH = 100;

export interface EscalationRow {
  id: string; suggestionId: string; reason: (typeof ESCALATION_REASONS)[number]; escalatedAt: Date;
  status: 'OPEN' | 'CLOSED'; result: string | null; resultAt: Date | null;
}

const COLUMNS = `id, suggestion_id AS "suggestionId", reason, escalated_at AS "escalatedAt", status, result, result_at AS "resultAt"`;

/**
 * Escalates a suggestion once (a second escalation of the same suggestion is ignored) and writes
 * the copy for the justice bureau, in the caller's transaction. Returns whether it escalated now.
 */
export async function escalate(tx: Queryable, suggestion: SuggestionRow, reason: EscalationRow['reason'], now: Date): Promise<boolean> {
  const id = randomUUID();
  const inserted: { id: string }[] = await tx.query(
    `INSERT INTO suggestion_escalation (id, suggestion_id, reason, escalated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (suggestion_id) DO NOTHING RETURNING id`, [id, suggestion.id, reason, now]);
  if (!inserted.length) return false;
  const copy: EscalationEvent = {
    escalationId: id, suggestionId: suggestion.id, agencyCode: suggestion.agencyCode, procuratorateCode: suggestion.procuratorateCode,
    region: suggestion.region, reason, escalatedAt: now.toISOString(), suggestionKind: suggestion.kind, content: suggestion.content,
    issuedAt: new Date(suggestion.issuedAt).toISOString(), replyDueAt: new Date(suggestion.replyDueAt ?? suggestion.issuedAt).toISOString(), reply: suggestion.reply,
  };
  await enqueue(tx, ESCALATIONS, [copy]);
  return true;
}

/** The suggestions the overdue watch escalates (s: the suggestion; $1: now): unanswered past their due date, not escalated yet. */
const OVERDUE_UNESCALATED = `s.status = 'ISSUED' AND s.reply_due_at < $1`
  // Only bureaus' suggestions go to the justice bureau (行政执法监督); a court or public security is not its to supervise.
  + ` AND s.recipient_kind = 'ENFORCEMENT_BUREAU'`
  // A public-interest suggestion moves to the litigation stage instead (suggestion-stages.ts, 公益诉讼解释 第二十一条).
  + ` AND s.kind <> 'PUBLIC_INTEREST'`
  + ' AND NOT EXISTS (SELECT 1 FROM suggestion_escalation e WHERE e.suggestion_id = s.id)';

/** One pass of the overdue watch: every unanswered suggestion past its due date is escalated. */
export async function escalateOverdue(runtime: SubgraphRuntime): Promise<number> {
  if (!(await anyRowWhere(runtime.db, 'procuratorial_suggestion s', OVERDUE_UNESCALATED, [runtime.now()]))) return 0;
  const escalated = await backgroundTransaction(runtime.db, async (tx: EntityManager) => {
    const now = runtime.now();
    const due = await tx.getRepository(Suggestion).createQueryBuilder('s')
      .where(OVERDUE_UNESCALATED.replace('$1', ':now'), { now })
      .orderBy('s.reply_due_at').limit(WATCH_BATCH)
      .setLock('pessimistic_write').setOnLocked('skip_locked')
      .getMany();
    let count = 0;
    for (const suggestion of due) if (await escalate(tx, suggestion, 'OVERDUE', now)) count++;
    return count;
  });
  if (escalated) nudgeOutbox(runtime, ESCALATION_OUTBOX);
  return escalated;
}

/**
 * SubgraphModule.workers: the relays to justice (escalations, notifications) and the overdue
 * watch, which checks every ESCALATION_POLL_MS (default 1000) against the hub's clock.
 */
export const escalationWorkers = allWorkers(
  outboxWorkers(ESCALATIONS, { ...NOTIFICATIONS, to: 'justice', route: NOTIFICATION_ROUTE }),
  pollWorker('overdue watch', 'ESCALATION_POLL_MS', escalateOverdue),
  pollWorker('public-interest litigation watch', 'ESCALATION_POLL_MS', litigateOverdue),
);

/** POST /internal/escalation-results: the justice bureau's result, copied onto the escalation. */
export function receiveEscalationResults(runtime: SubgraphRuntime, body: unknown): Promise<Received> {
  return receiveOnce(runtime, ESCALATION_RESULT_EVENT, body, async (tx, fresh) => {
    // An older result never replaces a newer one.
    for (const e of fresh) {
      await tx.query(
        `UPDATE suggestion_escalation SET status = $2, result = $3, result_at = $4
         WHERE id = $1 AND (result_at IS NULL OR result_at < $4)`, [e.escalationId, e.status, e.result, e.resultAt]);
    }
  });
}

// ── reads ──────────────────────────────────────────────────────────────────────────────────────

function escalationLoader(runtime: SubgraphRuntime) {
  return batchLoader<string, EscalationRow | null>(async (suggestionIds) => {
    const rows: EscalationRow[] = await runtime.db.query(`SELECT ${COLUMNS} FROM suggestion_escalation WHERE suggestion_id = ANY($1)`, [[...suggestionIds]]);
    return byKey(suggestionIds, rows, (r) => r.suggestionId);
  });
}
const escalationsOf = perRequest(escalationLoader);

/** ProcuratorialSuggestion fields: overdue (against the hub's clock) and the escalation, if any. */
export const suggestionDeadlineFields = {
  overdue: (row: SuggestionRow, _: unknown, ctx: Ctx) => row.status === 'ISSUED' && isPast(row.replyDueAt, ctx.runtime.now()),
  escalation: (row: SuggestionRow, _: unknown, ctx: Ctx) => escalationsOf(ctx).load(row.id),
};

export const suggestionEscalationFields = {
  matter: (row: EscalationRow) => ({ __typename: 'JusticeSupervisionMatter', id: row.id }),
};

/**
 * OverdueItems.suggestions: unanswered past replyDueAt, among the suggestions the caller reads
 * (resources/suggestion.ts): procurators and the justice bureau those of their jurisdiction, a
 * bureau those addressed to it. Nobody else has any.
 */
export const overdueSuggestionFields = {
  __resolveReference: (ref: { unit: string }) => ({ unit: ref.unit }),
  async suggestions(_: { unit: string }, __: unknown, ctx: Ctx) {
    const { identity } = ctx;
    if (mayFilter(identity, suggestionRule, 'read').kind === 'none' && mayFilter(identity, suggestionRule, 'readAddressed').kind === 'none') return [];
    const rule = suggestionReadSql(identity, 's');
    const rows = await ctx.runtime.db.getRepository(Suggestion).createQueryBuilder('s')
      .where(`s.status = 'ISSUED' AND s.reply_due_at < :now`, { now: ctx.runtime.now() })
      .andWhere(rule.sql, rule.params)
      .orderBy('s.reply_due_at').addOrderBy('s.id').limit(500).getMany();
    for (const row of rows) ctx.loaders.suggestionById?.prime(row.id, row);
    return rows;
  },
};
