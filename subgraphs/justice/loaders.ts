import type { SubgraphRuntime } from '../../kit/module';
import { batchLoader, byKey, groupBy, uuidLoader } from '../../kit/loaders';
import { rowsWhereIn } from '../../kit/rows';
import { Agency, CaseIndex, Officer, PowerItem, type AgencyRow, type CaseIndexRow, type OfficerRow, type PowerItemRow } from './entities';
import { publishedLoaders } from './published';
import { scorecardLoaders } from './scorecard';

export function justiceLoaders(runtime: SubgraphRuntime) {
  const db = runtime.db;
  return {
    caseById: uuidLoader<CaseIndexRow>((ids) => rowsWhereIn(db, CaseIndex, 'id', ids), (r) => r.id),
    agencyByCode: batchLoader<string, AgencyRow | null>(async (codes) =>
      byKey(codes, await rowsWhereIn(db, Agency, 'code', codes), (r) => r.code)),
    officersByAgency: batchLoader<string, OfficerRow[]>(async (codes) =>
      groupBy(codes, await rowsWhereIn(db, Officer, 'agencyCode', codes, { name: 'ASC' }), (r) => r.agencyCode)),
    powerItemsByAgency: batchLoader<string, PowerItemRow[]>(async (codes) =>
      groupBy(codes, await rowsWhereIn(db, PowerItem, 'agencyCode', codes, { code: 'ASC' }), (r) => r.agencyCode)),
    ...publishedLoaders(runtime),
    ...scorecardLoaders(runtime),
  };
}

export type JusticeLoaders = ReturnType<typeof justiceLoaders>;
