import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { SubgraphContext, SubgraphRuntime } from '../../kit/module';
import { batchLoader, byKey, isUuid } from '../../kit/loaders';
import { enqueue, eventsOf, nudgeOutbox, OutboxRelay, type Queryable } from '../../kit/outbox';
import { isPast } from '../../kit/deadlines';
import { mayFilter } from '../../kit/access';
import { suggestionReadSql, suggestionRule } from './resources/suggestion';
import { NOTIFICATION_OUTBOX, NOTIFICATION_ROUTE, type EscalationEvent, type EscalationResultEvent } from '../../kit/notifications';
import { Suggestion, type SuggestionRow } from './entities';

// Seed 001 (双向通报): when a bureau does not reply to a suggestion by its due date, or replies
// without rectifying, the procuratorate copies the suggestion to the justice bureau (抄送司法局),
// which handles it and copies its result back. The copy is a message in an outbox written in the
// same transaction as the escalation; the result arrives on POST /internal/escalation-results.

type Ctx = SubgraphContext;

export const ESCALATION_OUTBOX = 'escalation_outbox';
const WATCH_BATCH = 100;

export interface EscalationRow {
  id: string; suggestionId: string; reason: 'OVERDUE' | 'NOT_RECTIFIED'; escalatedAt: Date;
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
  const copy: Omit<EscalationEvent, 'eventId'> = {
    escalationId: id, suggestionId: suggestion.id, agencyCode: suggestion.agencyCode, procuratorateCode: suggestion.procuratorateCode,
    region: suggestion.region, reason, escalatedAt: now.toISOString(), suggestionKind: suggestion.kind, content: suggestion.content,
    issuedAt: new Date(suggestion.issuedAt).toISOString(), replyDueAt: new Date(suggestion.replyDueAt).toISOString(), reply: suggestion.reply,
  };
  await enqueue(tx, [copy], ESCALATION_OUTBOX);
  return true;
}

/** One pass of the overdue watch: every unanswered suggestion past its due date is escalated. */
export async function escalateOverdue(runtime: SubgraphRuntime): Promise<number> {
  const runner = runtime.db.createQueryRunner();
  runner.data = { background: true };
  try {
    const escalated = await runner.manager.transaction(async (tx: EntityManager) => {
      const now = runtime.now();
      const due = await tx.getRepository(Suggestion).createQueryBuilder('s')
        .where(`s.status = 'ISSUED' AND s.reply_due_at < :now`, { now })
        .andWhere('NOT EXISTS (SELECT 1 FROM suggestion_escalation e WHERE e.suggestion_id = s.id)')
        .orderBy('s.reply_due_at').limit(WATCH_BATCH)
        .setLock('pessimistic_write').setOnLocked('skip_locked')
        .getMany();
      let count = 0;
      for (const suggestion of due) if (await escalate(tx, suggestion, 'OVERDUE', now)) count++;
      return count;
    });
    if (escalated) nudgeOutbox(runtime, ESCALATION_OUTBOX);
    return escalated;
  } finally {
    await runner.release();
  }
}

/** The overdue watch: checks every ESCALATION_POLL_MS (default 1000) against the hub's clock. */
function startOverdueWatch(runtime: SubgraphRuntime): () => Promise<void> {
  const pollMs = Number(runtime.env.ESCALATION_POLL_MS ?? 1000);
  let running = true;
  let timer: NodeJS.Timeout | null = null;
  let wake: (() => void) | null = null;
  const loop = (async () => {
    while (running) {
      try {
        await escalateOverdue(runtime);
      } catch (error) {
        if (running) console.error(`[${runtime.name}] overdue watch:`, (error as Error).message);
      }
      await new Promise<void>((resolve) => { timer = setTimeout(resolve, pollMs); wake = resolve; });
    }
  })();
  return async () => {
    running = false;
    if (timer) clearTimeout(timer);
    (wake as (() => void) | null)?.();
    await loop;
  };
}

/** SubgraphModule.workers: the relays to justice (escalations, notifications) and the overdue watch. */
export async function escalationWorkers(runtime: SubgraphRuntime): Promise<() => Promise<void>> {
  const relays = [
    new OutboxRelay(runtime, { to: 'justice', route: 'supervision-escalations', table: ESCALATION_OUTBOX }),
    new OutboxRelay(runtime, { to: 'justice', route: NOTIFICATION_ROUTE, table: NOTIFICATION_OUTBOX }),
  ];
  for (const relay of relays) relay.start();
  const stopWatch = startOverdueWatch(runtime);
  return async () => {
    await stopWatch();
    await Promise.all(relays.map((r) => r.stop()));
  };
}

/** POST /internal/escalation-results: the justice bureau's result, copied onto the escalation. */
export async function receiveEscalationResults(runtime: SubgraphRuntime, body: unknown): Promise<{ applied: number; skipped: number }> {
  const events = eventsOf<EscalationResultEvent>(body);
  let applied = 0;
  for (const e of events) {
    if (!isUuid(e.escalationId)) throw new Error(`escalation result ${e.eventId}: escalationId is not a uuid`);
    // Idempotent: the same result again changes nothing; an older result never replaces a newer one.
    const [, count] = (await runtime.db.query(
      `UPDATE suggestion_escalation SET status = $2, result = $3, result_at = $4
       WHERE id = $1 AND (result_at IS NULL OR result_at < $4)`, [e.escalationId, e.status, e.result, e.resultAt])) as [unknown, number];
    applied += count;
  }
  return { applied, skipped: events.length - applied };
}

// ── reads ──────────────────────────────────────────────────────────────────────────────────────

function escalationLoader(runtime: SubgraphRuntime) {
  return batchLoader<string, EscalationRow | null>(async (suggestionIds) => {
    const rows: EscalationRow[] = await runtime.db.query(`SELECT ${COLUMNS} FROM suggestion_escalation WHERE suggestion_id = ANY($1)`, [[...suggestionIds]]);
    return byKey(suggestionIds, rows, (r) => r.suggestionId);
  });
}
const loaders = new WeakMap<object, ReturnType<typeof escalationLoader>>();
function escalationsOf(ctx: Ctx) {
  const key = ctx.loaders ?? ctx;
  if (!loaders.has(key)) loaders.set(key, escalationLoader(ctx.runtime));
  return loaders.get(key)!;
}

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
