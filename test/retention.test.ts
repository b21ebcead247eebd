// Retention and erasure (issue 16, 个人信息保护法 第47条): once the period of
// schema/retention.json has passed (the hub's clock moved past it), a natural person's name,
// number, phone and address are gone from the agency's database and unreadable through the graph,
// while the case keeps its legal facts, an organisation party is kept, the party stays its keyed
// blind index, and the audit log, which recorded the earlier releases, still verifies: its
// entries hold no personal value to erase.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, startHub, type TestHub } from './support/hub';
import { callers, creditCode, recordMarketCase, residentId, seedBureaus } from './support/fixtures';
import { externalPostgres } from '../scripts/hub/postgres';
import { verifyAuditLog } from '../gateway/audit/verify-log';
import { cutoffOf, RETENTION } from '../kit/retention';

const REASON = '案件办理';
const PERSON = { kind: 'NATURAL_PERSON', name: '司马晓燕', idNumber: residentId('320706', '19880214', 372), phone: '13770051234', address: '江苏省连云港市海州区通灌路27号' };
const COMPANY = { kind: 'ORGANIZATION', name: '连云港瑞丰建材有限公司', idNumber: creditCode('320706', 'MA4BK7N2P'), phone: '05186612345', address: '江苏省连云港市海州区苍梧路5号' };
const YEAR_MS = 365.25 * 24 * 3600 * 1000;
const PARTY = `party { kind name idNumber phone address }`;

describe('retention and erasure', () => {
  let hub: TestHub;
  const ids: Record<'person' | 'company', string> = { person: '', company: '' };
  const read = (id: string) => hub.graphql(`query($id: ID!) { case(id: $id) { id caseNumber cause fineAmount decidedAt ${PARTY} } }`, { id }, { ...callers.marketOfficer, reason: REASON });

  beforeAll(async () => {
    hub = await startHub({ env: { RETENTION_POLL_MS: '200' } });
    await seedBureaus(hub);
    [ids.person, ids.company] = await Promise.all([recordMarketCase(hub, { party: PERSON }), recordMarketCase(hub, { party: COMPANY })]);
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('states a period and its legal basis for every class, and says which periods are not verified and why', () => {
    for (const [name, cls] of Object.entries(RETENTION)) {
      expect(cls.basis, name).toMatch(/第\d+条|第[一二三四五六七八九十百]+条/);
      expect(typeof cls.verified, name).toBe('boolean');
      if (!cls.verified) expect(cls.why.length, name).toBeGreaterThan(20);
      if (cls.erases.length) expect(cls.years, name).toBeGreaterThan(0);
    }
    expect([...RETENTION.party.erases].sort()).toEqual(['address', 'id_number', 'name', 'phone']);
  });

  it('keeps everything before the period ends', async () => {
    const { data, errors } = await read(ids.person);
    expect(errors).toBeUndefined();
    expect(data.case.party).toEqual({ ...PERSON });
  });

  it("erases a natural person past the period: unreadable through the graph, gone from the database; the case, the company and the audit proofs remain", async () => {
    const before = (await read(ids.person)).data.case;
    // Released before the erasure, so the audit log holds entries about this party.
    expect(before.party.idNumber).toBe(PERSON.idNumber);
    await hub.advanceClock((RETENTION.party.years! + 1) * YEAR_MS);
    const db = await hub.ownerDatabase('market-regulation');
    try {
      const row = await eventually(async () => {
        const { rows } = await db.query(`SELECT p.* FROM party p JOIN enforcement_case c ON c.party_id = p.id WHERE c.id = $1`, [ids.person]);
        return rows[0].id_number === null ? rows[0] : undefined;
      }, 15_000, 'the erasure');
      expect({ name: row.name, id_number: row.id_number, phone: row.phone, address: row.address }).toEqual({ name: null, id_number: null, phone: null, address: null });
      // The party stays a keyed reference: its kind and blind index, under the agency's key.
      expect(row.kind).toBe('NATURAL_PERSON');
      expect(row.id_number_index).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
      const company = (await db.query(`SELECT p.* FROM party p JOIN enforcement_case c ON c.party_id = p.id WHERE c.id = $1`, [ids.company])).rows[0];
      expect(company.id_number).toMatch(/^aes-256-gcm:/);
    } finally {
      await db.end();
    }

    const { data, errors } = await read(ids.person);
    expect(errors).toBeUndefined();
    expect(data.case.party).toEqual({ kind: 'NATURAL_PERSON', name: '（保存期限届满，个人信息已删除）', idNumber: null, phone: null, address: null });
    // The case's legal facts are untouched.
    const { party: _, ...facts } = data.case;
    const { party: __, ...factsBefore } = before;
    expect(facts).toEqual(factsBefore);
    // An organisation is not a person: kept whole (schema/retention.json `organisation`).
    expect((await read(ids.company)).data.case.party).toEqual({ ...COMPANY });

    // The audit log still proves what was released, and holds nothing of what was erased.
    const server = externalPostgres(inject('postgresAdminUrl'));
    const report = await verifyAuditLog(server.url(hub.databases.gateway), { witnessUrl: server.url(hub.databases.procuratorate), publicKeysFile: hub.keys.directory });
    expect(report.ok).toBe(true);
    expect(report.entries).toBeGreaterThan(0);
    const log = await hub.ownerDatabase('gateway');
    try {
      const { rows } = await log.query(`SELECT a::text AS entry FROM audit_log a`);
      const released = rows.filter((r) => r.entry.includes(ids.person));
      expect(released.length).toBeGreaterThan(0);
      for (const value of [PERSON.name, PERSON.idNumber, PERSON.phone, PERSON.address]) expect(rows.some((r) => r.entry.includes(value)), value).toBe(false);
    } finally {
      await log.end();
    }
  });

  it('dates a period by the calendar', () => {
    expect(cutoffOf(new Date('2036-03-01T00:00:00Z'), 10).toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });
});
