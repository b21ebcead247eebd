import { In } from 'typeorm';
import type { SubgraphRuntime } from '../../kit/module';
import { batchLoader, groupBy, uuidGroupLoader, uuidLoader } from '../../kit/loaders';
import { Suggestion, SupervisionMatter, type SuggestionRow, type SupervisionMatterRow } from './entities';
import { alertLoaders } from './alerts';
import { nonProsecutionLoaders } from './non-prosecution';

/** Per-request loaders: one statement per entity type or relation, whatever the page size. */
export function procuratorateLoaders(runtime: SubgraphRuntime) {
  const db = runtime.db;
  return {
    supervisionById: uuidLoader<SupervisionMatterRow>((ids) => db.getRepository(SupervisionMatter).findBy({ id: In(ids) }), (r) => r.id),
    suggestionById: uuidLoader<SuggestionRow>((ids) => db.getRepository(Suggestion).findBy({ id: In(ids) }), (r) => r.id),
    supervisionByCaseId: uuidGroupLoader<SupervisionMatterRow>((caseIds) => db.getRepository(SupervisionMatter).find({
      where: { caseId: In(caseIds) }, order: { openedAt: 'DESC', id: 'DESC' },
    }), (r) => r.caseId),
    suggestionsByAgency: batchLoader<string, SuggestionRow[]>(async (codes) =>
      groupBy(codes, await db.getRepository(Suggestion).find({
        where: { agencyCode: In([...codes]) }, order: { issuedAt: 'DESC', id: 'DESC' },
      }), (r) => r.agencyCode)),
    ...alertLoaders(runtime),
    ...nonProsecutionLoaders(runtime),
  };
}

export type ProcuratorateLoaders = ReturnType<typeof procuratorateLoaders>;
