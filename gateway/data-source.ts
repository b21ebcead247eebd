import { randomBytes } from 'node:crypto';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import fetchHappen from 'make-fetch-happen';
import { IDENTITY_HEADER, signForwardedIdentity, type Identity } from '../kit/identity';
import { GATEWAY, readSigningKey, type SigningKey } from '../kit/keys';
import { parseReleases, type ReleaseReport } from './audit/index';
import { dedupeRepresentations } from './representations';
import { subgraphFetchErrors, subgraphFetchSeconds } from '../kit/metrics';
import { inClientSpan, traceparentHeader } from '../kit/tracing';

const TOKEN_TTL_SECONDS = 60;
const signed = new Map<string, { token: Promise<string>; renewAt: number }>();
const keys = new Map<string, Promise<SigningKey>>();

/**
 * The gateway's own private key (GATEWAY_SIGNING_KEY_FILE), read once. It alone signs the
 * identities forwarded to subgraphs; they hold its public key only (no secret is shared).
 */
export function gatewaySigningKey(file: string): Promise<SigningKey> {
  let key = keys.get(file);
  if (!key) {
    key = readSigningKey(file, GATEWAY);
    keys.set(file, key);
  }
  return key;
}

/**
 * The forwarded identity, signed once per caller and subgraph and reused for half its lifetime:
 * signing on every request costs more than the rest of the gateway's per-request work. Addressed
 * to one subgraph, so its owner cannot replay it at another owner.
 */
function forwardedToken(identity: Identity, keyFile: string, subgraph: string): Promise<string> {
  const key = JSON.stringify([subgraph, identity.sub, identity.role, identity.org, identity.region, identity.reason]);
  const now = Date.now();
  const hit = signed.get(key);
  if (hit && hit.renewAt > now) return hit.token;
  if (signed.size > 10_000) signed.clear();
  // The trace id is per request and goes in its own header, so cached tokens stay shareable.
  const { traceId, ...stable } = identity;
  const token = gatewaySigningKey(keyFile).then((key) => signForwardedIdentity(stable, key, subgraph, TOKEN_TTL_SECONDS));
  signed.set(key, { token, renewAt: now + (TOKEN_TTL_SECONDS * 1000) / 2 });
  token.catch(() => signed.delete(key));
  return token;
}

/**
 * The errors of a subgraph's 400 answer when every one is BAD_USER_INPUT (graphql-js refusing a
 * variable's value, e.g. a malformed DateTime): RemoteGraphQLDataSource throws on any non-2xx
 * status, which read as "the service did not answer". Anything else a subgraph refuses is not
 * the client's to fix and stays an error of the service.
 */
export function clientInputRefused(error: unknown): GraphQLFormattedError[] | null {
  if (!(error instanceof GraphQLError)) return null;
  const response = error.extensions?.response as { status?: number; body?: { errors?: unknown } } | undefined;
  const status = response?.status ?? 0;
  const errors = response?.body?.errors;
  // 400 is how a subgraph (Apollo Server) refuses a request's variables; 401/403 refuse the gateway itself.
  if (status !== 400 || !Array.isArray(errors) || !errors.length) return null;
  const all = errors.every((e) => typeof e?.message === 'string' && e?.extensions?.code === 'BAD_USER_INPUT');
  return all ? (errors as GraphQLFormattedError[]) : null;
}

export interface GatewayContext {
  identity: Identity;
  /** Signed once per client request and subgraph, reused for every fetch of that request to it. */
  forwardedIdentities?: Map<string, Promise<string>>;
  /** What the subgraphs reported releasing (their `extensions.releases`), for the audit log. */
  releases?: ReleaseReport[];
}

/**
 * A subgraph fetch: forwards the verified identity, signed by the gateway, and gives up after
 * the timeout so a hung subgraph costs its own fields, not the whole answer.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(private readonly serviceName: string, url: string, private readonly signingKeyFile: string, timeoutMs: number) {
    // The same client @apollo/gateway uses by default (kept-alive sockets, no retries), with a
    // deadline, so a hung subgraph costs its own fields, not the whole answer.
    super({ url, fetcher: fetchHappen.defaults({ maxSockets: Infinity, retry: false, timeout: timeoutMs }) as any });
  }

  /** A transport failure names the service, never its address (the raw error carries the URL). */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const started = process.hrtime.bigint();
    const took = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const spread = dedupeRepresentations(options.request);
      // A CLIENT span per fetch (kit/tracing.ts): willSendRequest names it the subgraph's parent.
      const response = await inClientSpan(`POST ${this.serviceName}`, { 'http.request.method': 'POST', 'peer.service': this.serviceName }, () => super.process(options));
      subgraphFetchSeconds.observe({ subgraph: this.serviceName, outcome: 'ok' }, took());
      return spread ? spread(response) : response;
    } catch (error) {
      // The subgraph answered, refusing the client's own input (a variable its scalar rejects):
      // the client's mistake, with its field, not an outage.
      const refused = clientInputRefused(error);
      subgraphFetchSeconds.observe({ subgraph: this.serviceName, outcome: refused ? 'refused' : 'error' }, took());
      if (refused) return { errors: refused };
      subgraphFetchErrors.inc({ subgraph: this.serviceName });
      throw new GraphQLError(`The ${this.serviceName} service did not answer; its fields are null`, {
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: this.serviceName },
        originalError: error as Error,
      });
    }
  }

  /** Takes the subgraph's `extensions.releases` into the request's context; the client never sees them. */
  override didReceiveResponse({ response, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['didReceiveResponse']>>[0]) {
    const extensions = response.extensions as Record<string, unknown> | undefined;
    if (extensions && 'releases' in extensions) {
      const ctx = context as GatewayContext;
      if (ctx) {
        const releases = (ctx.releases ??= []);
        for (const report of parseReleases(extensions.releases)) releases.push(report);
      }
      delete extensions.releases;
      if (!Object.keys(extensions).length) delete response.extensions;
    }
    return response;
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const ctx = context as GatewayContext;
    if (!ctx?.identity) return;
    const forwarded = (ctx.forwardedIdentities ??= new Map<string, Promise<string>>());
    let token = forwarded.get(this.serviceName);
    if (!token) {
      token = forwardedToken(ctx.identity, this.signingKeyFile, this.serviceName);
      forwarded.set(this.serviceName, token);
    }
    return token.then((signed) => {
      request.http?.headers.set(IDENTITY_HEADER, signed);
      if (ctx.identity.traceId) request.http?.headers.set('x-trace-id', ctx.identity.traceId);
      // W3C Trace Context: the same trace; the fetch's span as parent when traces are on, else a fresh parent id per fetch, sampled.
      const traceparent = traceparentHeader() ?? (ctx.identity.traceId ? `00-${ctx.identity.traceId}-${randomBytes(8).toString('hex')}-01` : undefined);
      if (traceparent) request.http?.headers.set('traceparent', traceparent);
    });
  }
}
