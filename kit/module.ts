import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DocumentNode } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { DataSource, EntitySchema } from 'typeorm';
import type { Identity } from './identity';
import type { StatementCounter } from './database';
import type { Release } from './personal-data';
import type { Clock } from './clock';
import { LOG_ENV } from './log';
import { TRACING_ENV } from './tracing';

/** An environment variable a service reads; docker-compose.yml is checked against these. */
export interface EnvVar {
  name: string;
  required: boolean;
  description: string;
  /**
   * What a value must be, checked at start by kit/config.ts with every other variable (default
   * text): a whole number within [min, max], a URL of one of `protocols`, or one of `values`.
   */
  kind?: 'text' | 'integer' | 'url' | 'choice';
  min?: number;
  max?: number;
  /** For kind 'url' (default http:, https:). */
  protocols?: string[];
  /** For kind 'choice': the values accepted, exactly as written. */
  values?: readonly string[];
}

/** The owners whose subgraphs others call or send messages to. */
export type Owner = 'justice' | 'public-security' | 'procuratorate';

export interface SubgraphRuntime {
  name: string;
  db: DataSource;
  counter: StatementCounter;
  env: NodeJS.ProcessEnv;
  /** Now, as far as deadlines are concerned (see clock.ts). */
  now(): Date;
  clock: Clock;
  /** Calls another owner's subgraph with this owner's service identity (signed with its own key). */
  call<T = any>(owner: Owner, query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Sends a message to another owner's internal route with this owner's service identity. */
  send<T = any>(owner: Owner, route: string, body: unknown): Promise<T>;
  /** Builds the GraphQL schema anew from the module's typeDefs and resolvers (a module whose SDL follows data). */
  reloadSchema?(): Promise<void>;
}

export interface SubgraphContext<L = any> {
  identity: Identity;
  runtime: SubgraphRuntime;
  loaders: L;
  /** Personal or classified values released by this request, reported to the gateway's audit. */
  releases: Release[];
}

/**
 * POST /internal/<name>: machine-to-machine messages, from the owners the module's `routeSenders`
 * names only; `from.owner` is the sender whose key signed the message (verified).
 */
export type InternalRoute = (runtime: SubgraphRuntime, body: unknown, from: { owner: string }) => Promise<unknown>;

/**
 * GET /events/<name>: a text/event-stream of "something changed for you" signals (ids only, no
 * personal data) for the end user the gateway forwards, so the gateway pushes instead of polling.
 */
export type EventStream = (runtime: SubgraphRuntime, identity: Identity, req: IncomingMessage, res: ServerResponse) => void;

export interface SubgraphModule<L = any> {
  name: string;
  defaultPort: number;
  /** Whose database this subgraph uses, when not its own: the audit log lives in the gateway's. */
  databaseOwner?: 'gateway';
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<SubgraphContext<L>>;
  entities: (EntitySchema | Function)[];
  migrations: Function[];
  /** Owners this subgraph calls directly (each becomes a <OWNER>_URL variable). */
  upstreams?: Owner[];
  /**
   * Owners this subgraph sends outbox messages to (each becomes a <OWNER>_URL variable too).
   * Unlike upstreams they need not answer while this one starts (the relay retries), so a
   * deployment does not order startup by them: the procuratorate calls justice and justice
   * notifies the procuratorate, without a startup cycle.
   */
  notifies?: Owner[];
  env?: EnvVar[];
  /** Per-request DataLoaders, so every entity reference and list relation is batched. */
  loaders?: (runtime: SubgraphRuntime) => L;
  routes?: Record<string, InternalRoute>;
  /**
   * Which owners may send each internal route (subgraph names). A route without an entry is
   * refused at start: a message is accepted only from the owners entitled to send it.
   */
  routeSenders?: Record<string, readonly string[] | { has(owner: string): boolean }>;
  /** Event streams (GET /events/<name>), opened by the gateway for one end user each. */
  streams?: Record<string, EventStream>;
  /** Background work (an outbox relay); returns its stop function. */
  workers?: (runtime: SubgraphRuntime) => Promise<() => Promise<void>>;
}

export const COMMON_SUBGRAPH_ENV: EnvVar[] = [
  { name: 'PORT', required: false, description: 'port to listen on', kind: 'integer', min: 0, max: 65535 },
  { name: 'HOST', required: false, description: 'interface to listen on (default 127.0.0.1)' },
  { name: 'NODE_ENV', required: false, description: "'production' turns introspection off" },
  LOG_ENV,
  ...TRACING_ENV,
  { name: 'HUB_TEST_CLOCK', required: false, description: "'1' lets tests move the clock forward (POST /internal/clock); never in production" },
  { name: 'HUB_TEST_CLOCK_START', required: false, description: 'an ISO instant in the past where a test or demo hub\'s clock starts (needs HUB_TEST_CLOCK=1; refused with NODE_ENV=production)' },
  { name: 'DATABASE_URL', required: true, description: "PostgreSQL URL of this owner's own database", kind: 'url', protocols: ['postgres:', 'postgresql:'] },
  { name: 'HUB_PUBLIC_KEYS_FILE', required: true, description: "the key directory: a JWKS of the gateway's and every owner's PUBLIC Ed25519 key (kid = owner name)" },
  { name: 'OWNER_SIGNING_KEY_FILE', required: true, description: "this owner's own PRIVATE Ed25519 key (JWK, kid = subgraph name) for its service messages and calls; never leaves its host" },
];

export function upstreamVar(owner: string): string {
  return `${owner.toUpperCase().replace(/-/g, '_')}_URL`;
}

export function envOf(module: SubgraphModule): EnvVar[] {
  const upstreams = (module.upstreams ?? []).map((owner) => ({
    name: upstreamVar(owner), required: true, description: `base URL of the ${owner} subgraph`, kind: 'url' as const,
  }));
  const notified = (module.notifies ?? []).filter((owner) => !module.upstreams?.includes(owner)).map((owner) => ({
    name: upstreamVar(owner), required: true, description: `base URL of the ${owner} subgraph (outbox messages; need not be up first)`, kind: 'url' as const,
  }));
  return [...COMMON_SUBGRAPH_ENV, ...upstreams, ...notified, ...(module.env ?? [])];
}
