import type { EntitySchema } from 'typeorm';
import type { SubgraphRuntime } from '../../../kit/module';
import { uuidLoader } from '../../../kit/loaders';
import { rowsWhereIn } from '../../../kit/rows';
import { Party, type CaseRow, type PartyRow } from './entities';

export function agencyLoaders(runtime: SubgraphRuntime, Case: EntitySchema<CaseRow>) {
  // Ids are UUIDs; anything else names no row (and must not reach a uuid column as a SQL error).
  const byId = <T extends { id: string }>(entity: EntitySchema<T>) =>
    uuidLoader<T>((ids) => rowsWhereIn<T>(runtime.db, entity, 'id', ids), (r) => r.id);
  return {
    caseById: byId(Case),
    partyById: byId(Party),
  };
}

export type AgencyLoaders = ReturnType<typeof agencyLoaders>;
