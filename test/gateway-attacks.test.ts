// The gateway against an attacker, in production mode (NODE_ENV=production): the probes of
// graphql-cop replayed one by one, and the findings of issue 8 against the gateway reproduced
// end to end (cache-key confusion, echoed payloads, empty reasons, untyped tokens, exhausting
// lists, a 413 on a kept-alive socket, audit floods, @skip on a protected field).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { importJWK, SignJWT, type JWK } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEV_AUDIENCE, DEV_ISSUER, devIssuerPaths } from '../gateway/dev-issuer';
import { externalPostgres } from '../scripts/hub/postgres';
import { request } from './support/raw-http';
import { eventually, startHub, type TestHub } from './support/hub';
import { callers, recordMarketCase, seedBureaus } from './support/fixtures';

describe('the gateway in production mode, attacked', () => {
  let hub: TestHub;
  let url: string;
  let caseId: string;
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  beforeAll(async () => {
    hub = await startHub({ env: { NODE_ENV: 'production' } });
    url = `${hub.gatewayUrl}/graphql`;
    await seedBureaus(hub);
    caseId = await recordMarketCase(hub);
  });
  afterAll(() => hub?.stop());

  describe('graphql-cop probes: each refused or harmless', () => {
    it('alias overloading (101 aliases): refused, nothing answered', async () => {
      const answer = await post({ query: `query cop { ${Array.from({ length: 101 }, (_, i) => `alias${i}:__typename`).join('\n')} }` });
      expect(answer.status).toBe(400);
      expect(answer.json.data).toBeUndefined();
      expect(answer.json.errors[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'aliases' });
    });

    it('array-based batch queries: refused', async () => {
      const answer = await post(Array.from({ length: 10 }, () => ({ query: 'query cop { __typename }' })));
      expect(answer.status).toBe(400);
      expect(Array.isArray(answer.json)).toBe(false);
      expect(answer.json.data).toBeUndefined();
    });

    it('directive overloading (10 unknown directives): one error, not ten', async () => {
      const answer = await post({ query: 'query cop { __typename @aa@aa@aa@aa@aa@aa@aa@aa@aa@aa }' });
      expect(answer.status).toBe(400);
      expect(answer.json.errors).toEqual([{ message: 'Unknown directive "@aa".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }]);
    });

    it('field duplication (500 × __typename): refused before validation', async () => {
      const answer = await post({ query: `query cop { ${Array(500).fill('__typename').join('\n')} }` });
      expect(answer.status).toBe(400);
      expect(answer.json.data).toBeUndefined();
      expect(answer.json.errors).toHaveLength(1);
      expect(answer.json.errors[0].extensions).toMatchObject({ limit: 'repeatedFields' });
    });

    it('introspection and circular introspection: refused', async () => {
      for (const query of [
        'query cop { __schema { types { name fields { name } } } }',
        'query cop { __schema { types { fields { type { fields { type { fields { type { name } } } } } } } } }',
        'query cop { __type(name: "Party") { fields { name } } }',
      ]) {
        const answer = await post({ query });
        expect(answer.json.data?.__schema ?? answer.json.data?.__type ?? null).toBeNull();
        expect(answer.json.errors.length).toBeGreaterThan(0);
      }
    });

    it('field suggestions: no "Did you mean" anywhere, variable coercion included', async () => {
      for (const body of [
        { query: 'query cop { __schema { directive } }' },
        { query: '{ agencie { code } }' },
        { query: '{ agencies { cod } }' },
        { query: 'query($f: PublishedDecisionFilter) { publishedDecisions(filter: $f) { edges { cursor } } }', variables: { f: { agencyCod: 'MR-320706' } } },
        { query: 'query($f: PublishedDecisionFiltr) { publishedDecisions(filter: $f) { edges { cursor } } }', variables: { f: {} } },
      ]) {
        const answer = await post(body);
        expect(answer.json.errors.length, JSON.stringify(body)).toBeGreaterThan(0);
        expect(answer.text).not.toMatch(/did you mean/i);
      }
    });

    it('GET-based mutation and GET query without a preflight header (CSRF): nothing runs', async () => {
      const mutation = await request(`${url}?${new URLSearchParams({ query: 'mutation cop { __typename }' })}`, { headers: { 'apollo-require-preflight': 'true' } });
      expect(mutation.status).toBeGreaterThanOrEqual(400);
      expect(mutation.json?.data ?? null).toBeNull();
      const simple = await request(`${url}?${new URLSearchParams({ query: 'query cop { __typename }' })}`);
      expect(simple.status).toBe(400);
      expect(simple.json?.data ?? null).toBeNull();
    });

    it('POST with url-encoded, form or plain-text bodies (CSRF): nothing runs', async () => {
      const urlencoded = await request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=query%20cop%20%7B__typename%7D' });
      expect(urlencoded.status).toBe(400);
      expect(urlencoded.json?.data ?? null).toBeNull();
      for (const type of ['text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded']) {
        const answer = await request(url, { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify({ query: 'query cop { __typename }' }) });
        expect(answer.status, type).toBe(400);
        expect(answer.json?.data ?? null, type).toBeNull();
      }
    });

    it('trace mode: no tracing or ftv1 in the answer', async () => {
      const answer = await post({ query: 'query cop { __typename }' }, { 'apollo-federation-include-trace': 'ftv1' });
      expect(answer.json.data).toEqual({ __typename: 'Query' });
      expect(answer.json.extensions).toBeUndefined();
    });

    it('GraphiQL, Playground or Sandbox: none answers', async () => {
      const page = await request(url, { headers: { accept: 'text/html' } });
      expect(page.headers['content-type'] ?? '').not.toMatch(/html/);
      expect(page.text).not.toMatch(/graphiql|playground|sandbox|embeddable/i);
      for (const path of ['/graphiql', '/playground', '/console', '/altair']) {
        expect((await request(`${hub.gatewayUrl}${path}`, { headers: { accept: 'text/html' } })).status).toBe(404);
      }
    });
  });

  describe('the findings against the gateway', () => {
    const aliases = (n: number) => `query X { ${Array.from({ length: n }, (_, i) => `a${i}: agencies { code }`).join(' ')} }`;

    it('an operation name and query text that once shared a cache key are judged apart', async () => {
      const first = await post({ operationName: 'X\n#', query: aliases(40) });
      expect(first.json.data ?? null).toBeNull();
      const second = await post({ operationName: 'X', query: `#\n${aliases(40)}` });
      expect(second.status).toBe(400);
      expect(second.json.data).toBeUndefined();
      expect(second.json.errors[0].extensions).toMatchObject({ limit: 'aliases', found: 40 });
    });

    it('echoes no 96 KB variable value into an error message', async () => {
      const payload = 'at :'.repeat(24_000);
      const answer = await post({ query: 'query($n: Int) { publishedDecisions(first: $n) { edges { cursor } } }', variables: { n: payload } });
      expect(answer.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(answer.text).not.toContain('at :at :');
      expect(answer.text.length).toBeLessThan(1000);
      expect((await request(`${hub.gatewayUrl}/health`)).status).toBe(200);
    });

    it('a reason of invisible characters is no reason; bad encodings are refused with 400 naming the header', async () => {
      const token = await hub.tokenFor(callers.procurator);
      const party = (reason: string) => post({ query: 'query($id: ID!) { case(id: $id) { party { idNumber } } }', variables: { id: caseId } }, { authorization: `Bearer ${token}`, 'x-access-reason': reason });
      const full = await party(encodeURIComponent('立案监督审查'));
      expect(full.json.data.case.party.idNumber).not.toContain('*');
      for (const blank of ['%20%20', '%09%09', '%C2%A0%C2%A0', '%00%00', '%E2%80%8B%E2%80%8B']) {
        const answer = await party(blank);
        expect(answer.json.data.case.party.idNumber, blank).toContain('*');
      }
      for (const [bad, rule] of [['%E7%AB', 'encoding'], [Buffer.from('立案监督审查').toString('latin1'), 'encoding'], [encodeURIComponent('审'.repeat(201)), 'length']]) {
        const answer = await party(bad);
        expect(answer.status).toBe(400);
        expect(answer.json.errors[0]).toMatchObject({ message: expect.stringContaining('X-Access-Reason'), extensions: { code: 'BAD_USER_INPUT', field: 'X-Access-Reason', rule } });
      }
    });

    it('refuses tokens without exp, issued in the future, or with a numeric region: 401, not 500', async () => {
      const key = await importJWK(JSON.parse(readFileSync(devIssuerPaths(hub.dataDir).privateKey, 'utf8')) as JWK, 'EdDSA');
      const now = Math.floor(Date.now() / 1000);
      const sign = (claims: Record<string, unknown>, set: (jwt: SignJWT) => SignJWT) =>
        set(new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA' }).setIssuer(DEV_ISSUER).setAudience(DEV_AUDIENCE)).sign(key);
      const tokens = [
        await sign({ role: 'procurator' }, (j) => j.setSubject('p').setIssuedAt(now)),
        await sign({ role: 'procurator' }, (j) => j.setSubject('p').setIssuedAt(now + 3600).setExpirationTime(now + 7200)),
        await sign({ role: 'procurator', region: 320706 }, (j) => j.setSubject('p').setIssuedAt(now).setExpirationTime(now + 600)),
        await sign({ role: 'procurator' }, (j) => j.setIssuedAt(now).setExpirationTime(now + 600)),
      ];
      for (const token of tokens) {
        const answer = await post({ query: '{ viewer { subject role } }' }, { authorization: `Bearer ${token}` });
        expect(answer.status).toBe(401);
        expect(answer.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      }
    });

    it('prices unpaginated lists: 30 aliases of agencies { officers { agency { officers … are refused', async () => {
      const loop = 'agencies { officers { agency { officers { agency { code } } } } }';
      const answer = await post({ query: `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: ${loop}`).join(' ')} }` });
      expect(answer.status).toBe(400);
      expect(answer.json.errors[0].extensions).toMatchObject({ limit: 'cost' });
    });

    it('caps input lists in variables, naming the path', async () => {
      const token = await hub.tokenFor(callers.marketOfficer);
      const answer = await post({ query: 'mutation($id: ID!, $input: TransferInput!) { transferCase(caseId: $id, input: $input) { id } }', variables: { id: caseId, input: { summary: 's', materials: Array.from({ length: 101 }, (_, i) => `m${i}`) } } }, { authorization: `Bearer ${token}` });
      expect(answer.status).toBe(400);
      expect(answer.json.errors).toEqual([{ message: '$input.materials: at most 100 items', extensions: { code: 'BAD_USER_INPUT', field: '$input.materials', rule: 'maxItems', max: 100 } }]);
      const { data } = await hub.graphql('query($id: ID!) { case(id: $id) { transfer { id } } }', { id: caseId }, callers.procurator);
      expect(data.case.transfer).toBeNull();
    });

    it('answers 413 with Connection: close, and the next request on a kept-alive agent answers too', async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const ok = () => request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
        expect((await ok()).status).toBe(200);
        const big = await request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ __typename } # ${'x'.repeat(2_100_000)}` }) });
        expect(big.status).toBe(413);
        expect(big.headers.connection).toBe('close');
        const after = await ok();
        expect(after.status).toBe(200);
        expect(after.json.data).toEqual({ __typename: 'Query' });
        // an error before the body is read (a bad token) closes too, and the agent carries on
        const refused = await request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: 'Bearer nope' }, body: JSON.stringify({ query: `{ __typename } # ${'x'.repeat(500_000)}` }) });
        expect(refused.status).toBe(401);
        expect(refused.headers.connection).toBe('close');
        expect((await ok()).status).toBe(200);
      } finally {
        agent.destroy();
      }
    });

    it('writes one audit entry for a field repeated or aliased in one request', async () => {
      const audit = new pg.Client({ connectionString: externalPostgres(inject('postgresAdminUrl')).url(hub.databases.audit) });
      await audit.connect();
      try {
        const entries = async (query: string) => {
          const hash = createHash('sha256').update(query).digest('hex');
          return eventually(async () => {
            const { rows } = await audit.query('SELECT coordinate, decision FROM audit_log WHERE document_hash = $1', [hash]);
            return rows.length ? rows : undefined;
          }, 10_000, 'audit entries');
        };
        const repeated = `{ ${Array(40).fill('viewer { role }').join(' ')} }`;
        const aliased = `{ ${Array.from({ length: 30 }, (_, i) => `v${i}: viewer { role }`).join(' ')} }`;
        for (const query of [repeated, aliased]) {
          const answer = await post({ query });
          expect(answer.json.errors.every((e: any) => e.extensions.code === 'UNAUTHORIZED_FIELD_OR_TYPE')).toBe(true);
          expect(await entries(query)).toEqual([{ coordinate: 'Query.viewer', decision: 'denied' }]);
        }
      } finally {
        await audit.end();
      }
    });

    it('identical queries of several callers at once: each gets its own role\'s answer, and every request is audited', async () => {
      // The gateway sends a caller's identical subgraph queries in flight once (gateway/in-flight.ts):
      // a caller asking the same as a better-entitled one at the same moment must not ride on its
      // answer, and requests that shared one must each leave their own entries.
      const query = `query Same($id: ID!) { case(id: $id) { id party { name idNumber } } }`;
      const hash = createHash('sha256').update(query).digest('hex');
      const askers = [
        { role: 'agency_officer', org: 'MR-320706', region: '320706', sub: 'same-officer', reason: '核查案件当事人' },
        { role: 'procurator', org: 'PROC-320706', region: '320706', sub: 'same-procurator', reason: '立案监督审查' },
        { role: 'procurator', org: 'PROC-320706', region: '320706', sub: 'same-procurator', reason: '另一事由' },
        { role: 'psb_officer', org: 'PSB-320706', region: '320706', sub: 'same-psb', reason: '核查线索' },
        { role: 'justice_supervisor', org: 'JUS-320706', region: '320706', sub: 'same-justice', reason: '执法监督' },
        { role: 'agency_officer', org: 'MR-411302', region: '411302', sub: 'same-other-county', reason: '核查案件当事人' },
      ];
      const audit = new pg.Client({ connectionString: externalPostgres(inject('postgresAdminUrl')).url(hub.databases.audit) });
      await audit.connect();
      try {
        const entriesBy = async () => {
          const { rows } = await audit.query<{ subject: string; reason: string; n: number }>(
            'SELECT subject, reason, count(*)::int AS n FROM audit_log WHERE document_hash = $1 GROUP BY subject, reason', [hash]);
          return new Map(rows.map((r) => [`${r.subject} ${r.reason}`, r.n]));
        };
        const alone: unknown[] = [];
        for (const caller of askers) alone.push(await hub.graphql(query, { id: caseId }, caller));
        const once = await eventually(async () => {
          const counts = await entriesBy();
          return askers.slice(0, 5).every((c) => counts.get(`${c.sub} ${c.reason}`)) ? counts : undefined;
        }, 10_000, 'one request\'s entries per caller');
        // The answers differ by caller (full, masked, none): otherwise sharing between callers could not show.
        expect(new Set(alone.map((a) => JSON.stringify(a))).size).toBeGreaterThan(2);
        const times = 6;
        const together = await Promise.all(Array.from({ length: times }, () => askers.map((caller) => hub.graphql(query, { id: caseId }, caller))).flat());
        together.forEach((answer, i) => expect(answer).toEqual(alone[i % askers.length]));
        await eventually(async () => {
          const counts = await entriesBy();
          return askers.every((c) => (counts.get(`${c.sub} ${c.reason}`) ?? 0) === (times + 1) * (once.get(`${c.sub} ${c.reason}`) ?? 0)) ? true : undefined;
        }, 10_000, 'every request\'s entries');
      } finally {
        await audit.end();
      }
    });

    it('a protected field skipped by @skip/@include draws no authorization error, with literals and variables', async () => {
      const query = 'query($show: Boolean!) { agencies { code } viewer @include(if: $show) { role } v2: viewer @skip(if: true) { role } }';
      const hidden = await post({ query, variables: { show: false } });
      expect(hidden.json.errors).toBeUndefined();
      expect(Object.keys(hidden.json.data)).toEqual(['agencies']);
      const shown = await post({ query, variables: { show: true } });
      expect(shown.json.errors).toEqual([{ message: 'Unauthorized field or type', path: ['viewer'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } }]);
    });
  });
});
