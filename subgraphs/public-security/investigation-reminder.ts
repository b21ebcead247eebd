import type { EntityManager } from 'typeorm';
import { anyRowWhere, backgroundTransaction } from '../../kit/database';
import type { SubgraphContext, SubgraphRuntime } from '../../kit/module';
import { dueAt, isPast } from '../../kit/deadlines';
import { NOTIFICATION_OUTBOX, notify, type Notification } from '../../kit/notifications';
import { nudgeOutbox, type Queryable } from '../../kit/outbox';
import { pollWorker } from '../../kit/workers';
import { TRANSFER_COLUMNS, type TransferRow } from './entities';

// 立而不侦 (最高人民检察院 公安部《关于刑事立案监督有关问题的规定(试行)》; domain.md): a filed case with
// no investigation progress for 3 months (investigationReminder) draws a reminder (催办). The
// period runs from the filing and starts again at every investigation record; the watch below
// tells the procuratorate of the region and the unit that filed, once per period.

type Ctx = SubgraphContext;

const WATCH_BATCH = 100;
/** The transfers the watch reminds of ($1: now): filed, past their reminder date, not reminded in this period. */
const REMINDER_DUE = `status = 'FILED' AND investigation_reminded_at IS NULL AND investigation_reminder_due_at < $1`;

/** Investigation progress recorded now: the reminder period starts again, in the caller's transaction. */
export async function investigationProgress(tx: Queryable, transferId: string, at: Date): Promise<void> {
  // The progress is the event the period restarts from: the instant form of dueAt.
  await tx.query(`UPDATE case_transfer SET investigation_reminder_due_at = $2, investigation_reminded_at = NULL WHERE id = $1 AND status = 'FILED'`,
    [transferId, dueAt('investigationReminder', at)]);
}

/** One pass of the watch: every filed transfer past its reminder date, not yet reminded, is reminded now. */
export async function remindUninvestigated(runtime: SubgraphRuntime): Promise<number> {
  if (!(await anyRowWhere(runtime.db, 'case_transfer', REMINDER_DUE, [runtime.now()]))) return 0;
  const reminded = await backgroundTransaction(runtime.db, async (tx: EntityManager) => {
    const now = runtime.now();
    // In a CTE: TypeORM answers a bare UPDATE with [rows, count].
    const due: TransferRow[] = await tx.query(`
      WITH changed AS (UPDATE case_transfer SET investigation_reminded_at = $1
        WHERE id IN (SELECT id FROM case_transfer WHERE ${REMINDER_DUE}
          ORDER BY investigation_reminder_due_at LIMIT ${WATCH_BATCH} FOR UPDATE SKIP LOCKED)
        RETURNING ${TRANSFER_COLUMNS}) SELECT * FROM changed`, [now]);
    const notices = due.flatMap((t): Notification[] => {
      const base = { kind: 'INVESTIGATION_REMINDER' as const, subjectType: 'CASE_TRANSFER' as const, subjectId: t.id, region: t.region, occurredAt: now.toISOString() };
      const title = `立而不侦: 立案后三个月无侦查进展 (${t.summary.slice(0, 40)})`;
      return [
        { ...base, title, recipient: { scope: 'supervision:write', region: t.region } },
        { ...base, title, recipient: t.acceptingUnit ? { org: t.acceptingUnit } : { scope: 'transfer:decide', region: t.region } },
      ];
    });
    await notify(tx, notices);
    return due.length;
  });
  if (reminded) nudgeOutbox(runtime, NOTIFICATION_OUTBOX);
  return reminded;
}

/** SubgraphModule.workers: the 立而不侦 watch, every INVESTIGATION_WATCH_POLL_MS (default 1000) against the hub's clock. */
export const investigationWatch = pollWorker('investigation watch', 'INVESTIGATION_WATCH_POLL_MS', remindUninvestigated);

export const investigationReminderFields = {
  /** 立而不侦: filed, and no investigation progress within the period, by the hub's clock. */
  uninvestigated: (t: TransferRow, _: unknown, ctx: Ctx) => t.status === 'FILED' && isPast(t.investigationReminderDueAt, ctx.runtime.now()),
};
