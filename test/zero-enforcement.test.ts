// 零执法说明 (issue 11, seed 003 零执法说明制度): a bureau that entered no case in a closed month explains
// it; the justice bureau of the region returns it asking again (with what is missing) or accepts
// it; the scorecard shows whether an explanation was given and accepted. A bureau that did enforce
// has nothing to explain, an open month is not final, and no other bureau reads the explanation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthOf, monthRange, previousMonth } from '../kit/month';
import { startHub, type TestHub } from './support/hub';
import { callers, recordMarketCase, seedBureaus, type Caller } from './support/fixtures';

const DAY = 86_400_000;
const FILE = `mutation($m: String!, $text: String!) { fileZeroEnforcementExplanation(month: $m, explanation: $text) { id status accepted month agency { code } } }`;
const REVIEW = `mutation($id: ID!, $accept: Boolean!, $note: String) { reviewZeroEnforcementExplanation(id: $id, accept: $accept, note: $note) { id status accepted reviewNote } }`;
const CARD = `query($code: ID!, $m: String!) { agency(code: $code) { scorecard(month: $m) { zeroEnforcement zeroEnforcementExplanation { status accepted } } } }`;
const LIST = `query($status: ZeroEnforcementExplanationStatus) { zeroEnforcementExplanations(status: $status, first: 20) { edges { node { id status agency { code } } } } }`;
const EXPLANATION = '本月辖区内未发现生态环境违法行为，日常巡查记录已归档';

async function ok(hub: TestHub, query: string, variables: Record<string, unknown> | undefined, caller: Caller): Promise<any> {
  const { data, errors } = await hub.graphql(query, variables, caller);
  expect(errors).toBeUndefined();
  return data;
}

describe('零执法说明 (explaining a month without enforcement)', () => {
  let hub: TestHub;
  const closed = previousMonth(new Date());
  const card = async (code: string, caller: Caller = callers.procurator) => (await ok(hub, CARD, { code, m: closed }, caller)).agency.scorecard;
  const listed = async (caller: Caller, status?: string) => (await ok(hub, LIST, { status }, caller)).zeroEnforcementExplanations.edges.map((e: any) => e.node);

  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
  }, 120_000);
  afterAll(() => hub?.stop());

  it.each([
    ['psb_officer', callers.psb],
    ['procurator', callers.procurator],
    ['justice_supervisor', callers.justice],
    ['platform_admin', callers.admin],
  ] as const)('is not filed by a %s (no scorecard:explain)', async (_, caller) => {
    const refused = await hub.graphql(FILE, { m: closed, text: EXPLANATION }, caller);
    expect(refused.data?.fileZeroEnforcementExplanation ?? null).toBeNull();
    expect(refused.errors?.[0].extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
  });

  it.each([
    ['agency_officer', callers.ecoOfficer],
    ['psb_officer', callers.psb],
    ['procurator', callers.procurator],
  ] as const)('is not reviewed by a %s (no justice:review)', async (_, caller) => {
    const refused = await hub.graphql(REVIEW, { id: '00000000-0000-4000-8000-000000000000', accept: true }, caller);
    expect(refused.errors?.[0].extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
  });

  it('refuses an empty explanation and a month that has not ended, at once, and writes nothing', async () => {
    const refused = await hub.graphql(FILE, { m: monthOf(new Date()), text: ' ' }, callers.ecoOfficer);
    expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((refused.errors![0].extensions!.violations as any[]).map((v) => [v.field, v.rule])).toEqual([['explanation', 'required'], ['month', 'monthClosed']]);
    expect(await listed(callers.justice)).toEqual([]);
  });

  it('is filed, returned with what is missing, filed again and accepted; the scorecard shows it; no other bureau reads it', async () => {
    expect(await card('EE-320706')).toEqual({ zeroEnforcement: true, zeroEnforcementExplanation: null });
    const filed = (await ok(hub, FILE, { m: closed, text: EXPLANATION }, callers.ecoOfficer)).fileZeroEnforcementExplanation;
    expect(filed).toMatchObject({ status: 'FILED', accepted: false, month: closed, agency: { code: 'EE-320706' } });
    expect((await listed(callers.justice, 'FILED')).map((n: any) => n.id)).toEqual([filed.id]);

    const noNote = await hub.graphql(REVIEW, { id: filed.id, accept: false }, callers.justice);
    expect(noNote.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note', rule: 'required' });
    const returned = (await ok(hub, REVIEW, { id: filed.id, accept: false, note: '请附巡查记录' }, callers.justice)).reviewZeroEnforcementExplanation;
    expect(returned).toMatchObject({ status: 'RETURNED', accepted: false, reviewNote: '请附巡查记录' });
    expect((await card('EE-320706')).zeroEnforcementExplanation).toEqual({ status: 'RETURNED', accepted: false });

    const again = (await ok(hub, FILE, { m: closed, text: `${EXPLANATION}；巡查记录12份附后` }, callers.ecoOfficer)).fileZeroEnforcementExplanation;
    expect(again).toMatchObject({ id: filed.id, status: 'FILED' });
    // While it awaits the justice bureau, it is not filed a third time.
    const twice = await hub.graphql(FILE, { m: closed, text: EXPLANATION }, callers.ecoOfficer);
    expect(twice.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'transition' });
    const accepted = (await ok(hub, REVIEW, { id: filed.id, accept: true }, callers.justice)).reviewZeroEnforcementExplanation;
    expect(accepted).toMatchObject({ status: 'ACCEPTED', accepted: true });
    expect(await card('EE-320706')).toEqual({ zeroEnforcement: true, zeroEnforcementExplanation: { status: 'ACCEPTED', accepted: true } });
    expect(await card('EE-320706', callers.ecoOfficer)).toEqual({ zeroEnforcement: true, zeroEnforcementExplanation: { status: 'ACCEPTED', accepted: true } });

    // Another bureau of the region, and the justice bureau of another region, read nothing of it.
    expect(await listed(callers.marketOfficer)).toEqual([]);
    expect((await card('EE-320706', callers.marketOfficer)).zeroEnforcementExplanation).toBeNull();
    expect(await listed({ role: 'justice_supervisor', org: 'JUS-411302', region: '411302' })).toEqual([]);
  });

  it('refuses an explanation from a bureau that entered a case in the month: nothing to explain', async () => {
    const month = monthOf(new Date());
    await recordMarketCase(hub);
    await hub.advanceClock(monthRange(month)!.end.getTime() - Date.now() + DAY);
    const refused = await hub.graphql(FILE, { m: month, text: EXPLANATION }, callers.marketOfficer);
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'month', rule: 'zeroEnforcementMonth' });
  });
});
