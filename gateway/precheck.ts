// What a document must satisfy before graphql-js validates it. Validation reports one error per
// unknown or repeated directive and compares repeated fields pairwise (OverlappingFieldsCanBeMerged
// is quadratic in them): ten unknown directives made ten errors, 500 × `__typename` 125,000
// comparisons. Here one linear walk refuses such a document with a single error.
import { Kind, type ArgumentNode, type DirectiveNode, type DocumentNode, type GraphQLSchema, type SelectionSetNode, type ValueNode } from 'graphql';
import { violation, type LimitViolation, type Limits } from './limits';

export interface PrecheckError { message: string; extensions: Record<string, unknown> }

const validationError = (message: string): PrecheckError => ({ message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });

/**
 * BAD_USER_INPUT naming the argument (or variable) path of a list longer than `max`, under the rule
 * every owner names a too-long list by (`maxItems`), with the limit beside it.
 */
export function listTooLong(path: string, max: number): PrecheckError {
  return { message: `${path}: at most ${max} items`, extensions: { code: 'BAD_USER_INPUT', field: path, rule: 'maxItems', max } };
}

/**
 * The first reason to refuse `document` before validation, or undefined: an unknown directive, a
 * non-repeatable directive used twice on one node, too many directives, too many repeated fields,
 * a literal list longer than the limit.
 */
export function precheck(document: DocumentNode, schema: GraphQLSchema, limits: Limits): PrecheckError | LimitViolation | undefined {
  let directives = 0;
  let repeated = 0;
  let found: PrecheckError | undefined;

  const checkDirectives = (list: readonly DirectiveNode[] | undefined, owner: string): void => {
    if (!list?.length || found) return;
    directives += list.length;
    for (let i = 0; i < list.length && !found; i++) {
      const name = list[i].name.value;
      const known = schema.getDirective(name);
      if (!known) { found = validationError(`Unknown directive "@${name}".`); return; }
      if (!known.isRepeatable && list.findIndex((d) => d.name.value === name) < i) {
        found = validationError(`The directive "@${name}" can only be used once at this location.`);
        return;
      }
      checkArguments(list[i].arguments, `${owner}@${name}`);
    }
  };
  const checkArguments = (args: readonly ArgumentNode[] | undefined, owner: string): void => {
    for (const arg of args ?? []) if (!found) checkValue(arg.value, `${owner}.${arg.name.value}`);
  };
  const checkValue = (value: ValueNode, path: string): void => {
    if (found) return;
    if (value.kind === Kind.LIST) {
      if (value.values.length > limits.maxListItems) { found = listTooLong(path, limits.maxListItems); return; }
      for (const item of value.values) checkValue(item, path);
    } else if (value.kind === Kind.OBJECT) {
      for (const field of value.fields) checkValue(field.value, `${path}.${field.name.value}`);
    }
  };
  const checkSet = (set: SelectionSetNode | undefined): void => {
    if (!set || found) return;
    const keys = new Set<string>();
    for (const sel of set.selections) {
      if (found) return;
      checkDirectives(sel.directives, sel.kind === Kind.FIELD ? sel.name.value : '...');
      if (sel.kind === Kind.FIELD) {
        const key = sel.alias?.value ?? sel.name.value;
        if (keys.has(key)) repeated += 1; else keys.add(key);
        checkArguments(sel.arguments, sel.name.value);
        checkSet(sel.selectionSet);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        checkSet(sel.selectionSet);
      }
    }
  };

  for (const definition of document.definitions) {
    if (found) break;
    if (definition.kind === Kind.OPERATION_DEFINITION) {
      checkDirectives(definition.directives, definition.operation);
      for (const v of definition.variableDefinitions ?? []) {
        checkDirectives(v.directives, `$${v.variable.name.value}`);
        if (v.defaultValue) checkValue(v.defaultValue, `$${v.variable.name.value}`);
      }
      checkSet(definition.selectionSet);
    } else if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      checkDirectives(definition.directives, definition.name.value);
      checkSet(definition.selectionSet);
    }
  }
  if (found) return found;
  if (directives > limits.maxDirectives) return violation('directives', limits.maxDirectives, directives);
  if (repeated > limits.maxRepeatedFields) return violation('repeatedFields', limits.maxRepeatedFields, repeated);
  return undefined;
}

/**
 * The path of the first list in a request's variables longer than `max` (`$input.materials`), or
 * undefined. Iterative: a deeply nested JSON value cannot overflow the stack.
 */
export function oversizedVariableList(variables: Record<string, unknown> | undefined, max: number): string | undefined {
  if (!variables) return undefined;
  interface Frame { value: unknown; key: string | number; parent: Frame | null }
  const pathOf = (frame: Frame): string => {
    let path = '';
    for (let f: Frame | null = frame; f; f = f.parent) path = typeof f.key === 'number' ? `[${f.key}]${path}` : f.parent ? `.${f.key}${path}` : `$${f.key}${path}`;
    return path;
  };
  const stack: Frame[] = Object.entries(variables).map(([key, value]) => ({ value, key, parent: null }));
  while (stack.length) {
    const frame = stack.pop()!;
    const { value } = frame;
    if (Array.isArray(value)) {
      if (value.length > max) return pathOf(frame);
      for (let i = 0; i < value.length; i++) if (value[i] !== null && typeof value[i] === 'object') stack.push({ value: value[i], key: i, parent: frame });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) if (v !== null && typeof v === 'object') stack.push({ value: v, key, parent: frame });
    }
  }
  return undefined;
}
