import type { GraphQLFormattedError } from 'graphql';

const PASS_THROUGH = new Set(['SUBGRAPH_UNAVAILABLE', 'BAD_USER_INPUT', 'FORBIDDEN', 'NOT_FOUND', 'UNAUTHENTICATED', 'UNAUTHORIZED_FIELD_OR_TYPE',
  'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE']);

const INTERNAL_DETAIL = /https?:\/\/|\b(?:localhost|\d{1,3}(?:\.\d{1,3}){3})\b|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|\bat .+:\d+:\d+/i;

/**
 * The last word on what a client sees of an error. Errors raised on purpose keep their message
 * and code; a subgraph that failed or timed out is named, never located; anything else is generic.
 */
export function formatClientError(error: GraphQLFormattedError): GraphQLFormattedError {
  const { stacktrace, exception, ...extensions } = (error.extensions ?? {}) as Record<string, unknown>;
  const code = extensions.code as string | undefined;
  const serviceName = extensions.serviceName as string | undefined;
  if (code && PASS_THROUGH.has(code) && !INTERNAL_DETAIL.test(error.message)) {
    return { message: error.message, path: error.path, locations: error.locations, extensions };
  }
  if (serviceName) {
    return {
      message: `The ${serviceName} service did not answer; its fields are null`,
      path: error.path,
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName },
    };
  }
  if (code !== 'INTERNAL_SERVER_ERROR' && code && !INTERNAL_DETAIL.test(error.message)) {
    return { message: error.message, path: error.path, locations: error.locations, extensions: { code } };
  }
  console.error('[gateway] internal error:', JSON.stringify(error).slice(0, 1000));
  return { message: 'Internal server error', path: error.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
