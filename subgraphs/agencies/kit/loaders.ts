import { In, type EntitySchema } from 'typeorm';
import type { SubgraphRuntime } from '../../../kit/module';
import { batchLoader, isUuid } from '../../../kit/loaders';
import { Party, type CaseRow, type PartyRow } from './entities';

export function agencyLoaders(runtime: SubgraphRuntime, Case: EntitySchema<CaseRow>) {
  const load = async <T extends { id: string }>(entity: EntitySchema<T>, ids: readonly string[]) => {
    // Ids are UUIDs; anything else names no row (and must not reach a uuid column as a SQL error).
    const wanted = ids.filter(isUuid);
    const rows = wanted.length ? await runtime.db.getRepository(entity).findBy({ id: In(wanted) } as any) : [];
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  };
  return {
    caseById: batchLoader<string, CaseRow | null>((ids) => load(Case, ids)),
    partyById: batchLoader<string, PartyRow | null>((ids) => load(Party, ids)),
  };
}

export type AgencyLoaders = ReturnType<typeof agencyLoaders>;
