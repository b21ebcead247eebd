// The API schema clients query, and the requirements the supergraph declares on it, read once.
import { printSchema, Supergraph } from '@apollo/federation-internals';
import { buildSchema, isAbstractType, isInterfaceType, isObjectType, parse, type GraphQLNamedType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { readRequirements, type Requirement } from '../../kit/policy';
import { readSupergraph } from '../supergraph';

export interface Declared { coordinate: string; requirement: Requirement }

export interface PolicySchema {
  /** The API schema, built exactly as @apollo/gateway builds its own (so validation agrees). */
  schema: GraphQLSchema;
  /** The type-level requirement of a named type, if any. */
  typeRequirement(typeName: string): Declared | undefined;
  /**
   * Every requirement on field `fieldName` of object type `typeName`: its own, and those declared on
   * the same field of each interface it implements (an @interfaceObject's field carries its
   * requirement on the interface only, so selecting it through a type condition must not bypass it).
   */
  fieldRequirements(typeName: string, fieldName: string): readonly Declared[];
  /** The object types a value of this type can be at runtime. */
  possibleTypes(type: GraphQLNamedType): readonly GraphQLObjectType[];
}

/**
 * The API schema's SDL, as clients see it: the supergraph without its federation machinery
 * (join__/link directives and types, @requiresScopes and the other linked directives), with every
 * description. `npm run api-schema` writes it to schema/api.graphql for client code generation.
 */
export function apiSchemaSdl(sdl: string = readSupergraph()): string {
  return printSchema(Supergraph.build(sdl, { supportedFeatures: null }).apiSchema());
}

const built = new Map<string, PolicySchema>();

export function policySchema(sdl: string = readSupergraph()): PolicySchema {
  let policy = built.get(sdl);
  if (!policy) {
    policy = buildPolicySchema(sdl);
    built.set(sdl, policy);
  }
  return policy;
}

function buildPolicySchema(sdl: string): PolicySchema {
  // `supportedFeatures: null` accepts the `for: SECURITY` links; the API schema drops them either way.
  // Built from its printed SDL with this module's `graphql` (federation's may be another instance
  // of the package under ESM/CJS loaders, and graphql-js refuses to mix instances).
  const schema = buildSchema(apiSchemaSdl(sdl));
  const declared = readRequirements(parse(sdl));
  const at = (coordinate: string): Declared | undefined => {
    const requirement = declared.get(coordinate);
    return requirement ? { coordinate, requirement } : undefined;
  };

  const fieldCache = new Map<string, readonly Declared[]>();
  const possibleCache = new Map<string, readonly GraphQLObjectType[]>();
  return {
    schema,
    typeRequirement: (typeName) => at(typeName),
    fieldRequirements(typeName, fieldName) {
      const key = `${typeName}.${fieldName}`;
      let list = fieldCache.get(key);
      if (!list) {
        const type = schema.getType(typeName);
        const owners = [typeName, ...(isObjectType(type) || isInterfaceType(type) ? type.getInterfaces() : [])
          .filter((i) => fieldName in i.getFields()).map((i) => i.name)];
        list = owners.map((owner) => at(`${owner}.${fieldName}`)).filter((d): d is Declared => !!d);
        fieldCache.set(key, list);
      }
      return list;
    },
    possibleTypes(type) {
      let list = possibleCache.get(type.name);
      if (!list) {
        list = isAbstractType(type) ? schema.getPossibleTypes(type) : isObjectType(type) ? [type] : [];
        possibleCache.set(type.name, list);
      }
      return list;
    },
  };
}
