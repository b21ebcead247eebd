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
