// Prometheus scrapes: the gateway's /metrics for a token whose role holds metrics:read, a
// subgraph's for an identity signed by the gateway or an owner; the public reaches neither. After
// some requests the exposition parses and holds requests and latency by operation and outcome,
// subgraph fetches, outbox lag and alerts raised.
import { afterAll, beforeAll, describe, expect, it, test } from 'vitest';
import { IDENTITY_HEADER } from '../kit/identity';
import { callers, recordMarketCase, seedBureaus } from './support/fixtures';
import { eventually, startHub, type TestHub } from './support/hub';

const PROMETHEUS_ACCEPT = 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

interface Sample { name: string; labels: Record<string, string>; value: number }

/** Parses a text exposition; throws on any line that is neither a comment nor a sample. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[\d.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    if (!match) throw new Error(`not a sample: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

const find = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

let hub: TestHub;

beforeAll(async () => {
  // Two gateway workers: a scrape reaches one of them and must count the requests both answered.
  hub = await startHub({ processes: true, env: { GATEWAY_WORKERS: '2' } });
  await seedBureaus(hub);
});

afterAll(async () => {
  await hub?.stop();
});

async function scrapeGateway(authorization?: string) {
  return fetch(`${hub.gatewayUrl}/metrics`, { headers: { accept: PROMETHEUS_ACCEPT, ...(authorization ? { authorization } : {}) } });
}

describe('the gateway /metrics', () => {
  it('refuses the public without a token (401)', async () => {
    const response = await scrapeGateway();
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain('graphql_requests_total');
  });

  test.each([
    ['agency_officer', callers.marketOfficer],
    ['procurator', callers.procurator],
    ['auditor', { role: 'auditor', org: 'AUDIT' }],
  ])('refuses a %s, whose role holds no metrics:read (403)', async (_role, caller) => {
    const response = await scrapeGateway(`Bearer ${await hub.tokenFor(caller)}`);
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain('graphql_requests_total');
  });

  it('refuses a forged token (401)', async () => {
    const response = await scrapeGateway('Bearer not.a.token');
    expect(response.status).toBe(401);
  });

  it('gives an authorised scrape requests and latency by operation and outcome, and subgraph fetches', async () => {
    const caseId = await recordMarketCase(hub);
    for (let i = 0; i < 3; i++) {
      const { errors } = await hub.graphql(`query MetricsRead($id: ID!) { case(id: $id) { id caseNumber } }`, { id: caseId }, callers.procurator);
      expect(errors).toBeUndefined();
    }
    const refused = await hub.graphql(`mutation MetricsFails($input: MarketRegulationCaseInput!) { createMarketRegulationCase(input: $input) { id } }`,
      { input: { caseNumber: '' } }, callers.marketOfficer);
    expect(refused.errors?.length).toBeGreaterThan(0);

    const token = `Bearer ${await hub.tokenFor(callers.admin)}`;
    const scrape = async () => {
      const response = await scrapeGateway(token);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      return parseExposition(await response.text());
    };
    // A request is counted when its answer has been handed to the socket: the client may be quicker.
    const samples = await eventually(async () => {
      const scraped = await scrape();
      return find(scraped, 'graphql_requests_total', { operation: 'MetricsFails' }).length ? scraped : undefined;
    }, 5_000, 'the last request counted');

    expect(find(samples, 'graphql_requests_total', { operation: 'MetricsRead', outcome: 'ok' })[0]?.value).toBe(3);
    expect(find(samples, 'graphql_request_duration_seconds_count', { operation: 'MetricsRead', outcome: 'ok' })[0]?.value).toBe(3);
    const failures = find(samples, 'graphql_requests_total', { operation: 'MetricsFails' });
    expect(failures.length).toBe(1);
    expect(failures[0].labels.outcome).not.toBe('ok');
    // The case query is planned to justice (the index) at least: its fetches are timed.
    expect(find(samples, 'subgraph_fetch_duration_seconds_count', { subgraph: 'justice', outcome: 'ok' })[0]?.value).toBeGreaterThan(0);
    expect(find(samples, 'subgraph_fetch_errors_total').every((s) => s.value >= 0)).toBe(true);
    expect(find(samples, 'process_resident_memory_bytes').length).toBe(1);
  });
});

describe('a subgraph /metrics', () => {
  it('refuses a caller without a signed identity (401)', async () => {
    const response = await fetch(`${hub.subgraphUrls['market-regulation']}/metrics`, { headers: { accept: PROMETHEUS_ACCEPT } });
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain('outbox_lag_seconds');
  });

  it('gives its outbox lag to a signed scrape, and the procuratorate its alerts raised', async () => {
    // Sales of 62 000 yuan of fake goods, fined and not transferred: 以罚代刑, an alert (CL140 threshold 50 000).
    await recordMarketCase(hub);
    const db = await hub.ownerDatabase('procuratorate');
    const alerts = await eventually(async () => {
      const { rows } = await db.query('SELECT count(*)::int AS n FROM alert');
      return rows[0].n > 0 ? (rows[0].n as number) : undefined;
    }, 10_000, 'an alert raised').finally(() => db.end());
    const scrape = async (subgraph: string) => {
      const token = await hub.keys.asGateway({ sub: 'test:metrics', role: 'public' }, subgraph);
      const response = await fetch(`${hub.subgraphUrls[subgraph]}/metrics`, { headers: { accept: PROMETHEUS_ACCEPT, [IDENTITY_HEADER]: token } });
      expect(response.status).toBe(200);
      return parseExposition(await response.text());
    };
    const market = await scrape('market-regulation');
    const lag = find(market, 'outbox_lag_seconds', { owner: 'market-regulation' });
    expect(lag.length).toBeGreaterThan(0);
    // The case was indexed (recordMarketCase waited for it): nothing of it is pending.
    expect(lag.every((s) => s.value >= 0)).toBe(true);
    expect(find(market, 'subgraph_sql_statements')[0]?.value).toBeGreaterThan(0);

    const procuratorate = await scrape('procuratorate');
    const names = new Set(procuratorate.map((s) => s.name));
    expect(names.has('outbox_lag_seconds') || names.has('subgraph_sql_statements')).toBe(true);
    // Every alert the procuratorate holds is counted by kind and signal.
    const raised = find(procuratorate, 'supervision_alerts_raised', { owner: 'procuratorate' });
    expect(raised.every((s) => s.labels.kind && s.labels.signal)).toBe(true);
    expect(raised.reduce((sum, s) => sum + s.value, 0)).toBe(alerts);
  });

  it('still answers the hub its JSON figures when asked for JSON', async () => {
    expect(await hub.sqlStatements('market-regulation')).toBeGreaterThan(0);
  });
});
