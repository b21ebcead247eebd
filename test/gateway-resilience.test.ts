import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './support/hub';
import { callers, recordMarketCase, seedBureaus } from './support/fixtures';

const INTERNAL_DETAIL = /https?:\/\/|127\.0\.0\.1|localhost|ECONNREFUSED|\.ts:\d+|at .*\(/;

const CASE_WITH_PARTY = `query($id: ID!) { case(id: $id) { id caseNumber party { name } } }`;

describe('gateway: identity, health and failing subgraphs', () => {
  let hub: TestHub;
  let caseId: string;
  beforeAll(async () => {
    hub = await startHub({ processes: true, env: { SUBGRAPH_TIMEOUT_MS: '1500' } });
    await seedBureaus(hub);
    caseId = await recordMarketCase(hub);
  });
  afterAll(async () => {
    hub?.resumeSubgraph('market-regulation');
    await hub?.stop();
  });

  it('rejects an invalid or wrongly signed token with 401 and executes nothing', async () => {
    for (const authorization of ['Bearer not-a-jwt', 'Basic abc', `Bearer ${(await hub.tokenFor(callers.procurator)).slice(0, -4)}AAAA`]) {
      const response = await fetch(`${hub.gatewayUrl}/graphql`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ query: 'mutation { registerAgency(input: {code: "X-1", name: "x", kind: "MARKET_REGULATION", region: "320706"}) { code } }' }),
      });
      expect(response.status).toBe(401);
      expect((await response.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
    const { data } = await hub.graphql(`{ agency(code: "X-1") { code } }`);
    expect(data.agency).toBeNull();
  });

  it('reports every subgraph up on /health', async () => {
    const response = await fetch(`${hub.gatewayUrl}/health`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(Object.values(body.subgraphs).every((s) => s === 'up')).toBe(true);
    expect(Object.keys(body.subgraphs)).toEqual(expect.arrayContaining(['justice', 'market-regulation', 'eco-environment']));
  });

  it('answers a partial result with an error when a subgraph hangs, within the timeout', async () => {
    hub.pauseSubgraph('market-regulation');
    try {
      const started = Date.now();
      const { data, errors } = await hub.graphql(CASE_WITH_PARTY, { id: caseId }, callers.procurator);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(data.case).toMatchObject({ id: caseId, party: null });
      expect(data.case.caseNumber).toMatch(/海市监处罚/);
      expect(errors).toHaveLength(1);
      expect(errors![0].extensions!.code).toBe('SUBGRAPH_UNAVAILABLE');
      expect(JSON.stringify(errors)).not.toMatch(INTERNAL_DETAIL);
    } finally {
      hub.resumeSubgraph('market-regulation');
    }
  });

  it('answers without the fields of a stopped subgraph, leaks no address, and /health says 503', async () => {
    await hub.stopSubgraph('market-regulation');
    try {
      const { data, errors } = await hub.graphql(CASE_WITH_PARTY, { id: caseId }, callers.procurator);
      expect(data.case.caseNumber).toMatch(/海市监处罚/);
      expect(data.case.party).toBeNull();
      expect(errors![0].extensions!.code).toBe('SUBGRAPH_UNAVAILABLE');
      expect(JSON.stringify(errors)).not.toMatch(INTERNAL_DETAIL);
      const health = await fetch(`${hub.gatewayUrl}/health`);
      expect(health.status).toBe(503);
      expect((await health.json()).subgraphs['market-regulation']).toBe('down');
    } finally {
      await hub.startSubgraph('market-regulation');
    }
    const { errors } = await hub.graphql(CASE_WITH_PARTY, { id: caseId }, callers.procurator);
    expect(errors).toBeUndefined();
  });

  it('refuses a direct call to a subgraph that lacks the gateway-signed identity', async () => {
    for (const url of Object.values(hub.subgraphUrls)) {
      const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ _service { sdl } }' }) });
      expect(response.status).toBe(401);
    }
  });
});
