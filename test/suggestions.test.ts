// 检察建议, whole (issue 11): recipients by kind — a RETRIAL suggestion goes to a court, never to a
// bureau; a public-security unit receives and answers one; mismatches are refused with the field
// and the rule, and nothing is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './support/hub';
import { callers, seedBureaus, type Caller } from './support/fixtures';

const ISSUE = `mutation($input: SuggestionInput!) { issueSuggestion(input: $input) { id kind status agency { code } recipient { kind code name } } }`;
const REPLY = `mutation($id: ID!, $input: SuggestionReplyInput!) { replyToSuggestion(id: $id, input: $input) { id status } }`;
const SUGGESTION = `query($id: ID!) { suggestion(id: $id) { id status recipient { kind code } escalation { reason } } }`;

async function ok(hub: TestHub, query: string, variables: Record<string, unknown> | undefined, caller: Caller): Promise<any> {
  const { data, errors } = await hub.graphql(query, variables, caller);
  expect(errors).toBeUndefined();
  return data;
}

describe('suggestion recipients by kind', () => {
  let hub: TestHub;
  const suggestionsOf = async (caller: Caller) =>
    (await ok(hub, `{ agency(code: "MR-320706") { suggestions { id kind } } }`, undefined, caller)).agency.suggestions as { id: string; kind: string }[];

  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
  }, 120_000);
  afterAll(() => hub?.stop());

  it('refuses a RETRIAL suggestion to a bureau, and writes nothing', async () => {
    const before = await suggestionsOf(callers.procurator);
    const refused = await hub.graphql(ISSUE, { input: { agencyCode: 'MR-320706', kind: 'RETRIAL', content: '建议再审' } }, callers.procurator);
    expect(refused.data?.issueSuggestion ?? null).toBeNull();
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.recipientKind', rule: 'recipientOfKind' });
    expect(refused.errors?.[0].message).toMatch(/RETRIAL suggestion goes to a court/);
    const named = await hub.graphql(ISSUE, { input: { agencyCode: 'MR-320706', recipientKind: 'ENFORCEMENT_BUREAU', kind: 'RETRIAL', content: '建议再审' } }, callers.procurator);
    expect(named.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.recipientKind', rule: 'recipientOfKind' });
    expect(await suggestionsOf(callers.procurator)).toEqual(before);
  });

  it('sends a RETRIAL suggestion to a court, named', async () => {
    const { issueSuggestion: s } = await ok(hub, ISSUE, { input: {
      agencyCode: 'COURT-320706', recipientKind: 'COURT', recipientName: '连云港市海州区人民法院', kind: 'RETRIAL', content: '(2026)苏0706行初12号判决适用法律确有错误，建议再审',
    } }, callers.procurator);
    expect(s).toMatchObject({ kind: 'RETRIAL', status: 'ISSUED', agency: null, recipient: { kind: 'COURT', code: 'COURT-320706', name: '连云港市海州区人民法院' } });
    // A court is not in the directory: its name is required.
    const unnamed = await hub.graphql(ISSUE, { input: { agencyCode: 'COURT-320706', recipientKind: 'COURT', kind: 'RETRIAL', content: '建议再审' } }, callers.procurator);
    expect(unnamed.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.recipientName', rule: 'required' });
    // A court does not take a public-interest suggestion (those go to administrative organs).
    const publicInterest = await hub.graphql(ISSUE, { input: {
      agencyCode: 'COURT-320706', recipientKind: 'COURT', recipientName: '连云港市海州区人民法院', kind: 'PUBLIC_INTEREST', content: '督促履职',
    } }, callers.procurator);
    expect(publicInterest.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.recipientKind', rule: 'recipientOfKind' });
  });

  it('refuses a bureau of the directory named as another kind of recipient', async () => {
    const refused = await hub.graphql(ISSUE, { input: { agencyCode: 'MR-320706', recipientKind: 'PUBLIC_SECURITY', kind: 'CORRECTION', content: '纠正违法' } }, callers.procurator);
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.recipientKind', rule: 'recipientOfKind' });
  });

  it('sends a suggestion to a public-security unit, which reads it and answers it; another unit neither reads nor answers it', async () => {
    const { issueSuggestion: s } = await ok(hub, ISSUE, { input: {
      agencyCode: 'PSB-320706', recipientKind: 'PUBLIC_SECURITY', kind: 'CORRECTION', content: '对行政执法机关移送案件应当依法及时审查',
    } }, callers.procurator);
    expect(s).toMatchObject({ status: 'ISSUED', agency: null, recipient: { kind: 'PUBLIC_SECURITY', code: 'PSB-320706', name: null } });
    expect((await ok(hub, SUGGESTION, { id: s.id }, callers.psb)).suggestion).toMatchObject({ id: s.id, recipient: { kind: 'PUBLIC_SECURITY', code: 'PSB-320706' } });
    expect((await hub.graphql(SUGGESTION, { id: s.id }, callers.nanyangPsb)).data?.suggestion ?? null).toBeNull();
    const foreign = await hub.graphql(REPLY, { id: s.id, input: { reply: '不', rectified: false } }, callers.nanyangPsb);
    expect(foreign.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const bureau = await hub.graphql(REPLY, { id: s.id, input: { reply: '不', rectified: false } }, callers.marketOfficer);
    expect(bureau.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    // Answered without rectification: public security is not the justice bureau's to supervise, so nothing is copied there.
    expect((await ok(hub, REPLY, { id: s.id, input: { reply: '已研究，将另行处理', rectified: false } }, callers.psb)).replyToSuggestion).toEqual({ id: s.id, status: 'REPLIED' });
    expect((await ok(hub, SUGGESTION, { id: s.id }, callers.procurator)).suggestion).toMatchObject({ status: 'REPLIED', escalation: null });
  });
});
