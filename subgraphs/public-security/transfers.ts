import type { SubgraphContext } from '../kit/module';
import { keysetPage } from '../kit/cursor';
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
  const qb = ctx.runtime.db.getRepository(CaseTransfer).createQueryBuilder('t');
  if (scope.regionPrefix !== undefined) qb.andWhere('t.region LIKE :scopePrefix', { scopePrefix: `${scope.regionPrefix}%` });
  if (scope.agencyCode !== undefined) qb.andWhere('t.agency_code = :scopeAgency', { scopeAgency: scope.agencyCode });
  if (filter.status) qb.andWhere('t.status = :status', { status: filter.status });
  if (filter.region) {
    if (!isRegionCode(filter.region)) throw badInput('filter.region', 'regionCode', 'must be a 6-digit administrative division code');
    qb.andWhere('t.region LIKE :prefix', { prefix: `${jurisdictionPrefix(filter.region)}%` });
  }
  const connection = await keysetPage(qb, { column: 't.submitted_at', timeOf: (row) => row.submittedAt, first, after });
  // Prime the loader so entity fetches for this page cost no further statements.
  for (const { node } of connection.edges) ctx.loaders.transferById.prime(node.id, node);
  return connection;
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
