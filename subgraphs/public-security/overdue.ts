import type { SubgraphContext } from '../../kit/module';
import { isPast } from '../../kit/deadlines';
import { mayFilter } from '../../kit/access';
import { CaseTransfer, type TransferRow } from './entities';
import type { PublicSecurityLoaders } from './loaders';
import { transferReadSql, transferRule } from './resources/transfer';

type Ctx = SubgraphContext<PublicSecurityLoaders>;

const PENDING_DECISION = ['SUBMITTED', 'ACCEPTED'];

/**
 * The overdue transfers as SQL on case_transfer `t` (parameter :now): the filing decision (第八条),
 * the answer to a reconsideration (第九条), and under 补正 the bureau's completion of its materials.
 */
export const OVERDUE_TRANSFER_SQL = `((t.status IN ('SUBMITTED', 'ACCEPTED') AND t.decision_due_at < :now)
  OR (t.status = 'MATERIALS_REQUESTED' AND t.materials_due_at < :now)
  OR (t.status = 'RECONSIDERATION_REQUESTED' AND t.reconsideration_due_at < :now))`;

/**
 * The deadline a transfer is waiting on now: the filing decision, the answer to a reconsideration
 * request, or, under 补正, the bureau's completion of the materials (the filing period waits: intake/materials.ts).
 */
export function pendingDueAt(t: TransferRow): Date | null {
  if (PENDING_DECISION.includes(t.status)) return t.decisionDueAt;
  if (t.status === 'MATERIALS_REQUESTED') return t.materialsDueAt;
  if (t.status === 'RECONSIDERATION_REQUESTED') return t.reconsiderationDueAt;
  return null;
}

export const transferDeadlineFields = {
  /** Past the deadline of the step public security owes now, by the hub's clock. */
  overdue: (t: TransferRow, _: unknown, ctx: Ctx) => isPast(pendingDueAt(t), ctx.runtime.now()),
};

/**
 * OverdueItems.transfers: transfers whose filing decision or reconsideration answer is overdue,
 * among those the caller reads (resources/transfer.ts: case:read over the transferring bureau, the
 * accepting unit or the region, as schema/policy.json grants it). Nobody else has any.
 */
export const overdueTransferFields = {
  __resolveReference: (ref: { unit: string }) => ({ unit: ref.unit }),
  async transfers(_: { unit: string }, __: unknown, ctx: Ctx): Promise<TransferRow[]> {
    if (mayFilter(ctx.identity, transferRule, 'read').kind === 'none') return [];
    const rule = transferReadSql(ctx.identity, 't');
    const rows = await ctx.runtime.db.getRepository(CaseTransfer).createQueryBuilder('t')
      .where(OVERDUE_TRANSFER_SQL, { now: ctx.runtime.now() })
      .andWhere(rule.sql, rule.params)
      .orderBy('t.submittedAt', 'ASC').addOrderBy('t.id', 'ASC').limit(500).getMany();
    for (const row of rows) ctx.loaders.transferById.prime(row.id, row);
    return rows;
  },
};
