import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHub, type TestHub } from './support/hub';
import { callers, creditCode, recordMarketCase, residentId, seedBureaus, type Caller } from './support/fixtures';
import { IDENTITY_HEADER } from '../subgraphs/kit/identity';

// The expectations below are the rules written out by hand, not derived from the code.
const PERSON = { kind: 'NATURAL_PERSON', name: '张伟', idNumber: residentId('320706', '19850312', 777), phone: '13812345678', address: '江苏省连云港市海州区朝阳路18号' };
const ORGANISATION = { kind: 'ORGANIZATION', name: '连云港某商贸有限公司', idNumber: creditCode('320706', 'MA1X2Y3W4'), phone: '051885551234', address: '江苏省连云港市海州区解放路9号' };
const MASKED = {
  person: { idNumber: `320706********${PERSON.idNumber.slice(14)}`, phone: '138****5678', address: '江苏省连云港市海州区' },
  organisation: { idNumber: `${ORGANISATION.idNumber.slice(0, 4)}**********${ORGANISATION.idNumber.slice(14)}`, phone: '051*****1234', address: '江苏省连云港市海州区' },
};

type Outcome = 'full' | 'masked' | 'no-case';
const REASON = '立案审查 (2026) 12号';
const with_ = (caller: Caller, reason?: string): Caller => ({ ...caller, reason });

// [who, caller, outcome] for a case of bureau MR-320706 in region 320706.
const MATRIX: [string, Caller, Outcome][] = [
  ['public', { role: 'public' }, 'no-case'],
  ['owning bureau officer with reason', with_(callers.marketOfficer, REASON), 'full'],
  ['owning bureau officer without reason', callers.marketOfficer, 'masked'],
  ['officer of another bureau, same region', with_(callers.ecoOfficer, REASON), 'masked'],
  ['public security in the region with reason', with_(callers.psb, REASON), 'full'],
  ['public security in the region without reason', callers.psb, 'masked'],
  ['public security of another region', with_(callers.nanyangPsb, REASON), 'masked'],
  ['procurator in the region with reason', with_(callers.procurator, REASON), 'full'],
  ['procurator of another region', with_(callers.nanyangProcurator, REASON), 'masked'],
  ['justice supervisor', with_(callers.justice, REASON), 'masked'],
  ['auditor', with_({ role: 'auditor', org: 'AUDIT' }, REASON), 'no-case'],
  ['platform admin', with_(callers.admin, REASON), 'no-case'],
];

const QUERY = `query($id: ID!) { case(id: $id) { id party { name idNumber phone address } } }`;

describe('field-level permissions on personal data, through the gateway', () => {
  let hub: TestHub;
  const ids: Record<'person' | 'organisation', string> = { person: '', organisation: '' };
  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
    ids.person = await recordMarketCase(hub, { party: PERSON });
    ids.organisation = await recordMarketCase(hub, { party: ORGANISATION });
  });
  afterAll(() => hub?.stop());

  describe.each(['person', 'organisation'] as const)('a party that is a %s', (kind) => {
    const full = kind === 'person' ? PERSON : ORGANISATION;
    it.each(MATRIX)('%s', async (_who, caller, outcome) => {
      const { data, errors } = await hub.graphql(QUERY, { id: ids[kind] }, caller);
      if (outcome === 'no-case') {
        expect(data.case).toBeNull();
        expect(errors).toContainEqual(expect.objectContaining({ path: ['case'], extensions: expect.objectContaining({ code: 'UNAUTHORIZED_FIELD_OR_TYPE' }) }));
        return;
      }
      expect(errors).toBeUndefined();
      const party = data.case.party;
      expect(party.name).toBe(full.name);
      const expected = outcome === 'full' ? { idNumber: full.idNumber, phone: full.phone, address: full.address } : MASKED[kind];
      expect({ idNumber: party.idNumber, phone: party.phone, address: party.address }).toEqual(expected);
      // A masked ID number never shows the birth date.
      if (outcome === 'masked' && kind === 'person') expect(party.idNumber).not.toContain('19850312');
    });
  });

  it('audits every release in full, masked value and denial, with who asked and why', async () => {
    const auditor = { role: 'auditor', org: 'AUDIT' };
    const LOG = `query($filter: AuditFilter) { auditLog(filter: $filter, first: 200) { edges { node { subject role org coordinate entityId decision reason operationName documentHash traceId } } } }`;
    const entries = async (filter: Record<string, unknown>) =>
      (await hub.graphql(LOG, { filter }, auditor)).data.auditLog.edges.map((e: any) => e.node);
    await hub.graphql(`query PartyLookup($id: ID!) { case(id: $id) { party { idNumber } } }`, { id: ids.person }, with_(callers.procurator, REASON));
    const full = await eventually(async () => {
      const found = (await entries({ entityId: ids.person, decision: 'FULL', coordinate: 'Party.idNumber' })).filter((e: any) => e.operationName === 'PartyLookup');
      return found.length ? found : undefined;
    });
    expect(full[0]).toMatchObject({ role: 'procurator', org: 'PROC-320706', reason: REASON, coordinate: 'Party.idNumber', entityId: ids.person });
    expect(full[0].documentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(full[0].traceId).toMatch(/^[0-9a-f]{32}$/);
    // Masked releases (the justice supervisor in the matrix) and the gateway's denials (public) are there too.
    expect((await entries({ entityId: ids.person, decision: 'MASKED', role: 'justice_supervisor' })).length).toBeGreaterThan(0);
    expect((await entries({ decision: 'DENIED', role: 'public' })).some((e: any) => e.coordinate.startsWith('Query.case') || e.coordinate.includes('Case'))).toBe(true);
  });

  it('refuses the audit log to everyone but the auditor', async () => {
    const { data, errors } = await hub.graphql(`{ auditLog(first: 1) { edges { node { subject } } } }`, undefined, with_(callers.procurator, REASON));
    expect(data.auditLog).toBeNull();
    expect(errors![0].extensions!.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
  });

  it('gives nothing sensitive to a direct subgraph call whose forwarded identity lacks the scope', async () => {
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on MarketRegulationCase { id party { idNumber phone } } } }`;
    for (const role of ['public', 'platform_admin', 'auditor'] as const) {
      const token = await hub.keys.asGateway({ sub: 'x', role, reason: REASON });
      const response = await fetch(`${hub.subgraphUrls['market-regulation']}/graphql`, {
        method: 'POST', headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: token },
        body: JSON.stringify({ query, variables: { r: [{ __typename: 'MarketRegulationCase', id: ids.person }] } }),
      });
      const body = await response.json();
      expect(JSON.stringify(body)).not.toContain(PERSON.idNumber);
      expect(JSON.stringify(body)).not.toContain(PERSON.phone);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    }
  });
});
