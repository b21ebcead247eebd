// The row half of the access model. schema/policy.json grants each role scopes with a reach
// (`case:read@region`); the SDL's @requiresScopes says which scope a field needs; and each
// resource's row-rule module says which units and which region one of its records belongs to.
// Together they decide every read and every action on a row: no resolver names a role.
import type { Identity } from './identity';
import { grantsOf, type Reach } from './policy';
import { forbidden } from './errors';
import { isRegionCode, jurisdictionPrefix, withinJurisdiction } from './rules';

/** Where a record belongs: the units that hold it (owning bureau, accepting unit, …) and its region. */
export interface RowPlace {
  units: readonly (string | null | undefined)[];
  region: string | null | undefined;
}

/** The reach of the caller's grant of `scope`, or null when it holds none. */
export function reachOf(identity: Pick<Identity, 'role'>, scope: string): Reach | null {
  return grantsOf(identity.role).get(scope) ?? null;
}

/** Whether the caller's grant of `scope` covers a record placed at `place`. */
export function covers(identity: Identity, scope: string, place: RowPlace): boolean {
  const reach = reachOf(identity, scope);
  switch (reach) {
    case 'all': return true;
    case 'region': return !!place.region && withinJurisdiction(validRegion(identity), place.region);
    case 'unit': return !!identity.org && place.units.some((unit) => !!unit && unit === identity.org);
    default: return false;
  }
}

/** `covers`, or FORBIDDEN naming the scope and what the record is. */
export function requireCovers(identity: Identity, scope: string, place: RowPlace, what: string): void {
  if (covers(identity, scope, place)) return;
  const reach = reachOf(identity, scope);
  if (!reach) throw forbidden(`${what}: needs the scope ${scope}`);
  throw forbidden(reach === 'unit' ? `${what} belongs to another unit` : `${what} lies outside this unit's jurisdiction`);
}

/** The caller's scope held at any reach, or FORBIDDEN: for actions that create a row (the row rule then checks the place). */
export function requireScope(identity: Identity, scope: string, what: string): Reach {
  const reach = reachOf(identity, scope);
  if (!reach) throw forbidden(`${what}: needs the scope ${scope}`);
  return reach;
}

/**
 * The same rule as a filter for lists: which rows of a table the caller's grant covers. Row-rule
 * modules turn it into SQL on their own columns (units: `col IN (:...units)`, region: `LIKE prefix%`).
 */
export type RowFilter =
  | { kind: 'none' }
  | { kind: 'all' }
  | { kind: 'unit'; unit: string }
  | { kind: 'region'; prefix: string };

export function rowFilter(identity: Identity, scope: string): RowFilter {
  switch (reachOf(identity, scope)) {
    case 'all': return { kind: 'all' };
    case 'region': { const region = validRegion(identity); return region ? { kind: 'region', prefix: jurisdictionPrefix(region) } : { kind: 'none' }; }
    case 'unit': return identity.org ? { kind: 'unit', unit: identity.org } : { kind: 'none' };
    default: return { kind: 'none' };
  }
}

/**
 * SQL for a RowFilter on a table's own columns: `unitColumns` are the columns naming units the
 * row belongs to, `regionColumn` its region. Parameters are named with `name` to stay unique.
 */
export function rowFilterSql(filter: RowFilter, columns: { units: string[]; region: string }, name = 'rf'): { sql: string; params: Record<string, string> } {
  switch (filter.kind) {
    case 'all': return { sql: 'TRUE', params: {} };
    case 'none': return { sql: 'FALSE', params: {} };
    case 'unit': return { sql: `(${columns.units.map((c) => `${c} = :${name}Unit`).join(' OR ') || 'FALSE'})`, params: { [`${name}Unit`]: filter.unit } };
    case 'region': return { sql: `${columns.region} LIKE :${name}Prefix`, params: { [`${name}Prefix`]: `${filter.prefix}%` } };
  }
}

function validRegion(identity: Identity): string | undefined {
  return identity.region && isRegionCode(identity.region) ? identity.region : undefined;
}

/**
 * One resource's row rule, declared once and read by its resolvers, its list queries, its tests
 * and docs/permissions.md. `place` says where a record belongs; each action names the scope it
 * needs, whose reach (policy.json) must cover that place. `when` adds a condition of the domain
 * that no grant widens (only the unit that accepted a transfer decides on it), in words for the
 * docs and as a check.
 */
export interface ResourceRule<R> {
  resource: string;
  /** Where a record belongs, in words: "the owning bureau; the case's region". */
  placeText: string;
  place(row: R): RowPlace;
  actions: Record<string, { scope: string; when?: { text: string; check(identity: Identity, row: R): boolean } }>;
}

export function defineResource<R>(rule: ResourceRule<R>): ResourceRule<R> {
  return rule;
}

/** Whether the caller may take `action` on `row` under the resource's rule. */
export function may<R>(identity: Identity, rule: ResourceRule<R>, action: string, row: R): boolean {
  const spec = rule.actions[action];
  if (!spec) throw new Error(`${rule.resource}: no action ${action}`);
  return covers(identity, spec.scope, rule.place(row)) && (!spec.when || spec.when.check(identity, row));
}

/** `may`, or FORBIDDEN saying which scope, reach or condition failed. */
export function requireMay<R>(identity: Identity, rule: ResourceRule<R>, action: string, row: R): void {
  const spec = rule.actions[action];
  if (!spec) throw new Error(`${rule.resource}: no action ${action}`);
  requireCovers(identity, spec.scope, rule.place(row), `${action} on this ${rule.resource}`);
  if (spec.when && !spec.when.check(identity, row)) throw forbidden(`${action} on this ${rule.resource}: ${spec.when.text}`);
}

/** The list filter for `action` (the `when` condition, if any, is the caller's to add). */
export function mayFilter<R>(identity: Identity, rule: ResourceRule<R>, action: string): RowFilter {
  const spec = rule.actions[action];
  if (!spec) throw new Error(`${rule.resource}: no action ${action}`);
  return rowFilter(identity, spec.scope);
}

/**
 * A row rule with several ways in (a reader's jurisdiction, or being the addressed bureau): the
 * caller may when any of `actions` allows it.
 */
export function mayAny<R>(identity: Identity, rule: ResourceRule<R>, actions: string[], row: R): boolean {
  return actions.some((action) => may(identity, rule, action, row));
}

/**
 * The same ways in as one SQL condition for list queries: each action with the columns its place
 * reads on the table; `callerIn` is a `when` naming the caller's own unit, as the columns that
 * must hold it (the addressed bureau, a party unit).
 */
export function mayAnySql<R>(identity: Identity, rule: ResourceRule<R>, ways: Record<string, { units: string[]; region: string; callerIn?: string[] }>, name: string): { sql: string; params: Record<string, string> } {
  const parts = Object.entries(ways).map(([action, { callerIn, ...columns }], i) => {
    const reach = rowFilterSql(mayFilter(identity, rule, action), columns, `${name}${i}`);
    if (!callerIn) return reach;
    if (!identity.org || reach.sql === 'FALSE') return { sql: 'FALSE', params: {} };
    const org = `${name}${i}Org`;
    return { sql: `((${callerIn.map((c) => `${c} = :${org}`).join(' OR ')}) AND ${reach.sql})`, params: { ...reach.params, [org]: identity.org } };
  });
  return { sql: `(${parts.map((p) => p.sql).join(' OR ') || 'FALSE'})`, params: Object.assign({}, ...parts.map((p) => p.params)) };
}
