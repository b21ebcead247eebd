import { In } from 'typeorm';
import type { SubgraphRuntime } from '../../kit/module';
import { batchLoader, byKey, groupBy, isUuid } from '../../kit/loaders';
import { Suggestion, SupervisionMatter, type SuggestionRow, type SupervisionMatterRow } from './entities';
import { alertLoaders } from './alerts';

/** Per-request loaders: one statement per entity type or relation, whatever the page size. */
export function procuratorateLoaders(runtime: SubgraphRuntime) {
  const db = runtime.db;
  const uuids = (ids: readonly string[]) => [...new Set(ids.filter(isUuid))];
  return {
    supervisionById: batchLoader<string, SupervisionMatterRow | null>(async (ids) =>
      byKey(ids, uuids(ids).length ? await db.getRepository(SupervisionMatter).findBy({ id: In(uuids(ids)) }) : [], (r) => r.id)),
    suggestionById: batchLoader<string, SuggestionRow | null>(async (ids) =>
      byKey(ids, uuids(ids).length ? await db.getRepository(Suggestion).findBy({ id: In(uuids(ids)) }) : [], (r) => r.id)),
    supervisionByCaseId: batchLoader<string, SupervisionMatterRow[]>(async (caseIds) =>
      groupBy(caseIds, uuids(caseIds).length ? await db.getRepository(SupervisionMatter).find({
        where: { caseId: In(uuids(caseIds)) }, order: { openedAt: 'DESC', id: 'DESC' },
      }) : [], (r) => r.caseId)),
    suggestionsByAgency: batchLoader<string, SuggestionRow[]>(async (codes) =>
      groupBy(codes, await db.getRepository(Suggestion).find({
        where: { agencyCode: In([...codes]) }, order: { issuedAt: 'DESC', id: 'DESC' },
      }), (r) => r.agencyCode)),
    ...alertLoaders(runtime),
  };
}

export type ProcuratorateLoaders = ReturnType<typeof procuratorateLoaders>;
