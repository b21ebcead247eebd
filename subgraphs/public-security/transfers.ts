import type { SubgraphContext } from '../kit/module';
import { decodeCursor, encodeCursor, pageSize } from '../kit/cursor';
import { badInput, forbidden } from '../kit/errors';
import { isRegionCode, jurisdictionPrefix } from '../kit/rules';
import { mayRead, readScope, requireReader } from './access';
import { CaseTransfer, type TransferRow, type TransferStatus } from './entities';
import type { PublicSecurityLoaders } from './loaders';

type Ctx = SubgraphContext<PublicSecurityLoaders>;

interface TransferFilter { status?: TransferStatus | null; region?: string | null }

/** Query.transfer: the transfer if the caller may read it. */
export async function getTransfer(ctx: Ctx, id: string): Promise<TransferRow | null> {
  requireReader(ctx.identity);
  const transfer = await ctx.loaders.transferById.load(id);
  if (transfer && !mayRead(ctx.identity, transfer)) throw forbidden('this transfer lies outside your unit or jurisdiction');
  return transfer;
}

/** Query.transfers: the caller's transfers, newest first, by keyset over (submitted_at, id). */
export async function listTransfers(ctx: Ctx, filter: TransferFilter = {}, first?: number | null, after?: string | null) {
  const scope = requireReader(ctx.identity);
  const limit = pageSize(first);
  const qb = ctx.runtime.db.getRepository(CaseTransfer).createQueryBuilder('t');
  if (scope.regionPrefix !== undefined) qb.andWhere('t.region LIKE :scopePrefix', { scopePrefix: `${scope.regionPrefix}%` });
  if (scope.agencyCode !== undefined) qb.andWhere('t.agency_code = :scopeAgency', { scopeAgency: scope.agencyCode });
  if (filter.status) qb.andWhere('t.status = :status', { status: filter.status });
  if (filter.region) {
    if (!isRegionCode(filter.region)) throw badInput('filter.region', 'regionCode', 'must be a 6-digit administrative division code');
    qb.andWhere('t.region LIKE :prefix', { prefix: `${jurisdictionPrefix(filter.region)}%` });
  }
  if (after) {
    const { at, id } = decodeCursor(after);
    qb.andWhere('(t.submitted_at, t.id) < (:at, :id)', { at, id });
  }
  const rows = await qb.orderBy('t.submittedAt', 'DESC').addOrderBy('t.id', 'DESC').limit(limit + 1).getMany();
  const page = rows.slice(0, limit);
  // Prime the loader so entity fetches for this page cost no further statements.
  for (const row of page) ctx.loaders.transferById.prime(row.id, row);
  const last = page[page.length - 1];
  return {
    edges: page.map((node) => ({ cursor: encodeCursor(node.submittedAt, node.id), node })),
    pageInfo: { hasNextPage: rows.length > limit, endCursor: last ? encodeCursor(last.submittedAt, last.id) : null },
  };
}

/** The index's cases, extended with their transfer: one SQL for a whole page of cases. */
export const enforcementCaseFields = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  async transfer(c: { id: string }, _: unknown, ctx: Ctx) {
    if (!readScope(ctx.identity)) return null;
    const transfer = await ctx.loaders.transferByCaseId.load(c.id);
    return transfer && mayRead(ctx.identity, transfer) ? transfer : null;
  },
};

export const caseTransferFields = {
  async __resolveReference(ref: { id: string }, ctx: Ctx) {
    const transfer = await ctx.loaders.transferById.load(ref.id);
    return transfer && mayRead(ctx.identity, transfer) ? transfer : null;
  },
  case: (t: TransferRow) => ({ __typename: 'EnforcementCase', id: t.caseId }),
};
