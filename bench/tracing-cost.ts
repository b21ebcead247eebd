// npx tsx bench/tracing-cost.ts [--cases N] [--requests N] [--connections N]
// What traces cost: the unified case query (a procurator with a reason, random cases of the county)
// against a hub with traces off, then against one exporting every span by OTLP/HTTP to a receiver
// in this process; CPU milliseconds per request by component from the kernel's counters
// (bench/cpu.ts), the spans received per request, and the shape of one request's trace.
// Writes bench/results/tracing.json and .md.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { mintDevToken } from '../gateway/dev-issuer';
import { withinJurisdiction } from '../kit/rules';
import { cpuPerRequest, sampleCpu } from './cpu';
import { BUREAUS, PROCURATOR, REASON } from './dataset';
import { bootBenchHub } from './hub';
import { CASE_QUERY } from './queries';
import { RESULTS_DIR } from './report';
import { caseIds, dropPool, seedCases } from './seed';

const { values: args } = parseArgs({ options: { cases: { type: 'string' }, requests: { type: 'string' }, connections: { type: 'string' } } });
const cases = Number(args.cases ?? 2000);
const requests = Number(args.requests ?? 1500);
const connections = Number(args.connections ?? 8);
const WARMUP = 300;
const log = (message: string) => process.stderr.write(`[tracing] ${message}\n`);

interface Span { service: string; traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number }

/** An OTLP/HTTP JSON receiver that keeps every span's identity and name (nothing else). */
const spans: Span[] = [];
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resourceSpans?: any[] };
    for (const rs of body.resourceSpans ?? []) {
      const service = String(rs.resource?.attributes?.find((a: any) => a.key === 'service.name')?.value?.stringValue);
      for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) spans.push({ service, traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || undefined, name: s.name, kind: s.kind });
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

async function settle(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
}

/** Waits until `count` is above `floor` and has not moved for two seconds (the batches are in). */
async function steady(count: () => number, floor: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let since = Date.now();
  while (Date.now() < deadline) {
    const now = count();
    if (now !== last) { last = now; since = Date.now(); } else if (now > floor && Date.now() - since >= 2000) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** One request's spans as an indented tree: service, kind, name. */
function treeOf(traceId: string): string[] {
  const mine = spans.filter((s) => s.traceId === traceId);
  const kinds = ['internal', 'internal', 'server', 'client', 'producer', 'consumer'];
  const lines: string[] = [];
  const visit = (parent: string | undefined, depth: number) => {
    for (const s of mine.filter((x) => x.parentSpanId === parent)) {
      lines.push(`${'  '.repeat(depth)}- ${s.service} · ${kinds[s.kind] ?? s.kind} · ${s.name}`);
      visit(s.spanId, depth + 1);
    }
  };
  const ids = new Set(mine.map((s) => s.spanId));
  for (const root of mine.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId))) {
    lines.push(`- ${root.service} · ${kinds[root.kind] ?? root.kind} · ${root.name}`);
    visit(root.spanId, 1);
  }
  return lines;
}

async function measure(tracing: boolean) {
  if (tracing) {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
    // Every span exported (the default queue of 2048 drops spans under a benchmark's load).
    process.env.OTEL_BSP_MAX_QUEUE_SIZE = '100000';
    process.env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE = '2048';
    process.env.OTEL_BSP_SCHEDULE_DELAY = '1000';
  } else {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  }
  log(`traces ${tracing ? 'on' : 'off'}: booting the hub`);
  const bench = await bootBenchHub();
  try {
    await seedCases(bench.seedTarget, { from: 1, to: cases, total: cases, now: new Date() }, `seeding ${cases}`);
    await dropPool(bench.seedTarget);
    const numbers: number[] = [];
    for (let i = 1; i <= cases && numbers.length < 500; i++) if (withinJurisdiction(PROCURATOR.region, BUREAUS[i % BUREAUS.length].region)) numbers.push(i);
    const ids = await caseIds(bench.seedTarget, numbers);
    const url = `${bench.hub.gatewayUrl}/graphql`;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${await mintDevToken(bench.dataDir, PROCURATOR, '8h')}`, 'x-access-reason': encodeURIComponent(REASON) };
    let errors = 0;
    /** What the errors were: code and service (the messages are the gateway's client-facing ones). */
    const errorKinds: Record<string, number> = {};
    const send = async (count: number) => {
      let next = 0;
      await Promise.all(Array.from({ length: connections }, async () => {
        while (next++ < count) {
          const body = JSON.stringify({ query: CASE_QUERY, variables: { id: ids[Math.floor(Math.random() * ids.length)] } });
          const answer = (await (await fetch(url, { method: 'POST', headers, body })).json()) as { errors?: { extensions?: { code?: string; serviceName?: string } }[] };
          if (answer.errors) {
            errors++;
            const kind = [answer.errors[0].extensions?.code ?? 'ERROR', answer.errors[0].extensions?.serviceName].filter(Boolean).join(' ');
            errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
          }
        }
      }));
    };
    await send(WARMUP);
    await settle(() => !tracing || spans.length > 0);
    const receivedBefore = spans.length;
    const before = sampleCpu();
    const started = Date.now();
    await send(requests);
    const wallMs = Date.now() - started;
    const after = sampleCpu();
    let sample: string[] = [];
    let spansPerRequest = 0;
    if (tracing) {
      // Spans of the measured requests still in the batch queues: wait for the queues to empty.
      await steady(() => spans.length, receivedBefore);
      spansPerRequest = +((spans.length - receivedBefore) / requests).toFixed(1);
      const traceId = randomBytes(16).toString('hex');
      await fetch(url, { method: 'POST', headers: { ...headers, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` }, body: JSON.stringify({ query: CASE_QUERY, variables: { id: ids[0] } }) });
      await steady(() => spans.filter((s) => s.traceId === traceId).length, 5);
      sample = treeOf(traceId);
    }
    return { tracing, requests, errors, errorKinds, wallMs, requestsPerSecond: +((requests * 1000) / wallMs).toFixed(0), cpuMsPerRequest: cpuPerRequest(before, after, requests, 'main'), spansPerRequest, sample };
  } finally {
    await bench.stop();
  }
}

const startedAt = new Date().toISOString();
const loadAtStart = loadavg()[0];
const off = await measure(false);
const on = await measure(true);
receiver.close();
const report = { startedAt, finishedAt: new Date().toISOString(), cases, requests, connections, machine: { cpus: cpus().length, loadAverage: loadAtStart, loadAverageAtEnd: loadavg()[0] }, off, on };
mkdirSync(RESULTS_DIR, { recursive: true });
writeFileSync(join(RESULTS_DIR, 'tracing.json'), JSON.stringify({ ...report, on: { ...on, sample: undefined }, sample: on.sample }, null, 2));
const components = [...new Set([...Object.keys(off.cpuMsPerRequest), ...Object.keys(on.cpuMsPerRequest)])];
const md = [
  `# Traces: what they cost ${startedAt}`, '',
  `The unified case query (bench/queries.ts CASE_QUERY, a procurator with a reason, ${cases.toLocaleString('en')} seeded cases), `
    + `${requests} requests over ${connections} connections after ${WARMUP} of warm-up, against a hub with traces off and then one `
    + `exporting every span by OTLP/HTTP JSON to a receiver in the benchmark's process. Machine: ${report.machine.cpus} cores, 1-minute load `
    + `${loadAtStart.toFixed(1)} at the start and ${report.machine.loadAverageAtEnd.toFixed(1)} at the end (other work shared it: CPU per request, not req/s, is the figure).`, '',
  '| CPU ms per request | traces off | traces on | change |', '|---|---:|---:|---:|',
  ...components.map((c) => {
    const a = off.cpuMsPerRequest[c] ?? 0; const b = on.cpuMsPerRequest[c] ?? 0;
    return `| ${c} | ${a.toFixed(2)} | ${b.toFixed(2)} | ${a ? `${(((b - a) / a) * 100).toFixed(0)} %` : '–'} |`;
  }),
  `| requests/s (shared machine) | ${off.requestsPerSecond} | ${on.requestsPerSecond} | |`,
  `| errors | ${off.errors} | ${on.errors} | |`, '',
  `Errors (code, service): off ${JSON.stringify(off.errorKinds)}; on ${JSON.stringify(on.errorKinds)}.`, '',
  `Spans received per request with traces on: ${on.spansPerRequest}.`, '',
  'One request\'s trace (service · kind · name), as the receiver got it:', '', '```', ...on.sample, '```', '',
].join('\n');
writeFileSync(join(RESULTS_DIR, 'tracing.md'), md);
console.log(md);
