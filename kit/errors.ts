import { GraphQLError } from 'graphql';
import { log as logger } from './log';

/** Bad input: names the field and the rule, and the caller's transaction writes nothing. */
export function badInput(field: string, rule: string, message: string): GraphQLError {
  return new GraphQLError(`${field}: ${message}`, { extensions: { code: 'BAD_USER_INPUT', field, rule } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

export function notFound(what: string, id: string): GraphQLError {
  return new GraphQLError(`${what} ${id} not found`, { extensions: { code: 'NOT_FOUND', field: 'id' } });
}

export const CLIENT_CODES = new Set(['BAD_USER_INPUT', 'FORBIDDEN', 'RATE_LIMITED', 'NOT_FOUND', 'UNAUTHENTICATED', 'UNAUTHORIZED_FIELD_OR_TYPE',
  'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE']);

/**
 * What a client may see of an error. Anything not raised on purpose (a driver error, a bug) is
 * reduced to a generic message so no SQL, host name or stack trace leaves the process.
 */
export function clientError(formatted: { message: string; path?: readonly (string | number)[]; locations?: unknown; extensions?: Record<string, unknown> }, log: (e: unknown) => void = (e) => logger.error('internal error', e)) {
  const code = formatted.extensions?.code as string | undefined;
  if (code && CLIENT_CODES.has(code)) {
    const { stacktrace, exception, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  log(formatted);
  return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
