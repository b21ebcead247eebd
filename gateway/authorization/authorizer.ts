// Per request, before Apollo plans anything: operation limits, then the caller's view of the
// operation (unauthorized fields removed, or the whole operation refused in reject mode).
// Both are cached: the analysis per (query, operation), the rewrite also per caller's scopes.
import { validate, type OperationDefinitionNode } from 'graphql';
import type { Identity } from '../../subgraphs/kit/identity';
import type { EnvVar } from '../../subgraphs/kit/module';
import { satisfies, scopesOf } from '../../subgraphs/kit/policy';
import { costOf, DEFAULT_LIMITS, limitError, limitsFromEnv, measure, parseLimited, variableCost, violation, type Limits, type Measured } from '../limits';
import { policySchema } from './api-schema';
import { LruCache } from './cache';
import { ExpansionError, inlineFragments, selectOperation } from './inline';
import { unauthorizedError } from './restore';
import { rewriteOperation, type DeniedField, type RewritePlan } from './rewrite';

export interface AuthorizerOptions {
  /** Refuse the whole operation when any field is unauthorized (Router's `reject_unauthorized`). */
  rejectUnauthorized?: boolean;
  limits?: Limits;
  /** Entries per cache (analyses, and rewrites per scope set); default 1000 each. */
  cacheSize?: number;
  /** Defaults to the committed supergraph. */
  supergraphSdl?: string;
}

export const AUTHORIZATION_ENV: EnvVar[] = [
  { name: 'REJECT_UNAUTHORIZED', required: false, description: "'true' refuses a whole operation that asks for any field the caller may not see (default: remove those fields, null with an error)" },
];

export function authorizerOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): AuthorizerOptions {
  return { rejectUnauthorized: env.REJECT_UNAUTHORIZED === 'true', limits: limitsFromEnv(env) };
}

export interface GraphQLRequestParts { query: string; operationName?: string | null; variables?: Record<string, unknown> | null }

export type Decision =
  /** Not ours to judge (unparsable, invalid, no such operation): Apollo answers with its usual errors. */
  | { kind: 'pass' }
  /** Refused before planning: nothing executes. */
  | { kind: 'refuse'; status: number; body: { data?: null; errors: unknown[] }; denied: DeniedField[] }
  | { kind: 'execute'; plan: RewritePlan }

type Analysis =
  | { kind: 'pass' }
  | { kind: 'refuse'; status: number; body: { errors: unknown[] } }
  | { kind: 'ok'; operation: OperationDefinitionNode; measured: Measured };

const PASS = { kind: 'pass' } as const;
const refused = (errors: unknown[], status = 400) => ({ kind: 'refuse' as const, status, body: { errors } });

export type Authorizer = ReturnType<typeof createAuthorizer>;

export function createAuthorizer(options: AuthorizerOptions = {}) {
  const policy = policySchema(options.supergraphSdl);
  const limits = options.limits ?? DEFAULT_LIMITS;
  const maxFields = Math.max(10_000, limits.maxCost);
  const analyses = new LruCache<string, Analysis>(options.cacheSize ?? 1000);
  const plans = new LruCache<string, RewritePlan>(options.cacheSize ?? 1000);

  const analyze = (query: string, operationName: string | null | undefined): Analysis => {
    const document = parseLimited(query, limits.maxTokens);
    if ('limit' in document) return refused([limitError(document)]);
    if (document instanceof Error) return PASS;
    if (validate(policy.schema, document).length) return PASS;
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

    decide(request: GraphQLRequestParts, identity: Pick<Identity, 'role'>): Decision {
      const { query, operationName } = request;
      const analysisKey = `${operationName ?? ''}\n${query}`;
      let analysis = analyses.get(analysisKey);
      if (!analysis) {
        analysis = analyze(query, operationName);
        analyses.set(analysisKey, analysis);
      }
      if (analysis.kind === 'pass') return PASS;
      if (analysis.kind === 'refuse') return { ...analysis, denied: [] };
      if (variableCost(analysis.measured.cost)) {
        const cost = costOf(analysis.measured.cost, request.variables ?? undefined);
        if (cost > limits.maxCost) return { ...refused([limitError(violation('cost', limits.maxCost, cost))]), denied: [] };
      }

      const scopes = scopesOf(identity.role);
      const planKey = `${identity.role === 'public' ? 'public' : 'authenticated'}|${[...scopes].sort().join(' ')}|${analysisKey}`;
      let plan = plans.get(planKey);
      if (!plan) {
        const held = new Set(scopes);
        plan = rewriteOperation(policy, analysis.operation, query, (requirement) => satisfies(requirement, identity, held));
        plans.set(planKey, plan);
      }
      if (options.rejectUnauthorized && plan.denied.length) {
        // Router's reject mode: nothing runs; an ordinary GraphQL response (HTTP 200), one error per path.
        return { kind: 'refuse', status: 200, body: { data: null, errors: plan.denied.map((d) => unauthorizedError([...d.path])) }, denied: plan.denied };
      }
      return { kind: 'execute', plan };
    },
  };
}
