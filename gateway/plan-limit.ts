// A query plan over the planner's limit (QUERY_PLAN_PATHS_LIMIT, limits.ts) is the operation's own
// fault — too many alternatives to weigh — so the client hears it as a validation failure with
// HTTP 400, like every other operation limit, not as an internal error. The planner's message names
// the selection it gave up on; only the limit is passed on.
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { QUERY_PLAN_PATHS_LIMIT } from './limits';

const PLANNER_GAVE_UP = /^Too many options generated for /;
export const QUERY_PLAN_LIMIT = 'queryPlan';

function messageOf(error: unknown): string {
  let current = error as { message?: unknown; originalError?: unknown } | undefined;
  for (let i = 0; current && i < 5; i += 1) {
    if (typeof current.message === 'string' && PLANNER_GAVE_UP.test(current.message)) return current.message;
    current = current.originalError as typeof current;
  }
  return '';
}

/** The client's error for a plan the planner gave up on, or null for any other error. */
export function planLimitRefusal(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError | null {
  if (!messageOf(error)) return null;
  return {
    message: `The operation is too complex to plan: query plan limit of ${QUERY_PLAN_PATHS_LIMIT} exceeded (alternatives weighed for one selection; nest fewer fields that several services resolve)`,
    locations: formatted.locations,
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: QUERY_PLAN_LIMIT },
  };
}

/** HTTP 400 for an answer refused by the plan limit (GraphQL over HTTP: a request the server will not execute). */
export const planLimitStatus: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const refused = response.body.singleResult.errors?.some((e) => e.extensions?.limit === QUERY_PLAN_LIMIT);
        if (refused) response.http.status = 400;
      },
    };
  },
};
