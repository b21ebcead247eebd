// The subgraphs' own enforcement of @authenticated and @requiresScopes (kit/shield.ts), on a small
// subgraph schema without a hub: what each role gets on a protected field, on a field of a
// protected type (a type-level and a field-level requirement both holding), through `_entities`,
// and that a field without any directive keeps its own resolver.
import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Identity, Role } from '../kit/identity';
import { enforceDirectives } from '../kit/shield';

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@authenticated", "@requiresScopes"])

  type Query {
    open: String
    signedIn: String @authenticated
    case(id: ID!): Case
    matter: Matter
  }

  type Case @key(fields: "id") {
    id: ID!
    title: String
    party: String @requiresScopes(scopes: [["personal:read"], ["personal:masked"]])
    investigation: String @requiresScopes(scopes: [["investigation:read", "case:read"]])
  }

  type Matter @requiresScopes(scopes: [["supervision:read"]]) {
    summary: String
    notes: String @requiresScopes(scopes: [["personal:read"]])
  }
`);

const openResolver = () => 'open';
const resolvers = {
  Query: {
    open: openResolver,
    signedIn: () => 'in',
    case: (_: unknown, { id }: { id: string }) => ({ id }),
    matter: () => ({ summary: 'summary', notes: 'notes' }),
  },
  Case: {
    __resolveReference: ({ id }: { id: string }) => ({ id }),
    title: ({ id }: { id: string }) => `case ${id}`,
    party: () => 'party',
    // A default resolver (no function of its own) is guarded as well.
  },
};

const build = (): GraphQLSchema => enforceDirectives(buildSubgraphSchema([{ typeDefs, resolvers: resolvers as any }]), typeDefs);
const schema = build();

async function run(role: Role, query: string, variables: Record<string, unknown> = {}) {
  const identity: Identity = { sub: `test:${role}`, role };
  const result = await execute({ schema, document: parse(query), variableValues: variables, contextValue: { identity } });
  return {
    data: JSON.parse(JSON.stringify(result.data ?? null)),
    denied: (result.errors ?? []).map((e) => ({ path: e.path?.join('.'), code: e.extensions?.code })).sort((a, b) => String(a.path).localeCompare(String(b.path))),
  };
}

const unauthorized = (path: string) => ({ path, code: 'UNAUTHORIZED_FIELD_OR_TYPE' });

describe('kit/shield.ts enforceDirectives', () => {
  it('answers a public caller the open fields and refuses each protected one', async () => {
    expect(await run('public', '{ open signedIn case(id: "1") { id title party } }')).toEqual({
      data: { open: 'open', signedIn: null, case: { id: '1', title: 'case 1', party: null } },
      denied: [unauthorized('case.party'), unauthorized('signedIn')],
    });
  });

  it('takes any one of the listed scope sets, each in full', async () => {
    // agency_officer: personal:read; justice_supervisor: personal:masked; neither holds investigation:read.
    expect(await run('agency_officer', '{ case(id: "1") { party investigation } }')).toEqual({
      data: { case: { party: 'party', investigation: null } }, denied: [unauthorized('case.investigation')],
    });
    expect(await run('justice_supervisor', '{ case(id: "1") { party } }')).toEqual({ data: { case: { party: 'party' } }, denied: [] });
    // The procurator holds investigation:read and case:read: the whole set.
    expect(await run('procurator', '{ case(id: "1") { party investigation } }')).toEqual({
      data: { case: { party: 'party', investigation: null } }, denied: [],
    });
  });

  it('holds a type-level requirement on every field of the type, and a field-level one on top of it', async () => {
    expect(await run('agency_officer', '{ matter { summary notes } }')).toEqual({
      data: { matter: { summary: null, notes: null } }, denied: [unauthorized('matter.notes'), unauthorized('matter.summary')],
    });
    // justice_supervisor: supervision:read but not personal:read.
    expect(await run('justice_supervisor', '{ matter { summary notes } }')).toEqual({
      data: { matter: { summary: 'summary', notes: null } }, denied: [unauthorized('matter.notes')],
    });
    expect(await run('procurator', '{ matter { summary notes } }')).toEqual({
      data: { matter: { summary: 'summary', notes: 'notes' } }, denied: [],
    });
  });

  it('refuses the same fields reached through _entities, each entity on its own path', async () => {
    const query = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Case { id title party } } }';
    const representations = [{ __typename: 'Case', id: '1' }, { __typename: 'Case', id: '2' }];
    expect(await run('public', query, { r: representations })).toEqual({
      data: { _entities: [{ id: '1', title: 'case 1', party: null }, { id: '2', title: 'case 2', party: null }] },
      denied: [unauthorized('_entities.0.party'), unauthorized('_entities.1.party')],
    });
    expect((await run('agency_officer', query, { r: representations })).denied).toEqual([]);
  });

  it('leaves a field without any directive on its own resolver', () => {
    expect(schema.getQueryType()!.getFields().open.resolve).toBe(openResolver);
    expect(schema.getQueryType()!.getFields().signedIn.resolve).not.toBe(resolvers.Query.signedIn);
  });
});
