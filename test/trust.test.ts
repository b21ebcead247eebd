// Trust between owners (issue 8, finding 3): no secret is shared. The gateway alone signs the end
// users it forwards; each owner signs its own service messages; a key leaked from one owner's host
// (market-regulation's here) reads no other owner's data and writes none of its records. Releases
// a subgraph makes are journaled in its own database, even when the gateway never saw the call.
import { SignJWT } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHub, type TestHub } from './support/hub';
import { recordingProxy, type RecordingProxy } from './support/recording-proxy';
import { callers, recordMarketCase, residentId, seedBureaus } from './support/fixtures';
import { externalPostgres } from '../scripts/hub/postgres';
import { SUBGRAPHS } from '../subgraphs/index';
import { IDENTITY_HEADER } from '../kit/identity';
import { envOf } from '../kit/module';

const REASON = '立案审查 (2026) 12号';
const PERSON = { kind: 'NATURAL_PERSON', name: '张伟', idNumber: residentId('320706', '19850312', 431), phone: '13812345678', address: '江苏省连云港市海州区朝阳路18号' };
const LEAKED = 'market-regulation';
const PARTY_QUERY = `query($r: [_Any!]!) { _entities(representations: $r) { ... on MarketRegulationCase { id party { kind idNumber phone address } } } }`;

describe('trust between owners', () => {
  let hub: TestHub;
  let caseId: string;
  // What market-regulation's host sees: every identity the gateway forwards to it (a compromised host keeps them).
  let recorder: RecordingProxy;
  beforeAll(async () => {
    recorder = await recordingProxy();
    hub = await startHub({ subgraphUrlOverrides: { [LEAKED]: recorder.url } });
    recorder.target = hub.subgraphUrls[LEAKED];
    await seedBureaus(hub);
    caseId = await recordMarketCase(hub, { party: PERSON });
  });
  afterAll(async () => {
    await hub?.stop();
    recorder?.server.close();
  });

  const post = (owner: string, path: string, token: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${hub.subgraphUrls[owner]}${path}`, {
      method: 'POST', headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: token, ...headers }, body: JSON.stringify(body),
    });
  const partyOf = (owner: string, token: string, headers?: Record<string, string>) =>
    post(owner, '/graphql', token, { query: PARTY_QUERY, variables: { r: [{ __typename: 'MarketRegulationCase', id: caseId }] } }, headers);

  /** A token as a thief holding market-regulation's private key would make it, claiming anything. */
  async function forge(claims: { kid: string; iss: string; aud: string; sub: string } & Record<string, unknown>): Promise<string> {
    const { key } = await hub.keys.signingKey(LEAKED);
    const { kid, iss, aud, sub, ...rest } = claims;
    return new SignJWT(rest).setProtectedHeader({ alg: 'EdDSA', kid }).setIssuer(iss).setAudience(aud).setSubject(sub)
      .setIssuedAt().setExpirationTime('60s').sign(key);
  }

  describe("a key leaked from market-regulation's host", () => {
    it('cannot pass as the gateway: a forged procurator or auditor is refused by every other owner', async () => {
      for (const owner of ['justice', 'public-security', 'procuratorate', 'eco-environment']) {
        const procurator = await forge({ kid: 'gateway', iss: 'gateway', aud: owner, sub: 'forged', ...callers.procurator, reason: REASON });
        const response = await post(owner, '/graphql', procurator, { query: '{ __typename }' });
        expect(response.status, owner).toBe(401);
      }
      const auditor = await forge({ kid: 'gateway', iss: 'gateway', aud: 'audit', sub: 'forged', role: 'auditor', org: 'AUDIT' });
      const response = await post('audit', '/graphql', auditor, { query: '{ auditLog(first: 1) { edges { node { subject } } } }' });
      expect(response.status).toBe(401);
      expect(JSON.stringify(await response.json())).not.toContain('edges');
    });

    it('cannot vouch for an end user under its own name either', async () => {
      const procurator = await forge({ kid: LEAKED, iss: LEAKED, aud: 'justice', sub: 'forged', ...callers.procurator, reason: REASON });
      expect((await post('justice', '/graphql', procurator, { query: '{ __typename }' })).status).toBe(401);
      const ownSubject = await forge({ kid: LEAKED, iss: LEAKED, aud: 'justice', sub: `service:${LEAKED}`, ...callers.procurator, reason: REASON });
      expect((await post('justice', '/graphql', ownSubject, { query: '{ __typename }' })).status).toBe(401);
    });

    it('cannot pass as the service of another owner', async () => {
      for (const owner of ['justice', 'public-security', 'procuratorate']) {
        // The other owner's name in the header, the claims, or both: the signature is market-regulation's.
        const asOther = await forge({ kid: owner, iss: owner, aud: 'procuratorate', sub: `service:${owner}`, role: 'service' });
        const mixed = await forge({ kid: LEAKED, iss: LEAKED, aud: 'procuratorate', sub: `service:${owner}`, role: 'service' });
        for (const token of [asOther, mixed]) {
          const response = await post('procuratorate', `/internal/${owner === 'public-security' ? 'transfer-events' : 'case-events'}`, token, { events: [] });
          expect(response.status, owner).toBe(401);
        }
      }
    });

    it('is refused on the routes market-regulation may not send, and accepted only where it may', async () => {
      const refused: [string, string][] = [
        ['procuratorate', 'case-events'], ['procuratorate', 'transfer-events'], ['procuratorate', 'escalation-results'],
        ['justice', 'notifications'], ['justice', 'supervision-escalations'],
      ];
      for (const [owner, route] of refused) {
        const response = await post(owner, `/internal/${route}`, await hub.keys.asOwner(LEAKED, owner), { events: [] });
        expect(response.status, `${owner}/${route}`).toBe(403);
      }
      // Its own index events go to justice: the one route it is entitled to send.
      const own = await post('justice', '/internal/case-events', await hub.keys.asOwner(LEAKED, 'justice'), { events: [] });
      expect(own.status).toBe(200);
    });

    it("cannot write another agency's records in the index through its own route", async () => {
      const { randomUUID } = await import('node:crypto');
      const event = (caseType: string, agencyCode: string, caseId: string, version: number, cause: string) => ({
        eventId: randomUUID(), caseId, caseType, version, agencyCode, caseNumber: `trust-${caseId}`, actType: 'ADMINISTRATIVE_PENALTY', cause,
        offenceCode: null, amountInvolved: 1, fineAmount: 1, decidedAt: null, region: '320706', recordedAt: new Date().toISOString(), party: null, figures: {},
      });
      const send = async (owner: string, events: object[]) =>
        post('justice', '/internal/case-events', await hub.keys.asOwner(owner, 'justice'), { events });
      const causeOf = async (id: string) => (await hub.graphql(`query($id: ID!) { case(id: $id) { cause } }`, { id }, callers.procurator)).data?.case?.cause ?? null;

      // An eco-environment case, indexed by its own owner.
      const ecoCase = randomUUID();
      expect((await send('eco-environment', [event('EcoEnvironmentCase', 'EE-320706', ecoCase, 1, 'by its owner')])).status).toBe(200);
      expect(await causeOf(ecoCase)).toBe('by its owner');
      // Market regulation's key: an eco-environment event is refused, and its own case type cannot take over that record.
      expect((await send(LEAKED, [event('EcoEnvironmentCase', 'EE-320706', ecoCase, 2, 'forged')])).status).toBe(403);
      await send(LEAKED, [event('MarketRegulationCase', 'MR-320706', ecoCase, 3, 'taken over')]);
      expect(await causeOf(ecoCase)).toBe('by its owner');
    });

    it("cannot replay at another owner the end users' identities the gateway forwarded to it", async () => {
      const { data } = await hub.graphql(`query($id: ID!) { case(id: $id) { party { idNumber } } }`, { id: caseId }, { ...callers.procurator, reason: REASON });
      expect(data.case.party.idNumber).toBe(PERSON.idNumber); // the gateway did forward the procurator to market-regulation
      expect(recorder.identities.length).toBeGreaterThan(0);
      for (const token of new Set(recorder.identities)) {
        for (const owner of ['justice', 'public-security', 'procuratorate', 'eco-environment', 'audit']) {
          expect((await post(owner, '/graphql', token, { query: '{ __typename }' })).status, owner).toBe(401);
        }
      }
    });

    it('cannot replay a message addressed to one owner at another', async () => {
      const toJustice = await hub.keys.asOwner(LEAKED, 'justice');
      expect((await post('procuratorate', '/graphql', toJustice, { query: '{ __typename }' })).status).toBe(401);
    });

    it("gets no personal data from another owner's subgraph: the service role's scopes are policy.json's", async () => {
      const response = await partyOf(LEAKED, await hub.keys.asOwner('justice', LEAKED));
      const body = await response.json();
      expect(response.status).toBe(200);
      expect(body.data._entities[0].id).toBe(caseId); // case data: case:read@all
      for (const value of [PERSON.idNumber, PERSON.phone, PERSON.address, PERSON.idNumber.slice(14)]) expect(JSON.stringify(body)).not.toContain(value);
    });

    it('cannot read the audit log with a service identity', async () => {
      const response = await post('audit', '/graphql', await hub.keys.asOwner(LEAKED, 'audit'), { query: '{ auditLog(first: 1) { edges { node { subject } } } }' });
      const body = await response.json();
      expect(body.data?.auditLog ?? null).toBeNull();
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    });
  });

  it('moves the clock only in test mode: the route is not there otherwise (checked by its declaration)', async () => {
    const response = await post('justice', '/internal/clock', await hub.keys.asOwner(LEAKED, 'justice'), { advanceMs: 0 });
    expect(response.status).toBe(200); // HUB_TEST_CLOCK=1 in tests
    const gatewayUser = await hub.keys.asGateway({ ...callers.procurator });
    expect((await post('justice', '/internal/clock', gatewayUser, { advanceMs: 0 })).status).toBe(403);
  });

  describe('the release journal, where the data is', () => {
    const journal = async (owner: string, sql: string, params: unknown[] = []) => {
      const client = new pg.Client({ connectionString: externalPostgres(inject('postgresAdminUrl')).url(hub.databases[owner]) });
      await client.connect();
      try { return (await client.query(sql, params)).rows; } finally { await client.end(); }
    };

    it("records a direct call's release of an ID number, with who asked, why and the trace, before answering", async () => {
      const token = await hub.keys.asGateway({ sub: 'direct-caller', ...callers.procurator, reason: REASON });
      const response = await partyOf('market-regulation', token, { 'x-trace-id': 'trace-direct-1' });
      const body = await response.json();
      expect(body.data._entities[0].party.idNumber).toBe(PERSON.idNumber);
      // Written before the response was sent: no waiting.
      const rows = await journal('market-regulation', `SELECT * FROM release_journal WHERE caller_sub = 'direct-caller' ORDER BY id`);
      expect(rows.map((r) => [r.coordinate, r.entity_id, r.decision])).toEqual(expect.arrayContaining([['Party.idNumber', caseId, 'full']]));
      const row = rows.find((r) => r.coordinate === 'Party.idNumber');
      expect(row).toMatchObject({
        caller_role: 'procurator', caller_org: callers.procurator.org, caller_region: callers.procurator.region,
        reason: REASON, signer: 'gateway', trace_id: 'trace-direct-1',
      });
    });

    it('has nothing released to a service identity on record, because nothing personal is released to one', async () => {
      const body = await (await partyOf(LEAKED, await hub.keys.asOwner('justice', LEAKED))).json();
      expect(body.data._entities[0].id).toBe(caseId);
      const rows = await journal('market-regulation', `SELECT decision FROM release_journal WHERE caller_role = 'service' AND decision <> 'denied'`);
      expect(rows).toEqual([]);
    });

    it('is append-only: UPDATE, DELETE and TRUNCATE are refused even to the database owner', async () => {
      for (const sql of ['UPDATE release_journal SET decision = \'denied\'', 'DELETE FROM release_journal', 'TRUNCATE release_journal']) {
        await expect(journal('market-regulation', sql), sql).rejects.toThrow(/append-only/);
      }
      expect((await journal('market-regulation', 'SELECT count(*)::int AS n FROM release_journal'))[0].n).toBeGreaterThan(0);
    });

    it("is not counted among a request's SQL statements", async () => {
      const token = await hub.keys.asGateway({ sub: 'counting', ...callers.procurator, reason: REASON });
      const ask = (fields: string) => post('market-regulation', '/graphql', token, {
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on MarketRegulationCase { party { ${fields} } } } }`,
        variables: { r: [{ __typename: 'MarketRegulationCase', id: caseId }] },
      }).then((r) => r.json());
      const count = async (fields: string) => {
        const before = await hub.sqlStatements('market-regulation');
        await ask(fields);
        return (await hub.sqlStatements('market-regulation')) - before;
      };
      await ask('kind idNumber'); // warm the loaders' paths
      const withRelease = await count('kind idNumber');
      const withoutRelease = await count('kind');
      expect(withRelease).toBe(withoutRelease);
      expect((await journal('market-regulation', `SELECT count(*)::int AS n FROM release_journal WHERE caller_sub = 'counting' AND coordinate = 'Party.idNumber'`))[0].n).toBe(2);
    });
  });

  describe("justice's party key", () => {
    it('is declared by justice alone, where parties are matched', () => {
      expect(SUBGRAPHS.filter((s) => envOf(s).some((v) => v.name === 'PARTY_OPRF_KEY_FILE')).map((s) => s.name)).toEqual(['justice']);
      expect(SUBGRAPHS.filter((s) => envOf(s).some((v) => v.name === 'PARTY_KEY_SECRET'))).toEqual([]);
    });

    it('is in no other process of the hub, and no process holds a shared identity secret or another owner\'s key', () => {
      for (const [name, env] of Object.entries(hub.environments)) {
        expect('PARTY_OPRF_KEY_FILE' in env, name).toBe(name === 'justice');
        expect('PARTY_KEY_SECRET' in env, name).toBe(false);
        expect(env.HUB_IDENTITY_SECRET, name).toBeUndefined();
        const privateKeys = Object.entries(env).filter(([k]) => /SIGNING_KEY_FILE$/.test(k)).map(([, v]) => v);
        expect(privateKeys, name).toEqual([hub.keys.privateKey(name)]);
      }
      expect(Object.keys(hub.environments).sort()).toEqual([...SUBGRAPHS.map((s) => s.name), 'gateway'].sort());
    });
  });
});
