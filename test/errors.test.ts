// Errors a client can act on (issue 12): a client's own mistake is BAD_USER_INPUT (or a request
// error) naming the field, never SUBGRAPH_UNAVAILABLE ("the … service did not answer") and never
// an HTTP 500; the valid parts of the same request still answer. Statuses per the
// GraphQL-over-HTTP spec (application/json responses): a request the server cannot execute at
// all is a 4xx, an executed one a 200 with errors beside its data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './support/hub';
import { callers, marketCaseInput, recordMarketCase, seedBureaus } from './support/fixtures';

interface Answer { status: number; json: any }

describe('errors a client can act on', () => {
  let hub: TestHub;
  let caseId: string;
  const procurator = { ...callers.procurator, reason: '立案监督审查' };

  /** A POST as a browser app sends it, with the caller's token. */
  async function post(body: unknown, caller: { role: string; org?: string; region?: string } = procurator): Promise<Answer> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (caller.role !== 'public') headers.authorization = `Bearer ${await hub.tokenFor(caller)}`;
    const response = await fetch(`${hub.gatewayUrl}/graphql`, { method: 'POST', headers, body: JSON.stringify(body) });
    const text = await response.text();
    let json: any;
    try { json = JSON.parse(text); } catch { json = { unparsed: text }; }
    return { status: response.status, json };
  }
  const codes = (answer: Answer) => (answer.json.errors ?? []).map((e: any) => e.extensions?.code);

  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
    caseId = await recordMarketCase(hub);
  });
  afterAll(() => hub?.stop());

  describe('an id that is not one', () => {
    it('case(id: "123"): BAD_USER_INPUT naming the argument, and the valid id beside it still answers', async () => {
      const answer = await post({ query: `query($good: ID!) { bad: case(id: "123") { id } good: case(id: $good) { id caseNumber } }`, variables: { good: caseId } });
      expect(answer.status).toBe(200);
      expect(codes(answer)).not.toContain('SUBGRAPH_UNAVAILABLE');
      expect(answer.json.data.good).toMatchObject({ id: caseId });
      expect(answer.json.data.bad).toBeNull();
      expect(answer.json.errors).toHaveLength(1);
      expect(answer.json.errors[0]).toMatchObject({ path: ['bad'], extensions: { code: 'BAD_USER_INPUT', field: 'id', rule: 'uuid' } });
    });

    it('an id of the right form that names no case: null, no error (not found is an answer)', async () => {
      const answer = await post({ query: `{ case(id: "00000000-0000-4000-8000-000000000000") { id } }` });
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ data: { case: null } });
    });
  });

  describe('a tampered cursor', () => {
    it.each([
      ['not base64 of a cursor', 'garbage'],
      ['a cursor with its id replaced', Buffer.from('2026-09-15T02:00:00.000Z|1 OR 1=1').toString('base64url')],
    ])('%s: BAD_USER_INPUT naming `after`', async (_, after) => {
      const answer = await post({ query: `query($after: String) { cases(first: 5, after: $after) { edges { node { id } } } }`, variables: { after } });
      expect(answer.status).toBe(200);
      expect(codes(answer)).toEqual(['BAD_USER_INPUT']);
      expect(answer.json.errors[0]).toMatchObject({ path: ['cases'], extensions: { field: 'after', rule: 'cursor' } });
      expect(answer.json.data).toEqual({ cases: null });
    });
  });

  describe('a malformed DateTime', () => {
    it('as a variable of an input: BAD_USER_INPUT naming the field, nothing recorded', async () => {
      const input = marketCaseInput({ decidedAt: 'yesterday afternoon' });
      const answer = await post({
        query: `mutation($input: MarketRegulationCaseInput!) { createMarketRegulationCase(input: $input) { id } }`,
        variables: { input },
      }, callers.marketOfficer);
      expect(codes(answer)).not.toContain('SUBGRAPH_UNAVAILABLE');
      expect(codes(answer)).not.toContain('INTERNAL_SERVER_ERROR');
      expect(answer.json.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.decidedAt' });
      expect(answer.status).toBeGreaterThanOrEqual(200);
      expect(answer.status).toBeLessThan(500);
      const { data } = await hub.graphql(`{ cases(first: 100) { edges { node { caseNumber } } } }`, undefined, procurator);
      expect(data.cases.edges.map((e: any) => e.node.caseNumber)).not.toContain(input.caseNumber);
    });

    it('as a variable of a filter: BAD_USER_INPUT naming the field', async () => {
      const answer = await post({
        query: `query($filter: AuditFilter) { auditLog(filter: $filter, first: 5) { edges { node { sequence } } } }`,
        variables: { filter: { from: '2026-13-45' } },
      }, { role: 'auditor', org: 'AUDIT' });
      expect(codes(answer)).toEqual(['BAD_USER_INPUT']);
      expect(answer.json.errors[0].extensions).toMatchObject({ field: 'filter.from' });
      expect(answer.status).toBeLessThan(500);
    });

    it('as a literal: a document that cannot run, 400 naming the field, no subgraph asked', async () => {
      const answer = await post({ query: `{ auditLog(filter: { from: "not a date" }, first: 5) { edges { node { sequence } } } }` }, { role: 'auditor', org: 'AUDIT' });
      expect(answer.status).toBe(400);
      expect(codes(answer)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(answer.json.errors[0].extensions).toMatchObject({ field: 'filter.from', rule: 'dateTime' });
      expect(answer.json.errors[0].message).toMatch(/DateTime/);
    });
  });

  describe('requests the server cannot execute: a 4xx, never a 500', () => {
    it('a subscription (none exists yet): 400, the operation type named', async () => {
      const answer = await post({ query: 'subscription { inbox { id } }' });
      expect(answer.status).toBe(400);
      expect(answer.json.data).toBeUndefined();
      expect(codes(answer)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(answer.json.errors[0].message).toMatch(/subscription/i);
    });

    it('an operation name the document does not hold: 400', async () => {
      const answer = await post({ query: 'query Cases { cases(first: 1) { edges { node { id } } } }', operationName: 'Alerts' });
      expect(answer.status).toBe(400);
      expect(answer.json.data).toBeUndefined();
      expect(codes(answer)).toEqual(['OPERATION_RESOLUTION_FAILURE']);
      expect(answer.json.errors[0].message).toMatch(/Alerts/);
    });

    it('several operations and no name: 400', async () => {
      const answer = await post({ query: 'query A { __typename } query B { __typename }' });
      expect(answer.status).toBe(400);
      expect(codes(answer)).toEqual(['OPERATION_RESOLUTION_FAILURE']);
    });

    it('a Float literal beyond the double range (1e309): 400 naming the value, not a 500', async () => {
      const answer = await post({ query: `mutation { createMarketRegulationCase(input: { caseNumber: "x", actType: ADMINISTRATIVE_PENALTY, cause: "x", party: { kind: NATURAL_PERSON, name: "x", idNumber: "x" }, amountInvolved: 1e309, decidedAt: "2026-09-15T02:00:00Z", region: "320706" }) { id } }` }, callers.marketOfficer);
      expect(answer.status).toBe(400);
      expect(codes(answer)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(answer.json.errors[0].message).toMatch(/1e309/);
    });

    it('a Float variable that JSON cannot carry as a finite number is refused the same way', async () => {
      const answer = await post({
        query: `mutation($input: MarketRegulationCaseInput!) { createMarketRegulationCase(input: $input) { id } }`,
        variables: { input: { ...marketCaseInput(), amountInvolved: '1e309' } },
      }, callers.marketOfficer);
      expect(answer.status).toBe(400);
      expect(codes(answer)).toEqual(['BAD_USER_INPUT']);
    });
  });
});
