import { IDENTITY_HEADER, serviceIdentity, signIdentity } from './identity';

/** A GraphQL call to another owner's subgraph under the hub's service identity. */
export async function callSubgraph<T>(baseUrl: string, caller: string, secret: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  const token = await signIdentity(serviceIdentity(caller), secret);
  const response = await fetch(new URL('/graphql', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: token },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (!response.ok || body.errors?.length) {
    throw new Error(`upstream call failed (${response.status}): ${body.errors?.map((e) => e.message).join('; ')}`);
  }
  return body.data as T;
}

/** POST /internal/<route> on another owner's subgraph: an explicit message between owners. */
export async function sendInternal<T>(baseUrl: string, route: string, caller: string, secret: string, body: unknown): Promise<T> {
  const token = await signIdentity(serviceIdentity(caller), secret);
  const response = await fetch(new URL(`/internal/${route}`, baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: token },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`internal ${route} answered ${response.status}`);
  return (await response.json()) as T;
}
