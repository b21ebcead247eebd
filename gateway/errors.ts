import type { GraphQLFormattedError } from 'graphql';
import { log } from '../kit/log';

/** The codes a client sees as raised (each has a message in schema/messages.json). */
export const PASS_THROUGH = new Set(['SUBGRAPH_UNAVAILABLE', 'BAD_USER_INPUT', 'FORBIDDEN', 'RATE_LIMITED', 'NOT_FOUND', 'UNAUTHENTICATED', 'UNAUTHORIZED_FIELD_OR_TYPE',
  'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE']);

/** The longest message a client gets; the rest is cut (a message is for people, not a channel). */
export const MAX_MESSAGE_LENGTH = 300;

/**
 * Addresses and stack frames. Applied to at most MAX_MESSAGE_LENGTH characters, and free of
 * nested unbounded quantifiers: `\bat .+:\d+:\d+` on every message was quadratic, and Apollo echoes
 * a bad variable's value into its message ("at :" × 24,000 took 3.3 s of gateway CPU).
 */
const INTERNAL_DETAIL = /https?:\/\/|\b(?:localhost|\d{1,3}(?:\.\d{1,3}){3})\b|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|\bat \S{1,200}:\d{1,9}:\d{1,9}|\(\S{1,200}:\d{1,9}:\d{1,9}\)/i;

/** A quoted value of 40 characters or more: an echo of the caller's input, not a diagnosis. */
const LONG_QUOTED = /"(?:[^"\\]|\\.){40,}"/g;

/** graphql-js and Apollo's suggestions name schema members the caller never asked about. */
const SUGGESTION = /\s*Did you mean [^?]{0,300}\?/g;

/** The client's text of a message: echoes of input shortened, suggestions dropped in production, length capped. */
function clientMessage(message: string, production: boolean): string {
  let text = message.replace(LONG_QUOTED, '"…"');
  if (production) text = text.replace(SUGGESTION, '');
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : text;
}

/**
 * graphql-js reports a variable whose value does not coerce as text only: `Variable "$input" got
 * invalid value … at "input.decidedAt"; …`, or `Variable "$id" of required type "ID!" was not
 * provided.` The field a form shows the message beside is read from it (list positions as `.0`,
 * as the subgraphs' own rules name them), with the rule `type` or `required`.
 */
export function variableField(message: string): { field: string; rule: string } | undefined {
  const name = /^Variable "\$([_A-Za-z][_0-9A-Za-z]{0,100})" /.exec(message)?.[1];
  if (!name) return undefined;
  const rest = message.slice(`Variable "$${name}" `.length);
  if (/^of (?:required|non-null) type "[^"]{1,300}" (?:was not provided|must not be null)\./.test(rest)) return { field: name, rule: 'required' };
  if (!rest.startsWith('got invalid value ')) return undefined;
  const at = message.indexOf(` at "${name}`);
  if (at < 0) return { field: name, rule: 'type' };
  const end = message.indexOf('"', at + 5);
  const path = message.slice(at + 5, end < 0 ? undefined : end);
  return { field: path.replace(/\[(\d{1,9})\]/g, '.$1'), rule: 'type' };
}

export interface FormatOptions {
  /** NODE_ENV=production: no "Did you mean …" anywhere, variable-coercion messages included. */
  production?: boolean;
}

/**
 * The last word on what a client sees of an error. Errors raised on purpose keep their code and a
 * bounded message; a subgraph that failed or timed out is named, never located; anything else is generic.
 */
export function formatClientError(error: GraphQLFormattedError, options: FormatOptions = {}): GraphQLFormattedError {
  const { stacktrace, exception, ...extensions } = (error.extensions ?? {}) as Record<string, unknown>;
  const code = extensions.code as string | undefined;
  const serviceName = extensions.serviceName as string | undefined;
  const message = clientMessage(String(error.message ?? ''), !!options.production);
  if (code && PASS_THROUGH.has(code) && !INTERNAL_DETAIL.test(message)) {
    if (code === 'BAD_USER_INPUT' && extensions.field === undefined) Object.assign(extensions, variableField(String(error.message ?? '')));
    return { message, path: error.path, locations: error.locations, extensions };
  }
  if (serviceName) {
    return {
      message: `The ${serviceName} service did not answer; its fields are null`,
      path: error.path,
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName },
    };
  }
  if (code !== 'INTERNAL_SERVER_ERROR' && code && !INTERNAL_DETAIL.test(message)) {
    return { message, path: error.path, locations: error.locations, extensions: { code } };
  }
  log.error('internal error', error);
  return { message: 'Internal server error', path: error.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
