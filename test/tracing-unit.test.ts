// What a span may say, checked without a hub: routes without ids or text in them, SQL spans named
// by the statement's operation alone, the collector's trace URL, and nothing set up when no
// collector is configured (a no-op: no trace id, no traceparent, work run as it is).
import { describe, expect, it } from 'vitest';
import { GATEWAY_ENV } from '../gateway/config';
import { envProblems } from '../kit/config';
import { COMMON_SUBGRAPH_ENV } from '../kit/module';
import { currentTraceId, inClientSpan, inSqlSpan, routeOf, sqlOperation, traceparentHeader, tracesUrl, tracingEnabled, TRACING_ENV } from '../kit/tracing';

describe('span names', () => {
  it.each([
    ['/graphql', '/graphql'],
    ['/internal/case-opened', '/internal/case-opened'],
    ['/internal/320706199001011234', '/internal/{param}'],
    ['/events/司马长风', '/events/{param}'],
    ['/console/assets/index-3f2a.js', '/console/assets/{param}'],
    ['/', '/'],
  ])('the route of %s is %s', (path, route) => {
    expect(routeOf(path)).toBe(route);
  });

  it.each([
    ['SELECT "c"."id" FROM enforcement_case "c" WHERE "c"."id" = $1', 'SELECT'],
    ['  insert into outbox (topic, body) values ($1, $2)', 'INSERT'],
    ['/* typeorm */ UPDATE case_index SET status = $1', 'UPDATE'],
    ['START TRANSACTION', 'START'],
    ["(SELECT 1) UNION (SELECT 2)", 'SELECT'],
    ["'110101199001011234'", 'SQL'],
    ['VACUUM enforcement_case', 'SQL'],
  ])('the SQL span of %s is named %s', (text, operation) => {
    expect(sqlOperation(text)).toBe(operation);
  });

  it('sends spans to <endpoint>/v1/traces (OTLP/HTTP)', () => {
    expect(tracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl('http://collector:4318/')).toBe('http://collector:4318/v1/traces');
  });
});

describe('without a collector', () => {
  it('makes no spans and runs the work as it is', async () => {
    expect(tracingEnabled()).toBe(false);
    expect(currentTraceId()).toBeUndefined();
    expect(traceparentHeader()).toBeUndefined();
    expect(await inClientSpan('POST casework', {}, async () => 'answered')).toBe('answered');
    expect(await inSqlSpan('SELECT 1', 'casework', async () => 1)).toBe(1);
  });
});

describe('configuration', () => {
  it('is declared by the gateway and every subgraph, and a collector address that is no URL is named at start', () => {
    for (const declared of [GATEWAY_ENV, COMMON_SUBGRAPH_ENV]) {
      expect(declared.map((v) => v.name)).toEqual(expect.arrayContaining(['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_SERVICE_NAME']));
    }
    expect(envProblems(TRACING_ENV, { OTEL_EXPORTER_OTLP_ENDPOINT: 'otel-collector:4318' })).toEqual(['OTEL_EXPORTER_OTLP_ENDPOINT: not a URL (http or https): "otel-collector:4318"']);
    expect(envProblems(TRACING_ENV, { OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toEqual([]);
  });
});
