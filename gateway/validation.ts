// Validation the gateway adds to graphql-js's own rules (Apollo runs them after the specified
// rules): what a client can get wrong in a document and graphql-js 16 lets through to execution,
// where it used to end as an HTTP 500 or as a subgraph "not answering". Each is refused before
// anything runs, 400 GRAPHQL_VALIDATION_FAILED, naming the argument path in `extensions.field`
// and the broken rule in `extensions.rule`.
import { getNamedType, GraphQLError, Kind, type ASTNode, type ValidationContext, type ValidationRule, type ValueNode } from 'graphql';
import { DateTime } from '../kit/scalars';

/** Argument and input-field names from the operation's field down to the value being visited. */
function pathTracker() {
  const stack: string[] = [];
  return {
    visitor: {
      Argument: { enter: (node: { name: { value: string } }) => { stack.push(node.name.value); }, leave: () => { stack.pop(); } },
      ObjectField: { enter: (node: { name: { value: string } }) => { stack.push(node.name.value); }, leave: () => { stack.pop(); } },
    },
    field: () => stack.join('.'),
  };
}

const invalid = (message: string, node: ASTNode, field: string, rule: string) =>
  new GraphQLError(message, { nodes: node, extensions: { ...(field ? { field } : {}), rule } });

/**
 * The schema must have a root type for the operation (the spec's "Operation Type Existence";
 * graphql-js 17's KnownOperationTypesRule). Without it `subscription { … }` reached the gateway's
 * executor and answered 500; it is a document this schema cannot run.
 */
export const KnownOperationTypes: ValidationRule = (context: ValidationContext) => ({
  OperationDefinition(node) {
    const schema = context.getSchema();
    const root = node.operation === 'query' ? schema.getQueryType() : node.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
    if (!root) context.reportError(invalid(`This API does not offer ${node.operation} operations.`, node, '', 'operationType'));
  },
});

/**
 * A Float literal must be a finite double: `1e309` parses to Infinity, which no JSON can carry to
 * a subgraph (it used to fail while planning, as a 500). An Int literal in a Float position too.
 */
export const FiniteFloats: ValidationRule = (context: ValidationContext) => {
  const path = pathTracker();
  const check = (node: ValueNode & { value: string }) => {
    if (Number.isFinite(Number(node.value))) return;
    if (getNamedType(context.getInputType())?.name !== 'Float') return;
    context.reportError(invalid(`Float cannot represent a non-finite value: ${node.value.slice(0, 40)}`, node, path.field(), 'finite'));
  };
  return { ...path.visitor, FloatValue: check, IntValue: check };
};

/**
 * A DateTime literal must be what every subgraph's DateTime accepts (kit/scalars.ts): checked
 * here, the client learns which argument is wrong before any subgraph is asked. (Variables are
 * checked where the value is parsed, by the subgraph, whose BAD_USER_INPUT passes through.)
 */
/** The literal kinds a scalar parses (a variable is checked where its value is parsed). */
const SCALAR_VALUES = new Set<string>([Kind.STRING, Kind.INT, Kind.FLOAT, Kind.BOOLEAN, Kind.ENUM]);

export const DateTimeLiterals: ValidationRule = (context: ValidationContext) => {
  const path = pathTracker();
  return {
    ...path.visitor,
    enter(node) {
      if (!SCALAR_VALUES.has(node.kind) || getNamedType(context.getInputType())?.name !== 'DateTime') return;
      try {
        DateTime.parseLiteral(node as ValueNode);
      } catch (error) {
        const value = (node as ValueNode & { value: string | boolean }).value;
        const shown = node.kind === Kind.STRING ? JSON.stringify(String(value).slice(0, 40)) : String(value).slice(0, 40);
        context.reportError(invalid(`Expected value of type "DateTime", found ${shown}; ${(error as Error).message}`, node, path.field(), 'dateTime'));
      }
    },
  };
};

export const GATEWAY_VALIDATION_RULES: ValidationRule[] = [KnownOperationTypes, FiniteFloats, DateTimeLiterals];
