import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { IDENTITY_HEADER } from '../../kit/identity';
import { creditCode, DEMO_BUREAUS, residentId } from '../../scripts/demo-data';
import { eventually, type Caller, type TestHub } from './hub';

export { creditCode, residentId };
export type { Caller };

export const callers = {
  admin: { role: 'platform_admin', org: 'PLATFORM' },
  marketOfficer: { role: 'agency_officer', org: 'MR-320706', region: '320706' },
  ecoOfficer: { role: 'agency_officer', org: 'EE-320706', region: '320706' },
  nanyangMarketOfficer: { role: 'agency_officer', org: 'MR-411302', region: '411302' },
  psb: { role: 'psb_officer', org: 'PSB-320706', region: '320706' },
  nanyangPsb: { role: 'psb_officer', org: 'PSB-411302', region: '411302' },
  procurator: { role: 'procurator', org: 'PROC-320706', region: '320706' },
  nanyangProcurator: { role: 'procurator', org: 'PROC-411302', region: '411302' },
  justice: { role: 'justice_supervisor', org: 'JUS-320706', region: '320706' },
} satisfies Record<string, Caller>;

/** Registers the demo bureaus: both kinds in 320706, others in 411302 and 370705. */
export async function seedBureaus(hub: TestHub): Promise<void> {
  for (const input of DEMO_BUREAUS) {
    const { errors } = await hub.graphql(`mutation($input: AgencyInput!) { registerAgency(input: $input) { code } }`, { input }, callers.admin);
    expect(errors).toBeUndefined();
  }
}

let sequence = 0;

export function marketCaseInput(overrides: Record<string, unknown> = {}) {
  sequence += 1;
  return {
    caseNumber: `海市监处罚〔2026〕${1000 + sequence}号`,
    actType: 'ADMINISTRATIVE_PENALTY',
    cause: '销售伪劣产品',
    offenceCode: 'CL140',
    party: { kind: 'NATURAL_PERSON', name: '张伟', idNumber: residentId('320706', '19850312', sequence % 1000), phone: '13812345678', address: '江苏省连云港市海州区朝阳路18号' },
    amountInvolved: 86000,
    fineAmount: 30000,
    decidedAt: '2026-09-15T02:00:00Z',
    region: '320706',
    productName: '劣质电线',
    salesAmount: 62000,
    unsoldGoodsValue: 24000,
    ...overrides,
  };
}

/** Waits until the index answers the case to `caller` (one whose grant covers it: the case rule applies). */
export async function waitForIndexed(hub: TestHub, caseId: string, timeoutMs = 10_000, caller: Caller = callers.procurator): Promise<void> {
  await eventually(async () => {
    const { data } = await hub.graphql(`query($id: ID!) { case(id: $id) { id } }`, { id: caseId }, caller);
    return data?.case?.id ? true : undefined;
  }, timeoutMs, `case ${caseId} in the index`);
}

/** Records a market-regulation case as its bureau and waits until the index has it. */
export async function recordMarketCase(hub: TestHub, overrides: Record<string, unknown> = {}, caller: Caller = callers.marketOfficer): Promise<string> {
  const { data, errors } = await hub.graphql(
    `mutation($input: MarketRegulationCaseInput!) { createMarketRegulationCase(input: $input) { id } }`,
    { input: marketCaseInput(overrides) }, caller);
  expect(errors).toBeUndefined();
  const id = data!.createMarketRegulationCase.id as string;
  await waitForIndexed(hub, id, 10_000, caller);
  return id;
}

/**
 * A notice as the procuratorate's outbox delivers it to justice's inbox (POST /internal/notifications),
 * addressed to a bureau (`{ org }`) or to a scope in a region; answers its event id.
 */
export async function deliverNotice(hub: TestHub, recipient: { org: string } | { scope: string; region: string },
  { title = '检察建议书已送达', region = '320706' }: { title?: string; region?: string } = {}): Promise<string> {
  const eventId = randomUUID();
  const response = await fetch(`${hub.subgraphUrls.justice}/internal/notifications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: await hub.keys.asOwner('procuratorate', 'justice') },
    body: JSON.stringify({ events: [{ eventId, recipient, kind: 'SUGGESTION_ISSUED', title, subjectType: 'PROCURATORIAL_SUGGESTION',
      subjectId: randomUUID(), region, occurredAt: new Date().toISOString() }] }),
  });
  expect(response.status).toBe(200);
  return eventId;
}
