import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
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
  constructor(private readonly serviceName: string, url: string, private readonly secret: string, timeoutMs: number) {
    super({
      url,
      fetcher: ((input: string, init: RequestInit) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) })) as any,
    });
  }

  /** A transport failure names the service, never its address (the raw error carries the URL). */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    try {
      return await super.process(options);
    } catch (error) {
      throw new GraphQLError(`The ${this.serviceName} service did not answer; its fields are null`, {
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: this.serviceName },
        originalError: error as Error,
      });
    }
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
