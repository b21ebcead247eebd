// OpenTelemetry traces: one request followed from the gateway through every subgraph it fetches
// from down to each SQL statement, exported by OTLP/HTTP (JSON) to the collector named by
// OTEL_EXPORTER_OTLP_ENDPOINT. Unset, nothing is set up: the API's tracer is a no-op and every
// helper below runs its work directly, so a hub without a collector pays one boolean test.
//
// The modules run as ESM under tsx, where automatic instrumentation (require hooks) sees nothing;
// spans are made explicitly in the one place each layer has: the gateway's and the subgraphs'
// HTTP servers (inServerSpan), the gateway's subgraph fetches and the owners' calls to each other
// (inClientSpan + traceparentHeader), and the pg client every owner's pool uses (inSqlSpan).
//
// No personal data in any span (个人信息保护法 第五十一条; 数据安全法 第二十七条): a span carries the
// route (path segments that are not plain words become {param}), the subgraph's name, the SQL
// operation and database — never a query string, a GraphQL document or variable, a statement's
// text or parameters, an error message.
import { randomFillSync } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { context, isSpanContextValid, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { EnvVar } from './module';

/** Declared by the gateway and every subgraph (kit/config.ts checks them at start). */
export const TRACING_ENV: EnvVar[] = [
  { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', required: false, description: 'OTLP/HTTP collector base URL (spans go to <url>/v1/traces); unset, no traces are made', kind: 'url' },
  { name: 'OTEL_SERVICE_NAME', required: false, description: "service name on this process's spans (default: gateway, or the subgraph's name)" },
];

/** W3C Trace Context (traceparent): what the gateway reads from callers and every hop passes on. */
const propagator = new W3CTraceContextPropagator();
const headerGetter = {
  keys: (carrier: IncomingHttpHeaders) => Object.keys(carrier),
  get: (carrier: IncomingHttpHeaders, key: string) => carrier[key],
};

let tracer: Tracer | null = null;
let provider: BasicTracerProvider | null = null;

/** The collector's trace endpoint: OTLP/HTTP appends /v1/traces to the base URL (OTLP spec). */
export function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Sets up this process's tracer provider when OTEL_EXPORTER_OTLP_ENDPOINT is set: spans batched
 * (BatchSpanProcessor; OTEL_BSP_* tune it) and exported as OTLP/HTTP JSON, under the service name.
 * The global provider too, so @apollo/gateway's own spans (plan, execute, fetch) join the trace.
 */
export function startTracing(defaultServiceName: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint || provider) return !!provider;
  provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME || defaultServiceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(endpoint) }))],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(propagator);
  trace.setGlobalTracerProvider(provider);
  tracer = provider.getTracer('supervision-graph');
  return true;
}

export function tracingEnabled(): boolean {
  return tracer !== null;
}

/** Sends what is still batched (graceful shutdown): the last requests' spans are not lost. */
export async function stopTracing(): Promise<void> {
  const stopping = provider;
  if (!stopping) return;
  await stopping.shutdown().catch(() => {});
}

/**
 * The trace id of the span this code runs under, when tracing is on: the gateway writes it in its
 * logs and audit entries, so they name the same trace the collector holds.
 */
export function currentTraceId(): string | undefined {
  if (!tracer) return undefined;
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/** The `traceparent` to send on an outgoing call: the current span as the callee's parent. */
export function traceparentHeader(): string | undefined {
  if (!tracer) return undefined;
  const carrier: Record<string, string> = {};
  propagator.inject(context.active(), carrier, { set: (c, k, v) => { c[k] = v; } });
  return carrier.traceparent;
}

// Parent span ids for the traceparent of a fetch when traces are off: eight random bytes each, drawn
// from a pool filled 512 ids at a time. randomBytes(8) per fetch went into the CSPRNG synchronously
// every time: about 1% of the gateway's CPU on the case query, five fetches a request.
const SPAN_ID_BYTES = 8;
const spanIdPool = Buffer.alloc(SPAN_ID_BYTES * 512);
let spanIdAt = spanIdPool.length;

/** A fresh random parent span id (16 hex digits). */
export function randomSpanId(): string {
  if (spanIdAt === spanIdPool.length) {
    randomFillSync(spanIdPool);
    spanIdAt = 0;
  }
  return spanIdPool.toString('hex', spanIdAt, (spanIdAt += SPAN_ID_BYTES));
}

/**
 * The `traceparent` of a call to another service (the gateway's fetches, an owner's calls): W3C
 * Trace Context, one header for both. With traces on, the call's span is the callee's parent; with
 * them off, the request's trace id under a fresh parent id, sampled. None outside a request.
 */
export function callTraceparent(traceId: string | undefined): string | undefined {
  return traceparentHeader() ?? (traceId ? `00-${traceId}-${randomSpanId()}-01` : undefined);
}

/** A path as a span names it: plain words kept, anything else (ids, file names, text) {param}. */
export function routeOf(path: string): string {
  const segments = path.split('/').filter(Boolean).slice(0, 6).map((s) => (/^[A-Za-z][A-Za-z_-]{0,40}$/.test(s) ? s : '{param}'));
  return `/${segments.join('/')}`;
}

/** Probes and scrapes are not traced: a trace every few seconds per replica says nothing. */
const UNTRACED = /^\/(health(\/.*)?|metrics)$/;

/**
 * Runs an HTTP request's handler under a SERVER span that continues the caller's traceparent
 * (the gateway's caller, or the gateway and other owners for a subgraph). The span ends when the
 * answer is sent or the connection closes, with its status code.
 */
export function inServerSpan<T>(req: IncomingMessage, res: ServerResponse, work: () => T): T {
  if (!tracer) return work();
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (UNTRACED.test(path)) return work();
  const parent = propagator.extract(ROOT_CONTEXT, req.headers, headerGetter);
  const method = (req.method ?? 'GET').toUpperCase();
  const route = routeOf(path);
  const span = tracer.startSpan(`${method} ${route}`, {
    kind: SpanKind.SERVER,
    attributes: { 'http.request.method': method, 'http.route': route },
  }, parent);
  res.once('close', () => {
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500 || !res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  return context.with(trace.setSpan(parent, span), work);
}

/** The kind of an error, never its message (which may quote the input). */
function errorType(error: unknown): string {
  const code = (error as { extensions?: { code?: unknown }; code?: unknown })?.extensions?.code ?? (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^[A-Z_0-9]{1,40}$/.test(code) ? code : error instanceof Error ? error.name : 'Error';
}

/**
 * Runs an outgoing call under a CLIENT span: the call's own `traceparent` (traceparentHeader,
 * read within `work`) names this span as the callee's parent.
 */
export function inClientSpan<T>(name: string, attributes: Attributes, work: () => Promise<T>): Promise<T> {
  // Traces off: the call's own promise, not one more around it (an async function returning a
  // promise resolves through two more turns of the microtask queue, on every subgraph fetch).
  return tracer ? inNewClientSpan(tracer, name, attributes, work) : work();
}

async function inNewClientSpan<T>(tracer: Tracer, name: string, attributes: Attributes, work: () => Promise<T>): Promise<T> {
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes });
  try {
    return await context.with(trace.setSpan(context.active(), span), work);
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.setAttribute('error.type', errorType(error));
    throw error;
  } finally {
    span.end();
  }
}

/** SQL operations named as they are; anything else (a statement starting otherwise) is "SQL". */
const SQL_OPERATIONS = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'WITH', 'BEGIN', 'START', 'COMMIT', 'ROLLBACK', 'SAVEPOINT', 'RELEASE', 'SET', 'LOCK', 'CREATE', 'ALTER', 'DROP', 'VALUES', 'NOTIFY', 'LISTEN', 'SHOW', 'EXPLAIN', 'TRUNCATE', 'COPY']);

/** The statement's first keyword: what the span is named (the statement's text is never kept). */
export function sqlOperation(text: string): string {
  const word = /^\s*(?:\/\*[\s\S]*?\*\/\s*)*\(?\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? '';
  return SQL_OPERATIONS.has(word) ? word : 'SQL';
}

/**
 * Runs one SQL statement under a CLIENT span named by its operation (db.system postgresql), as a
 * child of the request's span. Statements outside any request (outbox relays, scheduled workers,
 * migrations) make no spans: a root span per poll would bury the requests' traces.
 */
export function inSqlSpan<T>(text: string, database: string | undefined, work: () => Promise<T>): Promise<T> {
  if (!tracer) return work();
  const parent = trace.getActiveSpan();
  if (!parent || !parent.isRecording()) return work();
  const operation = sqlOperation(text);
  const span = tracer.startSpan(operation, {
    kind: SpanKind.CLIENT,
    attributes: {
      'db.system': 'postgresql', 'db.system.name': 'postgresql', 'db.operation.name': operation,
      ...(database ? { 'db.namespace': database } : {}),
    },
  });
  return work().then(
    (result) => { span.end(); return result; },
    (error) => {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.setAttribute('error.type', typeof error?.code === 'string' ? `SQLSTATE ${error.code.slice(0, 5)}` : errorType(error));
      span.end();
      throw error;
    },
  );
}
