// Small AST helpers of the rewrite.
import { Kind, visit, type FieldNode, type OperationDefinitionNode, type SelectionNode } from 'graphql';

/** `alias: __typename`, the field the rewrite adds under a hidden alias. */
export const hidden = (alias: string): FieldNode => ({ kind: Kind.FIELD, alias: { kind: Kind.NAME, value: alias }, name: { kind: Kind.NAME, value: '__typename' } });

/** `... on Type { selections }` */
export const on = (type: string, selections: SelectionNode[]): SelectionNode => ({
  kind: Kind.INLINE_FRAGMENT, typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: type } }, selectionSet: { kind: Kind.SELECTION_SET, selections },
});

/** Variables referenced anywhere in the operation's selections (arguments and directives). */
export function usedVariables(operation: OperationDefinitionNode): Set<string> {
  const used = new Set<string>();
  visit(operation.selectionSet, { Variable: (v) => { used.add(v.name.value); } });
  for (const d of operation.directives ?? []) visit(d, { Variable: (v) => { used.add(v.name.value); } });
  return used;
}

/** The response keys a selection set produces, in order, through inline fragments. */
export function responseKeys(selections: readonly SelectionNode[], into: string[] = []): string[] {
  for (const s of selections) {
    if (s.kind === Kind.FIELD) {
      const key = s.alias?.value ?? s.name.value;
      if (!into.includes(key)) into.push(key);
    } else if (s.kind === Kind.INLINE_FRAGMENT) {
      responseKeys(s.selectionSet.selections, into);
    }
  }
  return into;
}
