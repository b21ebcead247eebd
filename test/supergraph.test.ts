import { describe, expect, it } from 'vitest';
import { composeSupergraph, readSupergraph } from '../gateway/supergraph';

describe('the committed supergraph', () => {
  it('is what `npm run compose` makes of the subgraphs today', () => {
    // Stale? Run `npm run compose` and commit schema/supergraph.graphql.
    expect(readSupergraph()).toBe(composeSupergraph());
  });

  it('carries the contract core: the case interface with each agency type, party, transfer and supervision', () => {
    const sdl = readSupergraph();
    for (const snippet of ['interface EnforcementCase', 'type EcoEnvironmentCase implements EnforcementCase', 'type MarketRegulationCase implements EnforcementCase',
      'party: Party', 'transfer: CaseTransfer', 'supervision: [SupervisionMatter!]!', 'cases(filter: CaseFilter, first: Int = 20, after: String): CaseConnection!']) {
      expect(sdl).toContain(snippet);
    }
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
