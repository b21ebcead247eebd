// The load generator, in its own process so it never shares a gateway's event loop:
// `node --import tsx bench/load.ts <specs.json>` (a list). For each spec: warms up, prints
// {"event":"warm"}, waits for a line on stdin (the parent reads the subgraphs' counters then),
// measures, prints {"event":"result"} and waits for a line again before the next spec.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  query: string;
  variables?: Record<string, unknown>;
  idsFile?: string;
  headers: Record<string, string>;
  connections: number;
  durationSec: number;
  warmupSec: number;
}

export interface LoadResult {
  /** Answered requests (2xx and not). */
  requests: number;
  /** Sent, including those still in flight when the time was up (the server still does their work). */
  sent: number;
  durationSec: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  transportErrors: number;
  graphqlErrors: number;
  errorSamples: string[];
}

function run(spec: LoadSpec, durationSec: number): Promise<LoadResult> {
  const ids: string[] = spec.idsFile ? JSON.parse(readFileSync(spec.idsFile, 'utf8')) : [];
  const staticBody = JSON.stringify({ query: spec.query, variables: spec.variables ?? {} });
  let graphqlErrors = 0;
  const errorSamples = new Set<string>();
  return new Promise((resolve, reject) => {
    autocannon({
      url: spec.url,
      method: 'POST',
      headers: spec.headers,
      body: staticBody,
      connections: spec.connections,
      duration: durationSec,
      timeout: 10,
      requests: [{
        method: 'POST',
        setupRequest: (request: any) => {
          if (ids.length) request.body = JSON.stringify({ query: spec.query, variables: { ...spec.variables, id: ids[Math.floor(Math.random() * ids.length)] } });
          return request;
        },
        // Every answer is checked for GraphQL errors; a few are kept to show what went wrong.
        onResponse: (status: number, body: string) => {
          if (status < 200 || status > 299) {
            if (errorSamples.size < 3) errorSamples.add(`HTTP ${status}: ${String(body).slice(0, 200)}`);
            return;
          }
          if (!String(body).includes('"errors"')) return;
          graphqlErrors++;
          if (errorSamples.size < 3) {
            try {
              const first = JSON.parse(body).errors?.[0];
              errorSamples.add(`${first?.extensions?.code ?? 'ERROR'} at ${(first?.path ?? []).join('.')}: ${first?.message}`);
            } catch { errorSamples.add(String(body).slice(0, 200)); }
          }
        },
      }],
    } as any, (error: Error | null, result: any) => {
      if (error) return reject(error);
      const requests = result['2xx'] + result.non2xx;
      resolve({
        requests,
        sent: Math.max(requests, result.requests.sent ?? requests),
        durationSec: result.duration,
        rps: requests / result.duration,
        p50: result.latency.p50,
        p99: result.latency.p99,
        non2xx: result.non2xx,
        transportErrors: result.errors, // timeouts included
        graphqlErrors,
        errorSamples: [...errorSamples],
      });
    });
  });
}

const specFile = process.argv[2];
if (specFile) {
  const specs = JSON.parse(readFileSync(specFile, 'utf8')) as LoadSpec[];
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  for (const spec of specs) {
    if (spec.warmupSec > 0) await run(spec, spec.warmupSec);
    console.log(JSON.stringify({ event: 'warm' }));
    await lines.next();
    console.log(JSON.stringify({ event: 'result', ...(await run(spec, spec.durationSec)) }));
    await lines.next();
  }
  process.exit(0);
}
