import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { eventually, startHub, type TestHub } from './support/hub';
import { callers, marketCaseInput, recordMarketCase, seedBureaus } from './support/fixtures';
import { addPeriod, REPLY_DEADLINE_RULES } from './support/deadline-views';
import { dueAt } from '../kit/deadlines';

const DAY = 86_400_000;

const OPEN = `mutation($caseId: ID!, $input: SupervisionInput!) {
  openSupervision(caseId: $caseId, input: $input) { id status kind summary procuratorateCode openedAt closedAt case { id caseNumber } }
}`;
const ISSUE = `mutation($input: SuggestionInput!) {
  issueSuggestion(input: $input) { id kind status issuedAt replyDueAt procuratorateCode agency { code name } case { id } }
}`;
const REPLY = `mutation($id: ID!, $input: SuggestionReplyInput!) {
  replyToSuggestion(id: $id, input: $input) { id status reply rectified rectification repliedAt }
}`;
const SUGGESTION = `query($id: ID!) { suggestion(id: $id) { id status reply rectified } }`;
const ACKNOWLEDGE = `mutation($id: ID!) { acknowledgeSuggestion(id: $id) { id receivedAt replyDueAt } }`;

describe('reply deadlines (rule data)', () => {
  it('adds calendar months in China Standard Time, clamped to the end of the month', () => {
    expect(addPeriod(new Date('2024-01-31T02:00:00Z'), { months: 1 }).toISOString()).toBe('2024-02-29T02:00:00.000Z');
    expect(addPeriod(new Date('2023-01-31T02:00:00Z'), { months: 1 }).toISOString()).toBe('2023-02-28T02:00:00.000Z');
    expect(addPeriod(new Date('2026-12-31T02:00:00Z'), { months: 2 }).toISOString()).toBe('2027-02-28T02:00:00.000Z');
    // 2026-12-30T20:00Z is 31 December in Beijing: two months later is 28 February there.
    expect(addPeriod(new Date('2026-12-30T20:00:00Z'), { months: 2 }).toISOString()).toBe('2027-02-27T20:00:00.000Z');
    expect(addPeriod(new Date('2026-12-20T05:00:00Z'), { days: 15 }).toISOString()).toBe('2027-01-04T05:00:00.000Z');
  });

  it('keeps every rule with its citation and day count', () => {
    for (const rule of REPLY_DEADLINE_RULES) {
      expect(rule.citation).toMatch(/《.+》第.+条/);
      expect(rule.dayCount).toBe('calendar');
    }
  });
});

describe('the procuratorate through the gateway', () => {
  let hub: TestHub;
  let caseId: string;
  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
    caseId = await recordMarketCase(hub);
  });
  afterAll(() => hub?.stop());

  it('opens a supervision matter on a case in its jurisdiction and shows it on the case', async () => {
    const { data, errors } = await hub.graphql(OPEN, { caseId, input: { kind: 'CASE_REVIEW', summary: '审查是否以罚代刑', notes: '货值超过追诉标准' } }, callers.procurator);
    expect(errors).toBeUndefined();
    expect(data.openSupervision).toMatchObject({ status: 'OPEN', kind: 'CASE_REVIEW', procuratorateCode: 'PROC-320706', closedAt: null, case: { id: caseId } });
    expect(data.openSupervision.case.caseNumber).toMatch(/海市监处罚/);

    const query = `query($id: ID!) { case(id: $id) { id supervision { id status summary } } }`;
    const seen = await hub.graphql(query, { id: caseId }, callers.procurator);
    expect(seen.errors).toBeUndefined();
    expect(seen.data.case.supervision).toEqual([{ id: data.openSupervision.id, status: 'OPEN', summary: '审查是否以罚代刑' }]);
    // Another region's procuratorate and the bureau itself see no supervision matters.
    for (const caller of [callers.nanyangProcurator, callers.marketOfficer]) {
      const other = await hub.graphql(query, { id: caseId }, caller);
      expect(other.data?.case?.supervision ?? []).toEqual([]);
    }
  });

  it('refuses to open supervision on a case outside the caller’s region', async () => {
    // Recorded in 411302 and awaited by that region's procurator: 320706's may not read it (case:read@region).
    const recorded = await hub.graphql(`mutation($input: MarketRegulationCaseInput!) { createMarketRegulationCase(input: $input) { id } }`,
      { input: marketCaseInput({ region: '411302' }) }, callers.nanyangMarketOfficer);
    expect(recorded.errors).toBeUndefined();
    const farCase = recorded.data.createMarketRegulationCase.id;
    await eventually(async () => ((await hub.graphql(`query($id: ID!) { case(id: $id) { id } }`, { id: farCase }, callers.nanyangProcurator)).data?.case?.id ? true : undefined),
      10_000, 'the 411302 case in the index');
    const { data, errors } = await hub.graphql(OPEN, { caseId: farCase, input: { kind: 'FILING_SUPERVISION', summary: '立案监督' } }, callers.procurator);
    expect(data).toEqual({ openSupervision: null });
    expect(errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'caseId', rule: 'jurisdiction' });
  });

  it('refuses supervision on a case the index does not know, and from anyone but a procurator', async () => {
    const missing = await hub.graphql(OPEN, { caseId: '00000000-0000-4000-8000-000000000000', input: { kind: 'CASE_REVIEW', summary: 's' } }, callers.procurator);
    expect(missing.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'caseId', rule: 'exists' });
    // An agency officer holds no supervision:write: the gateway withholds the mutation itself.
    const officer = await hub.graphql(OPEN, { caseId, input: { kind: 'CASE_REVIEW', summary: 's' } }, callers.marketOfficer);
    expect(officer.errors?.[0].extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    expect(officer.data.openSupervision).toBeNull();
  });

  it('closes a matter once, from OPEN only', async () => {
    const opened = await hub.graphql(OPEN, { caseId, input: { kind: 'TRANSFER_SUPERVISION', summary: '移送监督' } }, callers.procurator);
    const close = `mutation($id: ID!) { closeSupervision(id: $id) { id status closedAt } }`;
    const first = await hub.graphql(close, { id: opened.data.openSupervision.id }, callers.procurator);
    expect(first.errors).toBeUndefined();
    expect(first.data.closeSupervision.status).toBe('CLOSED');
    const second = await hub.graphql(close, { id: opened.data.openSupervision.id }, callers.procurator);
    expect(second.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', rule: 'transition' });
  });

  it('batches case.supervision for a whole page of cases into one statement', async () => {
    await recordMarketCase(hub);
    await recordMarketCase(hub);
    const before = await hub.sqlStatements('procuratorate');
    const { data, errors } = await hub.graphql(`{ cases(first: 20) { edges { node { id supervision { id } } } } }`, undefined, callers.procurator);
    expect(errors).toBeUndefined();
    expect(data.cases.edges.length).toBeGreaterThan(2);
    expect((await hub.sqlStatements('procuratorate')) - before).toBe(1);
  });

  it('sets replyDueAt two calendar months after the bureau signs for it (签收), none before', async () => {
    const { data, errors } = await hub.graphql(ISSUE, { input: { agencyCode: 'MR-320706', caseId, kind: 'CORRECTION', content: '建议依法移送涉嫌犯罪案件' } }, callers.procurator);
    expect(errors).toBeUndefined();
    const issued = data.issueSuggestion;
    expect(issued).toMatchObject({ status: 'ISSUED', kind: 'CORRECTION', procuratorateCode: 'PROC-320706', agency: { code: 'MR-320706' }, case: { id: caseId }, replyDueAt: null });
    const s = (await hub.graphql(ACKNOWLEDGE, { id: issued.id }, callers.marketOfficer)).data.acknowledgeSuggestion;
    // Two calendar months from receipt, rolled to the next working day when the last one is a rest day (schema/deadlines.json).
    expect(s.replyDueAt).toBe(dueAt('suggestionReply', { receivedAt: new Date(s.receivedAt) }).toISOString());
    expect(Date.parse(s.replyDueAt)).toBeGreaterThanOrEqual(addPeriod(new Date(s.receivedAt), { months: 2 }).getTime());
    const days = (Date.parse(s.replyDueAt) - Date.parse(s.receivedAt)) / DAY;
    expect(days).toBeGreaterThanOrEqual(59);
    expect(days).toBeLessThanOrEqual(72);
  });

  it('gives public-interest suggestions 15 days when the harm is ongoing, else two months', async () => {
    const ongoing = await hub.graphql(ISSUE, { input: { agencyCode: 'EE-320706', kind: 'PUBLIC_INTEREST', content: '危险废物非法倾倒，损害持续扩大', harmOngoing: true } }, callers.procurator);
    expect(ongoing.errors).toBeUndefined();
    const a = (await hub.graphql(ACKNOWLEDGE, { id: ongoing.data.issueSuggestion.id }, callers.ecoOfficer)).data.acknowledgeSuggestion;
    expect(a.replyDueAt).toBe(dueAt('publicInterestUrgentReply', { receivedAt: new Date(a.receivedAt) }).toISOString());
    expect(Date.parse(a.replyDueAt) - Date.parse(a.receivedAt)).toBeGreaterThanOrEqual(15 * DAY);

    const settled = await hub.graphql(ISSUE, { input: { agencyCode: 'EE-320706', kind: 'PUBLIC_INTEREST', content: '督促依法履职' } }, callers.procurator);
    const b = (await hub.graphql(ACKNOWLEDGE, { id: settled.data.issueSuggestion.id }, callers.ecoOfficer)).data.acknowledgeSuggestion;
    expect(b.replyDueAt).toBe(dueAt('publicInterestReply', { receivedAt: new Date(b.receivedAt) }).toISOString());
  });

  it('refuses suggestions to unknown or out-of-region bureaus and about another bureau’s case', async () => {
    const unknown = await hub.graphql(ISSUE, { input: { agencyCode: 'NO-SUCH', kind: 'OTHER', content: 'x' } }, callers.procurator);
    expect(unknown.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.agencyCode', rule: 'exists' });
    const far = await hub.graphql(ISSUE, { input: { agencyCode: 'MR-411302', kind: 'OTHER', content: 'x' } }, callers.procurator);
    expect(far.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.agencyCode', rule: 'jurisdiction' });
    const wrongCase = await hub.graphql(ISSUE, { input: { agencyCode: 'EE-320706', caseId, kind: 'OTHER', content: 'x' } }, callers.procurator);
    expect(wrongCase.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.caseId', rule: 'agencyCase' });
  });

  it('shows suggestions to the justice bureau of their region only, as every other reader (supervision:read@region)', async () => {
    const { data, errors } = await hub.graphql(ISSUE, { input: { agencyCode: 'MR-320706', kind: 'SOCIAL_GOVERNANCE', content: '规范执法案卷管理' } }, callers.procurator);
    expect(errors).toBeUndefined();
    const id = data.issueSuggestion.id;
    const LISTED = `query { agency(code: "MR-320706") { suggestions { id } } }`;
    const own = await hub.graphql(SUGGESTION, { id }, callers.justice);
    expect(own.data.suggestion).toMatchObject({ id, status: 'ISSUED' });
    expect((await hub.graphql(LISTED, undefined, callers.justice)).data.agency.suggestions).toContainEqual({ id });

    const farJustice = { role: 'justice_supervisor', org: 'JUS-411302', region: '411302' };
    const single = await hub.graphql(SUGGESTION, { id }, farJustice);
    expect(single.data?.suggestion ?? null).toBeNull();
    const listed = await hub.graphql(LISTED, undefined, farJustice);
    expect(listed.errors).toBeUndefined();
    expect(listed.data.agency.suggestions).toEqual([]);
  });

  it('shows a supervision matter to the justice bureau of the case\'s region only, and its notes to the opening procuratorate only', async () => {
    const opened = await hub.graphql(OPEN, { caseId, input: { kind: 'CASE_REVIEW', summary: '审查', notes: '内部意见' } }, callers.procurator);
    expect(opened.errors).toBeUndefined();
    const id = opened.data.openSupervision.id;
    const MATTER = `query($id: ID!) { supervisionMatter(id: $id) { id notes } }`;
    const own = await hub.graphql(MATTER, { id }, callers.procurator);
    expect(own.data.supervisionMatter).toEqual({ id, notes: '内部意见' });
    const farJustice = await hub.graphql(MATTER, { id }, { role: 'justice_supervisor', org: 'JUS-411302', region: '411302' });
    expect(farJustice.data?.supervisionMatter ?? null).toBeNull();
    // Another procuratorate of the same region reads the matter, not the opener's internal notes, and may not close it.
    const neighbour = { ...callers.procurator, org: 'PROC-320706-2' };
    const seen = await hub.graphql(MATTER, { id }, neighbour);
    expect(seen.data.supervisionMatter).toEqual({ id, notes: null });
    const close = await hub.graphql(`mutation($id: ID!) { closeSupervision(id: $id) { id status } }`, { id }, neighbour);
    expect(close.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  describe('replies', () => {
    let suggestionId: string;
    beforeAll(async () => {
      const { data } = await hub.graphql(ISSUE, { input: { agencyCode: 'MR-320706', caseId, kind: 'CORRECTION', content: '纠正以罚代刑' } }, callers.procurator);
      suggestionId = data.issueSuggestion.id;
    });

    it('refuses a reply from another bureau', async () => {
      const { data, errors } = await hub.graphql(REPLY, { id: suggestionId, input: { reply: '已收悉', rectified: false } }, callers.ecoOfficer);
      expect(data).toEqual({ replyToSuggestion: null });
      expect(errors?.[0].extensions?.code).toBe('FORBIDDEN');
    });

    it('refuses rectified without a rectification, writing nothing', async () => {
      const { errors } = await hub.graphql(REPLY, { id: suggestionId, input: { reply: '已整改', rectified: true } }, callers.marketOfficer);
      expect(errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.rectification', rule: 'requiredWhenRectified' });
      const after = await hub.graphql(SUGGESTION, { id: suggestionId }, callers.marketOfficer);
      expect(after.data.suggestion).toMatchObject({ status: 'ISSUED', reply: null, rectified: null });
    });

    it('takes one reply from the receiving bureau and refuses a second', async () => {
      const first = await hub.graphql(REPLY, { id: suggestionId, input: { reply: '已移送公安机关', rectified: true, rectification: '案件已移送' } }, callers.marketOfficer);
      expect(first.errors).toBeUndefined();
      expect(first.data.replyToSuggestion).toMatchObject({ status: 'REPLIED', reply: '已移送公安机关', rectified: true, rectification: '案件已移送' });
      const second = await hub.graphql(REPLY, { id: suggestionId, input: { reply: '再次回复', rectified: false } }, callers.marketOfficer);
      expect(second.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', rule: 'transition' });
    });

    it('lets only one of two concurrent replies win', async () => {
      const { data } = await hub.graphql(ISSUE, { input: { agencyCode: 'MR-320706', kind: 'SOCIAL_GOVERNANCE', content: '加强监管' } }, callers.procurator);
      const id = data.issueSuggestion.id;
      const results = await Promise.all(['甲', '乙', '丙'].map((reply) =>
        hub.graphql(REPLY, { id, input: { reply, rectified: false } }, callers.marketOfficer)));
      expect(results.filter((r) => !r.errors)).toHaveLength(1);
      for (const r of results.filter((r) => r.errors)) expect(r.errors![0].extensions?.rule).toBe('transition');
    });

    it('lists the suggestion on Agency.suggestions for the bureau and the procuratorate, not for other bureaus', async () => {
      const query = `query { agency(code: "MR-320706") { code name suggestions { id status reply agency { code } } } }`;
      for (const caller of [callers.marketOfficer, callers.procurator, callers.justice]) {
        const { data, errors } = await hub.graphql(query, undefined, caller);
        expect(errors).toBeUndefined();
        expect(data.agency.suggestions).toContainEqual({ id: suggestionId, status: 'REPLIED', reply: '已移送公安机关', agency: { code: 'MR-320706' } });
      }
      for (const caller of [callers.ecoOfficer, callers.nanyangProcurator, callers.psb]) {
        const { data } = await hub.graphql(query, undefined, caller);
        expect(data?.agency?.suggestions ?? []).toEqual([]);
        const single = await hub.graphql(SUGGESTION, { id: suggestionId }, caller);
        expect(single.data?.suggestion ?? null).toBeNull();
      }
    });
  });
});
