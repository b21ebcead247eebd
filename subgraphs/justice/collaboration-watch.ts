import type { EntityManager } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { anyRowWhere, backgroundTransaction } from '../../kit/database';
import type { SubgraphRuntime } from '../../kit/module';
import { pollWorker } from '../../kit/workers';
import { storeNotifications } from './inbox';
import { KIND_SPECS, type CollaborationKind } from './collaboration-kinds';

// 督办 by the platform (Haizhou 2017: 交办 with a deadline, 督办 when it passes): once a
// collaboration matter is open past its due date, the addressed unit is reminded and the
// requesting unit told (so it may urge it, urgeCollaboration), once per matter, against the hub's
// clock. Justice keeps the inbox, so the notices are written in the same transaction.

const WATCH_BATCH = 100;
/** The matters the watch notices ($1: now): open past their due date, not noticed yet. */
const OVERDUE_UNNOTICED = `status = 'OPEN' AND overdue_noticed_at IS NULL AND answer_due_at < $1`;

interface Due { id: string; kind: CollaborationKind; requesterUnit: string; addresseeUnit: string; region: string }

/** One pass: every open matter past its due date and not yet noticed is noticed now. */
export async function noticeOverdueCollaboration(runtime: SubgraphRuntime): Promise<number> {
  if (!(await anyRowWhere(runtime.db, 'collaboration_matter', OVERDUE_UNNOTICED, [runtime.now()]))) return 0;
  return backgroundTransaction(runtime.db, async (tx: EntityManager) => {
    const now = runtime.now();
    // In a CTE: TypeORM answers a bare UPDATE with [rows, count].
    const due: Due[] = await tx.query(`
      WITH changed AS (UPDATE collaboration_matter SET overdue_noticed_at = $1
        WHERE id IN (SELECT id FROM collaboration_matter WHERE ${OVERDUE_UNNOTICED}
          ORDER BY answer_due_at LIMIT ${WATCH_BATCH} FOR UPDATE SKIP LOCKED)
        RETURNING id, kind, requester_unit AS "requesterUnit", addressee_unit AS "addresseeUnit", region) SELECT * FROM changed`, [now]);
    await storeNotifications(tx, due.flatMap((m) => [m.addresseeUnit, m.requesterUnit].map((org) => ({
      id: randomUUID(), recipient: { org }, kind: 'COLLABORATION_OVERDUE' as const, title: `${KIND_SPECS[m.kind].label}逾期未答复: ${m.addresseeUnit}`,
      subjectType: 'COLLABORATION_MATTER' as const, subjectId: m.id, region: m.region, occurredAt: now.toISOString(),
    }))));
    return due.length;
  });
}

/** SubgraphModule.workers: the watch, at justice's OUTBOX_POLL_MS like its other background passes. */
export const collaborationWatch = pollWorker('collaboration overdue watch', 'OUTBOX_POLL_MS', noticeOverdueCollaboration);
