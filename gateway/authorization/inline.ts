// Picks the operation a request runs and expands its named fragments into inline fragments, so
// that every later walk (limits, authorization) sees one tree with type conditions only.
import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionNode, type SelectionSetNode } from 'graphql';

/** Response keys the gateway adds to a rewritten operation and strips from the response. */
export const HIDDEN_PREFIX = '__hub_';
/** `__typename` where the restore must tell runtime types apart. */
export const TYPENAME_KEY = `${HIDDEN_PREFIX}t`;
/** `__typename` standing in for a selection set whose every field was removed. */
export const EMPTY_KEY = `${HIDDEN_PREFIX}empty`;

export class ExpansionError extends Error {
  constructor(readonly kind: 'size' | 'reserved', message: string) { super(message); }
}

/** The operation `operationName` names, or the only one; undefined when that is ambiguous or absent. */
export function selectOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((o) => o.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

/**
 * The operation with every fragment spread replaced by an inline fragment on the fragment's type
 * (the spread's directives kept). Expansion is bounded by `maxFields` field selections so that
 * fragments that multiply each other cannot make later walks exponential.
 */
export function inlineFragments(document: DocumentNode, operation: OperationDefinitionNode, maxFields: number): OperationDefinitionNode {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  // Expanded fragments are shared (ASTs are immutable); their size is charged at every use.
  const expanded = new Map<string, { set: SelectionSetNode; fields: number }>();

  const expand = (set: SelectionSetNode, stack: string[]): { set: SelectionSetNode; fields: number } => {
    let fields = 0;
    const selections: SelectionNode[] = [];
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.alias?.value.startsWith(HIDDEN_PREFIX)) throw new ExpansionError('reserved', `aliases starting with ${HIDDEN_PREFIX} are reserved by the gateway`);
        fields += 1;
        if (!sel.selectionSet) { selections.push(sel); continue; }
        const inner = expand(sel.selectionSet, stack);
        fields += inner.fields;
        selections.push(inner.set === sel.selectionSet ? sel : { ...sel, selectionSet: inner.set });
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const inner = expand(sel.selectionSet, stack);
        fields += inner.fields;
        selections.push(inner.set === sel.selectionSet ? sel : { ...sel, selectionSet: inner.set });
      } else {
        const name = sel.name.value;
        const fragment = fragments.get(name);
        if (!fragment || stack.includes(name)) throw new ExpansionError('size', `fragment ${name} is unknown or cyclic`);
        let done = expanded.get(name);
        if (!done) {
          done = expand(fragment.selectionSet, [...stack, name]);
          expanded.set(name, done);
        }
        fields += done.fields;
        selections.push({ kind: Kind.INLINE_FRAGMENT, typeCondition: fragment.typeCondition, directives: sel.directives, selectionSet: done.set });
      }
      if (fields > maxFields) throw new ExpansionError('size', `the operation expands to more than ${maxFields} fields`);
    }
    const unchanged = selections.length === set.selections.length && selections.every((s, i) => s === set.selections[i]);
    return { set: unchanged ? set : { ...set, selections }, fields };
  };

  const result = expand(operation.selectionSet, []);
  return result.set === operation.selectionSet ? operation : { ...operation, selectionSet: result.set };
}
