import type { GatewayGraphQLResponse, GatewayGraphQLRequest } from '@apollo/server-gateway-interface';

/**
 * @apollo/gateway sends one representation per entity occurrence (federation issue #180): a page
 * of 50 cases of one bureau asks for the same Agency 50 times. This sends each distinct
 * representation once and spreads the answers (and their errors) back over the original positions.
 */
export function dedupeRepresentations(request: GatewayGraphQLRequest): ((response: GatewayGraphQLResponse) => GatewayGraphQLResponse) | null {
  const representations = request.variables?.representations;
  if (!Array.isArray(representations) || representations.length < 2) return null;
  const unique: unknown[] = [];
  const seen = new Map<string, number>();
  const positionOf = representations.map((representation) => {
    const key = JSON.stringify(representation);
    let index = seen.get(key);
    if (index === undefined) {
      index = unique.length;
      unique.push(representation);
      seen.set(key, index);
    }
    return index;
  });
  if (unique.length === representations.length) return null;
  request.variables = { ...request.variables, representations: unique };
  return (response) => {
    const entities = (response.data as { _entities?: unknown[] } | null | undefined)?._entities;
    if (Array.isArray(entities)) (response.data as { _entities: unknown[] })._entities = positionOf.map((i) => entities[i]);
    if (response.errors?.length) {
      response.errors = response.errors.flatMap((error) => {
        const path = error.path;
        if (!path || path[0] !== '_entities' || typeof path[1] !== 'number') return [error];
        return positionOf.flatMap((u, original) => (u === path[1] ? [{ ...error, path: ['_entities', original, ...path.slice(2)] }] : []));
      });
    }
    return response;
  };
}
