// Identical subgraph reads in flight at the same moment are sent once (as Apollo Router's
// traffic_shaping `deduplicate_query` does): a dashboard polled by many of one officer's tabs, or a
// page every officer of a unit opens at 9 a.m. under one identity, costs the subgraph and its
// database one answer, not one per request.
//
// What makes two fetches the same: the subgraph's URL, the whole body (operation text and
// variables) and every header but the trace ones — the forwarded identity among them, which names
// the caller, role, unit, region and stated purpose (X-Access-Reason). Two callers never share an
// answer, and neither do two purposes of one caller. Only queries are shared; a mutation or anything
// whose shape is not a plain query is sent as it is.
//
// The gateway's audit log is unchanged by it: each client request records its own entries from its
// own copy of the answer (gateway/data-source.ts didReceiveResponse). The owner's release journal
// (kit/release-journal.ts) records one release per fetch it answered, under the first request's
// trace id: the value left the owner's database once, to the gateway, for that caller.

import { AnswerOf, isQueryBody, type FetchedResponse, type Shared, type SubgraphFetch } from '../kit/subgraph-client';

/** Per request, not per answer: a trace's parent span and id differ for every client request. */
const PER_REQUEST_HEADERS = new Set(['traceparent', 'tracestate', 'x-trace-id']);

/** A response's headers, copied once per answer and read by every caller that shares it. */
class CopiedHeaders {
  private readonly map = new Map<string, string>();

  constructor(headers: FetchedResponse['headers']) {
    headers.forEach((value, name) => { this.map.set(name.toLowerCase(), value); });
  }

  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }

  forEach(callback: (value: string, name: string) => void): void {
    this.map.forEach(callback);
  }
}

const callersCopy = (answered: Shared): FetchedResponse => new AnswerOf(answered);

/**
 * The answer to one fetch as every caller reads it, with the fetch taken out of `inFlight` once
 * its text is in or it failed: one promise chain per fetch (each promise of a request is paid
 * for again by the request scope's hooks, kit/log.ts).
 */
function answerOf(fetched: Promise<FetchedResponse>, inFlight: Map<string, Promise<Shared>>, key: string): Promise<Shared> {
  const failed = (error: unknown): never => {
    inFlight.delete(key);
    throw error;
  };
  return fetched.then((response) => response.text().then((text): Shared => {
    inFlight.delete(key);
    return { status: response.status, statusText: response.statusText, headers: new CopiedHeaders(response.headers), text };
  }, failed), failed);
}

/**
 * `fetch` with identical queries in flight sent once. Each caller gets its own response object with
 * the same status, headers and text, so each parses and changes its own copy; a failure reaches every
 * caller that waited on it. Nothing is kept once the answer is in: this is not a cache.
 */
export function shareInFlight(fetch: SubgraphFetch): SubgraphFetch & { readonly inFlight: number } {
  const inFlight = new Map<string, Promise<Shared>>();
  const shared = (url: string, init: Parameters<SubgraphFetch>[1]): Promise<FetchedResponse> => {
    const { body, headers = {}, method = 'GET' } = init;
    if (method !== 'POST' || typeof body !== 'string' || !isQueryBody(body)) return fetch(url, init);
    let key = `${url}\n`;
    for (const name of Object.keys(headers).sort()) {
      if (!PER_REQUEST_HEADERS.has(name.toLowerCase())) key += `${name.toLowerCase()}: ${headers[name]}\n`;
    }
    key += body;
    let answer = inFlight.get(key);
    if (!answer) {
      answer = answerOf(fetch(url, init), inFlight, key);
      inFlight.set(key, answer);
    }
    return answer.then(callersCopy);
  };
  return Object.defineProperty(shared, 'inFlight', { get: () => inFlight.size }) as SubgraphFetch & { readonly inFlight: number };
}
