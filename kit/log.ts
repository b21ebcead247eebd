// Structured logs: one JSON line per event (pino) with its level, the service that wrote it and,
// within a request, the W3C trace id the gateway took from `traceparent` (or made) and forwarded to
// every subgraph — so one request's lines are found across processes, and in the audit log.
//
// Nothing personal is ever logged (个人信息保护法 第五十一条: measures against leaks; 数据安全法
// 第二十七条): everything passed to a log call goes through `redact`, which removes ID numbers
// (居民身份证号码, 统一社会信用代码), phone numbers, a value graphql-js or PostgreSQL quotes from the input,
// and every value under a personal field.
import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type Logger } from 'pino';
import type { EnvVar } from './module';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Declared by the gateway and every subgraph (kit/config.ts checks it at start). */
export const LOG_ENV: EnvVar = { name: 'LOG_LEVEL', required: false, description: 'least level written (default info)', kind: 'choice', values: LOG_LEVELS };

/** What one request carries through its asynchronous work: its trace id, and what metrics read. */
export interface RequestScope {
  traceId?: string;
  operation?: string;
  outcome?: string;
}

const scopes = new AsyncLocalStorage<RequestScope>();

/** Enters a request's scope for the rest of the current asynchronous work (the request's handler). */
export function enterRequest(scope: RequestScope = {}): RequestScope {
  scopes.enterWith(scope);
  return scope;
}

export function currentRequest(): RequestScope | undefined {
  return scopes.getStore();
}

/** Fields whose values are personal data wherever they appear (a party, an informant, a contact). */
const PERSONAL_FIELD = /^(name|partyName|idNumber|identifier|idNo|phone|mobile|telephone|contact|address|email|birth(Date)?|legalRepresentative|informant\w*|party|parties|variables|parameters|detail)$/i;
/** 18-digit resident ID: 17 digits and a check character (GB 11643). */
const RESIDENT_ID = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
/** 统一社会信用代码 (GB 32100): 18 characters of digits and capitals without I, O, S, V, Z. */
const CREDIT_CODE = /(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Za-z])/g;
/** Mobile numbers (1[3-9] and nine digits, optionally +86) and landlines with an area code. */
const PHONE = /(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)|(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)/g;
/** A value graphql-js quotes back from refused input, and PostgreSQL's `Key (col)=(value)`. */
const QUOTED_INPUT = /(invalid value |got invalid value |Expected value of type [^,]+, found )(.*?)(;|$)/g;
const KEY_VALUE = /\)=\(.*?\)/g;

export const REDACTED = '[redacted]';

/** W3C trace context: a trace id (32 hex digits) under the names the logs give it. */
const TRACE_KEY = /^(traceId|trace_id)$/;
const TRACE_ID = /^[\da-f]{32}$/;

function redactText(text: string): string {
  return text
    .replace(QUOTED_INPUT, (_m, lead: string, _v, end: string) => `${lead}${REDACTED}${end}`)
    .replace(KEY_VALUE, `)=(${REDACTED})`)
    .replace(RESIDENT_ID, REDACTED)
    .replace(CREDIT_CODE, REDACTED)
    .replace(PHONE, REDACTED);
}

/** A copy of `value` safe to log: errors become { type, message, code, stack }, all text redacted. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 6) return '[deep]';
  if (value instanceof Error) {
    const code = (value as { code?: unknown; extensions?: { code?: unknown } }).extensions?.code ?? (value as { code?: unknown }).code;
    return {
      type: value.name,
      message: redactText(value.message),
      ...(code !== undefined ? { code: String(code) } : {}),
      ...(value.stack ? { stack: redactText(value.stack) } : {}),
      ...(value.cause !== undefined ? { cause: redact(value.cause, depth + 1) } : {}),
    };
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    // A trace id is 32 random hex digits, whose digit runs can read like a phone number: kept whole,
    // but only under its own name and in its own format.
    if (TRACE_KEY.test(key) && typeof v === 'string' && TRACE_ID.test(v)) out[key] = v;
    else out[key] = PERSONAL_FIELD.test(key) && v !== null && v !== undefined ? REDACTED : redact(v, depth + 1);
  }
  return out;
}

let service = 'hub';
let root: Logger | null = null;

function logger(name: string, levelSetting: string | undefined, destination?: ServiceLog): Logger {
  const level = (LOG_LEVELS as readonly string[]).includes(levelSetting ?? '') ? levelSetting! : 'info';
  const options = {
    level,
    base: { service: name, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    // The request's trace id on every line written within it.
    mixin: () => {
      const traceId = scopes.getStore()?.traceId;
      return traceId ? { traceId } : {};
    },
  };
  return destination ? pino(options, { write: (line: string) => destination.write(line) }) : pino(options);
}

/**
 * A service that shares its process with others (the test hub runs every subgraph and the
 * gateway in the test's own): its lines carry its name and level and go where it says. A process
 * of one service (production) has none and writes as nameService named it.
 */
export interface ServiceLog {
  name: string;
  level?: string;
  write(line: string): void;
}

const serviceLogs = new AsyncLocalStorage<ServiceLog>();
const serviceLoggers = new WeakMap<ServiceLog, Logger>();

/** Runs `work` as `service`: what it logs, and all the asynchronous work it starts (its server, its workers), is written as that service. */
export function runAsService<T>(service: ServiceLog, work: () => T): T {
  return serviceLogs.run(service, work);
}

function rootLogger(): Logger {
  const own = serviceLogs.getStore();
  if (own) {
    let ownLogger = serviceLoggers.get(own);
    if (!ownLogger) serviceLoggers.set(own, (ownLogger = logger(own.name, own.level, own)));
    return ownLogger;
  }
  if (!root) root = logger(service, process.env.LOG_LEVEL);
  return root;
}

/** Names the process's service on every line (the gateway, or the subgraph it runs). */
export function nameService(name: string): void {
  service = name;
  root = null;
}

type Fields = Record<string, unknown>;
const write = (level: 'error' | 'warn' | 'info' | 'debug') => (message: string, fields?: Fields | unknown) => {
  const logger = rootLogger();
  if (!logger.isLevelEnabled(level)) return;
  const safe = fields === undefined ? {} : fields instanceof Error || typeof fields !== 'object' || fields === null || Array.isArray(fields)
    ? { error: redact(fields) }
    : (redact(fields) as Fields);
  logger[level](safe, redactText(message));
};

/** The one logger: `log.error('what happened', error or fields)`; every argument is redacted. */
export const log = { error: write('error'), warn: write('warn'), info: write('info'), debug: write('debug') };
