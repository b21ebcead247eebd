// Parties matched across owners without any owner seeing another's numbers (issue 17). Recording
// proxies stand in front of justice, public security and the procuratorate for every other owner
// (their <OWNER>_URL), so every body one owner sends another, and every answer, is kept; the test
// records cases of one person and one company in both agencies, lets the index match them and
// the procuratorate raise its alerts, and makes a lookup; then it searches every body and every
// agency's outbox table (read as the database superuser, as whoever holds the host would) for the
// parties' numbers, phones and names. The gateway reaches justice through the recorder as well:
// a procurator's and a public-security officer's lookups are blinded at the gateway, so justice
// sees a blinded point and then a reference, never the number, and the evaluation counts against
// the caller's own lookup limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHub, type TestHub } from './support/hub';
import { recordingProxy, type RecordingProxy } from './support/recording-proxy';
import { callers, creditCode, marketCaseInput, recordMarketCase, residentId, seedBureaus, waitForIndexed, type Caller } from './support/fixtures';
import { evaluateDirectly, partyInput, PARTY_REF } from '../kit/crypto/oprf';
import { readOprfKeyFile } from '../kit/crypto/oprf-key-file';
import { IDENTITY_HEADER } from '../kit/identity';
import { residentIdCheckDigit } from '../kit/rules';

const REASON = '重复违法线索核查';
const PERSON = { kind: 'NATURAL_PERSON', name: '欧阳明轩', idNumber: residentId('320706', '19790623', 417), phone: '13962718450', address: '江苏省连云港市海州区解放路66号' };
const COMPANY = { kind: 'ORGANIZATION', name: '连云港恒川化工贸易有限公司', idNumber: creditCode('320706', 'MA7HQ2L9X'), phone: '05187736154', address: '江苏省连云港市海州区幸福路9号' };
const SECRETS = [PERSON.idNumber, PERSON.phone, PERSON.name, COMPANY.idNumber, COMPANY.phone, COMPANY.name];
const AGENCIES = ['market-regulation', 'eco-environment'];

async function recordEcoCase(hub: TestHub, party: typeof PERSON): Promise<string> {
  const input = {
    caseNumber: `海环罚〔2026〕${Math.floor(Math.random() * 1e6)}号`, actType: 'ADMINISTRATIVE_PENALTY', cause: '无证从事危险废物经营',
    offenceCode: 'CL225', amountInvolved: 9000, fineAmount: 5000, decidedAt: '2025-08-01T02:00:00Z', region: '320706', pollutant: '废矿物油', party,
  };
  const { data, errors } = await hub.graphql(`mutation($input: EcoEnvironmentCaseInput!) { createEcoEnvironmentCase(input: $input) { id } }`, { input }, callers.ecoOfficer);
  expect(errors).toBeUndefined();
  await waitForIndexed(hub, data.createEcoEnvironmentCase.id);
  return data.createEcoEnvironmentCase.id;
}

/** The secrets found in a text (in JSON a name may be escaped as \uXXXX: both forms are searched). */
const found = (text: string) => SECRETS.filter((s) => text.includes(s) || text.includes(JSON.stringify(s).slice(1, -1)) || text.includes(escape(s)));
const escape = (s: string) => [...s].map((c) => (c.charCodeAt(0) > 127 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c)).join('');

describe('party references between owners (OPRF)', () => {
  let hub: TestHub;
  const proxies: Record<string, RecordingProxy> = {};
  const caseIds: string[] = [];

  beforeAll(async () => {
    for (const owner of ['justice', 'public-security', 'procuratorate']) proxies[owner] = await recordingProxy();
    // The gateway reaches justice through the same recorder: its lookups are recorded too.
    hub = await startHub({ ownerUrlOverrides: Object.fromEntries(Object.entries(proxies).map(([owner, p]) => [owner, p.url])), subgraphUrlOverrides: { justice: proxies.justice.url } });
    for (const [owner, p] of Object.entries(proxies)) p.target = hub.subgraphUrls[owner];
    await seedBureaus(hub);
    caseIds.push(await recordMarketCase(hub, { party: PERSON }));
    caseIds.push(await recordMarketCase(hub, { party: COMPANY }));
    caseIds.push(await recordEcoCase(hub, PERSON));
    caseIds.push(await recordEcoCase(hub, COMPANY));
  });
  afterAll(async () => {
    await hub?.stop();
    await Promise.all(Object.values(proxies).map((p) => new Promise((r) => p.server.close(r))));
  });

  const partyCases = (party: typeof PERSON) => hub.graphql(`query($i: String!, $k: PartyKind!) { partyCases(identifier: $i, kind: $k) { id } }`,
    { i: party.idNumber, k: party.kind }, { ...callers.procurator, reason: REASON });

  it('matches each party across both agencies by its reference, as before', async () => {
    for (const party of [PERSON, COMPANY]) {
      const { data, errors } = await partyCases(party);
      expect(errors).toBeUndefined();
      expect(data.partyCases.map((c: { id: string }) => c.id).sort()).toEqual(caseIds.filter((_, i) => (party === PERSON ? i % 2 === 0 : i % 2 === 1)).sort());
    }
  });

  it('sends no ID number, credit code, phone or name between owners: every body both ways, cases and lookups', async () => {
    await partyCases(PERSON);
    // The procuratorate has heard of all four cases (its index events carry the party history).
    await eventually(async () => (proxies.procuratorate.exchanges.filter((e) => e.path === '/internal/case-events')
      .reduce((n, e) => n + (JSON.parse(e.request).events?.length ?? 0), 0) >= 4 ? true : undefined), 10_000, 'index events at the procuratorate');
    const exchanges = Object.entries(proxies).flatMap(([owner, p]) => p.exchanges.map((e) => ({ owner, ...e })));
    // Not vacuous: the references were evaluated, the events delivered, both through the proxies.
    const evaluations = exchanges.filter((e) => e.owner === 'justice' && e.path === '/internal/party-refs');
    expect(evaluations.length).toBeGreaterThan(0);
    expect(exchanges.filter((e) => e.owner === 'justice' && e.path === '/internal/case-events').length).toBeGreaterThan(0);
    for (const e of exchanges) {
      expect({ at: `${e.owner}${e.path}`, found: found(e.request + e.response) }).toEqual({ at: `${e.owner}${e.path}`, found: [] });
    }
    // What justice was asked to evaluate is a curve point, not a number: it cannot tell whose.
    for (const e of evaluations) expect(JSON.parse(e.request).blinded.every((b: string) => /^0[23][0-9a-f]{64}$/.test(b))).toBe(true);
    // The events name the party by its reference under justice's published key, and nothing else of it.
    const events = exchanges.filter((e) => e.owner === 'justice' && e.path === '/internal/case-events').flatMap((e) => JSON.parse(e.request).events);
    const key = readOprfKeyFile(hub.secrets.partyRefKeyFile);
    const person = events.find((ev: any) => ev.caseId === caseIds[0]);
    expect(Object.keys(person.party).sort()).toEqual(['kind', 'ref', 'refKey']);
    expect(person.party.ref).toMatch(PARTY_REF);
    expect(person.party).toEqual({ kind: 'NATURAL_PERSON', ref: evaluateDirectly(key, partyInput('NATURAL_PERSON', PERSON.idNumber)), refKey: key.id });
  });

  it.each(AGENCIES)("keeps no number, phone or name in %s's outbox (a superuser's read of the table)", async (agency) => {
    const client = await hub.ownerDatabase(agency);
    try {
      const { rows } = await client.query(`SELECT payload::text AS payload FROM outbox`);
      expect(rows.length).toBeGreaterThanOrEqual(2);
      expect(found(rows.map((r) => r.payload).join('\n'))).toEqual([]);
      expect(rows.every((r) => JSON.parse(r.payload).party?.ref === null)).toBe(true);
    } finally {
      await client.end();
    }
  });

  it('evaluates for the agencies only, and refuses what is not a point', async () => {
    const post = async (owner: string, body: unknown) => fetch(`${hub.subgraphUrls.justice}/internal/party-refs`, {
      method: 'POST', headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: await hub.keys.asOwner(owner, 'justice') }, body: JSON.stringify(body),
    });
    expect((await post('procuratorate', { blinded: ['02'.padEnd(66, '1')] })).status).toBe(403);
    expect((await post('market-regulation', { blinded: [PERSON.idNumber] })).status).toBe(400);
    expect((await post('market-regulation', { blinded: [] })).status).toBe(400);
  });

  const lookupsAtJustice = (from: number) => proxies.justice.exchanges.slice(from)
    .filter((e) => e.path.startsWith('/graphql') && /partyCases|partyRefEvaluation/.test(e.request));
  const casesOf = (party: typeof PERSON) => caseIds.slice(0, 4).filter((_, i) => (party === PERSON ? i % 2 === 0 : i % 2 === 1)).sort();
  const lookupAs = (caller: Caller, party: typeof PERSON) => hub.graphql(`query($i: String!, $k: PartyKind!) { partyCases(identifier: $i, kind: $k) { id } }`,
    { i: party.idNumber, k: party.kind }, { ...caller, reason: REASON });

  it.each([
    ['a procurator', { ...callers.procurator, sub: 'proc-320706-blind' }],
    ['a public-security officer', { ...callers.psb, sub: 'psb-320706-blind' }],
  ])('blinds the lookups of %s at the gateway: justice is sent a blinded point, then the reference, never the number; the answers are as before', async (_, caller) => {
    const from = proxies.justice.exchanges.length;
    for (const party of [PERSON, COMPANY, PERSON]) {
      const { data, errors } = await lookupAs(caller, party);
      expect(errors).toBeUndefined();
      expect(data.partyCases.map((c: { id: string }) => c.id).sort()).toEqual(casesOf(party));
    }
    const lookups = lookupsAtJustice(from);
    for (const e of lookups) expect({ at: e.path, found: found(e.request + e.response) }).toEqual({ at: e.path, found: [] });
    // Two requests to justice per lookup: the evaluation of a blinded point, then the cases by the reference.
    const evaluations = lookups.filter((e) => e.request.includes('partyRefEvaluation'));
    const byRef = lookups.filter((e) => e.request.includes('partyCases'));
    expect([evaluations.length, byRef.length]).toEqual([3, 3]);
    const blinded = evaluations.map((e) => JSON.parse(e.request).variables.blinded as string);
    for (const b of blinded) expect(b).toMatch(/^0[23][0-9a-f]{64}$/);
    // A fresh blind each time: justice cannot tell that the first and third lookups are of one person.
    expect(new Set(blinded).size).toBe(3);
    // What justice is asked for the cases is the party's reference under its key: what the index holds.
    const key = readOprfKeyFile(hub.secrets.partyRefKeyFile);
    const refs = byRef.map((e) => /identifier:\s*"([0-9a-f]+)"/.exec(JSON.parse(e.request).query)?.[1]);
    expect(refs).toEqual([PERSON, COMPANY, PERSON].map((p) => evaluateDirectly(key, partyInput(p.kind, p.idNumber))));
    for (const e of byRef) expect(Object.values(JSON.parse(e.request).variables ?? {})).not.toContain(PERSON.idNumber);
  });

  it("counts each evaluation against the caller's own lookup limit and audits it with the caller, never the number", async () => {
    const justiceDb = await hub.ownerDatabase('justice');
    try {
      const { rows } = await justiceDb.query(`SELECT caller, sum(used)::int AS used FROM party_lookup_usage WHERE period = 'day' GROUP BY caller ORDER BY caller`);
      const used = Object.fromEntries(rows.map((r) => [r.caller, r.used]));
      // Three lookups each by the two callers above; nothing under the gateway's or an owner's name for lookups.
      expect(used['proc-320706-blind']).toBe(3);
      expect(used['psb-320706-blind']).toBe(3);
      expect(Object.keys(used).filter((c) => /gateway/.test(c))).toEqual([]);
    } finally {
      await justiceDb.end();
    }
    const LOG = `query($filter: AuditFilter) { auditLog(filter: $filter, first: 50) { edges { node { subject role entityId decision reason } } } }`;
    const key = readOprfKeyFile(hub.secrets.partyRefKeyFile);
    const entries = await eventually(async () => {
      const { data } = await hub.graphql(LOG, { filter: { subject: 'psb-320706-blind', coordinate: 'Query.partyCases' } }, { role: 'auditor', org: 'AUDIT' });
      const nodes = data?.auditLog?.edges.map((e: any) => e.node) ?? [];
      return nodes.filter((n: any) => n.entityId === `evaluation:${key.id}`).length >= 3 ? nodes : undefined;
    }, 10_000, "the psb officer's evaluations in the audit log");
    expect(entries.every((n: any) => n.role === 'psb_officer' && n.reason === REASON)).toBe(true);
    expect(new Set(entries.map((n: any) => n.entityId))).toEqual(new Set([`evaluation:${key.id}`, ...[PERSON, COMPANY].map((p) => evaluateDirectly(key, partyInput(p.kind, p.idNumber)))]));
    expect(found(JSON.stringify(entries))).toEqual([]);
  });

  it('refuses a wrong check digit at the gateway, with field and rule: nothing is sent to justice, nothing counted', async () => {
    const wrong = PERSON.idNumber.slice(0, 17) + (residentIdCheckDigit(PERSON.idNumber.slice(0, 17)) === '1' ? '2' : '1');
    const from = proxies.justice.exchanges.length;
    const { data, errors } = await lookupAs({ ...callers.procurator, sub: 'proc-320706-typo' }, { ...PERSON, idNumber: wrong });
    expect(data.partyCases).toBeNull();
    expect(errors).toEqual([expect.objectContaining({ path: ['partyCases'], extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'identifier', rule: 'residentIdNumber' }) })]);
    expect(lookupsAtJustice(from)).toEqual([]);
    const justiceDb = await hub.ownerDatabase('justice');
    try {
      expect((await justiceDb.query(`SELECT 1 FROM party_lookup_usage WHERE caller = 'proc-320706-typo'`)).rows).toEqual([]);
    } finally {
      await justiceDb.end();
    }
  });

  it('blinds a lookup written with literals, fragments and @skip as well: nothing of the numbers at justice, one lookup per request', async () => {
    const query = `query($skip: Boolean!) {
      a: partyCases(identifier: "${PERSON.idNumber}", kind: NATURAL_PERSON) { ...Listed }
      b: partyCases(identifier: "${COMPANY.idNumber}", kind: ORGANIZATION) @skip(if: $skip) { ...Placed }
    }
    fragment Listed on EnforcementCase { id }
    fragment Placed on EnforcementCase { id region }`;
    const caller = { ...callers.procurator, sub: 'proc-320706-literal', reason: REASON };
    const from = proxies.justice.exchanges.length;
    const skipped = await hub.graphql(query, { skip: true }, caller);
    expect(skipped.errors).toBeUndefined();
    expect(skipped.data.a.map((c: { id: string }) => c.id).sort()).toEqual(casesOf(PERSON));
    expect(skipped.data).not.toHaveProperty('b');
    const both = await hub.graphql(query, { skip: false }, caller);
    expect(both.data.a.map((c: { id: string }) => c.id).sort()).toEqual(casesOf(PERSON));
    expect(both.data.b).toBeNull();
    expect(both.errors).toEqual([expect.objectContaining({ path: ['b'], extensions: expect.objectContaining({ code: 'RATE_LIMITED', period: 'request' }) })]);
    const lookups = lookupsAtJustice(from);
    expect(lookups.filter((e) => e.request.includes('partyRefEvaluation'))).toHaveLength(2);
    for (const e of lookups) expect({ at: e.path, found: found(e.request + e.response) }).toEqual({ at: e.path, found: [] });
  });

  it('justice refuses a number sent to it directly, without repeating it', async () => {
    const token = await hub.keys.asGateway({ ...callers.procurator, sub: 'proc-320706-direct', reason: REASON } as any, 'justice');
    const response = await fetch(`${hub.subgraphUrls.justice}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: token },
      body: JSON.stringify({ query: 'query($i: String!) { partyCases(identifier: $i, kind: NATURAL_PERSON) { id } }', variables: { i: PERSON.idNumber } }),
    });
    const body = await response.json();
    expect(body.data?.partyCases ?? null).toBeNull();
    expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'identifier', rule: 'partyRef' });
    expect(found(JSON.stringify(body))).toEqual([]);
  });

  it('records a case while justice is down; the relay makes the reference once justice is back, and nothing is lost', async () => {
    await hub.stopSubgraph('justice');
    const input = marketCaseInput({ party: PERSON });
    const { data, errors } = await hub.graphql(`mutation($input: MarketRegulationCaseInput!) { createMarketRegulationCase(input: $input) { id } }`, { input }, callers.marketOfficer);
    expect(errors).toBeUndefined();
    await hub.startSubgraph('justice');
    await waitForIndexed(hub, data.createMarketRegulationCase.id, 20_000);
    const after = await partyCases(PERSON);
    expect(after.data.partyCases.map((c: { id: string }) => c.id)).toContain(data.createMarketRegulationCase.id);
  });
});
