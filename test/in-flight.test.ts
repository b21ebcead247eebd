// Identical subgraph queries in flight at once are sent once (gateway/in-flight.ts), and only those:
// another caller, another purpose, a mutation, or the same query after the answer is in goes to the
// subgraph again. Each caller gets its own copy of the answer. The upstream is a real HTTP server that
// holds its answers until the test lets them go, so "at once" is certain, not a matter of timing.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { subgraphFetcher } from '../gateway/data-source';

interface Held { body: string; headers: IncomingMessage['headers']; answer(status: number, body: string): void }

describe('subgraph queries in flight', () => {
  let server: ReturnType<typeof createServer>;
  let url: string;
  let held: Held[] = [];
  let arrived: (() => void) | undefined;
  const fetcher = () => subgraphFetcher(url, 5_000) as unknown as (url: string, init: object) => Promise<{ status: number; ok: boolean; json(): Promise<any>; text(): Promise<string>; headers: { get(name: string): string | null } }>;

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (chunk) => { body += chunk; });
      req.on('end', () => {
        held.push({ body, headers: req.headers, answer: (status, text) => { res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'private' }); res.end(text); } });
        arrived?.();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  beforeEach(() => { held = []; });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Resolves once the server holds `n` requests. */
  const requestsHeld = (n: number) => new Promise<void>((resolve) => {
    const check = () => { if (held.length >= n) { arrived = undefined; resolve(); } };
    arrived = check;
    check();
  });
  const query = (id: string) => JSON.stringify({ query: 'query Case__justice__0($id:ID!){case(id:$id){id party{name idNumber}}}', variables: { id } });
  const init = (body: string, headers: Record<string, string> = {}) => ({
    method: 'POST', body, headers: { 'content-type': 'application/json', 'x-hub-identity': 'token-of-u1', ...headers },
  });
  const answer = JSON.stringify({ data: { case: { id: 'c1', party: { name: '张三', idNumber: '110101199003070017' } } }, extensions: { releases: [{ coordinate: 'Party.idNumber', entityId: 'p1', decision: 'full' }] } });

  it('sends identical queries of one caller once, and each caller gets its own copy', async () => {
    const fetch = fetcher();
    const callers = Array.from({ length: 5 }, (_, i) => fetch(url, init(query('c1'), { traceparent: `00-${String(i).repeat(32)}-${'1'.repeat(16)}-01`, 'x-trace-id': String(i).repeat(32) })));
    await requestsHeld(1);
    held[0].answer(200, answer);
    const responses = await Promise.all(callers);
    expect(held).toHaveLength(1);
    const bodies = await Promise.all(responses.map((r) => r.json()));
    for (const [i, body] of bodies.entries()) {
      expect(responses[i].status).toBe(200);
      expect(responses[i].headers.get('Cache-Control')).toBe('private');
      expect(body).toEqual(JSON.parse(answer));
    }
    // One caller taking the releases out of its copy (as didReceiveResponse does) leaves the others' whole.
    delete bodies[0].extensions.releases;
    expect(bodies[1].extensions.releases).toHaveLength(1);
  });

  it('sends a query again once the answer is in: nothing is kept', async () => {
    const fetch = fetcher();
    const first = fetch(url, init(query('c1')));
    await requestsHeld(1);
    held[0].answer(200, answer);
    await first;
    const second = fetch(url, init(query('c1')));
    await requestsHeld(2);
    held[1].answer(200, answer);
    expect((await second).status).toBe(200);
    expect(held).toHaveLength(2);
  });

  it.each([
    ['another caller', init(query('c1'), { 'x-hub-identity': 'token-of-u2' })],
    ['another purpose of the same caller (its own signed identity)', init(query('c1'), { 'x-hub-identity': 'token-of-u1-other-reason' })],
    ['another header value', init(query('c1'), { 'x-extra': 'other' })],
    ['other variables', init(query('c2'))],
    ['a mutation', init(JSON.stringify({ query: 'mutation Record__market_regulation__0{recordCase(input:{}){id}}' }))],
  ])('does not share with %s', async (_, other) => {
    const fetch = fetcher();
    const mine = init(query('c1'));
    const both = other.body.startsWith('{"query":"mutation')
      ? [fetch(url, other), fetch(url, other)]
      : [fetch(url, mine), fetch(url, other)];
    await requestsHeld(2);
    for (const h of held) h.answer(200, answer);
    await Promise.all(both);
    expect(held).toHaveLength(2);
  });

  it('gives every caller that waited the failure, and the next query goes out afresh', async () => {
    const fetch = fetcher();
    const callers = [fetch(url, init(query('c1'))), fetch(url, init(query('c1')))];
    await requestsHeld(1);
    held[0].answer(503, JSON.stringify({ errors: [{ message: 'unavailable' }] }));
    const responses = await Promise.all(callers);
    expect(responses.map((r) => [r.ok, r.status])).toEqual([[false, 503], [false, 503]]);
    expect(held).toHaveLength(1);
    const again = fetch(url, init(query('c1')));
    await requestsHeld(2);
    held[1].answer(200, answer);
    expect((await again).ok).toBe(true);
  });
});
