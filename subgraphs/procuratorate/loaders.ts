import DataLoader from 'dataloader';
import { In } from 'typeorm';
import type { SubgraphRuntime } from '../kit/module';
import { Suggestion, SupervisionMatter, type SuggestionRow, type SupervisionMatterRow } from './entities';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids that are not UUIDs match no row (and must not reach a uuid column as a cast error). */
export const isUuid = (id: string): boolean => UUID.test(id);

function byKey<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): (V | null)[] {
  const map = new Map(rows.map((r) => [keyOf(r), r]));
  return keys.map((k) => map.get(k) ?? null);
}

function groupBy<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): V[][] {
  const map = new Map<K, V[]>();
  for (const row of rows) map.set(keyOf(row), [...(map.get(keyOf(row)) ?? []), row]);
  return keys.map((k) => map.get(k) ?? []);
}

/** Per-request loaders: one statement per entity type or relation, whatever the page size. */
export function procuratorateLoaders(runtime: SubgraphRuntime) {
  const db = runtime.db;
  const uuids = (ids: readonly string[]) => [...new Set(ids.filter(isUuid))];
  return {
    supervisionById: new DataLoader<string, SupervisionMatterRow | null>(async (ids) =>
      byKey(ids, uuids(ids).length ? await db.getRepository(SupervisionMatter).findBy({ id: In(uuids(ids)) }) : [], (r) => r.id)),
    suggestionById: new DataLoader<string, SuggestionRow | null>(async (ids) =>
      byKey(ids, uuids(ids).length ? await db.getRepository(Suggestion).findBy({ id: In(uuids(ids)) }) : [], (r) => r.id)),
    supervisionByCaseId: new DataLoader<string, SupervisionMatterRow[]>(async (caseIds) =>
      groupBy(caseIds, uuids(caseIds).length ? await db.getRepository(SupervisionMatter).find({
        where: { caseId: In(uuids(caseIds)) }, order: { openedAt: 'DESC', id: 'DESC' },
      }) : [], (r) => r.caseId)),
    suggestionsByAgency: new DataLoader<string, SuggestionRow[]>(async (codes) =>
      groupBy(codes, await db.getRepository(Suggestion).find({
        where: { agencyCode: In([...codes]) }, order: { issuedAt: 'DESC', id: 'DESC' },
      }), (r) => r.agencyCode)),
  };
}

export type ProcuratorateLoaders = ReturnType<typeof procuratorateLoaders>;
