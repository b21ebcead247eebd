import { applyMiddleware } from 'graphql-middleware';
import { allow, rule, shield } from 'graphql-shield';
import type { IRule } from 'graphql-shield';
import { GraphQLError, isObjectType, type DocumentNode, type GraphQLSchema } from 'graphql';
import { readRequirements, satisfies, scopesOf, type Requirement } from './policy';
import type { SubgraphContext } from './module';

export const UNAUTHORIZED = () => new GraphQLError('Unauthorized field or type', { extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } });

/**
 * The subgraph's own enforcement of the directives in its SDL, so a caller with a valid
 * forwarded identity but without the scope gets nothing, on every path (`_entities` too).
 */
export function enforceDirectives(schema: GraphQLSchema, typeDefs: DocumentNode): GraphQLSchema {
  const requirements = readRequirements(typeDefs);
  if (requirements.size === 0) return schema;
  const rules = new Map<string, IRule>();
  const ruleFor = (requirement: Requirement) => {
    const key = JSON.stringify(requirement);
    if (!rules.has(key)) {
      rules.set(key, rule({ cache: 'contextual' })((_parent, _args, ctx: SubgraphContext) =>
        satisfies(requirement, ctx.identity, new Set(scopesOf(ctx.identity.role))) || UNAUTHORIZED()));
    }
    return rules.get(key)!;
  };
  const tree: Record<string, Record<string, IRule>> = {};
  for (const [coordinate, requirement] of requirements) {
    const [typeName, fieldName] = coordinate.split('.');
    const type = schema.getType(typeName);
    if (!isObjectType(type)) continue;
    const fields = fieldName ? [fieldName] : Object.keys(type.getFields());
    tree[typeName] ??= {};
    for (const field of fields) {
      // A type-level and a field-level requirement on the same field must both hold.
      const own = requirements.get(`${typeName}.${field}`);
      const typeLevel = requirements.get(typeName);
      const combined = own && typeLevel && own !== typeLevel
        ? { authenticated: true, anyOf: own.anyOf && typeLevel.anyOf ? own.anyOf.flatMap((a) => typeLevel.anyOf!.map((b) => [...new Set([...a, ...b])])) : own.anyOf ?? typeLevel.anyOf }
        : own ?? typeLevel!;
      tree[typeName][field] = ruleFor(combined);
    }
  }
  const permissions = shield(tree as any, { fallbackRule: allow, allowExternalErrors: true, fallbackError: UNAUTHORIZED() });
  // Shield wraps every field of every type, the unprotected ones in its fallback rule: an async
  // step on each of thousands of fields in a page. Keep its middleware for protected fields only.
  const generated = permissions.generate(schema) as Record<string, Record<string, unknown>>;
  const protectedOnly = Object.fromEntries(Object.entries(tree).map(([typeName, fields]) =>
    [typeName, Object.fromEntries(Object.keys(fields).map((field) => [field, generated[typeName][field]]))]));
  return applyMiddleware(schema, protectedOnly as any);
}
