import type { SubgraphContext } from '../../kit/module';
import { keysetPage } from '../../kit/cursor';
import { badInput } from '../../kit/errors';
import { isRegionCode, jurisdictionPrefix } from '../../kit/rules';
import { CaseIndex, type CaseIndexRow } from './entities';
import type { JusticeLoaders } from './loaders';
import { may } from '../../kit/access';
import { isUuid } from '../../kit/loaders';
import { caseReadSql, caseRule } from '../../kit/resources/case';

interface CaseFilter { agencyCode?: string; region?: string; actType?: string; offenceCode?: string; caseType?: string }

/** The index's case list, newest first, by keyset over (recorded_at, id). */
export async function listCases(ctx: SubgraphContext<JusticeLoaders>, filter: CaseFilter = {}, first?: number, after?: string | null) {
  const qb = ctx.runtime.db.getRepository(CaseIndex).createQueryBuilder('c');
  // The case rule first: the caller's own bureau, or its region; filters only narrow it further.
  const rule = caseReadSql(ctx.identity, { agencyCode: 'c.agency_code', region: 'c.region' });
  qb.where(rule.sql, rule.params);
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

/**
 * One case by id, if the case rule lets the caller read it; null otherwise (as if there were none).
 * An id that is no UUID is the client's mistake, named (`case(id: "123")`), not "no such case".
 */
export async function readableCase(ctx: SubgraphContext<JusticeLoaders>, id: string): Promise<CaseIndexRow | null> {
  if (!isUuid(id)) throw badInput('id', 'uuid', 'is not a case id (a UUID)');
  const row = await ctx.loaders.caseById.load(id);
  return row && may(ctx.identity, caseRule, 'read', row) ? row : null;
}

export const caseFields = {
  // A reference is the hub's, not the client's: one that names no case is no case.
  __resolveReference: (ref: { id: string }, ctx: SubgraphContext<JusticeLoaders>) => (isUuid(ref.id) ? readableCase(ctx, ref.id) : null),
  agency: (row: CaseIndexRow, _: unknown, ctx: SubgraphContext<JusticeLoaders>) => ctx.loaders.agencyByCode.load(row.agencyCode),
};
