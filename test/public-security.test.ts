import pg from 'pg';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { eventually, startHub, type TestHub } from './support/hub';
import { callers, recordMarketCase, seedBureaus } from './support/fixtures';
import { DEADLINE_RULES, dueAt } from './support/deadline-views';

const DAY = 86_400_000;

const FIELDS = `id status agencyCode region summary materials submittedAt acceptedAt decisionDueAt decidedAt decision decisionReason
  reconsiderationRequestedAt reconsiderationReason reconsiderationDueAt reconsideredAt case { id caseNumber }`;
const TRANSFER = `mutation($caseId: ID!, $input: TransferInput!) { transferCase(caseId: $caseId, input: $input) { ${FIELDS} } }`;
const ACCEPT = `mutation($id: ID!) { acceptTransfer(id: $id) { ${FIELDS} } }`;
const DECIDE = `mutation($id: ID!, $decision: TransferDecision!, $reason: String) { decideTransfer(id: $id, decision: $decision, reason: $reason) { ${FIELDS} } }`;
const REQUEST = `mutation($id: ID!, $reason: String!) { requestReconsideration(id: $id, reason: $reason) { ${FIELDS} } }`;
const RECONSIDER = `mutation($id: ID!, $decision: TransferDecision!, $reason: String!) { decideReconsideration(id: $id, decision: $decision, reason: $reason) { ${FIELDS} } }`;
const INPUT = { summary: '涉嫌销售伪劣产品，销售金额已达追诉标准', materials: ['调查报告', '涉案物品清单', '检验报告'] };

describe('filing-decision deadlines (rule data)', () => {
  it('keeps every period with its citation, in calendar days', () => {
    for (const rule of DEADLINE_RULES) {
      expect(rule.citation).toMatch(/国务院令第310号 第.条/);
      expect(rule.calendar).toBe('calendar');
      expect(rule.days).toBe(3);
    }
  });

  it('lets FILING_DECISION_DAYS set the filing period for complex cases, and rejects nonsense', () => {
    const from = new Date('2026-09-15T02:00:00Z');
    // Periods in days end at 24:00 Beijing of the last day (民法典 第203条), stored as 23:59:59.999.
    expect(dueAt('filingDecision', from, {}).toISOString()).toBe('2026-09-18T15:59:59.999Z');
    expect(dueAt('filingDecision', from, { FILING_DECISION_DAYS: '7' }).toISOString()).toBe('2026-09-22T15:59:59.999Z');
    expect(dueAt('reconsiderationRequest', from, { FILING_DECISION_DAYS: '7' }).toISOString()).toBe('2026-09-18T15:59:59.999Z');
    expect(() => dueAt('filingDecision', from, { FILING_DECISION_DAYS: 'seven' })).toThrow(/FILING_DECISION_DAYS/);
  });
});

describe('public security through the gateway', () => {
  let hub: TestHub;
  let db: pg.Client;

  const transferOf = async (caseId: string) => {
    const { data, errors } = await hub.graphql(TRANSFER, { caseId, input: INPUT }, callers.marketOfficer);
    expect(errors).toBeUndefined();
    return data.transferCase;
  };
  const accepted = async () => {
    const transfer = await transferOf(await recordMarketCase(hub));
    const { data, errors } = await hub.graphql(ACCEPT, { id: transfer.id }, callers.psb);
    expect(errors).toBeUndefined();
    return data.acceptTransfer;
  };
  const refused = async () => {
    const transfer = await accepted();
    const { errors } = await hub.graphql(DECIDE, { id: transfer.id, decision: 'NOT_FILE', reason: '情节显著轻微，不认为是犯罪' }, callers.psb);
    expect(errors).toBeUndefined();
    return transfer;
  };
  const row = async (id: string) => (await db.query('SELECT status, version FROM case_transfer WHERE id = $1', [id])).rows[0];

  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
    db = await hub.ownerDatabase('public-security');
  });
  afterAll(async () => {
    await db?.end();
    await hub?.stop();
  });

  it('refuses to transfer another bureau’s case, naming the field and the rule, and writes nothing', async () => {
    const caseId = await recordMarketCase(hub);
    const { data, errors } = await hub.graphql(TRANSFER, { caseId, input: INPUT }, callers.ecoOfficer);
    expect(data).toEqual({ transferCase: null }); // the mutation is nullable: refused, it answers null
    expect(errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'caseId', rule: 'ownCase' });
    expect(errors?.[0].message).toMatch(/caseId/);
    expect((await db.query('SELECT count(*)::int AS n FROM case_transfer WHERE case_id = $1', [caseId])).rows[0].n).toBe(0);
  });

  it('refuses a case the index does not know, an empty summary, and anyone but a bureau officer', async () => {
    const missing = await hub.graphql(TRANSFER, { caseId: '00000000-0000-4000-8000-000000000000', input: INPUT }, callers.marketOfficer);
    expect(missing.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'caseId', rule: 'exists' });
    const caseId = await recordMarketCase(hub);
    const empty = await hub.graphql(TRANSFER, { caseId, input: { ...INPUT, summary: '  ' } }, callers.marketOfficer);
    expect(empty.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.summary', rule: 'required' });
    // Public security holds no transfer:write: the gateway withholds the mutation itself.
    const psb = await hub.graphql(TRANSFER, { caseId, input: INPUT }, callers.psb);
    expect(psb.errors?.[0].extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
  });

  it('transfers a case once; the decision is due 3 days after submission, then 3 days after acceptance', async () => {
    const caseId = await recordMarketCase(hub);
    const transfer = await transferOf(caseId);
    expect(transfer).toMatchObject({ status: 'SUBMITTED', agencyCode: 'MR-320706', region: '320706', materials: INPUT.materials, acceptedAt: null, case: { id: caseId } });
    // 3 calendar days, rolled to the next working day when the last one is a rest day (schema/deadlines.json).
    expect(transfer.decisionDueAt).toBe(dueAt('filingDecision', new Date(transfer.submittedAt), {}).toISOString());
    expect(Date.parse(transfer.decisionDueAt) - Date.parse(transfer.submittedAt)).toBeGreaterThanOrEqual(3 * DAY);

    const again = await hub.graphql(TRANSFER, { caseId, input: INPUT }, callers.marketOfficer);
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'caseId', rule: 'transition' });

    const far = await hub.graphql(ACCEPT, { id: transfer.id }, callers.nanyangPsb);
    expect(far.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const { data, errors } = await hub.graphql(ACCEPT, { id: transfer.id }, callers.psb);
    expect(errors).toBeUndefined();
    expect(data.acceptTransfer.status).toBe('ACCEPTED');
    expect(data.acceptTransfer.decisionDueAt).toBe(dueAt('filingDecision', new Date(data.acceptTransfer.acceptedAt), {}).toISOString());

    // The case shows its transfer to those who may read it, and null to anyone else.
    const query = `query($id: ID!) { case(id: $id) { id transfer { id status decisionDueAt } } }`;
    const seen = await hub.graphql(query, { id: caseId }, callers.procurator);
    expect(seen.errors).toBeUndefined();
    expect(seen.data.case.transfer).toMatchObject({ id: transfer.id, status: 'ACCEPTED' });
    const other = await hub.graphql(query, { id: caseId }, callers.nanyangProcurator);
    expect(other.data?.case?.transfer ?? null).toBeNull();
  });

  it('refuses a filing decision before acceptance', async () => {
    const transfer = await transferOf(await recordMarketCase(hub));
    const { data, errors } = await hub.graphql(DECIDE, { id: transfer.id, decision: 'FILE' }, callers.psb);
    expect(data).toEqual({ decideTransfer: null });
    expect(errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', rule: 'transition' });
    expect(errors?.[0].message).toMatch(/SUBMITTED/);
    expect(await row(transfer.id)).toEqual({ status: 'SUBMITTED', version: 1 });
  });

  it('refuses NOT_FILE without a reason, writing nothing', async () => {
    const transfer = await accepted();
    for (const reason of [null, '   ']) {
      const { errors } = await hub.graphql(DECIDE, { id: transfer.id, decision: 'NOT_FILE', reason }, callers.psb);
      expect(errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason', rule: 'requiredWhenNotFiling' });
    }
    expect(await row(transfer.id)).toEqual({ status: 'ACCEPTED', version: 2 });
  });

  it('refuses a second decision', async () => {
    const transfer = await accepted();
    const first = await hub.graphql(DECIDE, { id: transfer.id, decision: 'FILE' }, callers.psb);
    expect(first.errors).toBeUndefined();
    expect(first.data.decideTransfer).toMatchObject({ status: 'FILED', decision: 'FILE', decisionReason: null });
    const second = await hub.graphql(DECIDE, { id: transfer.id, decision: 'NOT_FILE', reason: '改变主意' }, callers.psb);
    expect(second.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', rule: 'transition' });
    expect(second.errors?.[0].message).toMatch(/FILED/);
    expect(await row(transfer.id)).toEqual({ status: 'FILED', version: 3 });
  });

  it('lets exactly one of two concurrent decisions win', async () => {
    const transfer = await accepted();
    const results = await Promise.all([
      hub.graphql(DECIDE, { id: transfer.id, decision: 'FILE' }, callers.psb),
      hub.graphql(DECIDE, { id: transfer.id, decision: 'NOT_FILE', reason: '不构成犯罪' }, callers.psb),
    ]);
    expect(results.filter((r) => r.data?.decideTransfer).length).toBe(1);
    expect(results.filter((r) => r.errors?.[0].extensions?.rule === 'transition').length).toBe(1);
    expect((await row(transfer.id)).version).toBe(3);
  });

  it('runs the reconsideration flow: requested by the bureau, answered by public security', async () => {
    const transfer = await refused();
    const stranger = await hub.graphql(REQUEST, { id: transfer.id, reason: '涉案金额已达追诉标准' }, callers.ecoOfficer);
    expect(stranger.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const early = await hub.graphql(RECONSIDER, { id: transfer.id, decision: 'FILE', reason: '复议' }, callers.psb);
    expect(early.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', rule: 'transition' });

    const requested = await hub.graphql(REQUEST, { id: transfer.id, reason: '涉案金额已达追诉标准' }, callers.marketOfficer);
    expect(requested.errors).toBeUndefined();
    const r = requested.data.requestReconsideration;
    expect(r).toMatchObject({ status: 'RECONSIDERATION_REQUESTED', reconsiderationReason: '涉案金额已达追诉标准', decision: 'NOT_FILE' });
    expect(r.reconsiderationDueAt).toBe(dueAt('reconsiderationDecision', new Date(r.reconsiderationRequestedAt), {}).toISOString());
    const twice = await hub.graphql(REQUEST, { id: transfer.id, reason: '再次' }, callers.marketOfficer);
    expect(twice.errors?.[0].extensions).toMatchObject({ field: 'id', rule: 'transition' });

    const answered = await hub.graphql(RECONSIDER, { id: transfer.id, decision: 'FILE', reason: '经复议，决定立案' }, callers.psb);
    expect(answered.errors).toBeUndefined();
    expect(answered.data.decideReconsideration.status).toBe('FILED');
    expect(answered.data.decideReconsideration.reconsideredAt).not.toBeNull();

    const upheld = await refused();
    await hub.graphql(REQUEST, { id: upheld.id, reason: '理由' }, callers.marketOfficer);
    const kept = await hub.graphql(RECONSIDER, { id: upheld.id, decision: 'NOT_FILE', reason: '维持不予立案决定' }, callers.psb);
    expect(kept.data?.decideReconsideration.status).toBe('RECONSIDERATION_UPHELD');
  });

  it('refuses a reconsideration request more than 3 days after the refusal', async () => {
    const transfer = await refused();
    // Well past 3 days, however a weekend or holiday rolls the last day (schema/holidays.json).
    await db.query(`UPDATE case_transfer SET decided_at = now() - interval '20 days' WHERE id = $1`, [transfer.id]);
    const { errors } = await hub.graphql(REQUEST, { id: transfer.id, reason: '理由' }, callers.marketOfficer);
    expect(errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', rule: 'deadline' });
    expect((await row(transfer.id)).status).toBe('NOT_FILED');
  });

  it('lists transfers newest first by keyset, scoped to the caller', async () => {
    const LIST = `query($filter: TransferFilter, $after: String) { transfers(filter: $filter, first: 2, after: $after) {
      edges { cursor node { id region agencyCode submittedAt } } pageInfo { hasNextPage endCursor } } }`;
    const ids: string[] = [];
    let after: string | null = null;
    do {
      const { data, errors }: any = await hub.graphql(LIST, { after }, callers.psb);
      expect(errors).toBeUndefined();
      ids.push(...data.transfers.edges.map((e: any) => e.node.id));
      after = data.transfers.pageInfo.hasNextPage ? data.transfers.pageInfo.endCursor : null;
    } while (after);
    const { rows } = await db.query(`SELECT id FROM case_transfer ORDER BY submitted_at DESC, id DESC`);
    expect(ids).toEqual(rows.map((r) => r.id));

    const far = await hub.graphql(LIST, {}, callers.nanyangPsb);
    expect(far.data.transfers.edges).toEqual([]);
    const eco = await hub.graphql(LIST, {}, callers.ecoOfficer);
    expect(eco.data.transfers.edges).toEqual([]);
    const filed = await hub.graphql(LIST, { filter: { status: 'FILED' } }, callers.justice);
    expect(filed.data.transfers.edges.length).toBeGreaterThan(0);
    // The justice bureau reads transfers of its own region only (case:read@region), like everyone regional.
    const farJustice = await hub.graphql(LIST, {}, { role: 'justice_supervisor', org: 'JUS-411302', region: '411302' });
    expect(farJustice.errors).toBeUndefined();
    expect(farJustice.data.transfers.edges).toEqual([]);
    const outsider = await hub.graphql(LIST, {}, callers.admin);
    expect(outsider.errors?.[0].extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    expect(outsider.data.transfers).toBeNull();
  });

  it('lets only the unit that accepted a transfer decide on it and answer a reconsideration, writing nothing for another unit', async () => {
    const transfer = await accepted();
    // Another public-security unit of the same region (国务院令第310号 第八条: the accepting unit decides).
    const neighbour = { ...callers.psb, org: 'PSB-320706-2' };
    const decided = await hub.graphql(DECIDE, { id: transfer.id, decision: 'FILE' }, neighbour);
    expect(decided.data?.decideTransfer ?? null).toBeNull();
    expect(decided.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await row(transfer.id)).toEqual({ status: 'ACCEPTED', version: 2 });

    const { errors } = await hub.graphql(DECIDE, { id: transfer.id, decision: 'NOT_FILE', reason: '不构成犯罪' }, callers.psb);
    expect(errors).toBeUndefined();
    await hub.graphql(REQUEST, { id: transfer.id, reason: '涉案金额已达追诉标准' }, callers.marketOfficer);
    const reconsidered = await hub.graphql(RECONSIDER, { id: transfer.id, decision: 'FILE', reason: '复议' }, neighbour);
    expect(reconsidered.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await row(transfer.id)).toEqual({ status: 'RECONSIDERATION_REQUESTED', version: 4 });
  });

  it('releases the investigation and the informant (classified) only with a stated reason, and audits each release', async () => {
    const transfer = await accepted();
    const RECORD = `mutation($id: ID!) { recordInvestigation(transferId: $id, input: { summary: "已查明供货渠道", measures: ["查封仓库"], informantName: "匿名群众", informantPhone: "13900001111" }) { id } }`;
    expect((await hub.graphql(RECORD, { id: transfer.id }, callers.psb)).errors).toBeUndefined();
    const INVESTIGATION = `query($id: ID!) { transfer(id: $id) { id investigation { summary informant { name phone } } } }`;

    // The accepting unit itself, without X-Access-Reason: nothing classified, and told why.
    const silent = await hub.graphql(INVESTIGATION, { id: transfer.id }, callers.psb);
    expect(silent.data.transfer).toEqual({ id: transfer.id, investigation: null });
    expect(silent.errors?.[0]).toMatchObject({ path: ['transfer', 'investigation'], extensions: { code: 'BAD_USER_INPUT', field: 'X-Access-Reason', rule: 'required' } });

    const stated = await hub.graphql(INVESTIGATION, { id: transfer.id }, { ...callers.psb, reason: '侦查协作' });
    expect(stated.errors).toBeUndefined();
    expect(stated.data.transfer.investigation).toEqual({ summary: '已查明供货渠道', informant: { name: '匿名群众', phone: '13900001111' } });

    // The procurator of the region reads the investigation with a reason, never the informant.
    const procurator = await hub.graphql(INVESTIGATION, { id: transfer.id }, { ...callers.procurator, reason: '立案监督' });
    expect(procurator.data.transfer.investigation).toEqual({ summary: '已查明供货渠道', informant: null });

    // Every classified release is on the audit record: the refusal and the full releases.
    const auditor = { role: 'auditor', org: 'AUDIT-320706', region: '320706' };
    const AUDIT = `query($filter: AuditFilter) { auditLog(filter: $filter, first: 50) { edges { node { role org coordinate decision reason } } } }`;
    const entries = await eventually(async () => {
      const { data } = await hub.graphql(AUDIT, { filter: { entityId: transfer.id } }, auditor);
      const nodes = data?.auditLog?.edges.map((e: any) => e.node) ?? [];
      return nodes.some((n: any) => n.coordinate === 'Investigation.informant' && n.decision === 'FULL') ? nodes : undefined;
    }, 10_000, 'classified releases in the audit log');
    expect(entries).toContainEqual({ role: 'psb_officer', org: 'PSB-320706', coordinate: 'CaseTransfer.investigation', decision: 'DENIED', reason: null });
    expect(entries).toContainEqual({ role: 'psb_officer', org: 'PSB-320706', coordinate: 'CaseTransfer.investigation', decision: 'FULL', reason: '侦查协作' });
    expect(entries).toContainEqual({ role: 'psb_officer', org: 'PSB-320706', coordinate: 'Investigation.informant', decision: 'FULL', reason: '侦查协作' });
    expect(entries).toContainEqual({ role: 'procurator', org: 'PROC-320706', coordinate: 'CaseTransfer.investigation', decision: 'FULL', reason: '立案监督' });
  });

  it('resolves the transfers of a whole page of cases with one SQL statement', async () => {
    const before = await hub.sqlStatements('public-security');
    const { data, errors } = await hub.graphql(`{ cases(first: 20) { edges { node { id transfer { id status } } } } }`, {}, callers.psb);
    expect(errors).toBeUndefined();
    expect(data.cases.edges.filter((e: any) => e.node.transfer).length).toBeGreaterThan(3);
    expect((await hub.sqlStatements('public-security')) - before).toBe(1);
  });
});
