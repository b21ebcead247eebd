import type { EnvVar } from '../kit/module';
import { validateEnv, type EnvRule } from '../kit/config';
import { subgraphNames } from './supergraph';
import { AUTHORIZATION_ENV, LIMIT_ENV } from './authorization/index';
import { AUTHENTICATION_ENV } from './authentication';
import { AUDIT_ENV } from './audit/writer';
import { CORS_ENV, CORS_RULES, corsOrigins } from './cors';
import { EXPLORER_ENV, explorerEnabled } from './explorer';
import { CONSOLE_ENV, consoleEnabled } from './console/index';
import { LOG_ENV } from '../kit/log';
import { TRACING_ENV } from '../kit/tracing';
import { TRUSTED_DOCUMENTS_ENV, trustedDocumentsFromEnv, type TrustedDocuments } from './trusted-documents';
import { PARTY_LOOKUP_ENV } from './party-lookup-blinding';
import { IDEMPOTENCY_ENV } from './idempotency/index';

export function subgraphUrlVar(name: string): string {
  return `SUBGRAPH_${name.toUpperCase().replace(/-/g, '_')}_URL`;
}

/** Every variable the gateway reads; docker-compose.yml is checked against this list. */
export const GATEWAY_ENV: EnvVar[] = [
  { name: 'PORT', required: false, description: 'port to listen on (default 4000)', kind: 'integer', min: 0, max: 65535 },
  { name: 'HOST', required: false, description: 'interface to listen on (default 127.0.0.1)' },
  { name: 'NODE_ENV', required: false, description: "'production' turns introspection and schema hints off" },
  { name: 'DATABASE_URL', required: true, description: "PostgreSQL URL of the gateway's own database (the audit log)", kind: 'url', protocols: ['postgres:', 'postgresql:'] },
  { name: 'GATEWAY_SIGNING_KEY_FILE', required: true, description: "the gateway's own PRIVATE Ed25519 key (JWK, kid gateway) that signs forwarded identities; the subgraphs hold its public key only" },
  LOG_ENV,
  ...TRACING_ENV,
  { name: 'GATEWAY_WORKERS', required: false, description: 'worker processes sharing the port, one per core (default 1)', kind: 'integer', min: 1, max: 256 },
  { name: 'SUBGRAPH_TIMEOUT_MS', required: false, description: 'how long a subgraph may take before its fields answer null with an error (default 5000)', kind: 'integer', min: 1 },
  { name: 'JWT_PUBLIC_KEY_FILE', required: false, description: 'issuer public key (JWK JSON or SPKI PEM); this or JWKS_URL' },
  { name: 'JWKS_URL', required: false, description: "issuer's JWKS endpoint; this or JWT_PUBLIC_KEY_FILE", kind: 'url' },
  { name: 'JWT_ISSUER', required: false, description: 'expected iss claim (default supervision-graph-dev)' },
  { name: 'JWT_AUDIENCE', required: false, description: 'expected aud claim (default supervision-graph)' },
  ...subgraphNames().map((name): EnvVar => ({ name: subgraphUrlVar(name), required: true, description: `base URL of the ${name} subgraph`, kind: 'url' })),
  ...LIMIT_ENV,
  ...AUTHORIZATION_ENV,
  ...AUTHENTICATION_ENV,
  ...CORS_ENV,
  ...EXPLORER_ENV,
  ...CONSOLE_ENV,
  ...TRUSTED_DOCUMENTS_ENV,
  ...AUDIT_ENV,
  ...PARTY_LOOKUP_ENV,
  ...IDEMPOTENCY_ENV,
];

export interface GatewayConfig {
  port: number;
  host: string;
  workers: number;
  production: boolean;
  /** The gateway's private key file (JWK): it alone signs the identities forwarded to subgraphs. */
  signingKeyFile: string;
  databaseUrl: string;
  subgraphTimeoutMs: number;
  subgraphUrls: Record<string, string>;
  jwt: { publicKeyFile?: string; jwksUrl?: string; issuer: string; audience: string };
  /** Origins whose browser apps may call the gateway (CORS_ORIGINS). */
  corsOrigins: Set<string>;
  /** Whether GraphiQL and the landing page are served (gateway/explorer.ts). */
  explorer: boolean;
  /** Whether the reference console is served at /console (gateway/console/). */
  console: boolean;
  /** Which operations run: TRUSTED_DOCUMENTS and its manifest (gateway/trusted-documents.ts). */
  trustedDocuments: TrustedDocuments;
  /** The environment read: the rest of the gateway's options (authentication, audit, limits) come from it too, never from process.env. */
  env: NodeJS.ProcessEnv;
}

/** What no single declaration says: the issuer's key comes from a file or a JWKS endpoint. */
const GATEWAY_RULES: EnvRule[] = [
  { names: 'JWT_PUBLIC_KEY_FILE or JWKS_URL', check: (env) => (env.JWT_PUBLIC_KEY_FILE || env.JWKS_URL ? null : 'missing (one of them names the issuer key)') },
  ...CORS_RULES,
];

/** The gateway's configuration, every variable checked at once by the one validator (kit/config.ts). */
export function gatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  validateEnv('gateway', GATEWAY_ENV, env, GATEWAY_RULES);
  return {
    port: Number(env.PORT || 4000),
    workers: Number(env.GATEWAY_WORKERS || 1),
    host: env.HOST ?? '127.0.0.1',
    production: env.NODE_ENV === 'production',
    signingKeyFile: env.GATEWAY_SIGNING_KEY_FILE!,
    databaseUrl: env.DATABASE_URL!,
    subgraphTimeoutMs: Number(env.SUBGRAPH_TIMEOUT_MS || 5000),
    subgraphUrls: Object.fromEntries(subgraphNames().map((name) => [name, env[subgraphUrlVar(name)]!])),
    jwt: { publicKeyFile: env.JWT_PUBLIC_KEY_FILE, jwksUrl: env.JWKS_URL, issuer: env.JWT_ISSUER ?? 'supervision-graph-dev', audience: env.JWT_AUDIENCE ?? 'supervision-graph' },
    corsOrigins: corsOrigins(env.CORS_ORIGINS),
    explorer: explorerEnabled(env),
    console: consoleEnabled(env),
    trustedDocuments: trustedDocumentsFromEnv(env),
    env,
  };
}
