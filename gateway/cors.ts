// Cross-origin access for browser apps (a console served from another origin), by an allow-list.
// Only listed origins get Access-Control-Allow-* headers; every other origin gets none, so its
// browser refuses to hand the answer to the page. CSRF protection stays Apollo's: a request
// without a JSON content type or an `apollo-require-preflight` header is refused, and anything
// else makes a browser ask first (the preflight answered here), which an unlisted origin fails.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EnvVar } from '../kit/module';
import type { EnvRule } from '../kit/config';

export const CORS_ENV: EnvVar[] = [
  {
    name: 'CORS_ORIGINS', required: false,
    description: 'comma-separated origins whose browser apps may call the gateway (e.g. https://console.example.gov.cn,http://localhost:5173); default none',
  },
];

/** Request headers a browser app may send: JSON bodies, the bearer token, the stated reason, CSRF and tracing headers, the key of a retried write (gateway/idempotency). */
export const ALLOWED_HEADERS = ['content-type', 'authorization', 'x-access-reason', 'apollo-require-preflight', 'x-apollo-operation-name', 'traceparent', 'idempotency-key'];
export const ALLOWED_METHODS = ['GET', 'POST', 'OPTIONS'];
/** Response headers a page may read besides the safelisted ones (a 401 says which scheme it wants; a replayed write says so, and when to retry a running one). */
export const EXPOSED_HEADERS = ['www-authenticate', 'idempotent-replayed', 'retry-after'];
/** How long a browser may reuse a preflight answer (10 minutes; Chromium caps it at 2 hours). */
export const PREFLIGHT_MAX_AGE_SECONDS = 600;

/** A browser's Origin as it sends it: scheme, host and port only, no path, lower-case. */
function normalizedOrigin(raw: string): string | null {
  let url: URL;
  try { url = new URL(raw.trim()); } catch { return null; }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) return null;
  return url.origin;
}

/** The listed origins; entries that are not origins are reported by CORS_RULES at start. */
export function corsOrigins(value: string | undefined): Set<string> {
  return new Set((value ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(normalizedOrigin).filter((o): o is string => !!o));
}

/** Each entry of CORS_ORIGINS must be an origin: `*` would hand every site the callers' answers. */
export const CORS_RULES: EnvRule[] = [
  {
    names: 'CORS_ORIGINS',
    check: (env) => {
      const bad = (env.CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter((s) => s && !normalizedOrigin(s));
      return bad.length ? `not an origin (scheme://host[:port]): ${bad.map((s) => JSON.stringify(s.slice(0, 60))).join(', ')}` : null;
    },
  },
];

/**
 * Sets the CORS headers of an answer to `req`. Returns true when the request was a preflight and
 * has been answered (204), false when the caller goes on serving it. The answer varies by Origin
 * for every request, so a shared cache never serves one origin's headers to another.
 */
export function applyCors(req: IncomingMessage, res: ServerResponse, allowed: ReadonlySet<string>): boolean {
  res.setHeader('vary', 'Origin');
  const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
  const listed = origin !== undefined && allowed.has(origin);
  if (listed) {
    // The exact origin, never `*`: browsers refuse `*` on requests that carry credentials.
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-credentials', 'true');
    res.setHeader('access-control-expose-headers', EXPOSED_HEADERS.join(', '));
  }
  if (req.method !== 'OPTIONS') return false;
  // A preflight (or any OPTIONS): 204 with what is allowed; an unlisted origin learns nothing more.
  if (listed && req.headers['access-control-request-method']) {
    res.setHeader('access-control-allow-methods', ALLOWED_METHODS.join(', '));
    res.setHeader('access-control-allow-headers', ALLOWED_HEADERS.join(', '));
    res.setHeader('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS));
  }
  res.setHeader('allow', ALLOWED_METHODS.join(', '));
  res.setHeader('content-length', '0');
  res.writeHead(204);
  res.end();
  return true;
}
