import { mintDevToken } from '../../gateway/dev-issuer';

export interface Caller { role: string; org?: string; region?: string; sub?: string; reason?: string }
export interface GraphQLResponse<T> { data?: T; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[] }

/** A client of the gateway that signs in as any role through the local dev issuer. */
export function hubClient(gatewayUrl: string, dataDir: string) {
  const tokens = new Map<string, Promise<string>>();
  const tokenFor = (caller: Caller) => {
    const key = JSON.stringify([caller.role, caller.org, caller.region, caller.sub]);
    if (!tokens.has(key)) tokens.set(key, mintDevToken(dataDir, { role: caller.role, org: caller.org, region: caller.region, sub: caller.sub }));
    return tokens.get(key)!;
  };
  return {
    tokenFor,
    async graphql<T = any>(query: string, variables?: Record<string, unknown>, caller?: Caller): Promise<GraphQLResponse<T>> {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (caller && caller.role !== 'public') headers.authorization = `Bearer ${await tokenFor(caller)}`;
      if (caller?.reason) headers['x-access-reason'] = encodeURIComponent(caller.reason);
      const response = await fetch(`${gatewayUrl}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      return (await response.json()) as GraphQLResponse<T>;
    },
  };
}

export type HubClient = ReturnType<typeof hubClient>;
