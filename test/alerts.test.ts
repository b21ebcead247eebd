// 以罚代刑 and repeat-offender alerts, and the cross-agency party lookup, through the gateway.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHub, type TestHub } from './support/hub';
import { IDENTITY_HEADER } from '../kit/identity';
import { evaluateDirectly, partyInput } from '../kit/crypto/oprf';
import { readOprfKeyFile } from '../kit/crypto/oprf-key-file';
import { callers, marketCaseInput, recordMarketCase, residentId, seedBureaus, waitForIndexed, type Caller } from './support/fixtures';
import { undeliveredOutboxes } from './support/sql';

const REASON = '以罚代刑线索核查 (2026) 3号';

const ALERTS = `query($status: AlertStatus) { alerts(status: $status, first: 100) { edges { node {
  id kind ruleCode ruleVersion citation review note status raisedAt resolvedAt
  figures { name value threshold } case { id } priorCases { id } supervision { id kind status }
} } } }`;

async function alertsOf(hub: TestHub, caseId: string, caller: Caller = callers.procurator): Promise<any[]> {
  const { data, errors } = await hub.graphql(ALERTS, {}, caller);
  expect(errors).toBeUndefined();
  return data.alerts.edges.map((e: any) => e.node).filter((a: any) => a.case.id === caseId);
}

/** Waits until the case has an alert of that kind (and status, when given). */
function alertFor(hub: TestHub, caseId: string, kind: string, status?: string): Promise<any> {
  return eventually(async () => (await alertsOf(hub, caseId)).find((a) => a.kind === kind && (!status || a.status === status)),
    10_000, `${kind} alert${status ? ` ${status}` : ''} on case ${caseId}`);
}

async function recordEcoCase(hub: TestHub, overrides: Record<string, unknown>): Promise<string> {
  const input = {
    caseNumber: `海环罚〔2026〕${Math.floor(Math.random() * 1e6)}号`, actType: 'ADMINISTRATIVE_PENALTY', cause: '无证从事危险废物经营',
    offenceCode: 'CL225', amountInvolved: 9000, fineAmount: 5000, decidedAt: '2025-08-01T02:00:00Z', region: '320706',
    pollutant: '废矿物油', ...overrides,
  };
  const { data, errors } = await hub.graphql(`mutation($input: EcoEnvironmentCaseInput!) { createEcoEnvironmentCase(input: $input) { id } }`, { input }, callers.ecoOfficer);
  expect(errors).toBeUndefined();
  const id = data.createEcoEnvironmentCase.id as string;
  await waitForIndexed(hub, id);
  return id;
}

describe('supervision at work: alerts and the party lookup, through the gateway', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
  });
  afterAll(() => hub?.stop());

  let thresholdCase: string;

  it('raises a THRESHOLD alert within seconds for an untransferred CL140 case over ¥50,000 sales, with rule, figures and citation', async () => {
    const started = Date.now();
    thresholdCase = await recordMarketCase(hub, { offenceCode: 'CL140', salesAmount: 60000, unsoldGoodsValue: 0, decidedAt: '2026-09-15T02:00:00Z' });
    const alert = await alertFor(hub, thresholdCase, 'THRESHOLD');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(alert).toMatchObject({ ruleCode: 'CL140', ruleVersion: '2008', status: 'OPEN', review: false, resolvedAt: null, supervision: null, priorCases: [] });
    expect(alert.citation).toContain('公通字〔2008〕36号');
    expect(alert.figures).toContainEqual({ name: 'salesAmount', value: 60000, threshold: 50000 });
    expect(alert.figures).toContainEqual({ name: 'salesAmount×3+unsoldGoodsValue', value: 180000, threshold: 150000 });
  });

  it('raises none for a case below every threshold, and judges a case by the rule version in force at its decision', async () => {
    const below = await recordMarketCase(hub, { offenceCode: 'CL140', salesAmount: 12000, unsoldGoodsValue: 20000 });
    // 40,000 × 3 + 40,000 = 160,000: a crime under the 2008 standard, not under the 2001 interpretation.
    const before2008 = await recordMarketCase(hub, { offenceCode: 'CL140', salesAmount: 40000, unsoldGoodsValue: 40000, decidedAt: '2007-06-01T02:00:00Z' });
    const after2008 = await recordMarketCase(hub, { offenceCode: 'CL140', salesAmount: 40000, unsoldGoodsValue: 40000, decidedAt: '2026-06-01T02:00:00Z' });
    // Events reach the procuratorate in the order the index applied them: once the last case's
    // alert is there, the earlier two have been judged.
    const alert = await alertFor(hub, after2008, 'THRESHOLD');
    expect(alert).toMatchObject({ ruleVersion: '2008', figures: [{ name: 'salesAmount×3+unsoldGoodsValue', value: 160000, threshold: 150000 }] });
    expect(await alertsOf(hub, below)).toEqual([]);
    expect(await alertsOf(hub, before2008)).toEqual([]);
  });

  it('shows alerts to procurators and the justice bureau of the case\'s region only', async () => {
    expect(await alertsOf(hub, thresholdCase, callers.nanyangProcurator)).toEqual([]);
    // The justice bureau (supervision:read@region) reads the alerts of its own region, not another's.
    expect((await alertsOf(hub, thresholdCase, callers.justice)).length).toBeGreaterThan(0);
    expect(await alertsOf(hub, thresholdCase, { role: 'justice_supervisor', org: 'JUS-411302', region: '411302' })).toEqual([]);
    const officer = await hub.graphql(ALERTS, {}, callers.marketOfficer);
    expect(officer.data?.alerts ?? null).toBeNull();
    expect(officer.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
  });

  it('keeps the alert, as TRANSFERRED, once the case is transferred: only public security\'s filing resolves it', async () => {
    const { data, errors } = await hub.graphql(`mutation($id: ID!) { transferCase(caseId: $id, input: { summary: "涉嫌销售伪劣产品罪", materials: ["移送书"] }) { id } }`,
      { id: thresholdCase }, callers.marketOfficer);
    expect(errors).toBeUndefined();
    expect(data.transferCase.id).toBeTruthy();
    const transferred = await alertFor(hub, thresholdCase, 'THRESHOLD', 'TRANSFERRED');
    expect(transferred.resolvedAt).toBeNull();
    const open = await hub.graphql(ALERTS, { status: 'OPEN' }, callers.procurator);
    expect(open.data.alerts.edges.map((e: any) => e.node.id)).not.toContain(transferred.id);
  });

  it('leaves no open alert on a transferred case, whichever message reaches the procuratorate first', async () => {
    const { data } = await hub.graphql(`mutation($input: MarketRegulationCaseInput!) { createMarketRegulationCase(input: $input) { id } }`,
      { input: marketCaseInput({ offenceCode: 'CL140', salesAmount: 90000 }) }, callers.marketOfficer);
    const id = data.createMarketRegulationCase.id;
    await waitForIndexed(hub, id);
    await hub.graphql(`mutation($id: ID!) { transferCase(caseId: $id, input: { summary: "移送", materials: ["移送书"] }) { id } }`, { id }, callers.marketOfficer);
    // Whichever arrives first, the case ends without an OPEN alert.
    await eventually(async () => ((await alertsOf(hub, id)).every((a) => a.status === 'TRANSFERRED') ? true : undefined), 10_000, 'no open alert');
    // Every message between owners delivered, so none still on its way could open one afterwards.
    await eventually(async () => (Object.keys(await undeliveredOutboxes(hub)).length ? undefined : true), 10_000, 'every outbox delivered');
    expect((await alertsOf(hub, id)).filter((a) => a.status === 'OPEN')).toEqual([]);
  });

  const PERSON = { kind: 'NATURAL_PERSON', name: '李强', idNumber: residentId('320706', '19800101', 901), phone: '13900001111', address: '江苏省连云港市海州区新浦路1号' };
  const partyCaseIds: Record<string, string> = {};

  it('alerts a repeat offender from penalties of both agencies within 2 years, however late the earlier ones arrive', async () => {
    // Recorded out of order: the latest case first, the earliest penalty last.
    partyCaseIds.eco = await recordEcoCase(hub, { party: PERSON, decidedAt: '2025-08-01T02:00:00Z' });
    partyCaseIds.latest = await recordMarketCase(hub, { party: PERSON, offenceCode: 'CL225', cause: '无照经营', amountInvolved: 7000, salesAmount: 7000, unsoldGoodsValue: 0, decidedAt: '2026-05-01T02:00:00Z' });
    expect(await alertsOf(hub, partyCaseIds.latest)).toEqual([]); // one prior only, so far
    partyCaseIds.first = await recordMarketCase(hub, { party: PERSON, offenceCode: 'CL225', cause: '无照经营', amountInvolved: 8000, salesAmount: 8000, unsoldGoodsValue: 0, decidedAt: '2025-01-10T02:00:00Z' });

    const alert = await alertFor(hub, partyCaseIds.latest, 'REPEAT_OFFENDER');
    expect(alert).toMatchObject({ ruleCode: 'CL225', ruleVersion: '2022', status: 'OPEN', figures: [{ name: 'priorPenalties', value: 2, threshold: 2 }] });
    expect(alert.priorCases.map((c: any) => c.id).sort()).toEqual([partyCaseIds.eco, partyCaseIds.first].sort());
    expect(alert.citation).toContain('二年内');
    // Below every amount threshold: no THRESHOLD alert for any of them.
    for (const id of Object.values(partyCaseIds)) expect((await alertsOf(hub, id)).filter((a) => a.kind === 'THRESHOLD')).toEqual([]);
    expect((await alertsOf(hub, partyCaseIds.eco)).length).toBe(0);
  });

  it('converts an alert into a supervision matter in one mutation, visible on the case', async () => {
    const alert = await alertFor(hub, partyCaseIds.latest, 'REPEAT_OFFENDER', 'OPEN');
    const CONVERT = `mutation($id: ID!, $summary: String) { convertAlert(id: $id, summary: $summary) { id kind status summary case { id } } }`;
    const foreign = await hub.graphql(CONVERT, { id: alert.id }, callers.nanyangProcurator);
    expect(foreign.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const { data, errors } = await hub.graphql(CONVERT, { id: alert.id, summary: '两年内三次无照经营，建议移送' }, callers.procurator);
    expect(errors).toBeUndefined();
    expect(data.convertAlert).toMatchObject({ kind: 'TRANSFER_SUPERVISION', status: 'OPEN', summary: '两年内三次无照经营，建议移送', case: { id: partyCaseIds.latest } });

    const view = await hub.graphql(`query($id: ID!) { case(id: $id) { id supervision { id kind summary } } }`, { id: partyCaseIds.latest }, callers.procurator);
    expect(view.errors).toBeUndefined();
    expect(view.data.case.supervision).toContainEqual({ id: data.convertAlert.id, kind: 'TRANSFER_SUPERVISION', summary: '两年内三次无照经营，建议移送' });
    const converted = (await alertsOf(hub, partyCaseIds.latest)).find((a) => a.id === alert.id);
    expect(converted).toMatchObject({ status: 'CONVERTED', supervision: { id: data.convertAlert.id, status: 'OPEN' } });

    const again = await hub.graphql(CONVERT, { id: alert.id }, callers.procurator);
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', rule: 'transition' });
  });

  /** The party's reference under justice's OPRF key: what the index holds and the audit names. */
  const partyRef = (kind: string, identifier: string) => evaluateDirectly(readOprfKeyFile(hub.secrets.partyRefKeyFile), partyInput(kind, identifier));

  const PARTY_CASES = `query($identifier: String!, $kind: PartyKind!) { partyCases(identifier: $identifier, kind: $kind) {
    id __typename agency { code } ... on EcoEnvironmentCase { pollutant } } }`;

  it('finds a party\'s cases in both agencies for a procurator and public security with a reason, and reports the party key (never the number) for the audit', async () => {
    for (const caller of [callers.procurator, callers.psb]) {
      const { data, errors } = await hub.graphql(PARTY_CASES, { identifier: PERSON.idNumber, kind: 'NATURAL_PERSON' }, { ...caller, reason: REASON });
      expect(errors).toBeUndefined();
      expect(data.partyCases.map((c: any) => c.id).sort()).toEqual(Object.values(partyCaseIds).sort());
      expect(new Set(data.partyCases.map((c: any) => c.__typename))).toEqual(new Set(['MarketRegulationCase', 'EcoEnvironmentCase']));
    }
    // Lower case, spaces: the same normalised identifier.
    const spaced = await hub.graphql(PARTY_CASES, { identifier: ` ${PERSON.idNumber.slice(0, 6)} ${PERSON.idNumber.slice(6)} `, kind: 'NATURAL_PERSON' }, { ...callers.procurator, reason: REASON });
    expect(spaced.data.partyCases).toHaveLength(3);
    // Another person: no cases.
    const none = await hub.graphql(PARTY_CASES, { identifier: residentId('320706', '19800101', 902), kind: 'NATURAL_PERSON' }, { ...callers.procurator, reason: REASON });
    expect(none.data.partyCases).toEqual([]);

    // The release the index reports for the audit log: the party key, never the number.
    const token = await hub.keys.asGateway({ sub: 'p-1', ...callers.procurator, reason: REASON } as any);
    const response = await fetch(`${hub.subgraphUrls.justice}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: token },
      // Justice is asked by the reference (the gateway blinds the number; issue 17), never the number.
      body: JSON.stringify({ query: 'query($i: String!) { partyCases(identifier: $i, kind: NATURAL_PERSON) { id } }', variables: { i: partyRef('NATURAL_PERSON', PERSON.idNumber) } }),
    });
    const body = await response.json();
    expect(body.data.partyCases).toHaveLength(3);
    expect(body.extensions.releases).toEqual([
      { coordinate: 'Query.partyCases', entityId: partyRef('NATURAL_PERSON', PERSON.idNumber), decision: 'full' },
    ]);
    expect(JSON.stringify(body)).not.toContain(PERSON.idNumber);

    // …which the gateway writes to the audit log, with who asked and why.
    const auditor = { role: 'auditor', org: 'AUDIT-320706', region: '320706' };
    const key = partyRef('NATURAL_PERSON', PERSON.idNumber);
    const entries = await eventually(async () => {
      const { data } = await hub.graphql(`query($key: String!) { auditLog(filter: { coordinate: "Query.partyCases", entityId: $key }, first: 50) {
        edges { node { entityId reason role decision } } } }`, { key }, auditor);
      const nodes = data?.auditLog?.edges?.map((e: any) => e.node) ?? [];
      return nodes.length >= 3 ? nodes : undefined;
    }, 10_000, 'audit entries of the lookups');
    expect(new Set(entries.map((e: any) => e.role))).toEqual(new Set(['procurator', 'psb_officer']));
    for (const entry of entries) expect(entry).toMatchObject({ entityId: key, reason: REASON, decision: 'FULL' });
  });

  it('refuses the lookup to agency officers, without a reason, and for an invalid identifier', async () => {
    const officer = await hub.graphql(PARTY_CASES, { identifier: PERSON.idNumber, kind: 'NATURAL_PERSON' }, { ...callers.marketOfficer, reason: REASON });
    expect(officer.data?.partyCases ?? null).toBeNull();
    expect(officer.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    const supervisor = await hub.graphql(PARTY_CASES, { identifier: PERSON.idNumber, kind: 'NATURAL_PERSON' }, { ...callers.justice, reason: REASON });
    expect(supervisor.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');

    const noReason = await hub.graphql(PARTY_CASES, { identifier: PERSON.idNumber, kind: 'NATURAL_PERSON' }, callers.procurator);
    expect(noReason.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'X-Access-Reason', rule: 'required' });

    const badDigit = `${PERSON.idNumber.slice(0, 17)}${PERSON.idNumber[17] === '0' ? '1' : '0'}`;
    const invalid = await hub.graphql(PARTY_CASES, { identifier: badDigit, kind: 'NATURAL_PERSON' }, { ...callers.procurator, reason: REASON });
    expect(invalid.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'identifier', rule: 'residentIdNumber' });
    const asOrganisation = await hub.graphql(PARTY_CASES, { identifier: PERSON.idNumber, kind: 'ORGANIZATION' }, { ...callers.psb, reason: REASON });
    expect(asOrganisation.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'identifier', rule: 'unifiedSocialCreditCode' });
  });
});
