// Two of everything (issue 14: "two instances of each subgraph and of the gateway against the same
// databases work correctly — outbox relays, alert, escalation and deadline workers never deliver or
// raise twice, the audit log stays one valid sequence"). The hub runs a second instance of every
// subgraph and of the gateway on the same databases (deploy/kubernetes runs two replicas of each);
// a concurrent mixed load goes through both gateways, the hub's clock is moved past the statutory
// periods on both sets of processes, and what must happen once is counted where it lands: in the
// owners' databases.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../gateway/audit/verify-log';
import { callers, marketCaseInput, seedBureaus, type Caller } from './support/fixtures';
import { eventually, startHub, type TestHub } from './support/hub';
import { ownerRows, undeliveredOutboxes } from './support/sql';

const DAY = 24 * 3_600_000;
const CASES = 30;
const READ = `query($id: ID!) { case(id: $id) { id ... on MarketRegulationCase { party { name idNumber } } } }`;

let hub: TestHub;
let gateways: string[];

interface Answer { trace: string; data?: any; errors?: any[] }

/** One POST to a gateway with a trace id of its own (the audit entries of its releases carry it). */
async function post(gatewayUrl: string, caller: Caller, query: string, variables: Record<string, unknown>): Promise<Answer> {
  const trace = randomBytes(16).toString('hex');
  const headers: Record<string, string> = {
    'content-type': 'application/json', authorization: `Bearer ${await hub.tokenFor(caller)}`,
    traceparent: `00-${trace}-${randomBytes(8).toString('hex')}-01`,
  };
  if (caller.reason) headers['x-access-reason'] = encodeURIComponent(caller.reason);
  const response = await fetch(`${gatewayUrl}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return { trace, ...((await response.json()) as { data?: any; errors?: any[] }) };
}

/** A mutation through the i-th request's gateway (alternating), which must succeed. */
async function write(i: number, caller: Caller, query: string, variables: Record<string, unknown>): Promise<any> {
  const answer = await post(gateways[i % 2], caller, query, variables);
  expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
  return answer.data;
}

/** Runs `work` over `items` with `width` at a time. */
async function concurrently<T, R>(items: T[], width: number, work: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i], i);
    }
  }));
  return results;
}

const rows = <T = any>(owner: string, sql: string, params: unknown[] = []) => ownerRows<T>(hub, owner, sql, params);


beforeAll(async () => {
  // Generous timeouts: eighteen processes on a shared machine answer slowly, and a write the
  // gateway gave up on would leave the client not knowing what was written (faults.test.ts).
  hub = await startHub({ replicas: true, env: { AUDIT_COMMIT_TIMEOUT_MS: '30000', AUDIT_CHECKPOINT_MS: '300', SUBGRAPH_TIMEOUT_MS: '60000' } });
  gateways = [hub.gatewayUrl, hub.replica!.gatewayUrl];
  await seedBureaus(hub);
}, 480_000);
afterAll(() => hub?.stop());

describe('two instances of every subgraph and of the gateway on the same databases', () => {
  it('under a mixed load through both gateways, every message and notice takes effect once and the audit log stays one chain', async () => {
    // Cases over the CL140 threshold (an alert each), recorded through both gateways, eight at a time.
    const created = await concurrently(Array.from({ length: CASES }, () => marketCaseInput()), 8, async (input, i) =>
      (await write(i, callers.marketOfficer, `mutation($input: MarketRegulationCaseInput!) { createMarketRegulationCase(input: $input) { id } }`, { input }))
        .createMarketRegulationCase.id as string);
    // A transfer names a case of the index (public security checks it there): wait until the relays have delivered them.
    await eventually(async () => {
      const [{ n }] = await rows<{ n: number }>('justice', `SELECT count(*)::int AS n FROM case_index WHERE id = ANY($1)`, [created]);
      return n === CASES ? true : undefined;
    }, 30_000, 'every case in the index');
    // Half of them transferred, accepted and filed (立案): the 立而不侦 period starts for each.
    const transfers = await concurrently(created.slice(0, CASES / 2), 8, async (caseId, i) => {
      const { transferCase } = await write(i, callers.marketOfficer,
        `mutation($id: ID!) { transferCase(caseId: $id, input: { summary: "涉嫌销售伪劣产品罪", materials: ["移送书"] }) { id } }`, { id: caseId });
      await write(i + 1, callers.psb, `mutation($id: ID!) { acceptTransfer(id: $id) { id } }`, { id: transferCase.id });
      await write(i, callers.psb, `mutation($id: ID!) { decideTransfer(id: $id, decision: FILE) { id } }`, { id: transferCase.id });
      return transferCase.id as string;
    });
    // Suggestions to the bureau, signed for: unanswered, each is escalated to the justice bureau once.
    const suggestions = await concurrently(Array.from({ length: 4 }, (_, i) => i), 2, async (n, i) => {
      const { issueSuggestion } = await write(i, callers.procurator, `mutation($input: SuggestionInput!) { issueSuggestion(input: $input) { id } }`,
        { input: { agencyCode: 'MR-320706', kind: 'CORRECTION', content: `建议依法移送涉嫌犯罪案件 (${n})` } });
      await write(i + 1, callers.marketOfficer, `mutation($id: ID!) { acknowledgeSuggestion(id: $id) { id } }`, { id: issueSuggestion.id });
      return issueSuggestion.id as string;
    });
    // Reads releasing the party's ID number through both gateways: in full to the bureau with a
    // reason, masked to the procurator; each read is a release the audit log must hold once.
    const askers: Caller[] = [{ ...callers.marketOfficer, reason: '核查当事人身份' }, callers.procurator];
    const reads = await concurrently(Array.from({ length: 160 }, (_, i) => i), 8, (n, i) =>
      post(gateways[i % 2], askers[n % 2], READ, { id: created[n % CASES] }));
    expect(reads.filter((r) => r.errors)).toEqual([]);

    // The alerts: one per case, whichever instance's receiver judged its index events.
    await eventually(async () => {
      const [{ n }] = await rows<{ n: number }>('procuratorate', `SELECT count(DISTINCT case_id)::int AS n FROM alert WHERE case_id = ANY($1)`, [created]);
      return n === CASES ? true : undefined;
    }, 30_000, 'an alert for every case');
    expect(await rows('procuratorate', `SELECT case_id, kind, count(*)::int AS n FROM alert WHERE case_id = ANY($1) GROUP BY 1, 2 HAVING count(*) > 1`, [created])).toEqual([]);

    // Past the 立而不侦 period (three months) and the reply period of the suggestions (two months), on both instances.
    await hub.advanceClock(100 * DAY);
    const reminders = await eventually(async () => {
      const found = await rows<{ subject_id: string; n: number }>('justice',
        `SELECT subject_id, count(*)::int AS n FROM notification WHERE kind = 'INVESTIGATION_REMINDER' AND subject_id = ANY($1) GROUP BY 1`, [transfers]);
      return found.length === transfers.length && found.every((r) => r.n >= 2) ? found : undefined;
    }, 30_000, 'a 立而不侦 reminder for every filed transfer');
    const escalations = await eventually(async () => {
      const found = await rows<{ suggestion_id: string }>('procuratorate', `SELECT suggestion_id FROM suggestion_escalation WHERE suggestion_id = ANY($1)`, [suggestions]);
      const matters = await rows('justice', `SELECT id FROM justice_supervision_matter WHERE suggestion_id = ANY($1)`, [suggestions]);
      return found.length === suggestions.length && matters.length === suggestions.length ? found : undefined;
    }, 30_000, 'every suggestion escalated to the justice bureau');
    expect(escalations).toHaveLength(suggestions.length);

    // Every outbox drained (both relays of each table took from one queue).
    await eventually(async () => (Object.keys(await undeliveredOutboxes(hub)).length === 0 ? true : undefined), 30_000, 'every outbox delivered');
    // A watch pass more on both instances: nothing is noticed again.
    await hub.advanceClock(DAY);
    await eventually(async () => (Object.keys(await undeliveredOutboxes(hub)).length === 0 ? true : undefined), 30_000, 'every outbox delivered');

    // Each notice once: one per recipient, kind and subject, however many watches and relays ran.
    expect(reminders.every((r) => r.n === 2)).toBe(true);
    expect(await rows('justice',
      `SELECT kind, subject_id, recipient_org, recipient_scope, recipient_region, count(*)::int AS n FROM notification
       GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1`)).toEqual([]);
    expect(await rows('justice', `SELECT suggestion_id, count(*)::int AS n FROM justice_supervision_matter GROUP BY 1 HAVING count(*) > 1`)).toEqual([]);
    // Each case in the index once, and each index event applied once at every receiver.
    const [{ n: indexed }] = await rows<{ n: number }>('justice', `SELECT count(*)::int AS n FROM case_index WHERE id = ANY($1)`, [created]);
    expect(indexed).toBe(CASES);

    // The audit log: one chain, verified entry by entry and against the witness's cosignatures.
    const report = await eventually(async () => {
      const r = await verifyAuditLog(hub.ownerDatabaseUrl('gateway'), { witnessUrl: hub.ownerDatabaseUrl('procuratorate'), publicKeysFile: hub.keys.directory });
      return r.ok && r.witnessed > 0 ? r : undefined;
    }, 30_000, 'the audit log verified against the witness');
    expect(report.ok).toBe(true);
    // One entry per release: each read that released an ID number has exactly one entry for it.
    const released = reads.filter((r) => typeof r.data?.case?.party?.idNumber === 'string');
    expect(released.length).toBeGreaterThan(120);
    const entries = await rows<{ trace_id: string; n: number }>('gateway',
      `SELECT trace_id, count(*)::int AS n FROM audit_log WHERE coordinate = 'Party.idNumber' AND trace_id = ANY($1) GROUP BY 1`, [released.map((r) => r.trace)]);
    expect(entries.length).toBe(released.length);
    expect(entries.filter((e) => e.n !== 1)).toEqual([]);
  }, 400_000);
});
