// Per request, before Apollo plans anything: operation limits, then the caller's view of the
// operation (unauthorized fields removed, or the whole operation refused in reject mode).
// Both are cached: the analysis per (operationName, query), the rewrite also per caller's scopes.
// Cache keys are JSON arrays, never joined text: `"X\n#"` + Q and `"X"` + `"#\n"` + Q once shared
// a key, and the verdict of the one ("unknown operation": not ours to judge) let the other run
// unjudged. Caches are bounded by bytes of query text as well as by entries.
import { specifiedRules, validate, type OperationDefinitionNode } from 'graphql';
import { GATEWAY_VALIDATION_RULES } from '../validation';
import type { Identity } from '../../kit/identity';
import type { EnvVar } from '../../kit/module';
import { satisfies, scopesOf } from '../../kit/policy';
import { costOf, DEFAULT_LIMITS, limitError, limitsFromEnv, measure, parseLimited, variableCost, violation, type Limits, type Measured } from '../limits';
import { listTooLong, oversizedVariableList, precheck } from '../precheck';
import { policySchema } from './api-schema';
import { LruCache } from './cache';
import { ExpansionError, inlineFragments, selectOperation } from './inline';
import { unauthorizedError } from './restore';
import { rewriteOperation, skippedDenials, type DeniedField, type RewritePlan } from './rewrite';

export interface AuthorizerOptions {
  /** Refuse the whole operation when any field is unauthorized (Router's `reject_unauthorized`). */
  rejectUnauthorized?: boolean;
  limits?: Limits;
  /** Entries per cache (analyses, and rewrites per scope set); default 1000 each. */
  cacheSize?: number;
  /** Bytes of query text both caches may hold together (default 16 MiB, half each). */
  cacheBytes?: number;
  /** Defaults to the committed supergraph. */
  supergraphSdl?: string;
}

export const DEFAULT_CACHE_BYTES = 16 * 1024 * 1024;

export const AUTHORIZATION_ENV: EnvVar[] = [
  { name: 'REJECT_UNAUTHORIZED', required: false, description: "'true' refuses a whole operation that asks for any field the caller may not see (default: remove those fields, null with an error)", kind: 'choice', values: ['true', 'false'] },
  { name: 'GRAPHQL_CACHE_BYTES', required: false, description: `bytes of query text the operation analysis and rewrite caches hold together (default ${DEFAULT_CACHE_BYTES})`, kind: 'integer', min: 1024 },
];

export function authorizerOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): AuthorizerOptions {
  const raw = env.GRAPHQL_CACHE_BYTES;
  const cacheBytes = raw === undefined || raw === '' ? undefined : Number(raw);
  if (cacheBytes !== undefined && !(Number.isInteger(cacheBytes) && cacheBytes >= 1024)) throw new Error(`gateway: GRAPHQL_CACHE_BYTES must be an integer of at least 1024, got "${raw}"`);
  return { rejectUnauthorized: env.REJECT_UNAUTHORIZED === 'true', limits: limitsFromEnv(env), cacheBytes };
}

export interface GraphQLRequestParts { query: string; operationName?: string | null; variables?: Record<string, unknown> | null }

export type Decision =
  /** Not ours to judge (unparsable, invalid, no such operation): Apollo answers with its usual errors. */
  | { kind: 'pass' }
  /** Refused before planning: nothing executes. */
  | { kind: 'refuse'; status: number; body: { data?: null; errors: unknown[] }; denied: DeniedField[] }
  /** `skipped`: indices of plan.denied this request's variables skip (@skip/@include): no error, no audit. */
  | { kind: 'execute'; plan: RewritePlan; skipped: ReadonlySet<number> }

type Analysis =
  | { kind: 'pass' }
  | { kind: 'refuse'; status: number; body: { errors: unknown[] } }
  | { kind: 'ok'; operation: OperationDefinitionNode; measured: Measured };

const PASS = { kind: 'pass' } as const;
const VALIDATION_RULES = [...specifiedRules, ...GATEWAY_VALIDATION_RULES];
const refused = (errors: unknown[], status = 400) => ({ kind: 'refuse' as const, status, body: { errors } });

export type Authorizer = ReturnType<typeof createAuthorizer>;

/** UTF-16 text: two bytes a character. */
const textBytes = (...texts: string[]) => texts.reduce((sum, t) => sum + 2 * t.length, 0);
const NONE: ReadonlySet<number> = new Set();

export function createAuthorizer(options: AuthorizerOptions = {}) {
  const policy = policySchema(options.supergraphSdl);
  const limits = options.limits ?? DEFAULT_LIMITS;
  const maxFields = Math.max(10_000, limits.maxCost);
  const half = (options.cacheBytes ?? DEFAULT_CACHE_BYTES) / 2;
  const analyses = new LruCache<string, Analysis>({ maxEntries: options.cacheSize ?? 1000, maxBytes: half, weigh: (key) => textBytes(key) });
  const plans = new LruCache<string, RewritePlan>({ maxEntries: options.cacheSize ?? 1000, maxBytes: half, weigh: (key, plan) => textBytes(key, plan.changed ? plan.query : '') });

  const analyze = (query: string, operationName: string | null | undefined): Analysis => {
    const document = parseLimited(query, limits.maxTokens);
    if ('limit' in document) return refused([limitError(document)]);
    if (document instanceof Error) return PASS;
    const early = precheck(document, policy.schema, limits);
    if (early) return refused(['limit' in early ? limitError(early) : early]);
    // Invalid (by graphql-js's rules and the gateway's own): Apollo refuses it with the same rules.
    if (validate(policy.schema, document, VALIDATION_RULES).length) return PASS;
    const operation = selectOperation(document, operationName);
    if (!operation) return PASS;
    let inlined: OperationDefinitionNode;
    try {
      inlined = inlineFragments(document, operation, maxFields);
    } catch (error) {
      if (!(error instanceof ExpansionError)) throw error;
      if (error.kind === 'reserved') return refused([{ message: error.message, extensions: { code: 'BAD_USER_INPUT' } }]);
      return refused([{ ...limitError(violation('size', maxFields)), message: error.message }]);
    }
    const measured = measure(inlined, policy.schema, limits);
    if (measured.violations.length) return refused(measured.violations.map(limitError));
    return { kind: 'ok', operation: inlined, measured };
  };

  return {
    rejectUnauthorized: !!options.rejectUnauthorized,
    limits,

    /**
     * The verdict on one request. `pass` is given only to what Apollo itself refuses (unparsable,
     * invalid, no such operation); the server also makes sure Apollo executes nothing but the text
     * an `execute` verdict names (gateway/server.ts).
     */
    decide(request: GraphQLRequestParts, identity: Pick<Identity, 'role'>): Decision {
      const { query } = request;
      const operationName = request.operationName ?? null;
      const analysisKey = JSON.stringify([operationName, query]);
      let analysis = analyses.get(analysisKey);
      if (!analysis) {
        analysis = analyze(query, operationName);
        analyses.set(analysisKey, analysis);
      }
      if (analysis.kind === 'pass') return PASS;
      if (analysis.kind === 'refuse') return { ...analysis, denied: [] };
      const variables = request.variables ?? undefined;
      const long = oversizedVariableList(variables, limits.maxListItems);
      if (long) return { ...refused([listTooLong(long, limits.maxListItems)]), denied: [] };
      if (variableCost(analysis.measured.cost)) {
        const cost = costOf(analysis.measured.cost, variables);
        if (cost > limits.maxCost) return { ...refused([limitError(violation('cost', limits.maxCost, cost))]), denied: [] };
      }

      const scopes = scopesOf(identity.role);
      const planKey = JSON.stringify([identity.role === 'public' ? 'public' : 'authenticated', [...scopes].sort(), operationName, query]);
      let plan = plans.get(planKey);
      if (!plan) {
        const held = new Set(scopes);
        plan = rewriteOperation(policy, analysis.operation, query, (requirement) => satisfies(requirement, identity, held));
        plans.set(planKey, plan);
      }
      const skipped = plan.conditional ? skippedDenials(plan, variables) : NONE;
      if (options.rejectUnauthorized && plan.denied.length > skipped.size) {
        // Router's reject mode: nothing runs; an ordinary GraphQL response (HTTP 200), one error per path.
        const denied = plan.denied.filter((_, i) => !skipped.has(i));
        return { kind: 'refuse', status: 200, body: { data: null, errors: denied.map((d) => unauthorizedError([...d.path])) }, denied };
      }
      return { kind: 'execute', plan, skipped };
    },

    /** What the caches hold: entries and bytes of query text. */
    cacheStats() {
      return { analyses: { entries: analyses.size, bytes: analyses.bytes }, plans: { entries: plans.size, bytes: plans.bytes } };
    },
  };
}
