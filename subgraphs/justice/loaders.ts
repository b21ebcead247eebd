import DataLoader from 'dataloader';
import { In } from 'typeorm';
import type { SubgraphRuntime } from '../kit/module';
import { Agency, CaseIndex, Officer, PowerItem, type AgencyRow, type CaseIndexRow, type OfficerRow, type PowerItemRow } from './entities';

function byKey<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): (V | null)[] {
  const map = new Map(rows.map((r) => [keyOf(r), r]));
  return keys.map((k) => map.get(k) ?? null);
}

function groupBy<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): V[][] {
  const map = new Map<K, V[]>();
  for (const row of rows) map.set(keyOf(row), [...(map.get(keyOf(row)) ?? []), row]);
  return keys.map((k) => map.get(k) ?? []);
}

export function justiceLoaders(runtime: SubgraphRuntime) {
  const db = runtime.db;
  return {
    caseById: new DataLoader<string, CaseIndexRow | null>(async (ids) =>
      byKey(ids, await db.getRepository(CaseIndex).findBy({ id: In([...ids]) }), (r) => r.id)),
    agencyByCode: new DataLoader<string, AgencyRow | null>(async (codes) =>
      byKey(codes, await db.getRepository(Agency).findBy({ code: In([...codes]) }), (r) => r.code)),
    officersByAgency: new DataLoader<string, OfficerRow[]>(async (codes) =>
      groupBy(codes, await db.getRepository(Officer).find({ where: { agencyCode: In([...codes]) }, order: { name: 'ASC' } }), (r) => r.agencyCode)),
    powerItemsByAgency: new DataLoader<string, PowerItemRow[]>(async (codes) =>
      groupBy(codes, await db.getRepository(PowerItem).find({ where: { agencyCode: In([...codes]) }, order: { code: 'ASC' } }), (r) => r.agencyCode)),
  };
}

export type JusticeLoaders = ReturnType<typeof justiceLoaders>;
