// A per-caller rate on requests that write audit entries (issue 18, "floods cost little"): the log
// must keep every release and denial (GB/T 22239-2019 8.1.4.3: audit records protected against
// overwriting; 网络安全法 第二十一条: logs kept at least six months), so a caller who can make it
// write without end can fill the store and drown the records that matter. One caller — the token's
// subject, or the client address without a token — may make AUDIT_RATE_LIMIT requests that
// released personal or classified data or were refused fields within AUDIT_RATE_WINDOW_SECONDS;
// past it every request of that caller is refused until the window ends: HTTP 429, code
// RATE_LIMITED, `limit: "auditRate"`, Retry-After. Nothing runs, nothing is released.
//
// The refusals are themselves recorded, but not one entry each (that would be the flood again):
// the first refusal of a caller in a window is one entry (decision `denied`, coordinate
// `Operation.AUDIT_RATE_LIMITED`, the request's trace id), and when the window closes, a caller
// refused more than once gets one more entry whose entity is `refused:<count>`.
//
// Counted per gateway process: with GATEWAY_WORKERS = n a caller may reach n times the limit.
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { auditEntries, auditKey } from './index';
import type { DurableAuditContext } from './durable';
import type { AuditEntryInput, AuditWriter } from './writer';

export { AUDIT_RATE_ENV } from './rate-env';

export const AUDIT_RATE_COORDINATE = 'Operation.AUDIT_RATE_LIMITED';


export interface AuditRateOptions {
  limit: number;
  windowMs: number;
  /** The clock (tests); default Date.now. */
  now?: () => number;
}

export function auditRateFromEnv(env: NodeJS.ProcessEnv): AuditRateOptions {
  return {
    limit: env.AUDIT_RATE_LIMIT ? Number(env.AUDIT_RATE_LIMIT) : 600,
    windowMs: (env.AUDIT_RATE_WINDOW_SECONDS ? Number(env.AUDIT_RATE_WINDOW_SECONDS) : 60) * 1000,
  };
}

/** One caller's window: requests that wrote entries, requests refused, and the first refusal's entry. */
interface Window { start: number; counted: number; refused: number; last: AuditEntryInput | undefined }

/** What a refused request is: whether to refuse, how long until the window ends. */
export type Verdict = { refuse: false } | { refuse: true; first: boolean; retryAfterSeconds: number };

/**
 * The counters, apart from Apollo so they can be tested alone. A window opens at a caller's first
 * counted request and lasts windowMs; expired windows are closed by `sweep` (their aggregated
 * refusal written) and forgotten, so memory follows the callers of the last window only.
 */
export class AuditRate {
  private readonly windows = new Map<string, Window>();
  private readonly now: () => number;

  constructor(private readonly options: AuditRateOptions, private readonly record: (entries: AuditEntryInput[]) => void) {
    this.now = options.now ?? Date.now;
  }

  private current(caller: string): Window | undefined {
    const window = this.windows.get(caller);
    if (window && this.now() - window.start >= this.options.windowMs) {
      this.close(window);
      this.windows.delete(caller);
      return undefined;
    }
    return window;
  }

  /** Before a request runs: refuse it if the caller has used its window up. `refusal` is its would-be entry. */
  check(caller: string, refusal: () => AuditEntryInput): Verdict {
    const window = this.current(caller);
    if (!window || window.counted < this.options.limit) return { refuse: false };
    window.refused++;
    const first = window.refused === 1;
    const entry = refusal();
    if (first) this.record([entry]);
    window.last = entry;
    const retryAfterSeconds = Math.max(1, Math.ceil((window.start + this.options.windowMs - this.now()) / 1000));
    return { refuse: true, first, retryAfterSeconds };
  }

  /** After a request that wrote audit entries. */
  count(caller: string): void {
    const window = this.current(caller);
    if (window) window.counted++;
    else this.windows.set(caller, { start: this.now(), counted: 1, refused: 0, last: undefined });
  }

  /** Closes every window that has ended (and, with `all`, every open one: shutdown). */
  sweep(all = false): void {
    for (const [caller, window] of this.windows) {
      if (all || this.now() - window.start >= this.options.windowMs) {
        this.close(window);
        this.windows.delete(caller);
      }
    }
  }

  get callers(): number {
    return this.windows.size;
  }

  /** The aggregated refusal: one entry for all the window's refusals after the first. */
  private close(window: Window): void {
    if (window.refused > 1 && window.last) {
      this.record([{ ...window.last, at: new Date(this.now()), entityId: `refused:${window.refused}`, traceId: null }]);
    }
  }
}

/** Whom the rate counts: the token's subject, or where the request came from without a token. */
export function callerKey(context: DurableAuditContext): string {
  const { identity } = context;
  if (identity.sub && identity.sub !== 'anonymous') return `sub:${identity.sub}`;
  return `address:${context.auditRequest?.().clientAddress ?? 'unknown'}`;
}

/**
 * The plugin: refuses in `didResolveOperation` (after authorization, before planning: nothing
 * reaches a subgraph), counts in `willSendResponse` the requests that released or were refused
 * fields. A refused request's own denials are covered by the refusal's entry: their keys go to
 * `audited`, so neither the durable commit nor the gateway's queue writes them one by one.
 */
export function auditRateLimit<C extends DurableAuditContext>(writer: Pick<AuditWriter, 'record'>, options: AuditRateOptions): ApolloServerPlugin<C> {
  const rate = new AuditRate(options, (entries) => writer.record(entries));
  let sweeper: NodeJS.Timeout | undefined;
  return {
    async serverWillStart() {
      sweeper = setInterval(() => rate.sweep(), Math.min(options.windowMs, 60_000));
      sweeper.unref();
      return {
        async serverWillStop() {
          clearInterval(sweeper);
          rate.sweep(true);
        },
      };
    },
    async requestDidStart() {
      let refused = false;
      return {
        async didResolveOperation({ contextValue: context }) {
          const caller = callerKey(context);
          const verdict = rate.check(caller, () => {
            const about = context.auditRequest?.() ?? { identity: context.identity };
            return auditEntries({ ...about, denied: [{ coordinate: AUDIT_RATE_COORDINATE }] })[0];
          });
          if (!verdict.refuse) return;
          refused = true;
          const audited = (context.audited ??= new Set());
          for (const d of context.denied ?? []) audited.add(auditKey(d.coordinate, null, 'denied'));
          throw new GraphQLError(`Too many requests that write the audit log: at most ${options.limit} in ${options.windowMs / 1000} s per caller; try again in ${verdict.retryAfterSeconds} s`, {
            extensions: {
              code: 'RATE_LIMITED', limit: 'auditRate', retryAfterSeconds: verdict.retryAfterSeconds,
              // Apollo reads a Map here (graphql-yoga's typing of the same extension says otherwise).
              http: { status: 429, headers: new Map([['retry-after', String(verdict.retryAfterSeconds)]]) as unknown as Record<string, string> },
            },
          });
        },
        async willSendResponse({ contextValue: context }) {
          if (refused) return;
          if ((context.releases?.length ?? 0) > 0 || (context.denied?.length ?? 0) > 0) rate.count(callerKey(context));
        },
      };
    },
  };
}
