import {
  buildSchema, getNamedType, isEnumType, isInputObjectType, parse, TypeInfo, typeFromAST, visit, visitWithTypeInfo,
  type GraphQLNamedType, type GraphQLSchema,
} from 'graphql';
import type { TrustedManifest } from '../trusted-documents';

// Which parts of the client API the clients' registered operations use (the trusted documents,
// schema/trusted-documents.json, written by `npm run operations:register`): the schema check
// (scripts/schema-check.ts) then tells a removal no registered operation reads (dangerous: a
// client that never registered might still) from one that breaks a registered operation (breaking,
// naming the client and its operation), with @graphql-inspector/core's considerUsage rule.
//
// Coordinates: `Type` (a type condition, a variable's type), `Type.field`, `Type.field.argument`,
// `InputType.field`, `Enum.VALUE`. What the operation's text cannot show is counted as used: every
// field of an input type and every value of an enum a variable carries (the values come at run
// time), every value of an enum a selected field returns (the client reads whichever comes).

/** A registered operation: which client registered it, and its name. */
export interface OperationRef { client: string; operation: string }

/** Coordinate → the registered operations that use it. */
export type Usage = Map<string, OperationRef[]>;

/** Every coordinate an input or enum type reaches (a variable's value may carry any of them). */
function reachable(type: GraphQLNamedType, into: Set<string>, seen = new Set<string>()): void {
  if (seen.has(type.name)) return;
  seen.add(type.name);
  into.add(type.name);
  if (isEnumType(type)) for (const v of type.getValues()) into.add(`${type.name}.${v.name}`);
  if (isInputObjectType(type)) {
    for (const field of Object.values(type.getFields())) {
      into.add(`${type.name}.${field.name}`);
      reachable(getNamedType(field.type), into, seen);
    }
  }
}

/** The coordinates one operation's text uses, read against the schema the clients had. */
export function coordinatesOf(schema: GraphQLSchema, body: string): Set<string> {
  const used = new Set<string>();
  const info = new TypeInfo(schema);
  visit(parse(body), visitWithTypeInfo(info, {
    Field(node) {
      const parent = info.getParentType();
      const field = info.getFieldDef();
      if (!parent || !field || node.name.value.startsWith('__')) return;
      used.add(parent.name);
      used.add(`${parent.name}.${field.name}`);
      const returned = getNamedType(field.type);
      if (isEnumType(returned)) reachable(returned, used);
    },
    Argument(node) {
      const field = info.getFieldDef();
      const parent = info.getParentType();
      if (field && parent) used.add(`${parent.name}.${field.name}.${node.name.value}`);
    },
    ObjectField(node) {
      const input = info.getParentInputType();
      const named = input && getNamedType(input);
      if (named && isInputObjectType(named)) used.add(`${named.name}.${node.name.value}`);
    },
    EnumValue(node) {
      const type = info.getInputType();
      const named = type && getNamedType(type);
      if (named && isEnumType(named)) used.add(`${named.name}.${node.value}`);
    },
    InlineFragment(node) { if (node.typeCondition) used.add(node.typeCondition.name.value); },
    FragmentDefinition(node) { used.add(node.typeCondition.name.value); },
    VariableDefinition(node) {
      const type = typeFromAST(schema, node.type as never);
      if (type) reachable(getNamedType(type), used);
    },
  }));
  return used;
}

/**
 * The usage of every operation of the manifest, read against the API schema (SDL) clients had; an
 * operation that schema does not know is skipped (it already fails; nothing more breaks it).
 */
export function usageOf(apiSdl: string, manifest: TrustedManifest): Usage {
  // Built here, with this module's graphql-js: a schema from another instance is refused by TypeInfo.
  const schema = buildSchema(apiSdl);
  const usage: Usage = new Map();
  for (const op of Object.values(manifest.operations)) {
    let coordinates: Set<string>;
    try {
      coordinates = coordinatesOf(schema, op.body);
    } catch {
      continue;
    }
    for (const client of op.clients) {
      const ref = { client, operation: op.name ?? '(anonymous)' };
      for (const c of coordinates) usage.set(c, [...(usage.get(c) ?? []), ref]);
    }
  }
  return usage;
}

/**
 * The registered operations that use `coordinate` or anything under it (a removed type: any of its
 * fields; a removed field: any of its arguments), each client and operation once, sorted.
 */
export function operationsUsing(usage: Usage, coordinate: string): OperationRef[] {
  const found = new Map<string, OperationRef>();
  for (const [c, refs] of usage) {
    if (c !== coordinate && !c.startsWith(`${coordinate}.`)) continue;
    for (const r of refs) found.set(`${r.client}\u0000${r.operation}`, r);
  }
  return [...found.values()].sort((a, b) => a.client.localeCompare(b.client) || a.operation.localeCompare(b.operation));
}
