// 应急管理局 and 自然资源局, onboarded with `npm run agency:new`, through the gateway: their own
// fields of every type round-trip, bad ones are refused all at once, their cases reach the index
// and the unified case graph, and the threshold rules that read their figures raise the right
// alert (刑法 第一百三十四条, 第三百四十二条, 第三百四十三条).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHub, type TestHub } from './support/hub';
import { callers, creditCode, residentId, seedBureaus, waitForIndexed, type Caller } from './support/fixtures';

const emergencyOfficer: Caller = { role: 'agency_officer', org: 'EM-320706', region: '320706' };
const resourcesOfficer: Caller = { role: 'agency_officer', org: 'NR-320706', region: '320706' };

const ALERTS = `{ alerts(first: 100) { edges { node { kind ruleCode ruleVersion status figures { name value threshold } case { id } } } } }`;

let sequence = 0;
const common = (overrides: Record<string, unknown>) => {
  sequence += 1;
  return {
    caseNumber: `海应急罚〔2026〕${sequence}号`, actType: 'ADMINISTRATIVE_PENALTY', region: '320706', decidedAt: '2026-09-10T02:00:00Z',
    party: { kind: 'ORGANIZATION', name: '连云港某机械制造有限公司', idNumber: creditCode('320706', `MA${String(sequence).padStart(7, '0')}`) },
    amountInvolved: 0, fineAmount: 300000, ...overrides,
  };
};

async function record(hub: TestHub, type: string, caller: Caller, input: Record<string, unknown>): Promise<{ id?: string; errors?: any[] }> {
  const { data, errors } = await hub.graphql(`mutation($input: ${type}Input!) { create${type}(input: $input) { id } }`, { input }, caller);
  return { id: data?.[`create${type}`]?.id, errors };
}

async function recorded(hub: TestHub, type: string, caller: Caller, input: Record<string, unknown>): Promise<string> {
  const { id, errors } = await record(hub, type, caller, input);
  expect(errors).toBeUndefined();
  await waitForIndexed(hub, id!);
  return id!;
}

async function alertsOf(hub: TestHub, caseId: string): Promise<any[]> {
  const { data, errors } = await hub.graphql(ALERTS, {}, callers.procurator);
  expect(errors).toBeUndefined();
  return data.alerts.edges.map((e: any) => e.node).filter((a: any) => a.case.id === caseId);
}

describe('agencies onboarded with agency:new', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
    for (const input of [
      { code: 'EM-320706', name: '连云港市海州区应急管理局', kind: 'EMERGENCY_MANAGEMENT', region: '320706' },
      { code: 'NR-320706', name: '连云港市海州区自然资源局', kind: 'NATURAL_RESOURCES', region: '320706' },
    ]) {
      const { errors } = await hub.graphql(`mutation($input: AgencyInput!) { registerAgency(input: $input) { code } }`, { input }, callers.admin);
      expect(errors).toBeUndefined();
    }
  });
  afterAll(() => hub?.stop());

  let accident: string;

  it('records an accident with an enum, a date, integers, an amount, a boolean and text, and reads them back', async () => {
    accident = await recorded(hub, 'EmergencyManagementCase', emergencyOfficer, common({
      cause: '未履行安全生产管理职责，发生一般生产安全事故', offenceCode: 'CL134', conductAt: '2026-08-20T01:30:00Z',
      accidentLevel: 'ORDINARY', accidentDate: '2026-08-20', deaths: 1, seriousInjuries: 2, directLoss: 850000,
      hazardousChemicals: true, hazardousChemicalName: '液氨',
    }));
    const { data, errors } = await hub.graphql(`query($id: ID!) { case(id: $id) { caseNumber agency { code kind } ... on EmergencyManagementCase {
      accidentLevel accidentDate deaths seriousInjuries directLoss hazardousChemicals hazardousChemicalName } } }`, { id: accident }, emergencyOfficer);
    expect(errors).toBeUndefined();
    expect(data.case).toMatchObject({
      agency: { code: 'EM-320706', kind: 'EMERGENCY_MANAGEMENT' },
      accidentLevel: 'ORDINARY', accidentDate: '2026-08-20', deaths: 1, seriousInjuries: 2, directLoss: 850000, hazardousChemicals: true, hazardousChemicalName: '液氨',
    });
  });

  it('is in the unified case graph for the procurator of the region, party included', async () => {
    const { data, errors } = await hub.graphql(`query($id: ID!) { case(id: $id) { caseNumber cause agency { name } party { name } } }`,
      { id: accident }, { ...callers.procurator, reason: '以罚代刑线索核查' });
    expect(errors).toBeUndefined();
    expect(data.case).toMatchObject({ agency: { name: '连云港市海州区应急管理局' }, party: { name: '连云港某机械制造有限公司' } });
  });

  it('refuses bad own fields all at once, each named with its rule, and writes nothing', async () => {
    const input = common({ cause: '未履行安全生产管理职责', accidentDate: '2026-02-30', deaths: -1, seriousInjuries: 2_000_000, directLoss: -5 });
    const { errors } = await record(hub, 'EmergencyManagementCase', emergencyOfficer, input);
    expect(errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(errors![0].extensions.violations.map((v: any) => [v.field, v.rule])).toEqual([
      ['input.accidentDate', 'date'], ['input.deaths', 'nonNegative'], ['input.seriousInjuries', 'max'], ['input.directLoss', 'nonNegative'],
    ]);
    // Nothing was written: the same case number records once the input is right.
    const again = await record(hub, 'EmergencyManagementCase', emergencyOfficer, { ...input, accidentDate: '2026-02-28', deaths: 0, seriousInjuries: 0, directLoss: 5 });
    expect(again.errors).toBeUndefined();
  });

  it('refuses an accident date after today in China Standard Time', async () => {
    const { errors } = await record(hub, 'EmergencyManagementCase', emergencyOfficer, common({ cause: '未履行安全生产管理职责', accidentDate: '2999-01-01' }));
    expect(errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.accidentDate', rule: 'notInFuture' });
  });

  it('raises the CL134 alert (重大责任事故: one death) on the accident, and none below every figure', async () => {
    const below = await recorded(hub, 'EmergencyManagementCase', emergencyOfficer, common({
      cause: '未履行安全生产管理职责，发生一般生产安全事故', offenceCode: 'CL134', deaths: 0, seriousInjuries: 2, directLoss: 999999,
    }));
    const alert = await eventually(async () => (await alertsOf(hub, accident)).find((a) => a.kind === 'THRESHOLD'), 10_000, 'CL134 alert');
    expect(alert).toMatchObject({ ruleCode: 'CL134', ruleVersion: '2015', status: 'OPEN' });
    expect(alert.figures).toEqual([{ name: 'deaths', value: 1, threshold: 1 }]);
    // The index hears cases in order; judged after the accident, the case below had its turn.
    const over = await recorded(hub, 'EmergencyManagementCase', emergencyOfficer, common({ cause: '发生生产安全事故', offenceCode: 'CL134', directLoss: 1_200_000 }));
    const lossAlert = await eventually(async () => (await alertsOf(hub, over)).find((a) => a.kind === 'THRESHOLD'), 10_000, 'CL134 loss alert');
    expect(lossAlert.figures).toEqual([{ name: 'directLoss', value: 1_200_000, threshold: 1_000_000 }]);
    expect(await alertsOf(hub, below)).toEqual([]);
  });

  it('raises CL342 (非法占用农用地) from the area of its category, found by the 案由 alone, and CL343 (非法采矿) from the mineral value', async () => {
    const resources = (overrides: Record<string, unknown>) => common({
      caseNumber: `海自然资罚〔2026〕${sequence + 1}号`, fineAmount: 100000,
      party: { kind: 'NATURAL_PERSON', name: '孙强', idNumber: residentId('320706', '19780415', 300 + sequence) }, ...overrides,
    });
    // 4 亩 of 永久基本农田 is under five; 12 亩 of other 耕地 is over ten.
    const basic = await recorded(hub, 'NaturalResourcesCase', resourcesOfficer, resources({ cause: '未经批准非法占用耕地建房', occupiedLandCategory: 'BASIC_FARMLAND', occupiedAreaMu: 4 }));
    const farmland = await recorded(hub, 'NaturalResourcesCase', resourcesOfficer, resources({ cause: '未经批准非法占用耕地建设厂房', occupiedLandCategory: 'CULTIVATED_LAND', occupiedAreaMu: 12 }));
    const mining = await recorded(hub, 'NaturalResourcesCase', resourcesOfficer, resources({
      cause: '未取得采矿许可证擅自采矿', offenceCode: 'CL343', mineralType: '建筑用砂', mineralValue: 150000,
    }));
    const land = await eventually(async () => (await alertsOf(hub, farmland)).find((a) => a.kind === 'THRESHOLD'), 10_000, 'CL342 alert');
    expect(land).toMatchObject({ ruleCode: 'CL342', ruleVersion: '2000', figures: [{ name: 'occupiedFarmlandMu', value: 12, threshold: 10 }] });
    const mine = await eventually(async () => (await alertsOf(hub, mining)).find((a) => a.kind === 'THRESHOLD'), 10_000, 'CL343 alert');
    expect(mine).toMatchObject({ ruleCode: 'CL343', figures: [{ name: 'mineralValue', value: 150000, threshold: 100000 }] });
    expect(await alertsOf(hub, basic)).toEqual([]);
  });

  it('refuses an area without its category', async () => {
    const { errors } = await record(hub, 'NaturalResourcesCase', resourcesOfficer, common({ cause: '非法占用农用地', occupiedAreaMu: 3 }));
    expect(errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.occupiedLandCategory', rule: 'requiredWith' });
  });
});
