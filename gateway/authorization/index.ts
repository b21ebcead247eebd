// Field- and type-level authorization at the gateway, from the supergraph's @authenticated and
// @requiresScopes, enforced before query planning (Apollo Router semantics); operation limits.
export { AUTHORIZATION_ENV, authorizerOptionsFromEnv, createAuthorizer, type Authorizer, type AuthorizerOptions, type Decision } from './authorizer';
export { serveAuthorized, type AuthorizedOutcome } from './serve';
export type { DeniedField } from './rewrite';
export { LIMIT_ENV } from '../limits';
