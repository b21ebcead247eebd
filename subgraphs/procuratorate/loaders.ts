import type { SubgraphRuntime } from '../../kit/module';
import { batchLoader, groupBy, uuidGroupLoader, uuidLoader } from '../../kit/loaders';
import { rowsWhereIn } from '../../kit/rows';
import { Suggestion, SupervisionMatter, type SuggestionRow, type SupervisionMatterRow } from './entities';
import { alertLoaders } from './alerts';
import { nonProsecutionLoaders } from './non-prosecution';

/** Per-request loaders: one statement per entity type or relation, whatever the page size. */
export function procuratorateLoaders(runtime: SubgraphRuntime) {
  const db = runtime.db;
  return {
    supervisionById: uuidLoader<SupervisionMatterRow>((ids) => rowsWhereIn(db, SupervisionMatter, 'id', ids), (r) => r.id),
    suggestionById: uuidLoader<SuggestionRow>((ids) => rowsWhereIn(db, Suggestion, 'id', ids), (r) => r.id),
    supervisionByCaseId: uuidGroupLoader<SupervisionMatterRow>((caseIds) => rowsWhereIn(db, SupervisionMatter, 'caseId', caseIds, { openedAt: 'DESC', id: 'DESC' }), (r) => r.caseId),
    suggestionsByAgency: batchLoader<string, SuggestionRow[]>(async (codes) =>
      groupBy(codes, await rowsWhereIn(db, Suggestion, 'agencyCode', codes, { issuedAt: 'DESC', id: 'DESC' }), (r) => r.agencyCode)),
    ...alertLoaders(runtime),
    ...nonProsecutionLoaders(runtime),
  };
}

export type ProcuratorateLoaders = ReturnType<typeof procuratorateLoaders>;
