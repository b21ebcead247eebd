import { Kind, parse, print, type TypeNode } from 'graphql';
import { readRequirements } from './policy';

const namedType = (type: TypeNode): string => (type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type));

/**
 * Fields that some callers may be refused but that a typed client is promised are never null:
 * a field with @authenticated/@requiresScopes of its own, or whose type carries one, answers
 * `null` for a caller without the scope, so its type must be nullable (contract: "Such a field
 * is nullable in the schema"). Returns one line per offending field; composition fails on any.
 */
export function refusableNonNullFields(supergraphSdl: string): string[] {
  const document = parse(supergraphSdl);
  const requirements = readRequirements(document);
  const found = new Set<string>();
  for (const def of document.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.INTERFACE_TYPE_DEFINITION
      && def.kind !== Kind.OBJECT_TYPE_EXTENSION && def.kind !== Kind.INTERFACE_TYPE_EXTENSION) continue;
    for (const field of def.fields ?? []) {
      if (field.type.kind !== Kind.NON_NULL_TYPE) continue;
      const coordinate = `${def.name.value}.${field.name.value}`;
      const returned = namedType(field.type);
      if (requirements.has(coordinate)) found.add(`${coordinate}: carries an access requirement, so its type must be nullable (not ${print(field.type)})`);
      else if (requirements.has(returned)) found.add(`${coordinate}: returns ${returned}, which carries an access requirement, so its type must be nullable (not ${print(field.type)})`);
    }
  }
  return [...found].sort();
}
