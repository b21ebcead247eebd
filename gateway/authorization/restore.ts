// Puts the removed fields back into the response as null, each with its error, and strips what the
// rewrite added (a hidden __typename to tell runtime types apart, and placeholders for emptied
// selection sets). The response keeps the shape the client asked for.
import { HIDDEN_PREFIX, TYPENAME_KEY } from './inline';
import type { DeniedField } from './rewrite';

/** What to restore on the objects at one level of the response. */
export interface RestoreNode {
  /** The rewrite added `__hub_t: __typename` here: some entries apply to some runtime types only. */
  typename: boolean;
  /** The rewrite added `__hub_empty: __typename` because every selection here was removed. */
  emptied: boolean;
  /** Runtime types the caller may not see: such an object is replaced by null. */
  deniedTypes: Set<string> | null;
  entries: RestoreEntry[];
  /** The client's response keys in order, to put restored keys back where they were asked. */
  order: string[] | null;
}

/** A removed key (`denied`: index into the plan's denied list) or a kept key with work below it. */
export interface RestoreEntry { key: string; types: Set<string> | null; denied?: number; child?: RestoreNode }

export const newNode = (): RestoreNode => ({ typename: false, emptied: false, deniedTypes: null, entries: [], order: null });
export const hasWork = (n: RestoreNode): boolean => n.typename || n.emptied || n.deniedTypes !== null || n.entries.length > 0;

const NONE: ReadonlySet<number> = new Set();

export const UNAUTHORIZED_CODE = 'UNAUTHORIZED_FIELD_OR_TYPE';
export const unauthorizedError = (path: (string | number)[]) => ({ message: 'Unauthorized field or type', path, extensions: { code: UNAUTHORIZED_CODE } });

interface GraphQLResult { data?: Record<string, unknown> | null; errors?: unknown[]; [key: string]: unknown }

/**
 * Restores `result` in place. Every removed field gets null and one error per place it would have
 * appeared (list indices included); a removed field that appears nowhere (its parent is null, the
 * list empty, or no object matched its type condition) still gets one error at its path in the
 * operation. Denials in `skipped` (their field was not executed: @skip/@include) are left out.
 * Returns the objects withheld at runtime for their type (for the audit).
 */
export function restoreResult(result: GraphQLResult, restore: RestoreNode | null, denied: readonly DeniedField[], skipped: ReadonlySet<number> = NONE): DeniedField[] {
  const errors: ReturnType<typeof unauthorizedError>[] = [];
  const hit = new Set<number>();
  const withheld: DeniedField[] = [];
  const path: (string | number)[] = [];

  const value = (v: unknown, nodes: RestoreNode[]): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        v[i] = value(v[i], nodes);
        path.pop();
      }
      return v;
    }
    const object = v as Record<string, unknown>;
    const type = object[TYPENAME_KEY] as string | undefined;
    for (const n of nodes) {
      if (type !== undefined && n.deniedTypes?.has(type)) {
        withheld.push({ coordinate: type, path: [...path] });
        errors.push(unauthorizedError([...path]));
        return null;
      }
    }
    let inserted = false;
    let hidden = false;
    let order: string[] | null = null;
    let children: Map<string, RestoreNode[]> | null = null;
    for (const n of nodes) {
      hidden ||= n.typename || n.emptied;
      order ??= n.order;
      for (const e of n.entries) {
        if (e.types && (type === undefined || !e.types.has(type))) continue;
        if (e.denied !== undefined) {
          if (object[e.key] !== undefined || skipped.has(e.denied)) continue;
          object[e.key] = null;
          inserted = true;
          hit.add(e.denied);
          errors.push(unauthorizedError([...path, e.key]));
        } else if (e.child) {
          children ??= new Map();
          const list = children.get(e.key);
          if (list) list.push(e.child); else children.set(e.key, [e.child]);
        }
      }
    }
    if (children) {
      for (const [key, childNodes] of children) {
        if (!(key in object)) continue;
        path.push(key);
        object[key] = value(object[key], childNodes);
        path.pop();
      }
    }
    if (!inserted && !hidden) return object;
    const out: Record<string, unknown> = {};
    for (const key of order ?? []) if (key in object) out[key] = object[key];
    for (const key in object) if (!(key in out) && !key.startsWith(HIDDEN_PREFIX)) out[key] = object[key];
    return out;
  };

  if (restore && result.data && typeof result.data === 'object') result.data = value(result.data, [restore]) as Record<string, unknown>;
  denied.forEach((d, i) => {
    if (skipped.has(i)) return;
    // A type condition on a protected type: said once per withheld object already, if any came back.
    if (hit.has(i) || withheld.some((w) => w.coordinate === d.coordinate && samePath(w.path, d.path))) return;
    errors.push(unauthorizedError([...d.path]));
  });
  if (errors.length) result.errors = [...(Array.isArray(result.errors) ? result.errors : []), ...errors];
  return withheld;
}

/** Whether a response path (with list indices) runs through the same response keys as `keys`. */
function samePath(path: (string | number)[], keys: (string | number)[]): boolean {
  const named = path.filter((p) => typeof p === 'string');
  return named.length === keys.length && named.every((k, i) => k === keys[i]);
}
