// Issue 8, finding 4: case data has a row rule. The case rule (kit/resources/case.ts)
// holds in the justice index (`cases`, `case(id)`) and in the owning agency's subgraph, on the
// gateway's path and on a direct `_entities` call; releases of a party's name are audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHub, type TestHub } from './support/hub';
import { callers, recordMarketCase, residentId, seedBureaus, waitForIndexed, type Caller } from './support/fixtures';
import { IDENTITY_HEADER } from '../kit/identity';

const jinanEcoOfficer: Caller = { role: 'agency_officer', org: 'EE-370705', region: '370705' };
const MINOR = { kind: 'NATURAL_PERSON', name: '李小明', idNumber: residentId('320706', '20120505', 31), phone: '13912345678', address: '江苏省连云港市海州区朝阳路1号' };
const LIST = `{ cases(first: 100) { edges { node { id caseNumber cause region party { name } ... on MarketRegulationCase { facts involvesMinor } } } } }`;
const ONE = `query($id: ID!) { case(id: $id) { id caseNumber cause party { name } ... on MarketRegulationCase { facts } } }`;

describe('the case rule: a case reaches only the callers whose grant covers its bureau or region', () => {
  let hub: TestHub;
  const ids = { market: '', eco: '', nanyang: '' };
  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
    ids.market = await recordMarketCase(hub, { party: MINOR, facts: '向未成年人销售劣质电线' });
    const { data, errors } = await hub.graphql(`mutation($input: EcoEnvironmentCaseInput!) { createEcoEnvironmentCase(input: $input) { id } }`, {
      input: {
        caseNumber: '海环罚〔2026〕31号', actType: 'ADMINISTRATIVE_PENALTY', cause: '超标排放', region: '320706', fineAmount: 50000, decidedAt: '2026-09-01T02:00:00Z',
        party: { kind: 'NATURAL_PERSON', name: '赵强', idNumber: residentId('320706', '19700101', 32) }, pollutant: '铅', exceedanceMultiple: 4,
      },
    }, callers.ecoOfficer);
    expect(errors).toBeUndefined();
    ids.eco = data.createEcoEnvironmentCase.id;
    await waitForIndexed(hub, ids.eco);
    ids.nanyang = await recordMarketCase(hub, { region: '411302', party: { kind: 'NATURAL_PERSON', name: '王芳', idNumber: residentId('411302', '19800101', 33) } }, callers.nanyangMarketOfficer);
  });
  afterAll(() => hub?.stop());

  const listed = async (caller: Caller) => {
    const { data, errors } = await hub.graphql(LIST, undefined, caller);
    expect(errors).toBeUndefined();
    return data.cases.edges.map((e: any) => e.node.id as string);
  };

  it("an agency officer of EE-370705 lists no other bureau's case, nationwide: no facts, names or minors' cases", async () => {
    const { data, errors } = await hub.graphql(LIST, undefined, jinanEcoOfficer);
    expect(errors).toBeUndefined();
    expect(data.cases.edges).toEqual([]);
    expect(JSON.stringify(data)).not.toContain('李小明');
  });

  it("answers case(id) of another bureau with null and nothing of the case, as if there were none", async () => {
    for (const id of Object.values(ids)) {
      const { data, errors } = await hub.graphql(ONE, { id }, jinanEcoOfficer);
      expect(errors).toBeUndefined();
      expect(data.case).toBeNull();
    }
  });

  it('answers case(id) with an id that is no UUID as the client\'s mistake (BAD_USER_INPUT on id), not as an internal error', async () => {
    const { data, errors } = await hub.graphql(ONE, { id: "1' OR '1'='1" }, callers.procurator);
    expect(errors?.map((e) => e.extensions)).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'id', rule: 'uuid' })]);
    expect(data.case).toBeNull();
  });

  it.each([
    ['the market bureau of 320706', callers.marketOfficer, ['market'], ['eco', 'nanyang']],
    ['the eco bureau of 320706', callers.ecoOfficer, ['eco'], ['market', 'nanyang']],
    ['public security of 320706', callers.psb, ['market', 'eco'], ['nanyang']],
    ['the procurator of 411302', callers.nanyangProcurator, ['nanyang'], ['market', 'eco']],
    ['the justice bureau of 320706', callers.justice, ['market', 'eco'], ['nanyang']],
  ] as const)('%s lists the cases in its reach and no others', async (_who, caller, inside, outside) => {
    const seen = await listed(caller);
    for (const key of inside) expect(seen).toContain(ids[key]);
    for (const key of outside) expect(seen).not.toContain(ids[key]);
  });

  it('a direct `_entities` call to the owning agency withholds a case outside the caller\'s reach', async () => {
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on MarketRegulationCase { id facts party { name } } } }`;
    const ask = async (caller: Caller) => {
      const token = await hub.keys.asGateway({ sub: `${caller.org}-officer`, ...caller });
      const response = await fetch(`${hub.subgraphUrls['market-regulation']}/graphql`, {
        method: 'POST', headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: token },
        body: JSON.stringify({ query, variables: { r: [{ __typename: 'MarketRegulationCase', id: ids.market }] } }),
      });
      return response.json() as Promise<any>;
    };
    const outsider = await ask(jinanEcoOfficer);
    expect(outsider.data._entities).toEqual([null]);
    expect(JSON.stringify(outsider)).not.toContain('李小明');
    expect(JSON.stringify(outsider)).not.toContain('向未成年人');
    const owner = await ask(callers.marketOfficer);
    expect(owner.data._entities[0]).toMatchObject({ id: ids.market, facts: '向未成年人销售劣质电线', party: { name: '李小明' } });
  });

  it("records every release of a party's name in the audit log, with who asked", async () => {
    const { errors } = await hub.graphql(`query NameLookup($id: ID!) { case(id: $id) { party { name } } }`, { id: ids.eco }, callers.procurator);
    expect(errors).toBeUndefined();
    const LOG = `query($filter: AuditFilter) { auditLog(filter: $filter, first: 50) { edges { node { role org coordinate entityId decision operationName } } } }`;
    const entry = await eventually(async () => {
      const { data } = await hub.graphql(LOG, { filter: { coordinate: 'Party.name', entityId: ids.eco } }, { role: 'auditor', org: 'AUDIT' });
      return data?.auditLog?.edges.map((e: any) => e.node).find((n: any) => n.operationName === 'NameLookup');
    }, 10_000, 'Party.name in the audit log');
    expect(entry).toMatchObject({ role: 'procurator', org: 'PROC-320706', coordinate: 'Party.name', entityId: ids.eco, decision: 'FULL' });
  });
});
