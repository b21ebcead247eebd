// The trace id a subgraph's lines and release journal carry for a call comes from the call's
// `traceparent`: the gateway's fetches and owners' calls to each other (kit/upstream.ts) carry the
// request's trace there, and no `x-trace-id` beside it. `x-trace-id` is still taken where sent:
// owners and gateways of an earlier version during a rolling deploy.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { importJWK } from 'jose';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SubgraphDataSource, type GatewayContext } from '../gateway/data-source';
import { IDENTITY_HEADER } from '../kit/identity';
import { GATEWAY, newKeyPair } from '../kit/keys';
import { traceIdOfCall } from '../kit/runtime';
import { inClientSpan } from '../kit/tracing';
import { enterRequest } from '../kit/log';
import { callSubgraph } from '../kit/upstream';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

describe("a subgraph call's trace id", () => {
  it("is the gateway's traceparent's trace id", () => {
    expect(traceIdOfCall({ traceparent: `00-${TRACE}-00f067aa0ba902b7-01` }, GATEWAY)).toBe(TRACE);
  });

  it('is x-trace-id where sent (an owner, or an earlier gateway), before any traceparent', () => {
    expect(traceIdOfCall({ 'x-trace-id': 'trace-direct-1' }, GATEWAY)).toBe('trace-direct-1');
    expect(traceIdOfCall({ 'x-trace-id': TRACE, traceparent: `00-${'1'.repeat(32)}-00f067aa0ba902b7-01` }, GATEWAY)).toBe(TRACE);
    expect(traceIdOfCall({ 'x-trace-id': TRACE }, 'justice')).toBe(TRACE);
  });

  it("is an owner's call's traceparent's trace id too, as the gateway's", () => {
    expect(traceIdOfCall({ traceparent: `00-${TRACE}-00f067aa0ba902b7-01` }, 'justice')).toBe(TRACE);
  });

  it("is not read from an unsigned call's traceparent, nor from one that is not W3C's", () => {
    expect(traceIdOfCall({ traceparent: `00-${TRACE}-00f067aa0ba902b7-01` }, undefined)).toBeUndefined();
    for (const traceparent of [`00-${TRACE.toUpperCase()}-00f067aa0ba902b7-01`, `00-${TRACE.slice(1)}-00f067aa0ba902b7-01`, `00-${TRACE}-00f067aa0ba902b7`, `${TRACE}`, '']) {
      expect(traceIdOfCall({ traceparent }, GATEWAY), traceparent).toBeUndefined();
    }
    expect(traceIdOfCall({}, GATEWAY)).toBeUndefined();
  });
});

describe("the gateway's subgraph fetch", () => {
  it('carries the trace id in traceparent only, which the subgraph reads back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trace-header-'));
    const keyFile = join(dir, 'gateway.json');
    writeFileSync(keyFile, JSON.stringify((await newKeyPair(GATEWAY)).privateJwk));
    const source = new SubgraphDataSource('market-regulation', 'http://127.0.0.1:1/graphql', keyFile, 1000);
    const context: GatewayContext = { identity: { sub: 'u1', role: 'procurator', traceId: TRACE } };
    const headers = new Map<string, string>();
    const request = { http: { method: 'POST', url: 'http://127.0.0.1:1/graphql', headers: { set: (name: string, value: string) => void headers.set(name.toLowerCase(), value) } } };
    await source.willSendRequest!({ request, context } as any);
    expect(headers.has('x-trace-id')).toBe(false);
    expect(headers.get('traceparent')).toMatch(new RegExp(`^00-${TRACE}-[\\da-f]{16}-01$`));
    expect(headers.get(IDENTITY_HEADER)).toBeTruthy();
    expect(traceIdOfCall(Object.fromEntries(headers), GATEWAY)).toBe(TRACE);

    // The same caller's next request: its identity is signed already, so the headers are set at
    // once (no promise to wait on), the same token, under the new request's own trace.
    const next = '0af7651916cd43dd8448eb211c80319c';
    const nextHeaders = new Map<string, string>();
    const nextRequest = { http: { ...request.http, headers: { set: (name: string, value: string) => void nextHeaders.set(name.toLowerCase(), value) } } };
    const returned = source.willSendRequest!({ request: nextRequest, context: { identity: { ...context.identity, traceId: next } } } as any);
    expect(returned).toBeUndefined();
    expect(nextHeaders.get(IDENTITY_HEADER)).toBe(headers.get(IDENTITY_HEADER));
    expect(traceIdOfCall(Object.fromEntries(nextHeaders), GATEWAY)).toBe(next);
    expect(nextHeaders.has('x-trace-id')).toBe(false);
  });
});

describe("an owner's call to another owner", () => {
  it("carries the request's trace in traceparent only, which the other owner reads back; outside a request, none", async () => {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => { seen.push(req.headers); req.resume(); req.on('end', () => res.end('{"data":{"ok":true}}')); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const { privateJwk } = await newKeyPair('justice');
    const justice = { name: 'justice', key: (await importJWK(privateJwk, privateJwk.alg)) as CryptoKey };
    try {
      // Outside a request first: a request's scope, once entered, stays with the rest of this test.
      expect(await callSubgraph(base, 'public-security', justice, 'query { ok }')).toEqual({ ok: true });
      enterRequest({ traceId: TRACE });
      await callSubgraph(base, 'public-security', justice, 'query { ok }');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    expect(seen[0].traceparent).toBeUndefined();
    expect(traceIdOfCall(seen[0], 'justice')).toBeUndefined();
    expect(seen[1]['x-trace-id']).toBeUndefined();
    expect(seen[1].traceparent).toMatch(new RegExp(`^00-${TRACE}-[\\da-f]{16}-01$`));
    expect(traceIdOfCall(seen[1], 'justice')).toBe(TRACE);
  });
});

describe("a fetch's CLIENT span with traces off", () => {
  it("is the call's own promise, not one more around it", () => {
    const answered = Promise.resolve('answered');
    expect(inClientSpan('POST casework', {}, () => answered)).toBe(answered);
  });
});
