// The per-caller rate on requests that write the audit log (issue 18, "floods cost little"), on the
// running hub with AUDIT_RATE_LIMIT=4 in a window of AUDIT_RATE_WINDOW_SECONDS=8: past the limit a
// caller is answered HTTP 429 RATE_LIMITED (nothing runs, nothing is released), other callers are
// not affected, requests that write nothing do not count, callers without a token are counted by
// address, and a burst of refusals leaves two entries, not one per refusal.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { externalPostgres } from '../scripts/hub/postgres';
import { callers, recordMarketCase, seedBureaus, type Caller } from './support/fixtures';
import { eventually, startHub, type TestHub } from './support/hub';

const LIMIT = 4;
/** Long enough for LIMIT + 1 requests on a busy machine, short enough to wait for its end. */
const WINDOW_SECONDS = 8;
const READ = `query($id: ID!) { case(id: $id) { id ... on MarketRegulationCase { party { name idNumber } } } }`;

let hub: TestHub;
let logUrl: string;
let caseId: string;

async function query<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: logUrl });
  await client.connect();
  try { return (await client.query(sql, params)).rows; } finally { await client.end(); }
}

/** One POST with its own trace id: the status, the Retry-After header and the body. */
async function ask(caller: Caller | null, document = READ) {
  const trace = randomBytes(16).toString('hex');
  const headers: Record<string, string> = { 'content-type': 'application/json', traceparent: `00-${trace}-${randomBytes(8).toString('hex')}-01` };
  if (caller) headers.authorization = `Bearer ${await hub.tokenFor(caller)}`;
  if (caller?.reason) headers['x-access-reason'] = encodeURIComponent(caller.reason);
  const response = await fetch(`${hub.gatewayUrl}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query: document, variables: { id: caseId } }) });
  return { trace, status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as { data?: any; errors?: any[] } };
}

const refusalsOf = (subject: string) => query<{ entity_id: string | null; trace_id: string | null; decision: string }>(
  `SELECT entity_id, trace_id, decision FROM audit_log WHERE coordinate = 'Operation.AUDIT_RATE_LIMITED' AND subject = $1 ORDER BY sequence`, [subject]);

beforeAll(async () => {
  hub = await startHub({ env: { AUDIT_RATE_LIMIT: String(LIMIT), AUDIT_RATE_WINDOW_SECONDS: String(WINDOW_SECONDS) } });
  logUrl = externalPostgres(inject('postgresAdminUrl')).url(hub.databases.gateway);
  await seedBureaus(hub);
  caseId = await recordMarketCase(hub, {}, { ...callers.marketOfficer, sub: 'rate:recorder' });
});
afterAll(() => hub?.stop());

describe('the audit rate per caller', () => {
  it('past the limit: 429 RATE_LIMITED with Retry-After, nothing released or recorded for the refused request; another caller answers; the window over, the caller again', async () => {
    const officer: Caller = { ...callers.marketOfficer, sub: 'rate:officer', reason: '核查当事人身份' };
    const other: Caller = { ...callers.marketOfficer, sub: 'rate:colleague', reason: '核查当事人身份' };
    for (let i = 0; i < LIMIT; i++) {
      const { status, body } = await ask(officer);
      expect(status).toBe(200);
      expect(body.data.case.party.idNumber).toMatch(/^\d{17}[\dX]$/);
    }
    const refused = await ask(officer);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(refused.body.data ?? null).toBeNull();
    expect(refused.body.errors).toEqual([expect.objectContaining({
      message: expect.stringMatching(/Too many requests that write the audit log/),
      extensions: expect.objectContaining({ code: 'RATE_LIMITED', limit: 'auditRate', retryAfterSeconds: expect.any(Number) }),
    })]);
    // Someone else is not held up by it.
    expect((await ask(other)).body.data.case.party.idNumber).toMatch(/^\d{17}[\dX]$/);
    // The refused request released nothing, so the log has no release for it, only the refusal.
    const entries = await eventually(async () => {
      const rows = await query('SELECT coordinate, decision FROM audit_log WHERE trace_id = $1', [refused.trace]);
      return rows.length ? rows : undefined;
    }, 10_000, 'the refusal entry');
    expect(entries).toEqual([{ coordinate: 'Operation.AUDIT_RATE_LIMITED', decision: 'denied' }]);
    // The window over, the officer is answered again.
    const again = await eventually(async () => {
      const answer = await ask(officer);
      return answer.status === 200 ? answer : undefined;
    }, 25_000, 'the officer answered again');
    expect(again.body.data.case.party.idNumber).toMatch(/^\d{17}[\dX]$/);
  });

  it('a burst of 30 refusals leaves two entries: the first refusal, and the count when the window closes', async () => {
    const officer: Caller = { ...callers.marketOfficer, sub: 'rate:burst', reason: '核查当事人身份' };
    for (let i = 0; i < LIMIT; i++) expect((await ask(officer)).status).toBe(200);
    const statuses = await Promise.all(Array.from({ length: 30 }, async () => (await ask(officer)).status));
    expect(statuses).toEqual(Array(30).fill(429));
    const rows = await eventually(async () => {
      const r = await refusalsOf('rate:burst');
      return r.length === 2 ? r : undefined;
    }, 30_000, 'the aggregated refusal');
    expect(rows).toEqual([
      { entity_id: null, trace_id: expect.stringMatching(/^[\da-f]{32}$/), decision: 'denied' },
      { entity_id: 'refused:30', trace_id: null, decision: 'denied' },
    ]);
    // 30 refused requests for a personal field wrote no denial or release entry of their own: only the admitted ones did.
    expect(await query(`SELECT count(DISTINCT trace_id)::int AS n FROM audit_log WHERE subject = 'rate:burst' AND coordinate <> 'Operation.AUDIT_RATE_LIMITED'`)).toEqual([{ n: LIMIT }]);
  });

  it('requests that write nothing to the log are not counted', async () => {
    const officer: Caller = { ...callers.marketOfficer, sub: 'rate:quiet' };
    for (let i = 0; i < LIMIT * 3; i++) {
      const { status, body } = await ask(officer, '{ viewer { role } }');
      expect(status).toBe(200);
      expect(body.data.viewer.role).toBe('agency_officer');
    }
    expect(await query(`SELECT count(*)::int AS n FROM audit_log WHERE subject = 'rate:quiet'`)).toEqual([{ n: 0 }]);
  });

  it('callers without a token are counted by their address: their denials count, and past the limit they are refused', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) statuses.push((await ask(null)).status);
    // The anonymous window may already hold requests of this file's earlier tests (none wrote entries): the first LIMIT answer.
    expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(200));
    expect(statuses.slice(LIMIT)).toEqual([429, 429]);
    await eventually(async () => ((await refusalsOf('anonymous')).length >= 1 ? true : undefined), 10_000, 'the anonymous refusal');
  });
});
