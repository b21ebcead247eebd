// In-flight sharing (gateway/in-flight.ts) when the fetch itself fails (no answer: refused, reset,
// timed out) or its body cannot be read: every caller that waited gets the failure, and the next
// identical query goes to the subgraph afresh, not to the failed one.
import { describe, expect, it } from 'vitest';
import { shareInFlight } from '../gateway/in-flight';
import type { FetchedResponse, SubgraphFetch } from '../kit/subgraph-client';

const body = JSON.stringify({ query: 'query Case__justice__0($id:ID!){case(id:$id){id}}', variables: { id: 'c1' } });
const init = { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-identity': 'signed' }, body };

/** A subgraph client whose fetches the test settles by hand. */
function heldFetch() {
  const calls: { resolve(response: FetchedResponse): void; reject(error: Error): void }[] = [];
  const fetch: SubgraphFetch = () => new Promise((resolve, reject) => { calls.push({ resolve, reject }); });
  return { fetch, calls };
}

const answer = (text: () => Promise<string>): FetchedResponse => ({
  ok: true, status: 200, statusText: 'OK', headers: { get: () => null, forEach: () => {} }, text, json: async () => JSON.parse(await text()),
});

describe('a shared subgraph query that fails', () => {
  it('gives every waiting caller the transport failure, and the next query goes out afresh', async () => {
    const { fetch, calls } = heldFetch();
    const shared = shareInFlight(fetch);
    const waiting = [shared('http://justice/graphql', init), shared('http://justice/graphql', init)];
    expect(calls.length).toBe(1);
    calls[0].reject(new Error('socket hang up'));
    for (const caller of waiting) await expect(caller).rejects.toThrow('socket hang up');
    expect(shared.inFlight).toBe(0);
    const next = shared('http://justice/graphql', init);
    expect(calls.length).toBe(2);
    calls[1].resolve(answer(async () => '{"data":{"case":{"id":"c1"}}}'));
    expect(await (await next).json()).toEqual({ data: { case: { id: 'c1' } } });
  });

  it('gives every waiting caller the failure to read the answer, and the next query goes out afresh', async () => {
    const { fetch, calls } = heldFetch();
    const shared = shareInFlight(fetch);
    const waiting = [shared('http://justice/graphql', init), shared('http://justice/graphql', init)];
    calls[0].resolve(answer(async () => { throw new Error('aborted'); }));
    for (const caller of waiting) await expect(caller).rejects.toThrow('aborted');
    expect(shared.inFlight).toBe(0);
    void shared('http://justice/graphql', init);
    expect(calls.length).toBe(2);
  });
});
