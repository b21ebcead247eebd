// npm run schema:check -- <subgraph> <sdl-file|url> [--json]
//
// Composes a candidate SDL of one subgraph with the other subgraphs' current SDL (the schema
// registry's newest publication of each, else this repository's) and compares the API clients
// would get with the one the gateway serves (the registry's newest supergraph, else
// schema/supergraph.graphql), with @graphql-inspector/core. A change breaking by its kind (a field
// removed) breaks clients when an operation they registered uses it (the trusted documents, see
// `npm run operations:register`): it is then BREAKING and names each client and operation; one no
// registered operation uses is DANGEROUS (considerUsage). With no operation registered, every
// breaking change counts. Exit 0: composes, nothing breaking (dangerous changes are listed);
// 1: composition fails or a change breaks clients; 2: could not check.
//
// Where it looks:
//   <url>                  a running subgraph's base URL (its `_service { sdl }`), asked with the
//                          owner's service identity: OWNER_SIGNING_KEY_FILE, default
//                          ${HUB_DATA_DIR:-.data}/keys/<subgraph>.private.jwk.json when it exists
//   TRUSTED_DOCUMENTS_FILE the clients' registered operations (default schema/trusted-documents.json)
//   DATABASE_URL           the gateway's database (the registry); default: the embedded hub of
//                          `npm start` (127.0.0.1:${PG_PORT:-54329}, database `gateway`)
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { parse, type DocumentNode } from 'graphql';
import pg from 'pg';
import { apiSchemaSdl } from '../gateway/authorization/api-schema';
import { latestSubgraphs, publication } from '../gateway/registry/store';
import { readSupergraph, subgraphEndpoint } from '../gateway/supergraph';
import { IDENTITY_HEADER, signServiceIdentity } from '../kit/identity';
import { readSigningKey } from '../kit/keys';
import { SUBGRAPHS } from '../subgraphs/index';
import { composeSupergraph } from './compose';
import { embeddedSuperuserUrl } from './hub/superuser';
import { DEFAULT_MANIFEST_PATH, readManifest, type TrustedManifest } from '../gateway/trusted-documents';
import { operationsUsing, usageOf, type OperationRef } from '../gateway/registry/usage';

type Queryable = Pick<pg.Client, 'query'>;

export type Criticality = 'BREAKING' | 'DANGEROUS' | 'NON_BREAKING';

/** One change of the client-facing API: where (`Type.field`), what kind, how bad. */
export interface SchemaChange {
  coordinate: string; kind: string; criticality: Criticality; message: string;
  /** A breaking change: the registered operations it breaks (client and operation), when any were registered. */
  usedBy?: OperationRef[];
  /** Breaking by its kind, but no registered operation uses it (@graphql-inspector's considerUsage): dangerous. */
  safeByUsage?: boolean;
}

/** The clients' registered operations the check weighs breaking changes against (the trusted documents). */
export interface ClientOperations { source: string; manifest: TrustedManifest }

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** TRUSTED_DOCUMENTS_FILE, else schema/trusted-documents.json (what `npm run operations:register` writes). */
export function clientOperations(env: NodeJS.ProcessEnv = process.env): ClientOperations {
  // As the gateway reads it (trusted-documents.ts): the variable relative to where the command runs.
  const source = env.TRUSTED_DOCUMENTS_FILE ? resolve(env.TRUSTED_DOCUMENTS_FILE) : resolve(ROOT, DEFAULT_MANIFEST_PATH);
  return { source, manifest: readManifest(source) };
}

export interface CheckReport {
  subgraph: string;
  /** What the candidate was compared with: the registry's version in service, or the repository's supergraph. */
  base: { source: 'registry' | 'repository'; version: number | null };
  /** A subgraph neither this repository nor the registry knows: its first publication. */
  newSubgraph: boolean;
  /** The candidate is the SDL already published for this subgraph. */
  unchanged: boolean;
  compositionErrors: string[];
  /** The composed supergraph, when it composes. */
  supergraphSdl: string | null;
  changes: SchemaChange[];
  breaking: number;
  dangerous: number;
  /** Where the registered operations came from and how many: null when none are registered (every breaking change then counts). */
  usage: { source: string; operations: number } | null;
}

export const SUBGRAPH_NAME = /^[a-z][a-z0-9-]*$/;

const embedded = (database: string) => embeddedSuperuserUrl(database);

/** The registry's database: DATABASE_URL, else the embedded hub's. */
export const registryUrl = (env: NodeJS.ProcessEnv = process.env): string => env.DATABASE_URL || embedded('gateway');

/** `query { _service { sdl } }` of a running subgraph, asked as its owner (subgraphs serve nothing to an unsigned caller). */
export async function fetchSubgraphSdl(subgraph: string, base: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const defaultKey = join(resolve(env.HUB_DATA_DIR ?? '.data'), 'keys', `${subgraph}.private.jwk.json`);
  const keyFile = env.OWNER_SIGNING_KEY_FILE || (existsSync(defaultKey) ? defaultKey : undefined);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (keyFile) headers[IDENTITY_HEADER] = await signServiceIdentity(await readSigningKey(keyFile), subgraph);
  const endpoint = /\/graphql\/?$/.test(new URL(base).pathname) ? base : subgraphEndpoint(base, 'graphql');
  const response = await fetch(endpoint, { method: 'POST', headers, body: JSON.stringify({ query: '{ _service { sdl } }' }), signal: AbortSignal.timeout(10_000) });
  const body = (await response.json().catch(() => null)) as { data?: { _service?: { sdl?: string } } } | null;
  const sdl = body?.data?._service?.sdl;
  if (!response.ok || typeof sdl !== 'string') throw new Error(`${endpoint} did not answer _service { sdl } (HTTP ${response.status})`);
  return sdl;
}

/** The candidate's SDL from a file, or from a running subgraph at a URL. */
export async function readCandidate(subgraph: string, source: string): Promise<string> {
  return /^https?:\/\//.test(source) ? fetchSubgraphSdl(subgraph, source) : readFileSync(source, 'utf8');
}

// The inspector and the schemas it compares must share one instance of graphql-js (it refuses
// types "from another realm"): both are loaded through Node's own resolution, never a bundler's.
const require = createRequire(import.meta.url);
const { diff, CriticalityLevel, DiffRule } = require('@graphql-inspector/core') as typeof import('@graphql-inspector/core');
const { buildSchema } = require('graphql') as typeof import('graphql');

const LEVEL: Record<string, Criticality> = {
  [CriticalityLevel.Breaking]: 'BREAKING', [CriticalityLevel.Dangerous]: 'DANGEROUS', [CriticalityLevel.NonBreaking]: 'NON_BREAKING',
};

/**
 * What changes for clients between two supergraphs: their API schemas compared, not the
 * supergraphs. With the clients' registered operations, a change breaking by its kind (a field
 * removed, an argument made required) stays breaking only when a registered operation uses what
 * it changes (@graphql-inspector/core's considerUsage rule; the operations read against the API
 * clients have now), and names them; one no registered operation uses is dangerous: a client that
 * registered nothing might still read it.
 */
export async function apiChanges(before: string, after: string, operations?: TrustedManifest | null): Promise<SchemaChange[]> {
  const beforeApi = apiSchemaSdl(before);
  const usage = operations && Object.keys(operations.operations).length ? usageOf(beforeApi, operations) : null;
  const coordinate = (item: { type: string; field?: string; argument?: string }) => [item.type, item.field, item.argument].filter(Boolean).join('.');
  const changes = usage
    ? await diff(buildSchema(beforeApi), buildSchema(apiSchemaSdl(after)), [DiffRule.considerUsage],
      { checkUsage: async (items) => items.map((item) => operationsUsing(usage, coordinate(item)).length === 0) })
    : await diff(buildSchema(beforeApi), buildSchema(apiSchemaSdl(after)));
  return changes.map((c) => {
    const change: SchemaChange = { coordinate: c.path ?? '(schema)', kind: c.type, criticality: LEVEL[c.criticality.level] ?? 'BREAKING', message: c.message };
    if ((c.criticality as { isSafeBasedOnUsage?: boolean }).isSafeBasedOnUsage) change.safeByUsage = true;
    if (usage && change.criticality === 'BREAKING' && c.path) change.usedBy = operationsUsing(usage, c.path);
    return change;
  });
}

/**
 * Checks `candidateSdl` for `subgraph` against the registry read through `db` (inside the
 * publisher's lock when publishing). Never throws for a bad candidate: that is the report.
 */
/**
 * `companions`: other subgraphs' SDL checked (and published) with the candidate in one supergraph —
 * justice's listing a new agency's case types, which compose only beside that agency's own SDL.
 */
export async function checkCandidate(db: Queryable, subgraph: string, candidateSdl: string, routingUrl?: string | null, companions: ReadonlyMap<string, string> = new Map(),
  operations: ClientOperations | null = clientOperations()): Promise<CheckReport> {
  const [published, inService] = await Promise.all([latestSubgraphs(db), publication(db)]);
  const repository = new Map(SUBGRAPHS.map((s) => [s.name, s.typeDefs]));
  const base = inService ? { source: 'registry' as const, version: inService.version } : { source: 'repository' as const, version: null };
  const report: CheckReport = {
    subgraph, base, newSubgraph: !repository.has(subgraph) && !published.has(subgraph),
    unchanged: published.get(subgraph)?.sdl === candidateSdl,
    compositionErrors: [], supergraphSdl: null, changes: [], breaking: 0, dangerous: 0,
    usage: operations && Object.keys(operations.manifest.operations).length
      ? { source: operations.source, operations: Object.keys(operations.manifest.operations).length } : null,
  };
  let candidate: DocumentNode;
  try {
    candidate = parse(candidateSdl);
  } catch (error) {
    report.compositionErrors.push(`${subgraph}: the SDL does not parse: ${(error as Error).message}`);
    return report;
  }
  const names = [...new Set([...repository.keys(), ...published.keys(), subgraph])];
  const services = names.map((name) => {
    const p = published.get(name);
    const typeDefs = name === subgraph ? candidate : companions.has(name) ? parse(companions.get(name)!) : p ? parse(p.sdl) : repository.get(name)!;
    const url = (name === subgraph && routingUrl) || p?.routingUrl;
    return { name, typeDefs, ...(url ? { url: subgraphEndpoint(url, 'graphql') } : {}) };
  });
  try {
    report.supergraphSdl = composeSupergraph(services);
  } catch (error) {
    report.compositionErrors = (error as Error).message.split('\n').filter((line) => line && !/^composition failed/.test(line));
    if (!report.compositionErrors.length) report.compositionErrors.push((error as Error).message);
    return report;
  }
  report.changes = await apiChanges(inService?.supergraphSdl ?? readSupergraph(), report.supergraphSdl, report.usage ? operations!.manifest : null);
  report.breaking = report.changes.filter((c) => c.criticality === 'BREAKING').length;
  report.dangerous = report.changes.filter((c) => c.criticality === 'DANGEROUS').length;
  return report;
}

/** Whether the report refuses publication. */
export const refuses = (report: CheckReport, allowBreaking = false): boolean =>
  report.compositionErrors.length > 0 || (report.breaking > 0 && !allowBreaking);

/** The report for a person: each change on a line, `Type.field  KIND  CRITICALITY  message`. */
export function formatReport(report: CheckReport): string {
  const lines = [`schema check of ${report.subgraph}${report.newSubgraph ? ' (a new subgraph)' : ''} against ${
    report.base.source === 'registry' ? `the registry's version ${report.base.version}` : "this repository's supergraph (nothing published yet)"}`];
  if (report.compositionErrors.length) {
    lines.push(`COMPOSITION FAILED (${report.compositionErrors.length}):`, ...report.compositionErrors.map((e) => `  ${e}`));
    return lines.join('\n');
  }
  lines.push('composition: ok');
  lines.push(report.usage
    ? `client usage: ${report.usage.operations} registered operations (${report.usage.source}); a breaking change no registered operation uses is dangerous`
    : 'client usage: no registered operations; every breaking change counts');
  if (!report.changes.length) lines.push('changes to the client API: none');
  else {
    lines.push(`changes to the client API (${report.changes.length}):`);
    const order: Criticality[] = ['BREAKING', 'DANGEROUS', 'NON_BREAKING'];
    const sorted = [...report.changes].sort((a, b) => order.indexOf(a.criticality) - order.indexOf(b.criticality) || a.coordinate.localeCompare(b.coordinate));
    for (const c of sorted) {
      lines.push(`  ${c.coordinate}  ${c.kind}  ${c.criticality}  ${c.message}`);
      if (c.usedBy?.length) lines.push(`    used by ${c.usedBy.map((u) => `${u.client}: ${u.operation}`).join(', ')}`);
    }
  }
  lines.push(report.breaking ? `BREAKING: ${report.breaking} breaking, ${report.dangerous} dangerous` : `compatible: 0 breaking, ${report.dangerous} dangerous`);
  return lines.join('\n');
}

/** Arguments: two positionals, then flags (`--name value` or `--flag`). */
export function parseArgs(argv: string[], flags: readonly string[], valued: readonly string[]): { subgraph: string; source: string; options: Record<string, string | true> } {
  const positional: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) { positional.push(arg); continue; }
    const name = arg.slice(2);
    if (valued.includes(name)) {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new Error(`--${name} takes a value`);
      options[name] = value;
    } else if (flags.includes(name)) options[name] = true;
    else throw new Error(`unknown option --${name}`);
  }
  if (positional.length !== 2) throw new Error('expected <subgraph> <sdl-file|url>');
  const [subgraph, source] = positional;
  if (!SUBGRAPH_NAME.test(subgraph)) throw new Error(`a subgraph's name is lowercase letters, digits and dashes, not "${subgraph}"`);
  return { subgraph, source, options };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let args;
  try {
    args = parseArgs(process.argv.slice(2), ['json'], []);
  } catch (error) {
    console.error(`schema:check: ${(error as Error).message}\nusage: npm run schema:check -- <subgraph> <sdl-file|url> [--json]`);
    process.exit(2);
  }
  const db = new pg.Client({ connectionString: registryUrl() });
  try {
    const sdl = await readCandidate(args.subgraph, args.source);
    await db.connect();
    const report = await checkCandidate(db, args.subgraph, sdl);
    const { supergraphSdl, ...shown } = report;
    console.log(args.options.json ? JSON.stringify(shown, null, 2) : formatReport(report));
    process.exitCode = refuses(report) ? 1 : 0;
  } catch (error) {
    console.error(`schema:check could not check ${args.subgraph}: ${(error as Error).message}`);
    process.exitCode = 2;
  } finally {
    await db.end().catch(() => {});
  }
}
