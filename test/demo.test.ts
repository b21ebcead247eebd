// `npm start` on a fresh data directory loads the demo dataset through the gateway, as units would
// enter it; a newcomer then queries at once. The demo must keep loading as the access rules change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../scripts/demo';
import { DEMO_UNITS } from '../scripts/demo-data';
import { startHub, type TestHub } from './support/hub';

describe('the demo dataset', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startHub();
    await loadDemo(hub.gatewayUrl, hub.dataDir);
  }, 180_000);
  afterAll(() => hub?.stop());

  it('answers the README\'s first query for the procurator of 320706: its region\'s cases with transfers in several states', async () => {
    const { data, errors } = await hub.graphql(`{ cases(first: 10) { edges { node { caseNumber region party { name idNumber } transfer { status } supervision { kind } } } } }`,
      undefined, { ...DEMO_UNITS.procurator, reason: '立案监督审查' });
    expect(errors).toBeUndefined();
    const nodes = data.cases.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.region)).toEqual(['320706', '320706', '320706']);
    expect(nodes.map((n: any) => n.transfer?.status).sort()).toEqual(['FILED', 'RECONSIDERATION_REQUESTED', 'SUBMITTED']);
    expect(nodes.some((n: any) => n.supervision?.length)).toBe(true);
    expect(nodes.every((n: any) => !n.party.idNumber.includes('*'))).toBe(true);
  });

  it('shows the public the directory of all bureaus (the onboarded agencies\' too) and their officers', async () => {
    const { data, errors } = await hub.graphql(`{ agencies { code officers { name certificateNumber } } }`);
    expect(errors).toBeUndefined();
    expect(data.agencies.map((a: any) => a.code).sort()).toEqual(['EE-320706', 'EE-370705', 'EM-370705', 'MR-320706', 'MR-411302', 'NR-370705']);
    expect(data.agencies.flatMap((a: any) => a.officers)).toHaveLength(4);
  });
});
