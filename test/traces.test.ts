// OpenTelemetry traces of a whole hub, exported by OTLP/HTTP to a collector the test runs itself:
// the unified case query, sent under the caller's own traceparent, is ONE trace from the gateway's
// request through its subgraph fetches to every subgraph it reached and down to their SQL
// statements, and no span holds the party's ID number, phone or name (个人信息保护法 第五十一条),
// although the query releases all three to the procurator.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_QUERY } from '../bench/queries';
import { callers, recordMarketCase, residentId, seedBureaus } from './support/fixtures';
import { eventually, startHub, type TestHub } from './support/hub';

/** One span as OTLP/JSON carries it, with the service that sent it. */
interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

const SERVER = 2;
const CLIENT = 3;

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
const valueOf = (v: AnyValue) => v.stringValue ?? v.intValue ?? v.boolValue ?? v.doubleValue;
const attributesOf = (list: { key: string; value: AnyValue }[] = []) => Object.fromEntries(list.map((a) => [a.key, valueOf(a.value)]));

/** A collector's OTLP/HTTP trace receiver: POST /v1/traces, JSON (what the exporter sends). */
function otlpReceiver() {
  const spans: ReceivedSpan[] = [];
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !String(req.headers['content-type']).startsWith('application/json')) {
        res.writeHead(404).end();
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      bodies.push(text);
      const body = JSON.parse(text) as { resourceSpans?: { resource?: { attributes?: { key: string; value: AnyValue }[] }; scopeSpans?: { spans?: any[] }[] }[] };
      for (const rs of body.resourceSpans ?? []) {
        const service = String(attributesOf(rs.resource?.attributes)['service.name']);
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            spans.push({ service, traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || undefined, name: s.name, kind: s.kind, attributes: attributesOf(s.attributes) });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return { spans, bodies, server };
}

describe('traces', () => {
  const receiver = otlpReceiver();
  let hub: TestHub;
  let endpoint: string;

  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`;
    // Spans leave in batches: every 200 ms here instead of the default 5 s.
    hub = await startHub({ processes: true, env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '200' } });
    await seedBureaus(hub);
  });

  afterAll(async () => {
    await hub?.stop();
    await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
  });

  it('follow the unified case query from the gateway through three subgraphs to SQL, with nothing personal', async () => {
    const name = '司马长风';
    const idNumber = residentId('320706', '19780214', 31);
    const phone = '13765432109';
    const caseId = await recordMarketCase(hub, { party: { kind: 'NATURAL_PERSON', name, idNumber, phone, address: '江苏省连云港市海州区通灌路7号' } });

    // The caller's own trace: its span is the gateway's parent.
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const token = await hub.tokenFor(callers.procurator);
    const response = await fetch(`${hub.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json', authorization: `Bearer ${token}`,
        'x-access-reason': encodeURIComponent('立案监督审查'), traceparent: `00-${traceId}-${callerSpanId}-01`,
      },
      body: JSON.stringify({ query: CASE_QUERY, variables: { id: caseId } }),
    });
    const answer = (await response.json()) as { data?: { case?: { party?: { name?: string; idNumber?: string } } }; errors?: unknown[] };
    expect(answer.errors).toBeUndefined();
    // Released in full to the procurator with a reason: the spans below had the values within reach.
    expect(answer.data?.case?.party).toEqual({ name, idNumber });

    const gatewayServer = () => receiver.spans.find((s) => s.traceId === traceId && s.service === 'gateway' && s.kind === SERVER);
    // The subgraphs' request spans of this trace, once at least three subgraphs' have arrived.
    const subgraphServers = () => {
      const found = receiver.spans.filter((s) => s.traceId === traceId && s.service !== 'gateway' && s.kind === SERVER);
      return new Set(found.map((s) => s.service)).size >= 3 && gatewayServer() ? found : undefined;
    };
    const servers = await eventually(async () => subgraphServers(), 20_000, 'spans of the gateway and three subgraphs');

    const trace = () => receiver.spans.filter((s) => s.traceId === traceId);
    const byId = () => new Map(trace().map((s) => [s.spanId, s]));
    // The gateway's request span continues the caller's span.
    const root = gatewayServer()!;
    expect(root.parentSpanId).toBe(callerSpanId);
    expect(root.name).toBe('POST /graphql');

    // Each subgraph's request span is the child of one of the gateway's fetch spans to it.
    await eventually(async () => (servers.every((s) => byId().get(s.parentSpanId ?? '')) ? true : undefined), 10_000, 'the fetch spans');
    for (const server of servers) {
      const fetch = byId().get(server.parentSpanId!)!;
      expect(fetch).toMatchObject({ service: 'gateway', kind: CLIENT, name: `POST ${server.service}` });
      // …which chains up to the gateway's request span.
      const chain = [];
      for (let s: ReceivedSpan | undefined = fetch; s; s = s.parentSpanId ? byId().get(s.parentSpanId) : undefined) chain.push(s.spanId);
      expect(chain).toContain(root.spanId);
    }

    // SQL statements under the subgraphs' request spans (parent ids chain within one service).
    const sql = () => trace().filter((s) => s.attributes['db.system'] === 'postgresql');
    await eventually(async () => (new Set(sql().map((s) => s.service)).size >= 2 ? true : undefined), 10_000, 'SQL spans of two subgraphs');
    for (const statement of sql()) {
      expect(statement.kind).toBe(CLIENT);
      expect(statement.name).toMatch(/^[A-Z]+$/);
      expect(statement.attributes['db.operation.name']).toBe(statement.name);
      let up = statement.parentSpanId ? byId().get(statement.parentSpanId) : undefined;
      while (up && up.kind !== SERVER) up = up.parentSpanId ? byId().get(up.parentSpanId) : undefined;
      expect(up?.service).toBe(statement.service);
      expect(servers.map((s) => s.spanId)).toContain(up?.spanId);
    }
    expect(sql().some((s) => s.name === 'SELECT')).toBe(true);

    // Nothing personal anywhere in what the collector received: no attribute, name or resource.
    const everything = receiver.bodies.join('\n');
    for (const secret of [name, idNumber, phone]) expect(everything).not.toContain(secret);
    for (const span of receiver.spans) {
      for (const value of Object.values(span.attributes)) {
        for (const secret of [name, idNumber, phone]) expect(String(value)).not.toContain(secret);
      }
    }
  });

  it('name, in the audit log, the trace the collector holds when the caller sent no traceparent', async () => {
    const caseId = await recordMarketCase(hub);
    const db = await hub.ownerDatabase('gateway');
    try {
      const { rows: [{ last }] } = await db.query('SELECT coalesce(max(sequence), 0)::text AS last FROM audit_log');
      const token = await hub.tokenFor(callers.procurator);
      const response = await fetch(`${hub.gatewayUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-access-reason': encodeURIComponent('立案监督审查') },
        body: JSON.stringify({ query: CASE_QUERY, variables: { id: caseId } }),
      });
      expect(((await response.json()) as { errors?: unknown[] }).errors).toBeUndefined();

      // The party's ID number released to the procurator is audited under the request's trace id…
      const traceId = await eventually(async () => {
        const { rows } = await db.query(`SELECT DISTINCT trace_id FROM audit_log WHERE operation_name = 'UnifiedCase' AND sequence > $1`, [last]);
        return rows.length ? (rows as { trace_id: string }[]).map((r) => r.trace_id) : undefined;
      }, 10_000, 'the audit entry');
      expect(traceId).toHaveLength(1);
      // …the very trace the gateway's request span started, and the subgraphs' spans continued.
      await eventually(async () => {
        const spans = receiver.spans.filter((s) => s.traceId === traceId[0]);
        const gateway = spans.find((s) => s.service === 'gateway' && s.kind === SERVER && !s.parentSpanId);
        return gateway && spans.some((s) => s.service !== 'gateway' && s.kind === SERVER) ? true : undefined;
      }, 20_000, "the audited request's trace");
    } finally {
      await db.end();
    }
  });
});
