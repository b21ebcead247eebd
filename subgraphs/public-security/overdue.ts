import type { SubgraphContext } from '../kit/module';
import { isPast } from '../kit/deadlines';
import { isRegionCode, jurisdictionPrefix } from '../kit/rules';
import { CaseTransfer, type TransferRow } from './entities';
import type { PublicSecurityLoaders } from './loaders';

type Ctx = SubgraphContext<PublicSecurityLoaders>;

const PENDING_DECISION = ['SUBMITTED', 'ACCEPTED'];

/** The deadline a transfer is waiting on now: the filing decision, or the answer to a reconsideration request. */
export function pendingDueAt(t: TransferRow): Date | null {
  if (PENDING_DECISION.includes(t.status)) return t.decisionDueAt;
  if (t.status === 'RECONSIDERATION_REQUESTED') return t.reconsiderationDueAt;
  return null;
}

export const transferDeadlineFields = {
  /** Past the deadline of the step public security owes now, by the hub's clock. */
  overdue: (t: TransferRow, _: unknown, ctx: Ctx) => isPast(pendingDueAt(t), ctx.runtime.now()),
};

/**
 * OverdueItems.transfers: transfers whose filing decision or reconsideration answer is overdue.
 * Public security and procurators: their jurisdiction; the justice bureau: its region; the
 * transferring bureau: its own. Nobody else has any.
 */
export const overdueTransferFields = {
  __resolveReference: (ref: { unit: string }) => ({ unit: ref.unit }),
  async transfers(_: { unit: string }, __: unknown, ctx: Ctx): Promise<TransferRow[]> {
    const { identity } = ctx;
    const qb = ctx.runtime.db.getRepository(CaseTransfer).createQueryBuilder('t')
      .where(`((t.status IN (:...pending) AND t.decision_due_at < :now) OR (t.status = 'RECONSIDERATION_REQUESTED' AND t.reconsideration_due_at < :now))`,
        { pending: PENDING_DECISION, now: ctx.runtime.now() });
    const regional = ['psb_officer', 'procurator', 'justice_supervisor'].includes(identity.role);
    if (regional && identity.region && isRegionCode(identity.region)) {
      qb.andWhere('t.region LIKE :prefix', { prefix: `${jurisdictionPrefix(identity.region)}%` });
    } else if (identity.role === 'agency_officer' && identity.org) {
      qb.andWhere('t.agency_code = :org', { org: identity.org });
    } else {
      return [];
    }
    const rows = await qb.orderBy('t.submittedAt', 'ASC').addOrderBy('t.id', 'ASC').limit(500).getMany();
    for (const row of rows) ctx.loaders.transferById.prime(row.id, row);
    return rows;
  },
};
