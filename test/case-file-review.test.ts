// 案卷评查 (issue 11, seed 003 健全行政执法案卷管理和评查制度): a reviewer of the justice bureau scores
// a case file of its region against the checklist of schema/case-file-review.json, with a finding
// for every point deducted; bad input is refused all at once and writes nothing; a bureau reads the
// reviews of its own files only; a failed review counts in the bureau's monthly score.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthOf } from '../kit/month';
import { CHECKLIST } from '../subgraphs/justice/case-file-review';
import { startHub, type TestHub } from './support/hub';
import { callers, recordMarketCase, seedBureaus, type Caller } from './support/fixtures';

const REVIEW = `mutation($input: CaseFileReviewInput!) { reviewCaseFile(input: $input) {
  id case { id } agency { code } region checklist score maxScore passed findings { item score points finding } } }`;
const LIST = `query($passed: Boolean) { caseFileReviews(passed: $passed, first: 50) { edges { node { id passed agency { code } } } } }`;
const nanyangJustice: Caller = { role: 'justice_supervisor', org: 'JUS-411302', region: '411302' };

async function ok(hub: TestHub, query: string, variables: Record<string, unknown> | undefined, caller: Caller): Promise<any> {
  const { data, errors } = await hub.graphql(query, variables, caller);
  expect(errors).toBeUndefined();
  return data;
}

/** Every item at full marks, with `changes` (item → score) applied and a finding where points are lost. */
const findings = (changes: Record<string, number> = {}) => CHECKLIST.items.map((item) => {
  const score = changes[item.code] ?? item.points;
  return { item: item.code, score, ...(score < item.points ? { finding: `${item.code}: 案卷缺少相应材料` } : {}) };
});

describe('case-file review (案卷评查)', () => {
  let hub: TestHub;
  let caseId: string;
  let nanyangCase: string;
  const listed = async (caller: Caller, passed?: boolean) =>
    (await ok(hub, LIST, { passed }, caller)).caseFileReviews.edges.map((e: any) => e.node) as { id: string; passed: boolean; agency: { code: string } }[];

  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
    caseId = await recordMarketCase(hub);
    nanyangCase = await recordMarketCase(hub, { region: '411302' }, callers.nanyangMarketOfficer);
  }, 120_000);
  afterAll(() => hub?.stop());

  it.each([
    ['agency_officer', callers.marketOfficer],
    ['psb_officer', callers.psb],
    ['procurator', callers.procurator],
    ['platform_admin', callers.admin],
  ] as const)('is not done by a %s (the gateway withholds the mutation: no justice:review)', async (_, caller) => {
    const refused = await hub.graphql(REVIEW, { input: { caseId, findings: findings() } }, caller);
    expect(refused.data?.reviewCaseFile ?? null).toBeNull();
    expect(refused.errors?.[0].extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
  });

  it('refuses an unknown item, a score out of range, a deduction without a finding, a missing item and a case of another region, all at once, and writes nothing', async () => {
    const [first, second, ...rest] = findings();
    const bad = [
      { item: 'NO_SUCH_ITEM', score: 1 },
      { item: first.item, score: CHECKLIST.items[0].points + 1 },
      { item: second.item, score: 0 },
      ...rest.slice(1),
    ];
    const refused = await hub.graphql(REVIEW, { input: { caseId: nanyangCase, findings: bad } }, callers.justice);
    expect(refused.data?.reviewCaseFile ?? null).toBeNull();
    expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const violations = refused.errors![0].extensions!.violations as { field: string; rule: string; message: string }[];
    expect(violations.map((v) => [v.field, v.rule])).toEqual([
      ['input.caseId', 'jurisdiction'],
      ['input.findings[0].item', 'oneOf'],
      ['input.findings[1].score', 'range'],
      ['input.findings[2].finding', 'required'],
      ['input.findings', 'required'],
    ]);
    expect(violations[4].message).toContain(rest[0].item);
    expect(await listed(callers.justice)).toEqual([]);
    // The case of the other region is that region's justice bureau's to review.
    const theirs = await ok(hub, REVIEW, { input: { caseId: nanyangCase, findings: findings() } }, nanyangJustice);
    expect(theirs.reviewCaseFile).toMatchObject({ region: '411302', passed: true });
  });

  it("scores a file of the region against the checklist; the bureau reads its own reviews, no other bureau or region does", async () => {
    const passing = (await ok(hub, REVIEW, { input: { caseId, findings: findings({ DISCRETION: 6 }) } }, callers.justice)).reviewCaseFile;
    expect(passing).toMatchObject({ case: { id: caseId }, agency: { code: 'MR-320706' }, region: '320706', checklist: CHECKLIST.id, score: 96, maxScore: 100, passed: true });
    expect(passing.findings.find((f: any) => f.item === 'DISCRETION')).toEqual({ item: 'DISCRETION', score: 6, points: 10, finding: 'DISCRETION: 案卷缺少相应材料' });
    // 事实不清、证据不足 and no 法制审核: below the pass mark of 80.
    const failing = (await ok(hub, REVIEW, { input: { caseId, findings: findings({ FACTS_EVIDENCE: 5, LEGAL_REVIEW: 0 }) } }, callers.justice)).reviewCaseFile;
    expect(failing).toMatchObject({ score: 75, passed: false });

    const ids = (nodes: { id: string }[]) => nodes.map((n) => n.id).sort();
    expect(ids(await listed(callers.marketOfficer))).toEqual([passing.id, failing.id].sort());
    expect(ids(await listed(callers.procurator))).toEqual([passing.id, failing.id].sort());
    expect((await listed(callers.justice, false)).map((n) => n.id)).toEqual([failing.id]);
    expect(await listed(callers.ecoOfficer)).toEqual([]);
    expect((await listed(nanyangJustice)).every((n) => n.agency.code === 'MR-411302')).toBe(true);
    const single = await hub.graphql(`query($id: ID!) { caseFileReview(id: $id) { id } }`, { id: failing.id }, callers.ecoOfficer);
    expect(single.data?.caseFileReview ?? null).toBeNull();
  });

  it("counts the month's failed review in the bureau's score, and the ranking names the deduction", async () => {
    const month = monthOf(new Date());
    const card = (await ok(hub, `query($code: ID!, $m: String!) { agency(code: $code) { scorecard(month: $m) {
      caseFileReviews caseFileReviewsFailed score scoreTerms { measure count points deducted } } } }`, { code: 'MR-320706', m: month }, callers.procurator)).agency.scorecard;
    expect(card).toMatchObject({ caseFileReviews: 2, caseFileReviewsFailed: 1, score: 95 });
    expect(card.scoreTerms.find((t: any) => t.measure === 'caseFileReviewsFailed')).toEqual({ measure: 'caseFileReviewsFailed', count: 1, points: 5, deducted: 5 });
    const ranking = (await ok(hub, `query($m: String!) { scorecardRanking(month: $m, region: "320706") { explanation scorecard { agencyCode score } } }`,
      { m: month }, callers.procurator)).scorecardRanking;
    const mr = ranking.find((r: any) => r.scorecard.agencyCode === 'MR-320706');
    expect(mr.scorecard.score).toBe(95);
    expect(mr.explanation).toContain('− 5 × 1 caseFileReviewsFailed = 95');
  });
});
