import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { IDENTITY_HEADER, signIdentity, type Identity } from '../subgraphs/kit/identity';

export interface GatewayContext {
  identity: Identity;
  /** Signed once per client request, reused for every subgraph fetch of that request. */
  forwardedIdentity?: Promise<string>;
}

/**
 * A subgraph fetch: forwards the verified identity, signed by the gateway, and gives up after
 * the timeout so a hung subgraph costs its own fields, not the whole answer.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(url: string, private readonly secret: string, timeoutMs: number) {
    super({
      url,
      fetcher: ((input: string, init: RequestInit) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) })) as any,
    });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const ctx = context as GatewayContext;
    if (!ctx?.identity) return;
    ctx.forwardedIdentity ??= signIdentity(ctx.identity, this.secret);
    return ctx.forwardedIdentity.then((token) => {
      request.http?.headers.set(IDENTITY_HEADER, token);
    });
  }
}
