// The schema registry's pure parts, without a hub: subgraph URLs with a path, readiness, the
// client API's changes between two supergraphs, the commands' arguments.
import { describe, expect, it } from 'vitest';
import { liveness, readiness } from '../gateway/health';
import { readSupergraph, subgraphBases, subgraphEndpoint, subgraphRoute } from '../gateway/supergraph';
import { apiChanges, formatReport, parseArgs, refuses, type CheckReport } from '../scripts/schema-check';

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
      breaking: 1, dangerous: 0,
    };
    expect(refuses(report)).toBe(true);
    expect(refuses(report, true)).toBe(false);
    expect(refuses({ ...report, changes: [], breaking: 0, compositionErrors: ['x'] }, true)).toBe(true);
    expect(formatReport(report)).toContain('Agency.region  FIELD_REMOVED  BREAKING');
    expect(formatReport(report)).toContain("against the registry's version 4");
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
