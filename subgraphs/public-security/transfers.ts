import type { SubgraphContext } from '../../kit/module';
import { keysetPage, type PageArgs } from '../../kit/cursor';
import { badInput } from '../../kit/errors';
import { may, mayFilter, requireMay, requireScope } from '../../kit/access';
import { isRegionCode, jurisdictionPrefix } from '../../kit/rules';
import { CaseTransfer, type TransferRow, type TransferStatus } from './entities';
import type { PublicSecurityLoaders } from './loaders';
import { transferReadSql, transferRule } from './resources/transfer';

type Ctx = SubgraphContext<PublicSecurityLoaders>;

interface TransferFilter { status?: TransferStatus | null; region?: string | null }

/** Query.transfer: the transfer if the caller's case:read grant covers it (resources/transfer.ts). */
export async function getTransfer(ctx: Ctx, id: string): Promise<TransferRow | null> {
  requireScope(ctx.identity, transferRule.actions.read.scope, 'read transfers');
  const transfer = await ctx.loaders.transferById.load(id);
  if (transfer) requireMay(ctx.identity, transferRule, 'read', transfer);
  return transfer;
}

/** Query.transfers: the transfers the caller's grant covers, newest first, by keyset over (submitted_at, id). */
export async function listTransfers(ctx: Ctx, filter: TransferFilter = {}, page: PageArgs = {}) {
  requireScope(ctx.identity, transferRule.actions.read.scope, 'read transfers');
  const rule = transferReadSql(ctx.identity, 't');
  const qb = ctx.runtime.db.getRepository(CaseTransfer).createQueryBuilder('t').where(rule.sql, rule.params);
  if (filter.status) qb.andWhere('t.status = :status', { status: filter.status });
  if (filter.region) {
    if (!isRegionCode(filter.region)) throw badInput('filter.region', 'regionCode', 'must be a 6-digit administrative division code');
    qb.andWhere('t.region LIKE :prefix', { prefix: `${jurisdictionPrefix(filter.region)}%` });
  }
  const connection = await keysetPage(qb, { column: 't.submitted_at', timeOf: (row) => row.submittedAt, ...page });
  // Prime the loader so entity fetches for this page cost no further statements.
  for (const { node } of connection.edges) ctx.loaders.transferById.prime(node.id, node);
  return connection;
}

/** The index's cases, extended with their transfer: one SQL for a whole page of cases. */
export const enforcementCaseFields = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  async transfer(c: { id: string }, _: unknown, ctx: Ctx) {
    if (mayFilter(ctx.identity, transferRule, 'read').kind === 'none') return null;
    const transfer = await ctx.loaders.transferByCaseId.load(c.id);
    return transfer && may(ctx.identity, transferRule, 'read', transfer) ? transfer : null;
  },
};

export const caseTransferFields = {
  async __resolveReference(ref: { id: string }, ctx: Ctx) {
    const transfer = await ctx.loaders.transferById.load(ref.id);
    return transfer && may(ctx.identity, transferRule, 'read', transfer) ? transfer : null;
  },
  case: (t: TransferRow) => ({ __typename: 'EnforcementCase', id: t.caseId }),
};
