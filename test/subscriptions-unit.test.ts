// The query a subscription re-runs (gateway/subscriptions/document.ts): pure, no hub.
import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { deriveQuery } from '../gateway/subscriptions/document';

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
