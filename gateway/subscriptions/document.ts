import { GraphQLError, Kind, parse, print, type DocumentNode, type FieldNode, type OperationDefinitionNode } from 'graphql';
import { SUBSCRIPTION_FIELDS, type SubscriptionField } from './fields';

export interface DerivedQuery {
  /** The query run on each change: the subscription's text with `subscription` → `query` and its field renamed. */
  query: string;
  operationName: string | null;
  field: SubscriptionField;
}

const refuse = (message: string, rule: string): GraphQLError =>
  new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', rule, http: { status: 400 } } });

/**
 * The query a subscription re-runs. The subscription must select exactly one field of
 * SUBSCRIPTION_FIELDS (aliases allowed): GraphQL's "single root field" rule for subscriptions. Its
 * response key stays the same (`inboxChanged: inbox(…)`), so each result reads as the subscription's.
 */
export function deriveQuery(text: string, operationName?: string | null): DerivedQuery {
  let document: DocumentNode;
  try {
    document = parse(text, { maxTokens: 5000 });
  } catch (error) {
    throw new GraphQLError((error as Error).message, { extensions: { code: 'GRAPHQL_PARSE_FAILED', http: { status: 400 } } });
  }
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const chosen = operationName ? operations.filter((o) => o.name?.value === operationName) : operations;
  if (chosen.length !== 1) {
    throw new GraphQLError(operationName ? `Unknown operation named "${operationName.slice(0, 100)}".` : 'Must provide operation name if query contains multiple operations.',
      { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
  }
  const operation = chosen[0];
  if (operation.operation !== 'subscription') throw refuse('Only subscriptions are served as event streams; send queries and mutations as JSON.', 'subscriptionOnly');
  const roots = operation.selectionSet.selections;
  if (roots.length !== 1 || roots[0].kind !== Kind.FIELD) throw refuse('A subscription selects exactly one field of type Subscription.', 'singleRootField');
  const root = roots[0] as FieldNode;
  const field = Object.hasOwn(SUBSCRIPTION_FIELDS, root.name.value) ? SUBSCRIPTION_FIELDS[root.name.value] : undefined;
  if (!field) throw refuse(`Cannot query field "${root.name.value.slice(0, 100)}" on type "Subscription".`, 'knownField');
  const renamed: FieldNode = { ...root, alias: root.alias ?? { kind: Kind.NAME, value: root.name.value }, name: { kind: Kind.NAME, value: field.query } };
  const query: OperationDefinitionNode = { ...operation, operation: 'query' as OperationDefinitionNode['operation'], selectionSet: { ...operation.selectionSet, selections: [renamed] } };
  // Other operations of the document go; its fragments stay (the query's validation judges them).
  const definitions = document.definitions.filter((d) => d.kind !== Kind.OPERATION_DEFINITION || d === operation).map((d) => (d === operation ? query : d));
  return { query: print({ ...document, definitions }), operationName: operation.name?.value ?? null, field };
}
