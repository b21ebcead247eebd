// The demo dataset (`npm run demo`): a year of cases in three regions and every agency, entered
// through the gateway day by day on a hub whose clock starts a year back, so a console can be
// demonstrated on it: every state of every workflow, open and settled alerts, overdue items.
// Loaded once; every assertion reads that one load.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENCY_KINDS } from '../subgraphs/agencies/registry';
import { DEMO_DAYS } from '../scripts/demo/plan';
import { loadDemoYear, type DemoLoad } from '../scripts/demo/load';
import { hubClock } from '../scripts/demo/clock';
import { officerOf, unitsOf } from '../scripts/demo/units';
import { startHub, type Caller, type TestHub } from './support/hub';

// Every scenario once and a few more: the same plan as `npm run demo`'s 360 cases, smaller, so the
// file stays quick; every assertion holds for any size the plan accepts.
const CASES = 90;
const REGIONS = ['320706', '411302', '370705'];
const DAY_MS = 24 * 3600_000;

describe('the demo dataset', () => {
  let hub: TestHub;
  let load: DemoLoad;
  beforeAll(async () => {
    hub = await startHub({ env: { HUB_TEST_CLOCK_START: new Date(Date.now() - DEMO_DAYS * DAY_MS - 3600_000).toISOString() } });
    load = await loadDemoYear(hub.gatewayUrl, hub.dataDir, hubClock(hub.subgraphUrls, hub.keys), { cases: CASES, minimumPerScenario: 1, log: console.log });
    console.log(`demo: ${load.plan.cases.length} cases, ${load.plan.actions.length} steps loaded in ${load.seconds} s`);
  }, 240_000);
  afterAll(() => hub?.stop());

  const ok = async (query: string, variables: Record<string, unknown> | undefined, caller: Caller) => {
    const { data, errors } = await hub.graphql(query, variables, caller);
    expect(errors).toBeUndefined();
    return data;
  };
  /** Summed over the three regions, as each region's procurator (or `unit`) sees it. */
  const total = async (query: string, variables: Record<string, unknown>, read: (data: any) => number, unit: 'procurator' | 'psb' | 'justice' = 'procurator') =>
    (await Promise.all(REGIONS.map(async (r) => read(await ok(query, variables, unitsOf(r)[unit]))))).reduce((a, b) => a + b, 0);
  const countCases = (filter: Record<string, unknown>, unit: 'procurator' | 'psb' = 'procurator') =>
    total(`query($filter: CaseFilter) { cases(filter: $filter, first: 1) { totalCount } }`, { filter }, (d) => d.cases.totalCount, unit);

  it('holds the planned cases, in every region and every agency kind', async () => {
    expect(await countCases({})).toBe(CASES);
    for (const region of REGIONS) {
      for (const kind of AGENCY_KINDS) {
        const { cases } = await ok(`query($filter: CaseFilter) { cases(filter: $filter, first: 1) { totalCount } }`, { filter: { agencyKind: kind.kind } }, unitsOf(region).procurator);
        expect(cases.totalCount, `${kind.kind} in ${region}`).toBeGreaterThan(0);
      }
    }
  });

  it('spreads the cases over twelve months: each month of the year has cases recorded in it', async () => {
    const now = Date.now();
    const months = await Promise.all(Array.from({ length: 12 }, (_, i) => countCases({
      recordedFrom: new Date(now - (i + 1) * 30 * DAY_MS).toISOString(), recordedTo: new Date(now - i * 30 * DAY_MS).toISOString(),
    })));
    expect(months.every((n) => n > 0), `cases per 30 days, newest first: ${months}`).toBe(true);
  });

  it('has a transfer in every state', async () => {
    const statuses = ['SUBMITTED', 'ACCEPTED', 'MATERIALS_REQUESTED', 'FILED', 'NOT_FILED', 'RECONSIDERATION_REQUESTED', 'RECONSIDERATION_UPHELD', 'RETURNED', 'FORWARDED'];
    const counts = Object.fromEntries(await Promise.all(statuses.map(async (s) => [s, await countCases({ transferStatus: [s] }, 'psb')])));
    expect(Object.entries(counts).filter(([, n]) => !n).map(([s]) => s), JSON.stringify(counts)).toEqual([]);
  });

  it('has alerts open, settled by filing, converted and dismissed', async () => {
    for (const status of ['OPEN', 'RESOLVED', 'CONVERTED', 'DISMISSED']) {
      const n = await total(`query($status: AlertStatus) { alerts(status: $status, first: 100) { edges { node { id } } } }`, { status }, (d) => d.alerts.edges.length);
      expect(n, status).toBeGreaterThan(0);
    }
  });

  it('has overdue transfers and suggestions today, and pending ones that are not', async () => {
    const overdue = (field: string) => total(`{ overdue { ${field} { id } } }`, {}, (d) => d.overdue[field]?.length ?? 0);
    expect(await overdue('transfers')).toBeGreaterThan(0);
    expect(await overdue('suggestions')).toBeGreaterThan(0);
    // Not everything is late: the latest transfers are still within their period.
    expect(await countCases({ transferStatus: ['SUBMITTED', 'ACCEPTED'], overdue: false }, 'psb')).toBeGreaterThan(0);
  });

  it('has filing supervision (立案监督) in every state', async () => {
    for (const status of ['REQUESTED', 'EXPLANATION_REQUESTED', 'EXPLAINED', 'REASONS_ACCEPTED', 'FILING_ORDERED', 'CORRECTION_NOTICED', 'FILED']) {
      const n = await total(`query($status: FilingSupervisionStatus) { filingSupervisions(status: $status, first: 100) { edges { node { id } } } }`, { status }, (d) => d.filingSupervisions.edges.length);
      expect(n, status).toBeGreaterThan(0);
    }
  });

  it('has suggestions (检察建议) in every state, supervision opinions in every state and the justice bureau\'s matters', async () => {
    for (const status of ['ISSUED', 'REPLIED', 'OBJECTED', 'WITHDRAWN']) {
      const n = await total(`query($filter: SuggestionFilter) { suggestions(filter: $filter, first: 1) { edges { node { id } } } }`, { filter: { status: [status] } }, (d) => d.suggestions.edges.length);
      expect(n, status).toBeGreaterThan(0);
    }
    for (const status of ['ISSUED', 'REPLIED', 'CLOSED']) {
      const n = await total(`query($status: SupervisionOpinionStatus) { supervisionOpinions(status: $status, first: 100) { edges { node { id } } } }`, { status }, (d) => d.supervisionOpinions.edges.length, 'justice');
      expect(n, status).toBeGreaterThan(0);
    }
    const matters = await total(`{ justiceSupervisionMatters(first: 100) { edges { node { id status } } } }`, {}, (d) => d.justiceSupervisionMatters.edges.length, 'justice');
    expect(matters).toBeGreaterThan(0);
  });

  it('fills the bureaus\' inboxes with the notices the workflows send', async () => {
    const withNotices = await Promise.all(load.plan.bureaus.map(async (b) =>
      (await ok(`{ inbox(first: 1) { edges { node { id } } } }`, undefined, officerOf(b))).inbox.edges.length));
    expect(withNotices.filter((n) => n > 0).length).toBeGreaterThan(load.plan.bureaus.length / 2);
  });

  it('shows the public every bureau of every agency kind in three regions, each with officers and power items', async () => {
    const { agencies } = await ok(`{ agencies { code kind region officers { name certificateNumber } powerItems { code } } }`, undefined, { role: 'public' });
    expect(new Set(agencies.map((a: any) => a.region))).toEqual(new Set(REGIONS));
    expect(new Set(agencies.map((a: any) => a.kind))).toEqual(new Set(AGENCY_KINDS.map((k) => k.kind)));
    expect(agencies.filter((a: any) => !a.officers.length || !a.powerItems.length).map((a: any) => a.code)).toEqual([]);
  });

  it('answers the README\'s first query for the procurator of 320706: its region\'s cases, party data in full with a reason', async () => {
    const data = await ok(`{ cases(first: 10) { edges { node { caseNumber region party { name idNumber } transfer { status } } } } }`, undefined, { ...unitsOf('320706').procurator, reason: '立案监督审查' });
    const nodes = data.cases.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(10);
    expect(nodes.every((n: any) => n.region === '320706' && !n.party.idNumber.includes('*'))).toBe(true);
  });
});
