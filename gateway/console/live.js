// Live updates (issue 12): a GraphQL subscription over Server-Sent Events, read with fetch. The
// console POSTs the subscription to the same /graphql with `Accept: text/event-stream` and the
// same Authorization and X-Access-Reason headers as its queries (EventSource cannot send headers,
// so it is not used); each `event: next` is one result of the subscription's query, authorised
// and masked exactly as that query. Nothing is loaded from anywhere else.
import { session } from './api.js';

let registered;
/** The console's registered operation ids (see api.js): under trusted documents a subscription goes by its hash too. */
function registeredOperations() {
  registered ??= fetch('/console/operations.json').then((r) => (r.ok ? r.json() : { trusted: false, ids: {} })).catch(() => { registered = undefined; return { trusted: false, ids: {} }; });
  return registered;
}

/**
 * Opens a subscription. `onResult({ data, errors })` runs for every result (the first comes at
 * once); `onEnd()` when the stream ends for any reason other than `stop()` (the token expired, the
 * gateway restarted). `opened` resolves to false when the gateway answered with a refusal instead
 * of a stream (the caller then polls as before).
 */
export function subscribe(query, variables, onResult, onEnd) {
  const controller = new AbortController();
  let stopped = false;
  const opened = (async () => {
    // Errors pushed as events in Chinese, as the console's queries ask (api.js, schema/messages.json).
    const headers = { 'content-type': 'application/json', accept: 'text/event-stream', 'accept-language': 'zh-CN' };
    if (session.token) headers.authorization = `Bearer ${session.token}`;
    if (session.reason) headers['x-access-reason'] = encodeURIComponent(session.reason);
    const { trusted, ids } = await registeredOperations();
    const id = trusted ? ids[/^\s*subscription\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(query)?.[1]] : undefined;
    const body = id ? { variables, extensions: { persistedQuery: { version: 1, sha256Hash: id } } } : { query, variables };
    let response;
    try {
      response = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify(body), signal: controller.signal });
    } catch { return false; }
    if (!response.ok || !(response.headers.get('content-type') ?? '').startsWith('text/event-stream') || !response.body) {
      response.body?.cancel().catch(() => {});
      return false;
    }
    void read(response.body, onResult).catch(() => {}).finally(() => { if (!stopped) onEnd?.(); });
    return true;
  })();
  return { opened, stop: () => { stopped = true; controller.abort(); } };
}

/** Reads `event: next` blocks of a text/event-stream body until it ends. */
async function read(body, onResult) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffered += value;
    let end;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: ?(.*)$/m.exec(block)?.[1];
      if (event === 'next' && data) {
        const result = JSON.parse(data);
        onResult({ data: result.data ?? null, errors: result.errors ?? [] });
      }
    }
  }
}
