import type { SubgraphContext } from '../../kit/module';
import { countOf, EMPTY_CONNECTION, keysetPage } from '../../kit/cursor';
import { mayFilter } from '../../kit/access';
import { CaseTransfer, type TransferRow } from './entities';
import type { PublicSecurityLoaders } from './loaders';
import { transferReadSql, transferRule } from './resources/transfer';
import { OVERDUE_TRANSFER_SQL } from './overdue';

// OverdueItems.transfersPage (issue 12: a paged `overdue`): the same transfers as
// OverdueItems.transfers (overdue.ts), paged by the kit's keyset cursor with a count, so a console
// lists them all however many there are; `transfers` stays for the clients that read it.

type Ctx = SubgraphContext<PublicSecurityLoaders>;

export const OVERDUE_PAGE_SDL = `
type OverdueTransferEdge { cursor: String! node: CaseTransfer }
type OverdueTransferConnection {
  edges: [OverdueTransferEdge!]!
  pageInfo: PageInfo!
  "every overdue transfer the caller reads (all pages), at most 10000: counted only when asked for"
  totalCount: Int!
  "true when there are more than 10000 (totalCount is then 10000)"
  totalCountCapped: Boolean!
}

extend type OverdueItems {
  "the overdue transfers of \`transfers\`, paged: longest waiting (earliest submitted) first"
  transfersPage(first: Int, after: String, last: Int, before: String): OverdueTransferConnection
}
`;

export const overdueTransferPageFields = {
  async transfersPage(_: { unit: string }, page: { first?: number | null; after?: string | null; last?: number | null; before?: string | null }, ctx: Ctx) {
    const rule = transferReadSql(ctx.identity, 't');
    const qb = ctx.runtime.db.getRepository(CaseTransfer).createQueryBuilder('t')
      // 国务院令第310号 第八条 (the filing decision) and 第九条 (the reconsideration answer), as overdue.ts reads them.
      .where(OVERDUE_TRANSFER_SQL, { now: ctx.runtime.now() })
      .andWhere(rule.sql, rule.params);
    const nobody = mayFilter(ctx.identity, transferRule, 'read').kind === 'none';
    const counts = nobody ? { totalCount: 0, totalCountCapped: false } : countOf(qb);
    const connection = nobody ? EMPTY_CONNECTION : await keysetPage(qb, {
      column: 't.submitted_at', direction: 'ASC', timeOf: (row: TransferRow) => row.submittedAt, sortKey: 'overdue', ...page,
    });
    for (const { node } of connection.edges) ctx.loaders.transferById.prime(node.id, node);
    return { ...connection, ...counts };
  },
};
