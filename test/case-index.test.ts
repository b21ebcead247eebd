import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './support/hub';
import { callers, marketCaseInput, recordMarketCase, seedBureaus } from './support/fixtures';

describe('the case index through the gateway', () => {
  let hub: TestHub;
  beforeAll(async () => {
    // Two gateway workers behind one port (GATEWAY_WORKERS), as production runs them on two cores.
    hub = await startHub({ processes: true, env: { GATEWAY_WORKERS: '2' } });
    await seedBureaus(hub);
  });
  afterAll(() => hub?.stop());

  it('answers the directory of bureaus without a token', async () => {
    const { data, errors } = await hub.graphql(`{ agencies { code name kind region } }`);
    expect(errors).toBeUndefined();
    expect(data.agencies).toContainEqual({ code: 'MR-320706', name: '连云港市海州区市场监督管理局', kind: 'MARKET_REGULATION', region: '320706' });
    expect(data.agencies).toHaveLength(4);
  });

  it('lists a recorded case in `cases` within seconds, with the fields of its own agency', async () => {
    const id = await recordMarketCase(hub);
    const { data, errors } = await hub.graphql(`{
      cases(filter: { agencyCode: "MR-320706" }, first: 10) {
        edges { node { id caseNumber agency { code name } region ... on MarketRegulationCase { productName salesAmount } party { name kind } } }
      }
    }`, undefined, callers.procurator);
    expect(errors).toBeUndefined();
    const node = data.cases.edges.map((e: any) => e.node).find((n: any) => n.id === id);
    expect(node).toMatchObject({ agency: { code: 'MR-320706', name: '连云港市海州区市场监督管理局' }, region: '320706', productName: '劣质电线', salesAmount: 62000, party: { name: '张伟', kind: 'NATURAL_PERSON' } });
  });

  it('pages through cases with a keyset cursor, newest first, without repeats', async () => {
    for (let i = 0; i < 4; i++) await recordMarketCase(hub);
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const { data, errors }: any = await hub.graphql(`query($after: String) { cases(first: 2, after: $after) { edges { node { id recordedAt } } pageInfo { hasNextPage endCursor } } }`, { after }, callers.procurator);
      expect(errors).toBeUndefined();
      seen.push(...data.cases.edges.map((e: any) => e.node.id));
      after = data.cases.pageInfo.hasNextPage ? data.cases.pageInfo.endCursor : null;
    } while (after);
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('keeps no raw personal data in the index database', async () => {
    const input = marketCaseInput();
    await recordMarketCase(hub, input);
    const client = await hub.ownerDatabase('justice');
    try {
      const { rows } = await client.query(`SELECT row_to_json(c)::text AS row FROM case_index c`);
      const dump = rows.map((r) => r.row).join('\n');
      expect(dump).not.toContain((input.party as any).idNumber);
      expect(dump).not.toContain((input.party as any).phone);
      expect(dump).not.toContain('张伟');
      expect(dump).toMatch(/"party_key":"[0-9a-f]{64}"/);
    } finally {
      await client.end();
    }
  });
});
