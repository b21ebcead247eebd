import { describe, expect, it } from 'vitest';
import { readSupergraph, subgraphNames } from '../gateway/supergraph';
import { composeSupergraph } from '../scripts/compose';
import { SUBGRAPHS } from '../subgraphs/index';
import { refusableNonNullFields } from '../kit/sdl-checks';

describe('the committed supergraph', () => {
  it('is what `npm run compose` makes of the subgraphs today', () => {
    // Stale? Run `npm run compose` and commit schema/supergraph.graphql.
    expect(readSupergraph()).toBe(composeSupergraph());
  });

  it('carries the contract core: the case interface with each agency type, party, transfer and supervision', () => {
    const sdl = readSupergraph();
    // `supervision` and `cases` are refused to some callers, so they are nullable (contract: "Such a
    // field is nullable in the schema"); the names and arguments are the contract's.
    for (const snippet of ['interface EnforcementCase', 'type EcoEnvironmentCase implements EnforcementCase', 'type MarketRegulationCase implements EnforcementCase',
      'party: Party', 'transfer: CaseTransfer', 'supervision: [SupervisionMatter!]', 'cases(filter: CaseFilter, first: Int, after: String, last: Int, before: String, sort: CaseSort = RECORDED_DESC): CaseConnection']) {
      expect(sdl).toContain(snippet);
    }
  });
});

describe('the gateway\'s manifest of subgraphs', () => {
  it('is read from the supergraph: every subgraph of the hub, by name, and nothing else', () => {
    expect(subgraphNames()).toEqual(expect.arrayContaining(SUBGRAPHS.map((s) => s.name)));
    expect(subgraphNames()).toHaveLength(SUBGRAPHS.length);
  });
});

describe('the schema tells the truth', () => {
  const sdl = `
    directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE
    type Secret @requiresScopes(scopes: [["s"]]) { id: ID! }
    type Query {
      open: String!
      guarded: String! @requiresScopes(scopes: [["s"]])
      guardedNullable: String @requiresScopes(scopes: [["s"]])
      secrets: [Secret!]!
      secretsNullable: [Secret!]
    }`;

  it('names every non-null field that some callers are refused, by its own requirement or its type\'s', () => {
    expect(refusableNonNullFields(sdl)).toEqual([
      'Query.guarded: carries an access requirement, so its type must be nullable (not String!)',
      'Query.secrets: returns Secret, which carries an access requirement, so its type must be nullable (not [Secret!]!)',
    ]);
  });

  it('holds for the committed supergraph: a typed client never receives null for a non-null type', () => {
    expect(refusableNonNullFields(readSupergraph())).toEqual([]);
  });
});

describe('docs/permissions.md', () => {
  it('is what `npm run docs` makes of the supergraph, the policy and the row rules today', async () => {
    const { readFileSync } = await import('node:fs');
    const { PERMISSIONS_DOC, renderPermissionsDoc } = await import('../scripts/permissions-doc');
    // Stale? Run `npm run docs` and commit docs/permissions.md.
    expect(readFileSync(PERMISSIONS_DOC, 'utf8')).toBe(renderPermissionsDoc());
  });
});
