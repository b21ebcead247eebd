// Re-keying the case index (issue 17): the migration from the HMAC party keys to OPRF references,
// and a rotation of justice's OPRF key. Both keep a party's history whole: partyCases answers the
// same cases before and after, and every row ends under the key of the day.
import { createHmac, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type pg from 'pg';
import type { QueryRunner } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHub, type TestHub } from './support/hub';
import { callers, recordMarketCase, residentId, seedBureaus, waitForIndexed } from './support/fixtures';
import { evaluateDirectly, partyInput } from '../kit/crypto/oprf';
import { readOprfKeyFile, writeOprfKeyFile } from '../kit/crypto/oprf-key-file';
import { publishPartyRefKey } from '../kit/keys';
import { JusticePartyRefs1700000001700 } from '../subgraphs/justice/migrations/1700000001700-PartyRefs';
import { AgencyKitPartyRefs1700000001700, RESEND_NEWEST_EVENTS_SQL } from '../subgraphs/agencies/kit/party-ref-migration';

const REASON = '重复违法线索核查';
const PERSON = { kind: 'NATURAL_PERSON', name: '司马静怡', idNumber: residentId('320706', '19880214', 233), phone: '13705186642', address: '江苏省连云港市海州区通灌路3号' };
const AGENCIES = ['market-regulation', 'eco-environment'];

/** A migration run by hand on a database, as TypeORM would (only `query` is used). */
const runner = (client: pg.Client) => ({ query: async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows }) as unknown as QueryRunner;

describe('re-keying the party references of the index', () => {
  let hub: TestHub;
  let justiceDb: pg.Client;
  const agencyDbs: Record<string, pg.Client> = {};
  const caseIds: string[] = [];

  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
    caseIds.push(await recordMarketCase(hub, { party: PERSON }), await recordMarketCase(hub, { party: PERSON }));
    const { data, errors } = await hub.graphql(`mutation($input: EcoEnvironmentCaseInput!) { createEcoEnvironmentCase(input: $input) { id } }`, {
      input: {
        caseNumber: `海环罚〔2026〕${Math.floor(Math.random() * 1e6)}号`, actType: 'ADMINISTRATIVE_PENALTY', cause: '无证从事危险废物经营',
        offenceCode: 'CL225', amountInvolved: 9000, fineAmount: 5000, decidedAt: '2025-08-01T02:00:00Z', region: '320706', pollutant: '废矿物油', party: PERSON,
      },
    }, callers.ecoOfficer);
    expect(errors).toBeUndefined();
    caseIds.push(data.createEcoEnvironmentCase.id);
    await waitForIndexed(hub, data.createEcoEnvironmentCase.id);
    justiceDb = await hub.ownerDatabase('justice');
    for (const agency of AGENCIES) agencyDbs[agency] = await hub.ownerDatabase(agency);
  });
  afterAll(async () => {
    await Promise.all([justiceDb, ...Object.values(agencyDbs)].map((c) => c?.end()));
    await hub?.stop();
  });

  const lookup = async () => {
    const { data, errors } = await hub.graphql(`query($i: String!) { partyCases(identifier: $i, kind: NATURAL_PERSON) { id } }`,
      { i: PERSON.idNumber }, { ...callers.procurator, reason: REASON });
    expect(errors).toBeUndefined();
    return data.partyCases.map((c: { id: string }) => c.id).sort() as string[];
  };
  const indexRows = async () => (await justiceDb.query(`SELECT party_key, party_key_id FROM case_index WHERE id = ANY($1)`, [caseIds])).rows;
  const outboxText = async (agency: string) => (await agencyDbs[agency].query(`SELECT payload::text AS p FROM outbox`)).rows.map((r) => r.p).join('\n');

  it('from HMAC keys: the migration takes the numbers out of the outboxes, the agencies re-send, and the index answers as before', async () => {
    // Each lookup in this file is one request of the procurator: well within its limits.
    expect(await lookup()).toEqual([...caseIds].sort());
    // The world before issue 17: outbox rows with the raw identifier, index rows with an HMAC under a shared secret.
    const secret = randomBytes(32).toString('hex');
    const hmac = createHmac('sha256', secret).update(`NATURAL_PERSON:${PERSON.idNumber}`).digest('hex');
    await justiceDb.query(`ALTER TABLE case_index DROP COLUMN party_key_id`);
    await justiceDb.query(`UPDATE case_index SET party_key = $1 WHERE id = ANY($2)`, [hmac, caseIds]);
    for (const agency of AGENCIES) {
      await agencyDbs[agency].query(`UPDATE outbox SET payload = jsonb_set(payload, '{party}', jsonb_build_object('kind', 'NATURAL_PERSON', 'identifier', $1::text))`, [PERSON.idNumber]);
      expect(await outboxText(agency)).toContain(PERSON.idNumber);
    }
    expect(await lookup()).toEqual([]);

    await new JusticePartyRefs1700000001700().up(runner(justiceDb));
    for (const agency of AGENCIES) await new AgencyKitPartyRefs1700000001700().up(runner(agencyDbs[agency]));

    for (const agency of AGENCIES) expect(await outboxText(agency)).not.toContain(PERSON.idNumber);
    const key = readOprfKeyFile(hub.secrets.partyRefKeyFile);
    const ref = evaluateDirectly(key, partyInput('NATURAL_PERSON', PERSON.idNumber));
    await eventually(async () => ((await indexRows()).every((r) => r.party_key === ref) ? true : undefined), 20_000, 'the index re-keyed');
    expect(await indexRows()).toEqual(caseIds.map(() => ({ party_key: ref, party_key_id: key.id })));
    expect(await lookup()).toEqual([...caseIds].sort());
  });

  it("rotates justice's key: a new key file, justice restarted, the agencies re-send, every row under the new key, the same answers", async () => {
    const old = readOprfKeyFile(hub.secrets.partyRefKeyFile);
    rmSync(hub.secrets.partyRefKeyFile);
    const next = writeOprfKeyFile(hub.secrets.partyRefKeyFile, 'rotated-1');
    // Pinned in the key directory before justice evaluates with it: the agencies and the gateway
    // check justice's proofs against the directory's keys only.
    publishPartyRefKey(hub.keys.directory, next);
    await hub.stopSubgraph('justice');
    await hub.startSubgraph('justice');
    for (const agency of AGENCIES) await agencyDbs[agency].query(RESEND_NEWEST_EVENTS_SQL);

    const ref = evaluateDirectly(next, partyInput('NATURAL_PERSON', PERSON.idNumber));
    expect(ref).not.toBe(evaluateDirectly(old, partyInput('NATURAL_PERSON', PERSON.idNumber)));
    await eventually(async () => ((await indexRows()).every((r) => r.party_key === ref) ? true : undefined), 30_000, 'the index under the new key');
    expect(await indexRows()).toEqual(caseIds.map(() => ({ party_key: ref, party_key_id: 'rotated-1' })));
    expect(await lookup()).toEqual([...caseIds].sort());
  });
});
