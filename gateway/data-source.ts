import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { IDENTITY_HEADER, signForwardedIdentity, type Identity } from '../kit/identity';
import { GATEWAY, readSigningKey, type SigningKey } from '../kit/keys';
import { parseReleases, type ReleaseReport } from './audit/index';
import { dedupeRepresentations } from './representations';
import { shareInFlight } from './in-flight';
import { keptAliveFetch } from '../kit/subgraph-client';
import { subgraphFetchErrors, subgraphFetchSeconds } from '../kit/metrics';
import { callTraceparent, inClientSpan } from '../kit/tracing';

const TOKEN_TTL_SECONDS = 60;

/** The hub's subgraph client: keptAliveFetch, with identical queries in flight at once sent once (gateway/in-flight.ts). */
export function subgraphFetcher(url: string, timeoutMs: number) {
  return shareInFlight(keptAliveFetch(url, timeoutMs));
}
/** A forwarded identity being signed, and once signed the token itself (so a fetch need not wait on a promise to read it). */
interface ForwardedToken {
  token: Promise<string>;
  signed?: string;
}

const signed = new Map<string, ForwardedToken & { renewAt: number }>();
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
function forwardedToken(identity: Identity, keyFile: string, subgraph: string): ForwardedToken {
  const key = JSON.stringify([keyFile, subgraph, identity.sub, identity.role, identity.org, identity.region, identity.reason]);
  const now = Date.now();
  const hit = signed.get(key);
  if (hit && hit.renewAt > now) return hit;
  if (signed.size > 10_000) signed.clear();
  // The trace id is per request and goes in its own header, so cached tokens stay shareable.
  const { traceId, ...stable } = identity;
  const token = gatewaySigningKey(keyFile).then((key) => signForwardedIdentity(stable, key, subgraph, TOKEN_TTL_SECONDS));
  const entry: ForwardedToken & { renewAt: number } = { token, renewAt: now + (TOKEN_TTL_SECONDS * 1000) / 2 };
  signed.set(key, entry);
  token.then((value) => { entry.signed = value; }, () => signed.delete(key));
  return entry;
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
  forwardedIdentities?: Map<string, ForwardedToken>;
  /** What the subgraphs reported releasing (their `extensions.releases`), for the audit log. */
  releases?: ReleaseReport[];
}

/**
 * A subgraph fetch: forwards the verified identity, signed by the gateway, and gives up after
 * the timeout so a hung subgraph costs its own fields, not the whole answer.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  /** The CLIENT span of each fetch: its name and attributes, the same for every fetch from this subgraph. */
  private readonly spanName: string;
  private readonly spanAttributes: Record<string, string>;

  constructor(private readonly serviceName: string, url: string, private readonly signingKeyFile: string, timeoutMs: number) {
    // A deadline, so a hung subgraph costs its own fields, not the whole answer.
    super({ url, fetcher: subgraphFetcher(url, timeoutMs) as any });
    this.spanName = `POST ${serviceName}`;
    this.spanAttributes = { 'http.request.method': 'POST', 'peer.service': serviceName };
  }

  /** A transport failure names the service, never its address (the raw error carries the URL). */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const started = process.hrtime.bigint();
    const took = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const spread = dedupeRepresentations(options.request);
      // A CLIENT span per fetch (kit/tracing.ts): willSendRequest names it the subgraph's parent.
      const response = await inClientSpan(this.spanName, this.spanAttributes, () => super.process(options));
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
    const forwarded = (ctx.forwardedIdentities ??= new Map<string, ForwardedToken>());
    let token = forwarded.get(this.serviceName);
    if (!token) {
      token = forwardedToken(ctx.identity, this.signingKeyFile, this.serviceName);
      forwarded.set(this.serviceName, token);
    }
    // Signed already (nearly every fetch): the headers are set now, with no promise to wait on.
    if (token.signed !== undefined) return setForwardedHeaders(request, ctx.identity, token.signed);
    return token.token.then((signed) => setForwardedHeaders(request, ctx.identity, signed));
  }
}

/** A fetch's headers: the identity the gateway signed, and the trace it belongs to. */
function setForwardedHeaders(request: GraphQLDataSourceProcessOptions<GatewayContext>['request'], identity: Identity, signed: string): void {
  request.http?.headers.set(IDENTITY_HEADER, signed);
  // The subgraph takes the request's trace id from it (kit/runtime.ts traceIdOfCall): no `x-trace-id` as well.
  const traceparent = callTraceparent(identity.traceId);
  if (traceparent) request.http?.headers.set('traceparent', traceparent);
}
