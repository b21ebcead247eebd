// Removes from an operation every field and type condition the caller may not see, before the
// gateway plans it (Apollo Router semantics): no subgraph is ever asked for them.
import {
  getNamedType, isAbstractType, isCompositeType, Kind, print,
  type DirectiveNode, type FieldNode, type GraphQLCompositeType, type GraphQLNamedType, type GraphQLObjectType, type OperationDefinitionNode, type SelectionNode,
} from 'graphql';
import type { Requirement } from '../../kit/policy';
import type { PolicySchema } from './api-schema';
import { hidden, on, responseKeys, usedVariables } from './ast';
import { EMPTY_KEY, TYPENAME_KEY } from './inline';
import { newNode, hasWork, type RestoreNode } from './restore';

/** A field or type the caller asked for and may not see: its schema coordinate and response path. */
export interface DeniedField { coordinate: string; path: (string | number)[] }

export interface RewritePlan {
  /** The text to execute: the original when nothing had to change. */
  query: string;
  changed: boolean;
  denied: DeniedField[];
  /** Variables only the removed fields used: their definitions are gone, their values must go too. */
  dropVariables: string[];
  /** What to put back into the response; null when there is nothing to do. */
  restore: RestoreNode | null;
  /** Whether some denial depends on a variable's @skip/@include (see skippedDenials). */
  conditional: boolean;
  /** Per denial (same index): the variable conditions under which it is skipped, if any. */
  conditions: (readonly Condition[] | undefined)[];
  /** Default values of the operation's variables, for conditions whose variable is not sent. */
  defaults: Record<string, unknown>;
}

/** `@skip(if: $v)` (skipped when v is true) or `@include(if: $v)` (skipped when v is false). */
export interface Condition { variable: string; skipWhen: boolean }

/** The @skip/@include of a node added to the conditions it is under; 'skipped' when a literal excludes it. */
function guard(directives: readonly DirectiveNode[] | undefined, outer: readonly Condition[]): readonly Condition[] | 'skipped' {
  let conditions = outer;
  for (const d of directives ?? []) {
    const name = d.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const value = d.arguments?.find((a) => a.name.value === 'if')?.value;
    if (value?.kind === Kind.BOOLEAN) {
      if (value.value === (name === 'skip')) return 'skipped';
    } else if (value?.kind === Kind.VARIABLE) {
      conditions = [...conditions, { variable: value.name.value, skipWhen: name === 'skip' }];
    }
  }
  return conditions;
}

/**
 * The denials of `plan` that this request's variables skip: a field not executed because of
 * @skip/@include draws no UNAUTHORIZED_FIELD_OR_TYPE error (the contract) and no audit entry.
 * A variable neither sent nor defaulted leaves the field in (Apollo then refuses the request).
 */
export function skippedDenials(plan: RewritePlan, variables: Record<string, unknown> | undefined): Set<number> {
  const skipped = new Set<number>();
  plan.conditions.forEach((conditions, i) => {
    if (!conditions) return;
    for (const c of conditions) {
      const value = variables && c.variable in variables ? variables[c.variable] : plan.defaults[c.variable];
      if (value === c.skipWhen) { skipped.add(i); return; }
    }
  });
  return skipped;
}

/**
 * Rewrites `operation` (fragments already inlined, document valid) for a caller for whom `allows`
 * tells whether a requirement is met.
 *
 * - A field is removed when a requirement on it (on the type it is selected on or an interface of
 *   that type declaring it) is unmet, or when its return type is protected: the named type's own
 *   requirement is unmet, or — for an interface or union — every possible object type's is.
 * - Selected on an abstract type, a field can be allowed for some runtime types and not others: it
 *   is kept under inline fragments on the allowed types only.
 * - An abstract return type some of whose object types are protected is kept, its sub-selection
 *   narrowed to the allowed types; objects of a protected type come back null (see restore).
 */
export function rewriteOperation(policy: PolicySchema, operation: OperationDefinitionNode, originalQuery: string, allows: (r: Requirement) => boolean): RewritePlan {
  const denied: DeniedField[] = [];
  const conditions: (readonly Condition[] | undefined)[] = [];
  let changed = false;
  const deny = (entry: DeniedField, when: readonly Condition[]): number => {
    conditions.push(when.length ? when : undefined);
    return denied.push(entry) - 1;
  };
  const memo = new Map<string, string | null>();

  /** The coordinate that denies named type `type`, or null. */
  const typeDenial = (type: GraphQLNamedType): string | null => {
    const key = type.name;
    if (memo.has(key)) return memo.get(key)!;
    const own = policy.typeRequirement(type.name);
    let result: string | null = own && !allows(own.requirement) ? own.coordinate : null;
    if (!result && isAbstractType(type)) {
      const possible = policy.possibleTypes(type);
      if (possible.length && possible.every((t) => typeDenial(t))) result = typeDenial(possible[0]);
    }
    memo.set(key, result);
    return result;
  };
  /** The coordinate that denies field `name` on runtime type `type`, or null. */
  const fieldDenial = (type: GraphQLObjectType, name: string, returns: GraphQLNamedType): string | null => {
    const key = `${type.name}.${name}`;
    if (memo.has(key)) return memo.get(key)!;
    const blocked = policy.fieldRequirements(type.name, name).find((d) => !allows(d.requirement));
    const result = blocked ? blocked.coordinate : typeDenial(returns);
    memo.set(key, result);
    return result;
  };

  const selectionSet = (selections: readonly SelectionNode[], parent: GraphQLCompositeType, scope: readonly GraphQLObjectType[], path: string[], node: RestoreNode, full: number, when: readonly Condition[]): SelectionNode[] => {
    const out: SelectionNode[] = [];
    for (const sel of selections) {
      const guarded = guard(sel.directives, when);
      if (guarded === 'skipped') {
        // Never executed: nothing in it is asked for, so nothing in it is refused.
        changed = true;
        continue;
      }
      if (sel.kind === Kind.FIELD) {
        out.push(...field(sel, parent, scope, path, node, full, guarded));
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const condition = sel.typeCondition ? policy.schema.getType(sel.typeCondition.name.value)! : parent;
        const possible = new Set(policy.possibleTypes(condition));
        const narrowed = scope.filter((t) => possible.has(t));
        const inner = narrowed.length && isCompositeType(condition) ? selectionSet(sel.selectionSet.selections, condition, narrowed, path, node, full, guarded) : [];
        if (!inner.length) { changed = true; continue; }
        const same = inner.length === sel.selectionSet.selections.length && inner.every((s, i) => s === sel.selectionSet.selections[i]);
        out.push(same ? sel : { ...sel, selectionSet: { ...sel.selectionSet, selections: inner } });
      }
    }
    return out;
  };

  const field = (sel: FieldNode, parent: GraphQLCompositeType, scope: readonly GraphQLObjectType[], path: string[], node: RestoreNode, full: number, when: readonly Condition[]): SelectionNode[] => {
    const name = sel.name.value;
    if (name.startsWith('__')) return [sel]; // __typename, and introspection at the root
    const def = 'getFields' in parent ? parent.getFields()[name] : undefined;
    if (!def) return [sel]; // cannot happen in a validated document
    const returns = getNamedType(def.type);
    const key = sel.alias?.value ?? name;
    const fieldPath = [...path, key];
    const types = scope.length === full ? null : new Set(scope.map((t) => t.name));

    const allowed: GraphQLObjectType[] = [];
    let blocked: string | null = null;
    for (const t of scope) {
      const denial = fieldDenial(t, name, returns);
      if (denial) blocked ??= denial; else allowed.push(t);
    }
    if (blocked) {
      changed = true;
      const index = deny({ coordinate: blocked, path: fieldPath }, when);
      const deniedTypes = allowed.length ? new Set(scope.filter((t) => !allowed.includes(t)).map((t) => t.name)) : types;
      node.entries.push({ key, types: deniedTypes, denied: index });
      if (deniedTypes) node.typename = true;
      // Allowed for some runtime types only: keep it under a type condition for each of them.
      return allowed.map((t) => on(t.name, kept(sel, returns, fieldPath, node, new Set([t.name]), when)));
    }
    return kept(sel, returns, fieldPath, node, types, when);
  };

  /** A field the caller may select: rewrite its sub-selection, remember what to restore there. */
  const kept = (sel: FieldNode, returns: GraphQLNamedType, fieldPath: string[], node: RestoreNode, types: Set<string> | null, when: readonly Condition[]): SelectionNode[] => {
    if (!sel.selectionSet || !isCompositeType(returns)) return [sel];
    const child = newNode();
    const possible = policy.possibleTypes(returns);
    const protectedTypes = possible.filter((t) => typeDenial(t));
    let selections: SelectionNode[];
    if (protectedTypes.length) {
      // Some runtime types of an interface or union are protected: ask only for the others.
      changed = true;
      child.deniedTypes = new Set(protectedTypes.map((t) => t.name));
      child.typename = true;
      for (const s of sel.selectionSet.selections) {
        const condition = s.kind === Kind.INLINE_FRAGMENT ? s.typeCondition?.name.value : undefined;
        if (condition && child.deniedTypes.has(condition)) deny({ coordinate: condition, path: fieldPath }, when);
      }
      selections = possible.filter((t) => !child.deniedTypes!.has(t.name)).flatMap((t) => {
        const inner = selectionSet(sel.selectionSet!.selections, returns, [t], fieldPath, child, possible.length, when);
        return inner.length ? [on(t.name, inner)] : [];
      });
    } else {
      selections = selectionSet(sel.selectionSet.selections, returns, possible, fieldPath, child, possible.length, when);
    }
    if (child.entries.some((e) => e.denied !== undefined)) child.order = responseKeys(sel.selectionSet.selections);
    if (!selections.length) { selections = [hidden(EMPTY_KEY)]; child.emptied = true; }
    if (child.typename) selections = [hidden(TYPENAME_KEY), ...selections];
    if (hasWork(child)) {
      node.entries.push({ key: fieldPath[fieldPath.length - 1], types, child });
      if (types) node.typename = true;
    }
    const same = selections.length === sel.selectionSet.selections.length && selections.every((s, i) => s === sel.selectionSet!.selections[i]);
    return [same ? sel : { ...sel, selectionSet: { ...sel.selectionSet, selections } }];
  };

  const rootType = policy.schema.getRootType(operation.operation)!;
  const root = newNode();
  let selections = selectionSet(operation.selectionSet.selections, rootType, [rootType], [], root, 1, []);
  const defaults: Record<string, unknown> = {};
  for (const d of operation.variableDefinitions ?? []) if (d.defaultValue?.kind === Kind.BOOLEAN) defaults[d.variable.name.value] = d.defaultValue.value;
  const conditional = conditions.some((c) => c !== undefined);
  if (!changed) return { query: originalQuery, changed, denied, dropVariables: [], restore: null, conditional, conditions, defaults };

  if (root.entries.some((e) => e.denied !== undefined)) root.order = responseKeys(operation.selectionSet.selections);
  if (!selections.length) { selections = [hidden(EMPTY_KEY)]; root.emptied = true; }
  const rewritten: OperationDefinitionNode = { ...operation, selectionSet: { ...operation.selectionSet, selections } };
  const used = usedVariables(rewritten);
  const dropVariables = (operation.variableDefinitions ?? []).map((d) => d.variable.name.value).filter((v) => !used.has(v));
  const final = dropVariables.length
    ? { ...rewritten, variableDefinitions: rewritten.variableDefinitions!.filter((d) => used.has(d.variable.name.value)) }
    : rewritten;
  return { query: print({ kind: Kind.DOCUMENT, definitions: [final] }), changed, denied, dropVariables, restore: hasWork(root) ? root : null, conditional, conditions, defaults };
}
