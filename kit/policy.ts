import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kind, type ConstDirectiveNode, type DocumentNode } from 'graphql';
import type { Identity, Role } from './identity';

const POLICY_PATH = fileURLToPath(new URL('../schema/policy.json', import.meta.url));

export interface Policy { scopes: Record<string, string>; roles: Record<string, string[]>; service: string[] }

export const POLICY: Policy = JSON.parse(readFileSync(POLICY_PATH, 'utf8'));

/** How far a grant reaches over rows: the caller's own unit, its region's jurisdiction, or everything. */
export type Reach = 'unit' | 'region' | 'all';
export const REACHES: readonly Reach[] = ['unit', 'region', 'all'];

/** One grant of schema/policy.json: `scope@reach`. */
export interface Grant { scope: string; reach: Reach }

function parseGrant(text: string, holder: string): Grant {
  const [scope, reach] = text.split('@');
  if (!(scope in POLICY.scopes)) throw new Error(`schema/policy.json: ${holder} holds unknown scope ${scope}`);
  if (!REACHES.includes(reach as Reach)) throw new Error(`schema/policy.json: ${holder}'s grant ${text} needs @unit, @region or @all`);
  return { scope, reach: reach as Reach };
}

const GRANTS: ReadonlyMap<Role, ReadonlyMap<string, Reach>> = new Map<Role, ReadonlyMap<string, Reach>>([
  ...Object.entries(POLICY.roles).map(([role, grants]) => [role as Role, new Map(grants.map((g) => { const p = parseGrant(g, role); return [p.scope, p.reach] as const; }))] as const),
  ['service', new Map(POLICY.service.map((g) => { const p = parseGrant(g, 'service'); return [p.scope, p.reach] as const; }))],
]);

/** The grants a role holds under schema/policy.json (scope → reach). */
export function grantsOf(role: Role): ReadonlyMap<string, Reach> {
  return GRANTS.get(role) ?? new Map();
}

/** The scopes a role holds under schema/policy.json (what @requiresScopes checks). */
export function scopesOf(role: Role): string[] {
  return [...grantsOf(role).keys()];
}

/**
 * What a field or type requires: `authenticated`, and/or `anyOf` — a list of scope sets, one of
 * which must be held in full (outer list OR, inner list AND, as @requiresScopes defines).
 */
export interface Requirement { authenticated: boolean; anyOf: string[][] | null }

export function satisfies(requirement: Requirement, identity: Pick<Identity, 'role'>, scopes: ReadonlySet<string>): boolean {
  if (requirement.authenticated && identity.role === 'public') return false;
  if (!requirement.anyOf) return true;
  return requirement.anyOf.some((all) => all.every((scope) => scopes.has(scope)));
}

function mergeRequirement(into: Requirement | undefined, add: Requirement): Requirement {
  if (!into) return add;
  // Both must hold: AND of two OR-lists is the cross product of their sets.
  const anyOf = into.anyOf && add.anyOf
    ? into.anyOf.flatMap((a) => add.anyOf!.map((b) => [...new Set([...a, ...b])]))
    : into.anyOf ?? add.anyOf;
  return { authenticated: into.authenticated || add.authenticated, anyOf };
}

function requirementOf(directives: readonly ConstDirectiveNode[] | undefined): Requirement | null {
  let requirement: Requirement | undefined;
  for (const d of directives ?? []) {
    if (d.name.value === 'authenticated') requirement = mergeRequirement(requirement, { authenticated: true, anyOf: null });
    if (d.name.value === 'requiresScopes') {
      const arg = d.arguments?.find((a) => a.name.value === 'scopes');
      if (arg?.value.kind !== Kind.LIST) continue;
      const anyOf = arg.value.values.map((inner) => (inner.kind === Kind.LIST ? inner.values.map((v) => (v.kind === Kind.STRING ? v.value : '')) : []));
      requirement = mergeRequirement(requirement, { authenticated: true, anyOf });
    }
  }
  return requirement ?? null;
}

/**
 * Reads the requirements declared in SDL (a subgraph's or the composed supergraph's): keys are
 * `Type` for type-level and `Type.field` for field-level requirements. Several declarations of
 * the same coordinate (type extensions, subgraphs) must all hold.
 */
export function readRequirements(document: DocumentNode): Map<string, Requirement> {
  const found = new Map<string, Requirement>();
  const add = (key: string, r: Requirement | null) => { if (r) found.set(key, mergeRequirement(found.get(key), r)); };
  for (const def of document.definitions) {
    if (!('name' in def) || !def.name || !('directives' in def)) continue;
    const typeName = def.name.value;
    add(typeName, requirementOf(def.directives as ConstDirectiveNode[]));
    if ('fields' in def && def.fields) {
      for (const field of def.fields) add(`${typeName}.${field.name.value}`, requirementOf(field.directives as ConstDirectiveNode[]));
    }
  }
  return found;
}
