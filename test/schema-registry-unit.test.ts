// The schema registry's pure parts, without a hub: subgraph URLs with a path, readiness, the
// client API's changes between two supergraphs, the commands' arguments.
import { describe, expect, it } from 'vitest';
import { liveness, readiness } from '../gateway/health';
import { readSupergraph, subgraphBases, subgraphEndpoint, subgraphRoute } from '../gateway/supergraph';
import { apiChanges, formatReport, parseArgs, refuses, type CheckReport } from '../scripts/schema-check';
import { documentId, type TrustedManifest } from '../gateway/trusted-documents';

describe('a subgraph URL may carry a path', () => {
  it.each([
    ['http://justice:4001', 'http://justice:4001/graphql', 'http://justice:4001/health'],
    ['http://justice:4001/', 'http://justice:4001/graphql', 'http://justice:4001/health'],
    ['https://gw.example.gov.cn/owners/justice', 'https://gw.example.gov.cn/owners/justice/graphql', 'https://gw.example.gov.cn/owners/justice/health'],
    ['http://10.1.2.3:8080/em/', 'http://10.1.2.3:8080/em/graphql', 'http://10.1.2.3:8080/em/health'],
  ])('%s answers at %s and %s', (base, graphql, health) => {
    expect(subgraphEndpoint(base, 'graphql')).toBe(graphql);
    expect(subgraphEndpoint(base, 'health')).toBe(health);
  });

  it('routes to the configured URL, else to the routing URL a publication recorded', () => {
    const configured = { justice: 'http://h:1/prefix' };
    expect(subgraphRoute('justice', 'http://justice.internal/graphql', configured)).toBe('http://h:1/prefix/graphql');
    expect(subgraphRoute('emergency-management', 'http://10.0.0.7:4007/em/graphql', configured)).toBe('http://10.0.0.7:4007/em/graphql');
  });

  it("health checks reach every subgraph of the supergraph in service, at its configured base", () => {
    const bases = subgraphBases(readSupergraph(), { justice: 'http://h:1/prefix' });
    expect(bases.justice).toBe('http://h:1/prefix');
    expect(bases.audit).toBe('http://audit.internal');
  });
});

describe('liveness and readiness', () => {
  const schema = { version: 3, source: 'registry' as const, loadedAt: '2026-11-27T01:00:00.000Z' };
  it('live whatever else is down', () => expect(liveness()).toEqual({ status: 200, body: { status: 'live' } }));
  it('ready and degraded when a subgraph is missing, naming it', () => {
    const answer = readiness({ schema, database: true, subgraphs: { justice: 'up', 'emergency-management': 'down' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'degraded', missing: ['emergency-management'], database: 'up' });
  });
  it('unready without its database or a supergraph', () => {
    expect(readiness({ schema, database: false, subgraphs: { justice: 'up' } })).toMatchObject({ status: 503, body: { status: 'unready', database: 'down' } });
    expect(readiness({ schema: null, database: true, subgraphs: {} })).toMatchObject({ status: 503, body: { status: 'unready' } });
  });
});

describe("the client API's changes", () => {
  const live = readSupergraph();
  const agency = /(type Agency\s*@join__type[^{]*\{[^}]*?)\n\s*region: String!/;

  it('removing a field is breaking, named Type.field with its kind', async () => {
    const without = live.replace(agency, '$1');
    expect(without).not.toBe(live);
    const changes = await apiChanges(live, without);
    expect(changes).toEqual([expect.objectContaining({ coordinate: 'Agency.region', kind: 'FIELD_REMOVED', criticality: 'BREAKING' })]);
  });

  it('federation internals are not the API: the same API under another subgraph URL is no change', async () => {
    expect(await apiChanges(live, live.replace('http://justice.internal/graphql', 'http://10.0.0.1/j/graphql'))).toEqual([]);
  });

  it('a report refuses on a breaking change unless allowed, and on a composition error always', () => {
    const report: CheckReport = {
      subgraph: 'justice', base: { source: 'registry', version: 4 }, newSubgraph: false, unchanged: false, compositionErrors: [], supergraphSdl: 'x',
      changes: [{ coordinate: 'Agency.region', kind: 'FIELD_REMOVED', criticality: 'BREAKING', message: "Field 'region' was removed from object type 'Agency'" }],
      breaking: 1, dangerous: 0, usage: null,
    };
    expect(refuses(report)).toBe(true);
    expect(refuses(report, true)).toBe(false);
    expect(refuses({ ...report, changes: [], breaking: 0, compositionErrors: ['x'] }, true)).toBe(true);
    expect(formatReport(report)).toContain('Agency.region  FIELD_REMOVED  BREAKING');
    expect(formatReport(report)).toContain("against the registry's version 4");
  });
});

// Usage-aware (issue 9): a change breaking by its kind breaks clients only if one of their
// registered operations (the trusted documents) uses what it changes.
describe("the client API's changes, weighed against the clients' registered operations", () => {
  const live = readSupergraph();
  const without = (type: string, field: string) => {
    const next = live.replace(new RegExp(`(type ${type}\\s*@join__type[^{]*\\{[^}]*?)\\n\\s*${field}(\\([^)]*\\))?: [^\\n]+`), '$1');
    expect(next).not.toBe(live);
    return next;
  };
  const manifest = (...ops: { client: string; body: string }[]): TrustedManifest => ({
    operations: Object.fromEntries(ops.map((o) => [documentId(o.body), {
      name: /^\w+\s+(\w+)/.exec(o.body)![1], clients: [o.client], registeredAt: '2026-11-01T00:00:00.000Z', body: o.body,
    }])),
  });
  const directory = manifest(
    { client: 'directory-app', body: 'query AgencyDirectory { agencies { code name region } }' },
    { client: 'case-desk', body: 'query CaseKinds($filter: CaseFilter) { cases(filter: $filter, first: 10) { edges { node { id agency { code } } } } }' },
  );

  it('removing a field a registered operation reads is breaking, naming the client and its operation', async () => {
    const changes = await apiChanges(live, without('Agency', 'region'), directory);
    expect(changes).toEqual([expect.objectContaining({
      coordinate: 'Agency.region', kind: 'FIELD_REMOVED', criticality: 'BREAKING',
      usedBy: [{ client: 'directory-app', operation: 'AgencyDirectory' }],
    })]);
  });

  it('removing a field no registered operation reads is dangerous, not breaking', async () => {
    const changes = await apiChanges(live, without('Agency', 'region'), manifest({ client: 'case-desk', body: 'query Names { agencies { code name } }' }));
    expect(changes).toEqual([expect.objectContaining({ coordinate: 'Agency.region', kind: 'FIELD_REMOVED', criticality: 'DANGEROUS', safeByUsage: true })]);
    expect(changes[0].usedBy).toBeUndefined();
  });

  it('every operation that reads it is named, across clients; one through a fragment on an interface counts', async () => {
    const both = manifest(
      { client: 'directory-app', body: 'query AgencyDirectory { agencies { code region } }' },
      { client: 'case-desk', body: 'query CaseBureau($id: ID!) { case(id: $id) { ...Bureau } } fragment Bureau on EnforcementCase { agency { region } }' },
    );
    const [change] = await apiChanges(live, without('Agency', 'region'), both);
    expect(change.usedBy).toEqual([{ client: 'case-desk', operation: 'CaseBureau' }, { client: 'directory-app', operation: 'AgencyDirectory' }]);
  });

  it('an enum value is used by a variable of its type: its values come at run time', async () => {
    const kinds = live.replace(/\n\s*"""生态环境局"""\n\s*ECO_ENVIRONMENT @join__enumValue[^\n]*/, '');
    expect(kinds).not.toBe(live);
    const changes = await apiChanges(live, kinds, directory);
    expect(changes).toEqual([expect.objectContaining({
      coordinate: 'AgencyKind.ECO_ENVIRONMENT', criticality: 'BREAKING', usedBy: [{ client: 'case-desk', operation: 'CaseKinds' }],
    })]);
  });

  it('without registered operations every breaking change counts, and the report says so', async () => {
    const changes = await apiChanges(live, without('Agency', 'region'), { operations: {} });
    expect(changes).toEqual([expect.objectContaining({ coordinate: 'Agency.region', criticality: 'BREAKING' })]);
    const report: CheckReport = {
      subgraph: 'justice', base: { source: 'registry', version: 4 }, newSubgraph: false, unchanged: false, compositionErrors: [], supergraphSdl: 'x',
      changes, breaking: 1, dangerous: 0, usage: null,
    };
    expect(formatReport(report)).toContain('client usage: no registered operations; every breaking change counts');
    const used = await apiChanges(live, without('Agency', 'region'), directory);
    const text = formatReport({ ...report, changes: used, usage: { source: 'schema/trusted-documents.json', operations: 2 } });
    expect(text).toContain('client usage: 2 registered operations');
    expect(text).toMatch(/Agency\.region  FIELD_REMOVED  BREAKING .*\n    used by directory-app: AgencyDirectory/);
  });
});

describe('arguments', () => {
  it('takes the subgraph, the source and the flags', () => {
    expect(parseArgs(['justice', 'a.graphql', '--by', 'ops:li', '--allow-breaking'], ['allow-breaking'], ['by']))
      .toEqual({ subgraph: 'justice', source: 'a.graphql', options: { by: 'ops:li', 'allow-breaking': true } });
  });
  it.each([
    [['justice'], /expected <subgraph> <sdl-file\|url>/],
    [['Justice', 'a.graphql'], /lowercase/],
    [['justice', 'a.graphql', '--by'], /--by takes a value/],
    [['justice', 'a.graphql', '--force'], /unknown option --force/],
  ])('%j is refused', (argv, message) => {
    expect(() => parseArgs(argv, ['allow-breaking'], ['by'])).toThrow(message);
  });
});
