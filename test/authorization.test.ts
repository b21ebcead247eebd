import { createRequire } from 'node:module';
import { composeServices } from '@apollo/composition';
import { Supergraph } from '@apollo/federation-internals';
import { parse, printSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { subgraphUrlVar } from '../gateway/config';
import { DEV_AUDIENCE, DEV_ISSUER, ensureDevIssuer } from '../gateway/dev-issuer';
import { policySchema } from '../gateway/authorization/api-schema';
import { createAuthorizer } from '../gateway/authorization/authorizer';
import { inlineFragments, selectOperation } from '../gateway/authorization/inline';
import { restoreResult } from '../gateway/authorization/restore';
import { rewriteOperation } from '../gateway/authorization/rewrite';
import { readSupergraph } from '../gateway/supergraph';
import { hubClient } from '../scripts/hub/client';
import { freePort } from '../scripts/hub/hub';
import { externalPostgres } from '../scripts/hub/postgres';
import { ServiceProcess } from '../scripts/hub/processes';
import { SUBGRAPHS } from '../subgraphs/index';
import { satisfies } from '../kit/policy';
import { startHub, type TestHub } from './support/hub';
import { recordingProxy, type RecordingProxy } from './support/recording-proxy';
import { callers, recordMarketCase, seedBureaus } from './support/fixtures';

const UNAUTHORIZED = { message: 'Unauthorized field or type', extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } };

describe('gateway authorization: @authenticated and @requiresScopes enforced before planning', () => {
  let hub: TestHub;
  const proxies: Record<string, RecordingProxy> = {};
  let caseId: string;
  let otherCaseId: string;
  const recorded = (name?: string) => Object.entries(proxies).filter(([n]) => !name || n === name).flatMap(([, p]) => p.bodies);
  const clearRecorded = () => { for (const p of Object.values(proxies)) p.bodies.length = 0; };

  beforeAll(async () => {
    for (const s of SUBGRAPHS) proxies[s.name] = await recordingProxy();
    hub = await startHub({ subgraphUrlOverrides: Object.fromEntries(Object.entries(proxies).map(([n, p]) => [n, p.url])) });
    for (const [name, p] of Object.entries(proxies)) p.target = hub.subgraphUrls[name];
    await seedBureaus(hub);
    caseId = await recordMarketCase(hub);
    otherCaseId = await recordMarketCase(hub);
    for (const id of [caseId, otherCaseId]) {
      const { errors } = await hub.graphql(`mutation($id: ID!) { openSupervision(caseId: $id, input: { kind: CASE_REVIEW, summary: "审查处罚决定", notes: "内部意见：罚款畸轻" }) { id } }`, { id }, callers.procurator);
      expect(errors).toBeUndefined();
    }
  });
  afterAll(async () => {
    await hub?.stop();
    for (const p of Object.values(proxies)) p.server.close();
  });

  it('gives a public caller null for a protected root field, with the error at its path', async () => {
    const { data, errors } = await hub.graphql(`query($id: ID!) { case(id: $id) { id party { idNumber } } agencies { code } }`, { id: caseId });
    expect(data.case).toBeNull();
    expect(data.agencies.length).toBeGreaterThan(0);
    expect(errors).toEqual([{ ...UNAUTHORIZED, path: ['case'] }]);
  });

  it('nulls exactly the aliased path, with list indices, for a role without the scope', async () => {
    // justice_supervisor holds supervision:read but not supervision:notes
    const query = `query($id: ID!) { a: case(id: $id) { id s: supervision { id n: notes summary } } }`;
    const { data, errors } = await hub.graphql(query, { id: caseId }, callers.justice);
    expect(data.a.id).toBe(caseId);
    expect(data.a.s).toHaveLength(1);
    expect(Object.keys(data.a.s[0])).toEqual(['id', 'n', 'summary']);
    expect(data.a.s[0]).toMatchObject({ n: null, summary: '审查处罚决定' });
    expect(errors).toEqual([{ ...UNAUTHORIZED, path: ['a', 's', 0, 'n'] }]);

    const allowed = await hub.graphql(query, { id: caseId }, callers.procurator);
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data.a.s[0].n).toBe('内部意见：罚款畸轻');
  });

  it('removes a field whose type is protected, reached through an inline fragment on MarketRegulationCase', async () => {
    // psb_officer holds case:read but neither supervision scope: SupervisionMatter is protected for it
    const { data, errors } = await hub.graphql(`query($id: ID!) { case(id: $id) { id ... on MarketRegulationCase { productName supervision { id } } } }`, { id: caseId }, callers.psb);
    expect(data.case).toEqual({ id: caseId, productName: '劣质电线', supervision: null });
    expect(errors).toEqual([{ ...UNAUTHORIZED, path: ['case', 'supervision'] }]);

    const justice = await hub.graphql(`query($id: ID!) { case(id: $id) { ... on MarketRegulationCase { productName supervision { notes } } } }`, { id: caseId }, callers.justice);
    expect(justice.data.case).toEqual({ productName: '劣质电线', supervision: [{ notes: null }] });
    expect(justice.errors).toEqual([{ ...UNAUTHORIZED, path: ['case', 'supervision', 0, 'notes'] }]);
  });

  it('works inside named fragments', async () => {
    const { data, errors } = await hub.graphql(`
      query Case($id: ID!) { case(id: $id) { ...CaseParts } }
      fragment CaseParts on EnforcementCase { id supervision { ...Matter } }
      fragment Matter on SupervisionMatter { kind notes status }`, { id: caseId }, callers.justice);
    expect(data.case.supervision).toEqual([{ kind: 'CASE_REVIEW', notes: null, status: 'OPEN' }]);
    expect(errors).toEqual([{ ...UNAUTHORIZED, path: ['case', 'supervision', 0, 'notes'] }]);
  });

  it('puts null and an error at every list element of a nested list', async () => {
    const { data, errors } = await hub.graphql(`{ cases(first: 50) { edges { node { id supervision { id notes } } } } }`, undefined, callers.justice);
    const expected: (string | number)[][] = [];
    data.cases.edges.forEach((edge: any, i: number) => edge.node.supervision.forEach((m: any, j: number) => {
      expect(m).toEqual({ id: m.id, notes: null });
      expected.push(['cases', 'edges', i, 'node', 'supervision', j, 'notes']);
    }));
    expect(expected.length).toBeGreaterThanOrEqual(2);
    expect(errors).toEqual(expected.map((path) => ({ ...UNAUTHORIZED, path })));
  });

  it('drops a variable used only inside a removed field, definition and value', async () => {
    clearRecorded();
    const { data, errors } = await hub.graphql(`query($id: ID!, $withNotes: Boolean!) { case(id: $id) { id supervision { id notes @include(if: $withNotes) } } }`, { id: caseId, withNotes: true }, callers.justice);
    expect(data.case.supervision[0].notes).toBeNull();
    expect(errors).toEqual([{ ...UNAUTHORIZED, path: ['case', 'supervision', 0, 'notes'] }]);
    const sent = recorded('procuratorate');
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.join('\n')).not.toMatch(/withNotes|notes/);
  });

  it('never sends a removed field to a subgraph, and does send it for a caller who may see it', async () => {
    clearRecorded();
    const query = `query($id: ID!) { case(id: $id) { id ... on MarketRegulationCase { party { name idNumber } supervision { id notes } } } }`;
    const denied = await hub.graphql(query, { id: caseId });
    expect(denied.data.case).toBeNull();
    expect(recorded().join('\n')).not.toMatch(/idNumber|notes/);

    clearRecorded();
    const justice = await hub.graphql(query, { id: caseId }, callers.justice); // personal:masked, no notes
    expect(justice.errors).toEqual([{ ...UNAUTHORIZED, path: ['case', 'supervision', 0, 'notes'] }]);
    expect(recorded('market-regulation').join('\n')).toContain('idNumber');
    expect(recorded('procuratorate').join('\n')).not.toContain('notes');

    clearRecorded();
    const procurator = await hub.graphql(query, { id: caseId }, { ...callers.procurator, reason: '立案监督审查' });
    expect(procurator.errors).toBeUndefined();
    expect(procurator.data.case.supervision[0].notes).toBe('内部意见：罚款畸轻');
    expect(recorded('market-regulation').join('\n')).toContain('idNumber');
    expect(recorded('procuratorate').join('\n')).toContain('notes');
  });

  it('enforces the same rules on GET and refuses hash-only persisted queries', async () => {
    const token = await hub.tokenFor(callers.justice);
    const search = new URLSearchParams({ query: `query($id: ID!) { case(id: $id) { supervision { notes } } }`, variables: JSON.stringify({ id: caseId }) });
    const response = await fetch(`${hub.gatewayUrl}/graphql?${search}`, { headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' } });
    const body = await response.json();
    expect(body.data.case.supervision[0].notes).toBeNull();
    expect(body.errors).toEqual([{ ...UNAUTHORIZED, path: ['case', 'supervision', 0, 'notes'] }]);

    const apq = await fetch(`${hub.gatewayUrl}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }),
    });
    expect((await apq.json()).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
  });

  it('executes nothing for a mutation the caller may not run', async () => {
    clearRecorded();
    const { data, errors } = await hub.graphql(`mutation { registerAgency(input: { code: "MR-999999", name: "x", kind: "MARKET_REGULATION", region: "320706" }) { code } }`, undefined, callers.psb);
    expect(data).toEqual({ registerAgency: null });
    expect(errors).toEqual([{ ...UNAUTHORIZED, path: ['registerAgency'] }]);
    expect(recorded()).toEqual([]);
  });

  describe('operation limits: a query just over a limit is refused and nothing runs', () => {
    const refusedFor = async (limit: string, query: string, variables?: Record<string, unknown>) => {
      clearRecorded();
      const token = await hub.tokenFor(callers.procurator);
      const response = await fetch(`${hub.gatewayUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
      const body = await response.json();
      expect(response.status).toBe(400);
      expect(body.data).toBeUndefined();
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit });
      expect(body.errors[0].message).toMatch(/limit of \d+ exceeded/);
      expect(recorded()).toEqual([]);
    };
    const accepted = async (query: string, variables?: Record<string, unknown>) => {
      const { errors } = await hub.graphql(query, variables, callers.procurator);
      expect((errors ?? []).filter((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED')).toEqual([]);
    };
    /**
     * `case { transfer { filingSupervision { transfer { … id } } } }` with `levels` levels of fields:
     * a chain public security resolves alone, so its plan stays cheap at any depth.
     */
    const deep = (levels: number) => {
      let inner = 'id';
      for (let level = levels - 1; level >= 2; level--) inner = `${level % 2 === 0 ? 'transfer' : 'filingSupervision'} { ${inner} }`;
      return `{ case(id: "${caseId}") { ${inner} } }`;
    };

    it('depth (12)', async () => {
      await refusedFor('depth', deep(13));
      await accepted(deep(12));
    });
    it('query plan: an operation within every limit whose plan would explode is refused in time, and the gateway keeps answering', async () => {
      // case ↔ supervision alternates between an interface eight subgraphs resolve and the
      // procuratorate: the planner's alternatives multiply with each level (nine levels ran the
      // gateway out of memory). Eleven levels: within the depth limit.
      let inner = 'id';
      for (let level = 10; level >= 2; level--) inner = `${level % 2 === 0 ? 'supervision' : 'case'} { ${inner} }`;
      const started = Date.now();
      await refusedFor('queryPlan', `{ case(id: "${caseId}") { ${inner} } }`);
      expect(Date.now() - started).toBeLessThan(10_000);
      const health = await fetch(`${hub.gatewayUrl}/health/live`);
      expect(health.status).toBe(200);
      await accepted(`{ agencies { code } }`);
    });
    it('aliases (30)', async () => {
      const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: agencies { code }`).join(' ')} }`;
      await refusedFor('aliases', aliased(31));
      await accepted(aliased(30));
    });
    it('tokens (2000)', async () => {
      // 23 tokens around the list, one per string in it (at most 100: input lists are capped), six per
      // `... on Mutation { __typename }` (not one field repeated: repeated fields have their own
      // limit); the procurator may not transfer, so nothing runs
      const tokens = (n: number) => {
        const fragments = Math.floor((n - 23 - 50) / 6);
        const strings = n - 23 - 6 * fragments;
        return `mutation { transferCase(caseId: "x", input: { summary: "s", materials: [${Array(strings).fill('"m"').join(' ')}] }) { id } ${'... on Mutation { __typename } '.repeat(fragments)}}`;
      };
      await refusedFor('tokens', tokens(2001));
      await accepted(tokens(2000));
    });
    it('cost (5000), `first` counting as a multiplier, also through a variable', async () => {
      // 1 (cases) + first × (1 (edges) + 1 (node) + 50 × id)
      const costly = `query($n: Int) { cases(first: $n) { edges { node { ${Array(50).fill('id').join(' ')} } } } }`;
      await refusedFor('cost', costly, { n: 100 }); // 5201
      await accepted(costly, { n: 95 }); // 4941
      await refusedFor('cost', `{ cases(first: 100) { edges { node { ${Array(50).fill('id').join(' ')} } } } }`);
    });
    it('directives (50)', async () => {
      const directed = (n: number) => `{ agencies { ${Array(n).fill('code @include(if: true)').join(' ')} } }`;
      await refusedFor('directives', directed(51));
      await accepted(directed(50));
    });
  });

  describe('reject mode (REJECT_UNAUTHORIZED=true)', () => {
    let gateway: ServiceProcess;
    let client: ReturnType<typeof hubClient>;
    let url: string;
    beforeAll(async () => {
      const port = await freePort();
      const { publicKeyFile } = await ensureDevIssuer(hub.dataDir);
      gateway = new ServiceProcess('gateway-reject', ['gateway/main.ts'], {
        ...process.env, PORT: String(port), GATEWAY_SIGNING_KEY_FILE: hub.keys.privateKey('gateway'), REJECT_UNAUTHORIZED: 'true',
        JWT_PUBLIC_KEY_FILE: publicKeyFile, JWT_ISSUER: DEV_ISSUER, JWT_AUDIENCE: DEV_AUDIENCE,
        ...(hub.databases.audit ? { DATABASE_URL: externalPostgres(inject('postgresAdminUrl')).url(hub.databases.audit) } : {}),
        ...Object.fromEntries(SUBGRAPHS.map((s) => [subgraphUrlVar(s.name), proxies[s.name].url])),
      }, !!process.env.HUB_DEBUG);
      await gateway.start();
      url = `http://127.0.0.1:${port}`;
      client = hubClient(url, hub.dataDir);
    });
    afterAll(() => gateway?.stop());

    it('refuses the whole operation with one error per unauthorized path, executing nothing', async () => {
      clearRecorded();
      const token = await client.tokenFor(callers.justice);
      const response = await fetch(`${url}/graphql`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: `query($id: ID!) { a: case(id: $id) { id s: supervision { id n: notes } } agencies { code } }`, variables: { id: caseId } }),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: null, errors: [{ ...UNAUTHORIZED, path: ['a', 's', 'n'] }] });
      expect(recorded()).toEqual([]);

      const allowed = await client.graphql(`query($id: ID!) { case(id: $id) { id supervision { id notes } } }`, { id: caseId }, callers.procurator);
      expect(allowed.errors).toBeUndefined();
      expect(allowed.data.case.supervision[0].notes).toBe('内部意见：罚款畸轻');
    });
  });
});

describe('authorization rewrite semantics (no hub)', () => {
  it('validates against the same API schema @apollo/gateway builds', () => {
    const sdl = readSupergraph();
    // @apollo/gateway: Supergraph.build(sdl).apiSchema().toGraphQLJSSchema(), on the copy it loads
    const gatewaySchema = Supergraph.build(sdl.replace(/,\s*for:\s*SECURITY/g, '')).apiSchema().toGraphQLJSSchema();
    const cjsGraphql = createRequire(import.meta.url)('graphql') as typeof import('graphql'); // the instance federation uses
    expect(printSchema(policySchema(sdl).schema)).toBe(cjsGraphql.printSchema(gatewaySchema));
  });

  /** Rewrites for a hypothetical caller holding exactly `scopes` (no policy role has case:read without personal data). */
  const rewriteFor = (query: string, scopes: string[], sdl?: string) => {
    const policy = policySchema(sdl);
    const document = parse(query);
    const held = new Set(scopes);
    return rewriteOperation(policy, inlineFragments(document, selectOperation(document, undefined)!, 10_000), query, (r) => satisfies(r, { role: 'procurator' }, held));
  };

  it('nulls a.p.n for a caller with case:read only', () => {
    const plan = rewriteFor(`query($id: ID!) { a: case(id: $id) { id p: party { name n: idNumber } } }`, ['case:read']);
    expect(plan.query).not.toContain('idNumber');
    expect(plan.denied).toEqual([{ coordinate: 'Party.idNumber', path: ['a', 'p', 'n'] }]);
    const result = { data: { a: { id: '1', p: { name: '张伟' } } } } as any;
    restoreResult(result, plan.restore, plan.denied);
    expect(result).toEqual({ data: { a: { id: '1', p: { name: '张伟', n: null } } }, errors: [{ ...UNAUTHORIZED, path: ['a', 'p', 'n'] }] });
  });

  it('protects an interface as composition does (any implementation protected), a union only when all its members are', () => {
    const sdl = composeServices([
      { name: 'a', url: 'http://a', typeDefs: parse(`
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@requiresScopes"])
        interface Item { id: ID! }
        type Open implements Item @key(fields: "id") { id: ID! title: String }
        type Secret implements Item @key(fields: "id") @requiresScopes(scopes: [["secret"]]) { id: ID! code: String }
        type Hidden @key(fields: "id") @requiresScopes(scopes: [["secret"]]) { id: ID! }
        union Thing = Open | Secret
        union Hiddens = Hidden | Secret
        type Query { items: [Item!]! things: [Thing!]! hiddens: [Hiddens!]! secrets: [Secret!]! }`) },
    ]).supergraphSdl!;
    // Composition copies Secret's requirement onto Item, so `items` goes as a whole (Router semantics).
    expect(policySchema(sdl).typeRequirement('Item')?.requirement.anyOf).toEqual([['secret']]);
    const plan = rewriteFor(`{ items { id } things { ... on Open { title } ... on Secret { code } } hiddens { __typename } secrets { id } }`, [], sdl);
    expect(plan.query).not.toMatch(/Secret|code|secrets|items|hiddens/);
    expect(plan.denied).toEqual([
      { coordinate: 'Item', path: ['items'] },
      { coordinate: 'Secret', path: ['things'] }, // the type condition on a protected member
      { coordinate: 'Hidden', path: ['hiddens'] },
      { coordinate: 'Secret', path: ['secrets'] },
    ]);
    // `things` stays, asked for Open only; a Secret that comes back is withheld as null.
    const result = { data: { things: [{ __hub_t: 'Open', title: 't' }, { __hub_t: 'Secret' }] } } as any;
    const withheld = restoreResult(result, plan.restore, plan.denied);
    expect(result.data).toEqual({ items: null, things: [{ title: 't' }, null], hiddens: null, secrets: null });
    expect(withheld).toEqual([{ coordinate: 'Secret', path: ['things', 1] }]);
    expect(result.errors.map((e: any) => e.path)).toEqual(expect.arrayContaining([['items'], ['things', 1], ['hiddens'], ['secrets']]));
    expect(result.errors).toHaveLength(4);
  });

  it('caches per query and scope set, and stays cheap', () => {
    const authorizer = createAuthorizer();
    const query = `query($id: ID!) { case(id: $id) { id supervision { id notes } } }`;
    const plan = (role: any) => (authorizer.decide({ query }, { role }) as { plan: unknown }).plan;
    const first = plan('justice_supervisor');
    expect(plan('justice_supervisor')).toBe(first);
    expect(plan('procurator')).not.toBe(first);
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) authorizer.decide({ query }, { role: 'justice_supervisor' });
    expect((performance.now() - started) / 10_000).toBeLessThan(0.05); // ms per warm call
  });
});
