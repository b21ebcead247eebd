import { In, type EntitySchema } from 'typeorm';
import type { SubgraphRuntime } from '../../kit/module';
import { batchLoader } from '../../kit/loaders';
import { Party, type CaseRow, type PartyRow } from './entities';

export function agencyLoaders(runtime: SubgraphRuntime, Case: EntitySchema<CaseRow>) {
  const load = async <T extends { id: string }>(entity: EntitySchema<T>, ids: readonly string[]) => {
    const rows = await runtime.db.getRepository(entity).findBy({ id: In([...ids]) } as any);
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  };
  return {
    caseById: batchLoader<string, CaseRow | null>((ids) => load(Case, ids)),
    partyById: batchLoader<string, PartyRow | null>((ids) => load(Party, ids)),
  };
}

export type AgencyLoaders = ReturnType<typeof agencyLoaders>;
