// The client for calls to a subgraph (kit/subgraph-client.ts) keeps sockets open between calls. A
// kept socket the server closes as it idles out can be picked for the next call at that moment: the
// call then fails with a reset, and the gateway answered the user "the public-security service did
// not answer" (one case query in a thousand under `bench/subgraph-cpu.ts`, before and after the
// client's change). What users rely on: the client lets a socket go before the server's announced
// keep-alive ends, and a read that meets a socket closed under it is sent again on a fresh one; a
// mutation is not.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { keptAliveFetch } from '../kit/subgraph-client';

const QUERY = JSON.stringify({ query: 'query Case__justice__0 { case(id: "1") { id } }' });
const MUTATION = JSON.stringify({ query: 'mutation Accept__public_security__0 { acceptTransfer(id: "1") { id } }' });

/** The requests a raw HTTP/1.1 server received, by connection, and what it does with each. */
interface Raw { server: Server; url: string; requests: { connection: number; body: string }[]; sockets: Socket[] }

/**
 * An HTTP/1.1 server written by hand, so that nothing but the test decides when a connection ends:
 * it answers every request `{"n":…}` and announces `Keep-Alive: timeout=<hintSeconds>`, and
 * `drop(connection, index)` says which request it closes the connection on instead of answering.
 */
async function rawServer(hintSeconds: number, drop: (connection: number, index: number) => boolean = () => false): Promise<Raw> {
  const raw = { requests: [], sockets: [] } as unknown as Raw;
  raw.server = createServer((socket) => {
    const connection = raw.sockets.push(socket) - 1;
    let buffered = '';
    let index = 0;
    socket.setEncoding('utf8');
    socket.on('error', () => {});
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/content-length: *(\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const body = buffered.slice(end + 4, end + 4 + length);
        buffered = buffered.slice(end + 4 + length);
        raw.requests.push({ connection, body });
        if (drop(connection, index++)) return void socket.destroy();
        const answer = JSON.stringify({ n: raw.requests.length });
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${answer.length}\r\nconnection: keep-alive\r\nkeep-alive: timeout=${hintSeconds}\r\n\r\n${answer}`);
      }
    });
  });
  await new Promise<void>((resolve) => raw.server.listen(0, '127.0.0.1', resolve));
  raw.url = `http://127.0.0.1:${(raw.server.address() as { port: number }).port}/graphql`;
  return raw;
}

const servers: Raw[] = [];
afterEach(async () => {
  for (const raw of servers.splice(0)) {
    for (const socket of raw.sockets) socket.destroy();
    await new Promise((resolve) => raw.server.close(resolve));
  }
});
const serve = async (...args: Parameters<typeof rawServer>) => {
  const raw = await rawServer(...args);
  servers.push(raw);
  return raw;
};

describe('the subgraph client and kept-alive sockets', () => {
  it("lets an idle socket go before the server's announced keep-alive ends (the server here never closes it)", async () => {
    const raw = await serve(2);
    const answer = await keptAliveFetch(raw.url, 5000)(raw.url, { method: 'POST', body: QUERY });
    expect(await answer.json()).toEqual({ n: 1 });
    // The client ends the connection: a second before the announced two, as Node's agent does with a hint it honours.
    await new Promise((resolve) => raw.sockets[0].once('end', resolve));
    expect(raw.sockets).toHaveLength(1);
  });

  it('sends a read again on a fresh connection when the kept socket it was given is closed under it', async () => {
    // The first connection answers its first request and closes on the second, unanswered.
    const raw = await serve(60, (connection, index) => connection === 0 && index === 1);
    const fetch = keptAliveFetch(raw.url, 5000);
    expect(await (await fetch(raw.url, { method: 'POST', body: QUERY })).json()).toEqual({ n: 1 });
    const again = await fetch(raw.url, { method: 'POST', body: QUERY });
    expect(await again.json()).toEqual({ n: 3 });
    expect(raw.requests.map((r) => r.connection)).toEqual([0, 0, 1]);
  });

  it('does not send a mutation twice: its failure is the caller\'s to see', async () => {
    const raw = await serve(60, (connection, index) => connection === 0 && index === 1);
    const fetch = keptAliveFetch(raw.url, 5000);
    expect(await (await fetch(raw.url, { method: 'POST', body: QUERY })).json()).toEqual({ n: 1 });
    await expect(fetch(raw.url, { method: 'POST', body: MUTATION })).rejects.toThrow(/hang up|reset/i);
    expect(raw.requests.map((r) => r.body)).toEqual([QUERY, MUTATION]);
  });

  it('sends a read at most twice: when the second kept socket is closed under it too, the call fails', async () => {
    // Each connection answers its first request only; two are kept open after the first two calls.
    const raw = await serve(60, (_connection, index) => index > 0);
    const fetch = keptAliveFetch(raw.url, 5000);
    const first = await Promise.all([fetch(raw.url, { method: 'POST', body: QUERY }), fetch(raw.url, { method: 'POST', body: QUERY })]);
    expect(first.map((a) => a.status)).toEqual([200, 200]);
    await expect(fetch(raw.url, { method: 'POST', body: QUERY })).rejects.toThrow(/hang up|reset/i);
    // Sent on one kept socket, then on the other: no third time.
    expect(raw.requests.map((r) => r.connection).slice(2).sort()).toEqual([0, 1]);
    expect(raw.requests).toHaveLength(4);
  });
});
