import type { SubgraphContext } from '../kit/module';
import { decodeCursor, encodeCursor, pageSize } from '../kit/cursor';
import { badInput } from '../kit/errors';
import { isRegionCode, jurisdictionPrefix } from '../kit/rules';
import { CaseIndex, type CaseIndexRow } from './entities';
import type { JusticeLoaders } from './loaders';

interface CaseFilter { agencyCode?: string; region?: string; actType?: string; offenceCode?: string; caseType?: string }

/** The index's case list, newest first, by keyset over (recorded_at, id). */
export async function listCases(ctx: SubgraphContext<JusticeLoaders>, filter: CaseFilter = {}, first?: number, after?: string | null) {
  const limit = pageSize(first);
  const qb = ctx.runtime.db.getRepository(CaseIndex).createQueryBuilder('c');
  if (filter.agencyCode) qb.andWhere('c.agency_code = :agencyCode', { agencyCode: filter.agencyCode });
  if (filter.region) {
    if (!isRegionCode(filter.region)) throw badInput('filter.region', 'regionCode', 'must be a 6-digit administrative division code');
    qb.andWhere('c.region LIKE :prefix', { prefix: `${jurisdictionPrefix(filter.region)}%` });
  }
  if (filter.actType) qb.andWhere('c.act_type = :actType', { actType: filter.actType });
  if (filter.offenceCode) qb.andWhere('c.offence_code = :offenceCode', { offenceCode: filter.offenceCode });
  if (filter.caseType) qb.andWhere('c.case_type = :caseType', { caseType: filter.caseType });
  if (after) {
    const { at, id } = decodeCursor(after);
    qb.andWhere('(c.recorded_at, c.id) < (:at, :id)', { at, id });
  }
  const rows = await qb.orderBy('c.recorded_at', 'DESC').addOrderBy('c.id', 'DESC').limit(limit + 1).getMany();
  const page = rows.slice(0, limit);
  // Prime the loader so entity fetches for this page cost no further statements.
  for (const row of page) ctx.loaders.caseById.prime(row.id, row);
  return {
    edges: page.map((node) => ({ cursor: encodeCursor(node.recordedAt, node.id), node })),
    pageInfo: { hasNextPage: rows.length > limit, endCursor: page.length ? encodeCursor(page[page.length - 1].recordedAt, page[page.length - 1].id) : null },
  };
}

export const caseFields = {
  __resolveReference: (ref: { id: string }, ctx: SubgraphContext<JusticeLoaders>) => ctx.loaders.caseById.load(ref.id),
  agency: (row: CaseIndexRow, _: unknown, ctx: SubgraphContext<JusticeLoaders>) => ctx.loaders.agencyByCode.load(row.agencyCode),
};
