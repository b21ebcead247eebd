// The reference console (issue 12) at /console: plain HTML, ES modules and CSS from this folder,
// no build step, nothing from a CDN, no web font. It is the example front-end teams copy: it calls
// the same /graphql as any client, with the caller's bearer token and, for personal data in full,
// a stated reason (X-Access-Reason). Served like the explorer (gateway/explorer.ts): a fixed map of
// files, so no path reaches the disk, and a Content-Security-Policy stricter than the explorer's
// (no inline script or style at all: the console needs neither).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EnvVar } from '../../kit/module';
import type { TrustedDocuments } from '../trusted-documents';

export const CONSOLE_ENV: EnvVar[] = [
  { name: 'CONSOLE_ENABLED', required: false, description: "'true' serves the reference console at /console under NODE_ENV=production too (default: on in development, off in production)", kind: 'choice', values: ['true', 'false'] },
];

/** On in development; in production only when CONSOLE_ENABLED=true, like the explorer. */
export function consoleEnabled(env: NodeJS.ProcessEnv): boolean {
  return env.CONSOLE_ENABLED ? env.CONSOLE_ENABLED === 'true' : env.NODE_ENV !== 'production';
}

const JS = 'text/javascript; charset=utf-8';
/** Every file the console may serve, by its public name under /console/. */
export const CONSOLE_FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
  'app.js': JS,
  'api.js': JS,
  'dom.js': JS,
  'labels.js': JS,
  'graph.js': JS,
  'timeline.js': JS,
  'views.js': JS,
  'live.js': JS, // live updates over Server-Sent Events (gateway/subscriptions/)
  'case-page.js': JS,
};

/** The console's operation ids, made from the manifest at each request (see consoleOperations). */
const OPERATIONS_FILE = 'operations.json';

export const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
  "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'", "object-src 'none'",
].join('; ');

const cache = new Map<string, Buffer>();
const read = (name: string) => {
  let body = cache.get(name);
  if (!body) cache.set(name, (body = readFileSync(fileURLToPath(new URL(`./${name}`, import.meta.url)))));
  return body;
};

/** The client name the console's operations are registered under (`npm run operations:register -- --client console gateway/console`). */
export const CONSOLE_CLIENT = 'console';

/**
 * What the console sends under trusted documents: whether the gateway runs registered operations
 * (then the console sends each operation's hash, not its text) and the id of each of its
 * operations by name, read from the manifest the gateway runs with. Ids are hashes of texts the
 * manifest already shows to anyone who reads the repository: nothing here is a secret.
 */
export function consoleOperations(documents: TrustedDocuments): { trusted: boolean; ids: Record<string, string> } {
  const ids: Record<string, string> = {};
  for (const [id, operation] of documents.operations) {
    if (operation.name && operation.clients.includes(CONSOLE_CLIENT)) ids[operation.name] = id;
  }
  return { trusted: documents.mode !== 'off', ids };
}

/**
 * Serves /console (the page) and /console/<file>; true when `req` was one of them and has been
 * answered. Disabled, it answers nothing and /console is the server's 404.
 */
export function serveConsole(req: IncomingMessage, res: ServerResponse, url: URL, enabled: boolean, documents?: TrustedDocuments): boolean {
  if (!enabled || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  const path = url.pathname;
  const name = path === '/console' || path === '/console/' ? 'index.html' : path.startsWith('/console/') ? path.slice('/console/'.length) : null;
  if (name === null || (!Object.hasOwn(CONSOLE_FILES, name) && name !== OPERATIONS_FILE)) return false;
  const body = name === OPERATIONS_FILE
    ? Buffer.from(JSON.stringify(consoleOperations(documents ?? { mode: 'off', operations: new Map() })))
    : read(name);
  res.writeHead(200, {
    'content-type': CONSOLE_FILES[name] ?? 'application/json; charset=utf-8',
    'content-length': body.length,
    // The page and its modules change together with the gateway: always revalidated.
    'cache-control': 'no-cache',
    'content-security-policy': CONSOLE_CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
