import { defaultFieldResolver, GraphQLError, isObjectType, type DocumentNode, type GraphQLField, type GraphQLSchema } from 'graphql';
import { readRequirements, satisfies, scopesOf, type Requirement } from './policy';
import type { SubgraphContext } from './module';

export const UNAUTHORIZED = () => new GraphQLError('Unauthorized field or type', { extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } });

/** A type-level and a field-level requirement on the same field must both hold. */
function combine(own: Requirement | undefined, typeLevel: Requirement | undefined): Requirement {
  return own && typeLevel && own !== typeLevel
    ? { authenticated: true, anyOf: own.anyOf && typeLevel.anyOf ? own.anyOf.flatMap((a) => typeLevel.anyOf!.map((b) => [...new Set([...a, ...b])])) : own.anyOf ?? typeLevel.anyOf }
    : own ?? typeLevel!;
}

/**
 * The subgraph's own enforcement of the directives in its SDL, so a caller with a valid
 * forwarded identity but without the scope gets nothing, on every path (`_entities` too).
 *
 * Each protected field's resolver is wrapped once, when the schema is built, with the one
 * requirement that holds for it; a field without any directive keeps its own resolver. A
 * requirement is decided once per request (its context) however many fields and entities
 * ask it: a page of fifty cases asks the same few thousands of times.
 */
export function enforceDirectives(schema: GraphQLSchema, typeDefs: DocumentNode): GraphQLSchema {
  const requirements = readRequirements(typeDefs);
  if (requirements.size === 0) return schema;
  // Fields with the same requirement share one, so a request decides it once for all of them.
  const distinct = new Map<string, Requirement>();
  const shared = (requirement: Requirement) => {
    const key = JSON.stringify(requirement);
    if (!distinct.has(key)) distinct.set(key, requirement);
    return distinct.get(key)!;
  };
  // A field named both by its type's requirement and by its own is guarded once, by both.
  const guarded = new Map<GraphQLField<unknown, SubgraphContext>, Requirement>();
  for (const coordinate of requirements.keys()) {
    const [typeName, fieldName] = coordinate.split('.');
    const type = schema.getType(typeName);
    if (!isObjectType(type)) continue;
    const fields = type.getFields();
    for (const name of fieldName ? [fieldName] : Object.keys(fields)) {
      if (fields[name]) guarded.set(fields[name], shared(combine(requirements.get(`${typeName}.${name}`), requirements.get(typeName))));
    }
  }
  const decisions = new WeakMap<SubgraphContext, Map<Requirement, boolean>>();
  const allowed = (requirement: Requirement, ctx: SubgraphContext): boolean => {
    let decided = decisions.get(ctx);
    if (!decided) decisions.set(ctx, (decided = new Map()));
    let allow = decided.get(requirement);
    if (allow === undefined) decided.set(requirement, (allow = satisfies(requirement, ctx.identity, new Set(scopesOf(ctx.identity.role)))));
    return allow;
  };
  for (const [field, requirement] of guarded) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (parent, args, ctx, info) => {
      if (!allowed(requirement, ctx)) throw UNAUTHORIZED();
      return resolve(parent, args, ctx, info);
    };
  }
  return schema;
}
