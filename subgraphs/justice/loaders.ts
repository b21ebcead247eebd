import { In } from 'typeorm';
import type { SubgraphRuntime } from '../../kit/module';
import { batchLoader, byKey, groupBy, uuidLoader } from '../../kit/loaders';
import { Agency, CaseIndex, Officer, PowerItem, type AgencyRow, type CaseIndexRow, type OfficerRow, type PowerItemRow } from './entities';
import { publishedLoaders } from './published';
import { scorecardLoaders } from './scorecard';

export function justiceLoaders(runtime: SubgraphRuntime) {
  const db = runtime.db;
  return {
    caseById: uuidLoader<CaseIndexRow>((ids) => db.getRepository(CaseIndex).findBy({ id: In(ids) }), (r) => r.id),
    agencyByCode: batchLoader<string, AgencyRow | null>(async (codes) =>
      byKey(codes, await db.getRepository(Agency).findBy({ code: In([...codes]) }), (r) => r.code)),
    officersByAgency: batchLoader<string, OfficerRow[]>(async (codes) =>
      groupBy(codes, await db.getRepository(Officer).find({ where: { agencyCode: In([...codes]) }, order: { name: 'ASC' } }), (r) => r.agencyCode)),
    powerItemsByAgency: batchLoader<string, PowerItemRow[]>(async (codes) =>
      groupBy(codes, await db.getRepository(PowerItem).find({ where: { agencyCode: In([...codes]) }, order: { code: 'ASC' } }), (r) => r.agencyCode)),
    ...publishedLoaders(runtime),
    ...scorecardLoaders(runtime),
  };
}

export type JusticeLoaders = ReturnType<typeof justiceLoaders>;
