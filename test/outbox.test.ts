import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHub, type TestHub } from './support/hub';
import { callers, marketCaseInput, seedBureaus, waitForIndexed } from './support/fixtures';
import { ownerRows } from './support/sql';

const RECORD = `mutation($input: MarketRegulationCaseInput!) { createMarketRegulationCase(input: $input) { id caseNumber } }`;

async function indexedIds(hub: TestHub): Promise<Set<string>> {
  const { data, errors } = await hub.graphql(`{ cases(filter: { agencyCode: "MR-320706" }, first: 100) { edges { node { id } } } }`, undefined, callers.procurator);
  if (errors) return new Set();
  return new Set(data.cases.edges.map((e: any) => e.node.id));
}

describe('outbox delivery from an agency to the case index', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
    // The bureau directory is looked up in justice once and cached, as in production.
    const { data, errors } = await hub.graphql(RECORD, { input: marketCaseInput() }, callers.marketOfficer);
    expect(errors).toBeUndefined();
    // In the index before the first test stops it: else its delivery may fail with the others and
    // be retried after them, and the count below would depend on which retry came first.
    await waitForIndexed(hub, data.createMarketRegulationCase.id);
  });
  afterAll(() => hub?.stop());

  it('delivers every case recorded while the index was down, once, after it comes back', async () => {
    await hub.stopSubgraph('justice');
    const recorded: string[] = [];
    for (let i = 0; i < 12; i++) {
      const { data, errors } = await hub.graphql(RECORD, { input: marketCaseInput() }, callers.marketOfficer);
      expect(errors).toBeUndefined();
      recorded.push(data.createMarketRegulationCase.id);
    }
    // The relay has tried the index, failed and backed off before the index returns.
    await eventually(async () => {
      const [{ failed }] = await ownerRows(hub, 'market-regulation', `SELECT count(*)::int AS failed FROM outbox WHERE delivered_at IS NULL AND last_error IS NOT NULL`);
      return failed > 0 ? true : undefined;
    }, 10_000, 'a failed delivery');
    await hub.startSubgraph('justice');

    const arrived = await eventually(async () => {
      const ids = await indexedIds(hub);
      return recorded.every((id) => ids.has(id)) ? ids : undefined;
    }, 20_000, 'all cases in the index');
    expect(recorded.every((id) => arrived.has(id))).toBe(true);
    expect(arrived.size).toBe(recorded.length + 1);
  });

  it('applies a redelivered event once and never lets an older version overwrite a newer one', async () => {
    const { randomUUID } = await import('node:crypto');
    const { IDENTITY_HEADER } = await import('../kit/identity');
    const token = await hub.keys.asOwner('market-regulation', 'justice');
    const send = async (events: object[]) => {
      const response = await fetch(`${hub.subgraphUrls.justice}/internal/case-events`, {
        method: 'POST', headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: token }, body: JSON.stringify({ events }),
      });
      expect(response.status).toBe(200);
      return response.json();
    };
    const caseId = randomUUID();
    const event = (version: number, cause: string) => ({
      eventId: randomUUID(), caseId, caseType: 'MarketRegulationCase', version, agencyCode: 'MR-320706', caseNumber: `replay-${caseId}`,
      actType: 'ADMINISTRATIVE_PENALTY', cause, offenceCode: null, amountInvolved: 1, fineAmount: 1, decidedAt: null, region: '320706',
      recordedAt: new Date().toISOString(), party: null, figures: {},
    });
    const v1 = event(1, 'first'), v2 = event(2, 'second');
    expect(await send([v1])).toEqual({ applied: 1, skipped: 0 });
    expect(await send([v1])).toEqual({ applied: 0, skipped: 1 });
    expect(await send([v2, v1])).toEqual({ applied: 1, skipped: 1 });
    const late = event(1, 'stale');
    await send([late]);
    const { data } = await hub.graphql(`query($id: ID!) { case(id: $id) { cause } }`, { id: caseId }, callers.procurator);
    expect(data.case.cause).toBe('second');
  });

  it('answers 400 naming the field of an event that breaks the message, and applies nothing of the batch', async () => {
    const { randomUUID } = await import('node:crypto');
    const { IDENTITY_HEADER } = await import('../kit/identity');
    const token = await hub.keys.asOwner('market-regulation', 'justice');
    const good = {
      eventId: randomUUID(), caseId: randomUUID(), caseType: 'MarketRegulationCase', version: 1, agencyCode: 'MR-320706', caseNumber: `bad-${randomUUID()}`,
      actType: 'ADMINISTRATIVE_PENALTY', cause: 'c', offenceCode: null, amountInvolved: 1, fineAmount: 1, decidedAt: null, region: '320706',
      recordedAt: new Date().toISOString(), party: null, figures: {},
    };
    const response = await fetch(`${hub.subgraphUrls.justice}/internal/case-events`, {
      method: 'POST', headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: token },
      body: JSON.stringify({ events: [good, { ...good, eventId: randomUUID(), caseId: 'not-a-uuid' }] }),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/^events\[1\]\.caseId: /);
    const { data } = await hub.graphql(`query($id: ID!) { case(id: $id) { cause } }`, { id: good.caseId }, callers.procurator);
    expect(data.case).toBeNull();
  });

  it('refuses the index route to anyone but the hub itself', async () => {
    const token = await hub.tokenFor(callers.marketOfficer);
    const response = await fetch(`${hub.subgraphUrls.justice}/internal/case-events`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ events: [] }),
    });
    expect(response.status).toBe(401);
  });
});
