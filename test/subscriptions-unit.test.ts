// The query a subscription re-runs (gateway/subscriptions/document.ts): pure, no hub.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { GraphQLError, Kind, parse, print, type OperationDefinitionNode } from 'graphql';
import { embeddedOperations } from '../scripts/operations-register';
import { deriveQuery } from '../gateway/subscriptions/document';
import { registerDerivedQueries } from '../gateway/subscriptions/index';
import { consoleOperations } from '../gateway/console/index';
import { documentId, judgeTrusted, type RegisteredOperation, type TrustedDocuments } from '../gateway/trusted-documents';

describe('a subscription is its query, re-run', () => {
  it('renames the field and keeps the response key, variables, arguments and fragments', () => {
    const derived = deriveQuery(`subscription Live($first: Int) { inboxChanged(first: $first) { ...Page } } fragment Page on InboxConnection { unreadCount }`);
    expect(derived.field.query).toBe('inbox');
    expect(derived.operationName).toBe('Live');
    expect(derived.query).toBe(`query Live($first: Int) {\n  inboxChanged: inbox(first: $first) {\n    ...Page\n  }\n}\n\nfragment Page on InboxConnection {\n  unreadCount\n}`);
  });

  it('keeps an alias the client chose', () => {
    expect(deriveQuery(`subscription { alerts: alertsChanged(status: OPEN) { edges { node { id } } } }`).query).toContain('alerts: alerts(status: OPEN)');
  });

  it('picks the named operation of several and drops the others', () => {
    const derived = deriveQuery(`query Other { inbox { unreadCount } } subscription Mine { inboxChanged { unreadCount } }`, 'Mine');
    expect(derived.query).toBe(`query Mine {\n  inboxChanged: inbox {\n    unreadCount\n  }\n}`);
  });

  it.each([
    [`query { inbox { unreadCount } }`, 'subscriptionOnly'],
    [`mutation { markInboxRead(ids: []) { id } }`, 'subscriptionOnly'],
    [`subscription { inboxChanged { unreadCount } alertsChanged { edges { cursor } } }`, 'singleRootField'],
    [`subscription { ... on Subscription { inboxChanged { unreadCount } } }`, 'singleRootField'],
    [`subscription { casesChanged { totalCount } }`, 'knownField'],
    [`subscription { __typename }`, 'knownField'],
  ])('refuses %s (%s)', (text, rule) => {
    let refused: unknown;
    try { deriveQuery(text); } catch (error) { refused = error; }
    expect(refused).toBeInstanceOf(GraphQLError);
    expect((refused as GraphQLError).extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', rule });
  });

  it('refuses what does not parse, or names an operation the document lacks', () => {
    expect(() => deriveQuery('subscription {')).toThrow(GraphQLError);
    expect(() => deriveQuery('subscription A { inboxChanged { unreadCount } }', 'B')).toThrow(/Unknown operation named "B"/);
  });
});

describe('under trusted documents', () => {
  const registered = (body: string): RegisteredOperation => ({ name: 'InboxLive', clients: ['console'], registeredAt: '2026-09-01T00:00:00.000Z', body });

  it('a registered subscription registers the query it re-runs, and nothing else', () => {
    const body = 'subscription InboxLive { inbox: inboxChanged(first: 20) { unreadCount } }';
    const operations = new Map([[documentId(body), registered(body)]]);
    const documents: TrustedDocuments = { mode: 'only', operations };
    registerDerivedQueries(documents);
    const derived = deriveQuery(body, 'InboxLive').query;
    expect([...operations.keys()].sort()).toEqual([documentId(body), documentId(derived)].sort());
    // The re-run, sent by hash with its text as the gateway sends it, is admitted.
    expect(judgeTrusted(documents, { query: derived, extensions: { persistedQuery: { version: 1, sha256Hash: documentId(derived) } } }).kind).toBe('run');
    // A query nobody registered is still refused.
    expect(judgeTrusted(documents, { query: '{ inbox { unreadCount } }' }).kind).toBe('refuse');
  });

  it("leaves a client's ids by name to its own operations: the console opens InboxLive by the subscription's hash, not its re-run's", () => {
    const body = 'subscription InboxLive {\n  inbox: inboxChanged(first: 20) {\n    unreadCount\n  }\n}';
    const operations = new Map([[documentId(body), registered(body)]]);
    const documents: TrustedDocuments = { mode: 'only', operations };
    registerDerivedQueries(documents);
    expect(operations.size).toBe(2);
    expect(consoleOperations(documents)).toEqual({ trusted: true, ids: { InboxLive: documentId(body) } });
  });

  it('registers nothing when the mode is off, or for a subscription the gateway does not serve', () => {
    const unknown = 'subscription X { casesChanged { totalCount } }';
    const operations = new Map([[documentId(unknown), registered(unknown)]]);
    registerDerivedQueries({ mode: 'only', operations });
    expect(operations.size).toBe(1);
    const off = new Map<string, RegisteredOperation>();
    registerDerivedQueries({ mode: 'off', operations: off });
    expect(off.size).toBe(0);
  });
});

describe("the console's live views (gateway/console/views.js)", () => {
  // Written out so that they can be registered as trusted documents; each must push exactly the
  // results of the query its view loads when it polls, or the two would show different things.
  const { text } = embeddedOperations(readFileSync(new URL('../gateway/console/views.js', import.meta.url), 'utf8'));
  const operation = (name: string) => parse(text).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && d.name?.value === name)!;

  it.each([['InboxLive', 'Inbox'], ['AlertsLive', 'Alerts']])('%s re-runs exactly the query %s', (live, query) => {
    expect(operation(live).operation).toBe('subscription');
    const derived = deriveQuery(print(operation(live)), live).query
      .replace(`query ${live}`, `query ${query}`)
      .replace(/\b(\w+): \1\(/, '$1(');
    expect(derived).toBe(print({ kind: Kind.DOCUMENT, definitions: [operation(query)] }));
  });
});
