import type { SubgraphContext } from '../kit/module';
import { keysetPage } from '../kit/cursor';
import { badInput } from '../kit/errors';
import { isRegionCode, jurisdictionPrefix } from '../kit/rules';
import { CaseIndex, type CaseIndexRow } from './entities';
import type { JusticeLoaders } from './loaders';

interface CaseFilter { agencyCode?: string; region?: string; actType?: string; offenceCode?: string; caseType?: string }

/** The index's case list, newest first, by keyset over (recorded_at, id). */
export async function listCases(ctx: SubgraphContext<JusticeLoaders>, filter: CaseFilter = {}, first?: number, after?: string | null) {
  const qb = ctx.runtime.db.getRepository(CaseIndex).createQueryBuilder('c');
  if (filter.agencyCode) qb.andWhere('c.agency_code = :agencyCode', { agencyCode: filter.agencyCode });
  if (filter.region) {
    if (!isRegionCode(filter.region)) throw badInput('filter.region', 'regionCode', 'must be a 6-digit administrative division code');
    qb.andWhere('c.region LIKE :prefix', { prefix: `${jurisdictionPrefix(filter.region)}%` });
  }
  if (filter.actType) qb.andWhere('c.act_type = :actType', { actType: filter.actType });
  if (filter.offenceCode) qb.andWhere('c.offence_code = :offenceCode', { offenceCode: filter.offenceCode });
  if (filter.caseType) qb.andWhere('c.case_type = :caseType', { caseType: filter.caseType });
  const connection = await keysetPage(qb, { column: 'c.recorded_at', timeOf: (row) => row.recordedAt, first, after });
  // Prime the loader so entity fetches for this page cost no further statements.
  for (const { node } of connection.edges) ctx.loaders.caseById.prime(node.id, node);
  return connection;
}

export const caseFields = {
  __resolveReference: (ref: { id: string }, ctx: SubgraphContext<JusticeLoaders>) => ctx.loaders.caseById.load(ref.id),
  agency: (row: CaseIndexRow, _: unknown, ctx: SubgraphContext<JusticeLoaders>) => ctx.loaders.agencyByCode.load(row.agencyCode),
};
