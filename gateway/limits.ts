// Operation limits at the gateway (the checks of graphql-armor: depth, aliases, tokens, cost,
// directives; and repeated fields, input list lengths), computed once per (query, operation) on
// the fragment-expanded operation. What must hold before graphql-js validates a document (whose
// rules fan out one error per directive and compare repeated fields pairwise) is in precheck.ts.
import {
  getNamedType, isCompositeType, isInterfaceType, isListType, isNonNullType, isObjectType, Kind, parse, valueFromAST,
  type DocumentNode, type GraphQLCompositeType, type GraphQLField, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode,
} from 'graphql';
import type { EnvVar } from '../kit/module';
import { DEFAULT_PAGE_SIZE } from '../kit/cursor';

export interface Limits {
  maxDepth: number; maxAliases: number; maxTokens: number; maxCost: number; maxDirectives: number;
  /** Selections of a response key already selected in the same selection set, summed over the document. */
  maxRepeatedFields: number;
  /** Items of any list in an argument, literal or variable. */
  maxListItems: number;
  /** The size an unpaginated list is priced at, per level of nesting. */
  listSize: number;
}

export const DEFAULT_LIMITS: Limits = { maxDepth: 12, maxAliases: 30, maxTokens: 2000, maxCost: 5000, maxDirectives: 50, maxRepeatedFields: 50, maxListItems: 100, listSize: 10 };

const VARS: Record<keyof Limits, string> = {
  maxDepth: 'GRAPHQL_MAX_DEPTH', maxAliases: 'GRAPHQL_MAX_ALIASES', maxTokens: 'GRAPHQL_MAX_TOKENS', maxCost: 'GRAPHQL_MAX_COST', maxDirectives: 'GRAPHQL_MAX_DIRECTIVES',
  maxRepeatedFields: 'GRAPHQL_MAX_REPEATED_FIELDS', maxListItems: 'GRAPHQL_MAX_LIST_ITEMS', listSize: 'GRAPHQL_LIST_SIZE',
};

/**
 * Sizes assumed for unpaginated lists the domain keeps short, by schema coordinate (an interface's
 * coordinate covers its implementations): the matters opened on one case, the figures of one
 * threshold rule, a party's earlier cases in an alert. Every other unpaginated list is priced at
 * `listSize`. (Apollo Router reads the same from `@listSize(assumedSize:)`.)
 */
export const ASSUMED_LIST_SIZES: Readonly<Record<string, number>> = {
  'EnforcementCase.supervision': 3,
  'Alert.figures': 3,
  'Alert.priorCases': 5,
};

/**
 * How many alternative paths @apollo/query-planner may weigh for one selection before it gives up
 * (its \`debug.pathsLimit\`). Planning is synchronous and, on abstract types several subgraphs can
 * resolve, grows faster than exponentially with depth: \`case { supervision { case { … } } }\`
 * nine levels deep, within every other limit, ran the gateway out of memory (EnforcementCase is
 * resolvable in eight subgraphs). Over the limit the operation is refused in milliseconds
 * (PLAN_TOO_COMPLEX, errors.ts); every query the clients and tests use needs far fewer.
 */
export const QUERY_PLAN_PATHS_LIMIT = 1000;

/** The variables the limits read (for GATEWAY_ENV and docker-compose.yml). */
export const LIMIT_ENV: EnvVar[] = [
  { name: VARS.maxDepth, required: false, description: `deepest field nesting an operation may have (default ${DEFAULT_LIMITS.maxDepth})`, kind: 'integer', min: 1 },
  { name: VARS.maxAliases, required: false, description: `aliases per operation, fragments expanded (default ${DEFAULT_LIMITS.maxAliases})`, kind: 'integer', min: 1 },
  { name: VARS.maxTokens, required: false, description: `lexical tokens per request document (default ${DEFAULT_LIMITS.maxTokens})`, kind: 'integer', min: 1 },
  { name: VARS.maxCost, required: false, description: `operation cost: 1 per field, a sub-selection counted \`first\`/\`last\` times (default ${DEFAULT_LIMITS.maxCost})`, kind: 'integer', min: 1 },
  { name: VARS.maxDirectives, required: false, description: `directive uses per operation (default ${DEFAULT_LIMITS.maxDirectives})`, kind: 'integer', min: 1 },
  { name: VARS.maxRepeatedFields, required: false, description: `selections of a field already selected in the same selection set, per document (default ${DEFAULT_LIMITS.maxRepeatedFields})`, kind: 'integer', min: 1 },
  { name: VARS.maxListItems, required: false, description: `items of any list in arguments or variables (default ${DEFAULT_LIMITS.maxListItems})`, kind: 'integer', min: 1 },
  { name: VARS.listSize, required: false, description: `items an unpaginated list is priced at by the cost limit, per level of nesting (default ${DEFAULT_LIMITS.listSize})`, kind: 'integer', min: 1 },
];

export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): Limits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(VARS) as (keyof Limits)[]) {
    const raw = env[VARS[key]];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`gateway: ${VARS[key]} must be a positive integer, got "${raw}"`);
    limits[key] = value;
  }
  return limits;
}

export interface LimitViolation { limit: 'depth' | 'aliases' | 'tokens' | 'cost' | 'directives' | 'size' | 'repeatedFields'; max: number; found?: number; message: string }

const NAMES = { depth: 'Query depth', aliases: 'Aliases', tokens: 'Token', cost: 'Query cost', directives: 'Directives', size: 'Expanded selection', repeatedFields: 'Repeated fields' } as const;

export function violation(limit: LimitViolation['limit'], max: number, found?: number): LimitViolation {
  return { limit, max, found, message: `${NAMES[limit]} limit of ${max} exceeded${found === undefined ? '' : `, found ${found}`}.` };
}

/** The client-facing error of a violated limit: the operation was refused before anything ran. */
export function limitError(v: LimitViolation) {
  return { message: v.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: v.limit, max: v.max, ...(v.found === undefined ? {} : { found: v.found }) } };
}

/** Parses with a token budget (graphql-js aborts the lexer past maxTokens). */
export function parseLimited(query: string, maxTokens: number): DocumentNode | LimitViolation | Error {
  try {
    return parse(query, { maxTokens });
  } catch (error) {
    // graphql-js 16 says "Document contains more that N tokens" (sic)
    if (error instanceof Error && /more tha[nt] \d+ tokens/.test(error.message)) return violation('tokens', maxTokens);
    return error as Error;
  }
}

/** Cost as a small tree so that `first: $n` is priced with the request's variables without re-walking. */
export interface CostNode { base: number; parts: { size: number | string; fallback: number; child: CostNode }[]; fixed: number | null }

export interface Measured { violations: LimitViolation[]; cost: CostNode }

const INTROSPECTION = new Set(['__schema', '__type']);

/** Depth, aliases, directives and the cost tree of an operation whose fragments are inlined. */
export function measure(operation: OperationDefinitionNode, schema: GraphQLSchema, limits: Limits): Measured {
  const root = schema.getRootType(operation.operation) as GraphQLCompositeType;
  let aliases = 0;
  let directives = operation.directives?.length ?? 0;
  let depth = 0;
  const defaults = new Map<string, number>();
  for (const d of operation.variableDefinitions ?? []) {
    const value = d.defaultValue?.kind === Kind.INT ? Number(d.defaultValue.value) : undefined;
    if (value !== undefined) defaults.set(d.variable.name.value, value);
  }

  /** `sliced`: the set is the sub-selection of a field priced by `first`/`last` (its `edges` are that page). */
  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType, level: number, node: CostNode, sliced: boolean) => {
    for (const sel of set.selections) {
      directives += sel.directives?.length ?? 0;
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const type = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
        walk(sel.selectionSet, type && isCompositeType(type) ? type : parent, level, node, sliced);
        continue;
      }
      if (sel.kind !== Kind.FIELD) continue;
      if (sel.alias) aliases += 1;
      if (INTROSPECTION.has(sel.name.value)) continue; // introspection is neither deep nor costly here
      depth = Math.max(depth, level);
      node.base += 1;
      if (!sel.selectionSet) continue;
      const field = 'getFields' in parent ? (parent.getFields() as Record<string, GraphQLField<unknown, unknown>>)[sel.name.value] : undefined;
      const child: CostNode = { base: 0, parts: [], fixed: null };
      const page = pageSize(sel, field, defaults);
      if (page) node.parts.push({ ...page, child });
      else {
        // An unpaginated list: the page's own `edges`/`nodes` are the page; any other list is estimated.
        const size = !field || !isList(field) ? 1 : sliced && PAGE_LISTS.has(sel.name.value) ? 1 : assumedSize(parent, sel.name.value) ?? limits.listSize;
        node.parts.push({ size, fallback: size, child });
      }
      const type = field ? getNamedType(field.type) : undefined;
      walk(sel.selectionSet, type && isCompositeType(type) ? type : parent, level + 1, child, !!page);
    }
  };
  const cost: CostNode = { base: 0, parts: [], fixed: null };
  walk(operation.selectionSet, root, 1, cost, false);
  settle(cost);

  const violations: LimitViolation[] = [];
  if (depth > limits.maxDepth) violations.push(violation('depth', limits.maxDepth, depth));
  if (aliases > limits.maxAliases) violations.push(violation('aliases', limits.maxAliases, aliases));
  if (directives > limits.maxDirectives) violations.push(violation('directives', limits.maxDirectives, directives));
  if (cost.fixed !== null && cost.fixed > limits.maxCost) violations.push(violation('cost', limits.maxCost, cost.fixed));
  return { violations, cost };
}

const PAGE_LISTS = new Set(['edges', 'nodes']);

const isList = (field: GraphQLField<unknown, unknown>) => isListType(isNonNullType(field.type) ? field.type.ofType : field.type);

/** The declared estimate of an unpaginated list on `parent` or on an interface it implements. */
function assumedSize(parent: GraphQLCompositeType, name: string): number | undefined {
  const own = ASSUMED_LIST_SIZES[`${parent.name}.${name}`];
  if (own !== undefined || !(isObjectType(parent) || isInterfaceType(parent))) return own;
  for (const i of parent.getInterfaces()) {
    const size = ASSUMED_LIST_SIZES[`${i.name}.${name}`];
    if (size !== undefined) return size;
  }
  return undefined;
}

/**
 * How many times a paginated field's sub-selection counts: its `first`/`last` argument (the one
 * given, else the declared default, else the kit's default page); undefined when it has none.
 */
function pageSize(sel: { arguments?: readonly any[] }, field: GraphQLField<unknown, unknown> | undefined, defaults: Map<string, number>): { size: number | string; fallback: number } | undefined {
  const given = ['first', 'last'].filter((name) => sel.arguments?.some((a) => a.name.value === name));
  for (const name of given.length ? given : ['first', 'last']) {
    const arg = sel.arguments?.find((a) => a.name.value === name);
    const def = field?.args.find((a) => a.name === name);
    if (!arg && !def) continue;
    const fallback = typeof def?.defaultValue === 'number' ? def.defaultValue : DEFAULT_PAGE_SIZE;
    if (!arg) return { size: fallback, fallback };
    if (arg.value.kind === Kind.VARIABLE) return { size: arg.value.name.value, fallback: defaults.get(arg.value.name.value) ?? fallback };
    const value = def ? valueFromAST(arg.value, isNonNullType(def.type) ? def.type.ofType : def.type) : undefined;
    return { size: typeof value === 'number' ? value : fallback, fallback };
  }
  return undefined;
}

/** Folds constant sub-trees so that most operations price without looking at variables at all. */
function settle(node: CostNode): void {
  let total = node.base;
  let constant = true;
  for (const part of node.parts) {
    settle(part.child);
    if (typeof part.size === 'number' && part.child.fixed !== null) total += part.size * part.child.fixed;
    else constant = false;
  }
  node.fixed = constant ? total : null;
}

/** The cost of an operation for one request's variables. */
export function costOf(node: CostNode, variables: Record<string, unknown> | undefined): number {
  if (node.fixed !== null) return node.fixed;
  let total = node.base;
  for (const part of node.parts) {
    const v = typeof part.size === 'string' ? variables?.[part.size] : part.size;
    const size = typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : part.fallback;
    total += size * costOf(part.child, variables);
  }
  return total;
}

/** Whether any part of the cost depends on variables (then it is priced per request). */
export function variableCost(node: CostNode): boolean { return node.fixed === null; }
