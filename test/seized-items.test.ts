// 涉案物品移交 (国务院令第310号 第十二条) end to end, through the gateway: once public security files a
// transferred case, the bureau hands over the seized items within 3 days of receiving the filing
// notice (served through the platform at the filing), or says why none were seized; the unit that
// accepted the case signs for them; a handover left outstanding past its due time is overdue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './support/hub';
import { answers } from './support/answers';
import { callers, recordMarketCase, seedBureaus, type Caller } from './support/fixtures';
import { dueAt } from '../kit/deadlines';

const HOUR = 3_600_000;

const HANDOVER_FIELDS = `status noticeReceivedAt dueAt items { description quantity unit } noneSeizedReason handedOverAt late receivedAt receiptNote overdue
  transfer { id status }`;
const TRANSFER = `mutation($caseId: ID!) { transferCase(caseId: $caseId, input: { summary: "涉嫌销售伪劣产品罪", materials: ["涉案物品清单"] }) { id } }`;
const ACCEPT = `mutation($id: ID!) { acceptTransfer(id: $id) { id } }`;
const FILE = `mutation($id: ID!) { decideTransfer(id: $id, decision: FILE) { id status filedAt seizedItemsHandover { ${HANDOVER_FIELDS} } } }`;
const RECORD = `mutation($id: ID!, $items: [SeizedItemInput!], $noneSeizedReason: String) {
  recordSeizedItemsHandover(transferId: $id, items: $items, noneSeizedReason: $noneSeizedReason) { ${HANDOVER_FIELDS} } }`;
const CONFIRM = `mutation($id: ID!, $note: String) { confirmSeizedItemsReceipt(transferId: $id, note: $note) { ${HANDOVER_FIELDS} } }`;
const VIEW = `query($id: ID!) { transfer(id: $id) { id seizedItemsHandover { ${HANDOVER_FIELDS} } } }`;
const OVERDUE = `{ overdue { seizedItemsHandovers { status dueAt overdue transfer { id } } } }`;

const ITEMS = [
  { description: '劣质电线', quantity: 1200, unit: '卷' },
  { description: '销售台账', quantity: 3, unit: '本' },
];

/** A second public-security unit of the same county: covers the region, but did not accept the transfer. */
const otherPsb: Caller = { role: 'psb_officer', org: 'PSB-320706-XJ', region: '320706' };

describe('涉案物品移交 (国务院令第310号 第十二条)', () => {
  let hub: TestHub;

  const { ok, violations, inboxHas } = answers(() => hub);
  /** A case transferred by MR-320706 and accepted by PSB-320706 (not decided). */
  const accepted = async (): Promise<string> => {
    const caseId = await recordMarketCase(hub);
    const { transferCase } = await ok(TRANSFER, { caseId }, callers.marketOfficer);
    await ok(ACCEPT, { id: transferCase.id }, callers.psb);
    return transferCase.id;
  };
  /** …and filed by it. */
  const filed = async () => (await ok(FILE, { id: await accepted() }, callers.psb)).decideTransfer;

  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
  });
  afterAll(() => hub?.stop());

  it('is owed only for a filed transfer: none before the filing, and nothing can be handed over for an undecided one', async () => {
    const id = await accepted();
    expect((await ok(VIEW, { id }, callers.marketOfficer)).transfer.seizedItemsHandover).toBeNull();
    expect(violations(await hub.graphql(RECORD, { id, items: ITEMS }, callers.marketOfficer))).toEqual([['id', 'transition']]);
  });

  it('walks OUTSTANDING → HANDED_OVER → RECEIVED: 3 days from the filing notice, the accepting unit told, then the bureau', async () => {
    const transfer = await filed();
    const filedAt = new Date(transfer.filedAt);
    // 收到立案通知书: served through the platform at the filing; the period runs from there.
    expect(transfer.seizedItemsHandover).toMatchObject({
      status: 'OUTSTANDING', noticeReceivedAt: transfer.filedAt, dueAt: dueAt('seizedItemsHandover', { receivedAt: filedAt }).toISOString(),
      items: [], handedOverAt: null, receivedAt: null, overdue: false, late: false,
    });

    const { recordSeizedItemsHandover: handed } = await ok(RECORD, { id: transfer.id, items: ITEMS }, callers.marketOfficer);
    expect(handed).toMatchObject({ status: 'HANDED_OVER', items: ITEMS, noneSeizedReason: null, late: false, overdue: false, receivedAt: null });
    expect(Date.parse(handed.handedOverAt)).toBeGreaterThanOrEqual(filedAt.getTime());
    const told = await inboxHas(callers.psb, 'SEIZED_ITEMS_HANDED_OVER', transfer.id);
    expect(told.title).toContain('劣质电线 1200卷');
    // The procurator of the region sees what was handed over, as the bureau and public security do.
    for (const caller of [callers.procurator, callers.psb]) {
      expect((await ok(VIEW, { id: transfer.id }, caller)).transfer.seizedItemsHandover).toEqual(handed);
    }
    // Recorded once: a second record is a step from the wrong state.
    expect(violations(await hub.graphql(RECORD, { id: transfer.id, items: ITEMS }, callers.marketOfficer))).toEqual([['id', 'transition']]);

    const { confirmSeizedItemsReceipt: signed } = await ok(CONFIRM, { id: transfer.id, note: '物品与清单相符' }, callers.psb);
    expect(signed).toMatchObject({ status: 'RECEIVED', items: ITEMS, receiptNote: '物品与清单相符' });
    expect(Date.parse(signed.receivedAt)).toBeGreaterThanOrEqual(Date.parse(handed.handedOverAt));
    await inboxHas(callers.marketOfficer, 'SEIZED_ITEMS_RECEIVED', transfer.id);
    expect(violations(await hub.graphql(CONFIRM, { id: transfer.id }, callers.psb))).toEqual([['id', 'transition']]);
    expect((await ok(VIEW, { id: transfer.id }, callers.marketOfficer)).transfer.seizedItemsHandover.status).toBe('RECEIVED');
  });

  it('takes "none seized" with its reason, and there is then nothing to sign for', async () => {
    const transfer = await filed();
    const { recordSeizedItemsHandover: none } = await ok(RECORD, { id: transfer.id, noneSeizedReason: '本案未查封扣押物品' }, callers.marketOfficer);
    expect(none).toMatchObject({ status: 'NONE_SEIZED', items: [], noneSeizedReason: '本案未查封扣押物品' });
    await inboxHas(callers.psb, 'SEIZED_ITEMS_NONE', transfer.id);
    expect(violations(await hub.graphql(CONFIRM, { id: transfer.id }, callers.psb))).toEqual([['id', 'transition']]);
  });

  it('answers bad input with every violation at once, and writes nothing', async () => {
    const transfer = await filed();
    expect(violations(await hub.graphql(RECORD, {
      id: transfer.id,
      items: [{ description: ' ', quantity: 0, unit: '卷' }, { description: '电线', quantity: -1, unit: '单'.repeat(21) }],
      noneSeizedReason: '未扣押',
    }, callers.marketOfficer))).toEqual([
      ['noneSeizedReason', 'itemsOrNoneSeized'],
      ['items.0.description', 'required'], ['items.0.quantity', 'positive'],
      ['items.1.quantity', 'nonNegative'], ['items.1.unit', 'maxLength'],
    ]);
    expect(violations(await hub.graphql(RECORD, { id: transfer.id, items: [] }, callers.marketOfficer))).toEqual([['items', 'required']]);
    expect((await ok(VIEW, { id: transfer.id }, callers.marketOfficer)).transfer.seizedItemsHandover.status).toBe('OUTSTANDING');
  });

  describe('who may take each step', () => {
    let transfer: any;
    beforeAll(async () => { transfer = await filed(); });

    it.each([
      ['another bureau of the region', callers.ecoOfficer, 'FORBIDDEN'],
      ['a bureau of another region', callers.nanyangMarketOfficer, 'FORBIDDEN'],
      ['the accepting public-security unit', callers.psb, 'UNAUTHORIZED_FIELD_OR_TYPE'],
      ['the procurator of the region', callers.procurator, 'UNAUTHORIZED_FIELD_OR_TYPE'],
    ])('the handover is recorded by the transferring bureau only, not by %s', async (_, caller, code) => {
      const result = await hub.graphql(RECORD, { id: transfer.id, items: ITEMS }, caller);
      expect(result.data?.recordSeizedItemsHandover ?? null).toBeNull();
      expect(result.errors?.[0].extensions?.code).toBe(code);
    });

    it.each([
      ['another public-security unit of the county, not the accepting one', otherPsb, 'FORBIDDEN'],
      ['public security of another region', callers.nanyangPsb, 'FORBIDDEN'],
      ['the bureau that handed the items over', callers.marketOfficer, 'UNAUTHORIZED_FIELD_OR_TYPE'],
      ['the procurator of the region', callers.procurator, 'UNAUTHORIZED_FIELD_OR_TYPE'],
    ])('the receipt is signed by the accepting unit only, not by %s', async (_, caller, code) => {
      if ((await ok(VIEW, { id: transfer.id }, callers.psb)).transfer.seizedItemsHandover.status === 'OUTSTANDING') {
        await ok(RECORD, { id: transfer.id, items: ITEMS }, callers.marketOfficer);
      }
      const result = await hub.graphql(CONFIRM, { id: transfer.id }, caller);
      expect(result.data?.confirmSeizedItemsReceipt ?? null).toBeNull();
      expect(result.errors?.[0].extensions?.code).toBe(code);
      expect((await ok(VIEW, { id: transfer.id }, callers.psb)).transfer.seizedItemsHandover.status).toBe('HANDED_OVER');
    });

    it.each([
      ['public security of another region', callers.nanyangPsb],
      ['a bureau of another region', callers.nanyangMarketOfficer],
    ])('is not shown to %s', async (_, caller) => {
      const { data, errors } = await hub.graphql(VIEW, { id: transfer.id }, caller);
      expect(data?.transfer ?? null).toBeNull();
      expect(errors?.[0].extensions?.code).toBe('FORBIDDEN');
    });
  });

  it('shows an outstanding handover past its due time as overdue to the bureau, public security and the procurator of the region, and a late one as late', async () => {
    const transfer = await filed();
    const due = Date.parse(transfer.seizedItemsHandover.dueAt);
    const listed = async (caller: Caller) => (await ok(OVERDUE, undefined, caller)).overdue.seizedItemsHandovers.map((h: any) => h.transfer.id);
    expect(await listed(callers.marketOfficer)).not.toContain(transfer.id);

    await hub.advanceClock(due - Date.parse(transfer.filedAt) + HOUR);
    for (const caller of [callers.marketOfficer, callers.psb, callers.procurator]) expect(await listed(caller)).toContain(transfer.id);
    for (const caller of [callers.nanyangPsb, callers.ecoOfficer]) expect(await listed(caller)).not.toContain(transfer.id);
    expect((await ok(VIEW, { id: transfer.id }, callers.psb)).transfer.seizedItemsHandover).toMatchObject({ status: 'OUTSTANDING', overdue: true });

    // Late is still recorded, and shows as late; it is no longer outstanding.
    const { recordSeizedItemsHandover: late } = await ok(RECORD, { id: transfer.id, items: ITEMS.slice(0, 1) }, callers.marketOfficer);
    expect(late).toMatchObject({ status: 'HANDED_OVER', late: true, overdue: false });
    expect(await listed(callers.psb)).not.toContain(transfer.id);
  });
});
