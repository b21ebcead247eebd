import type { SubgraphContext, SubgraphRuntime } from './module';
import DataLoader from 'dataloader';

/**
 * A per-request batch loader. It dispatches on the next turn of the event loop rather than
 * DataLoader's default microtask window: field rules (graphql-shield) add promise hops between
 * sibling resolvers, and a page of 50 entities must still cost one statement, not two.
 */
export function batchLoader<K, V>(load: (keys: readonly K[]) => Promise<V[]>, options: DataLoader.Options<K, V> = {}): DataLoader<K, V> {
  return new DataLoader<K, V>(load, { ...options, batchScheduleFn: (dispatch) => setImmediate(dispatch) });
}

/** Rows in the order of the keys asked for; null where there is none. */
export function byKey<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): (V | null)[] {
  const map = new Map(rows.map((r) => [keyOf(r), r]));
  return keys.map((k) => map.get(k) ?? null);
}

/** Rows grouped under each key asked for; [] where there are none. */
export function groupBy<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): V[][] {
  const map = new Map<K, V[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = map.get(key);
    if (group) group.push(row); else map.set(key, [row]);
  }
  return keys.map((k) => map.get(k) ?? []);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else names no row (and must not reach a uuid column as a SQL error). */
export const isUuid = (value: string): boolean => UUID.test(value);

/** The distinct UUIDs among `keys`, lower-cased as PostgreSQL returns them: what may reach a uuid column. */
export function uuidsOf(keys: readonly string[]): string[] {
  return [...new Set(keys.filter(isUuid).map((k) => k.toLowerCase()))];
}

/**
 * A batch loader of one row per UUID key (a row's id, or a uuid it is looked up by). A key that
 * is no UUID names no row and costs no statement, so `case(id: "123")` is "no such case", never a
 * database error; keys match whatever their case.
 */
export function uuidLoader<V>(fetch: (ids: string[]) => Promise<V[]>, keyOf: (row: V) => string): DataLoader<string, V | null> {
  return batchLoader<string, V | null>(async (keys) => {
    const wanted = uuidsOf(keys);
    return byKey(keys.map((k) => k.toLowerCase()), wanted.length ? await fetch(wanted) : [], keyOf);
  });
}

/** As uuidLoader, for the rows grouped under each UUID key ([] where there are none). */
export function uuidGroupLoader<V>(fetch: (ids: string[]) => Promise<V[]>, keyOf: (row: V) => string): DataLoader<string, V[]> {
  return batchLoader<string, V[]>(async (keys) => {
    const wanted = uuidsOf(keys);
    return groupBy(keys.map((k) => k.toLowerCase()), wanted.length ? await fetch(wanted) : [], keyOf);
  });
}

/**
 * A loader made on first use in each request, for loaders a module keeps beside its `loaders`
 * factory (a contribution to another owner's entity, say): still one statement per request.
 * The one way to keep such a loader: keyed by the request's context, gone with it.
 */
export function perRequest<L>(make: (runtime: SubgraphRuntime) => L): (ctx: SubgraphContext) => L {
  const made = new WeakMap<SubgraphContext, L>();
  return (ctx) => {
    let loader = made.get(ctx);
    if (!loader) made.set(ctx, (loader = make(ctx.runtime)));
    return loader;
  };
}
