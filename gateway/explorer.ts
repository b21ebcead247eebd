// The offline explorer (issue 12): GraphiQL, bundled as an npm dependency and served by the
// gateway itself, so it works on an intranet with no way out. GET /graphql from a browser
// (Accept: text/html, no query) answers its page, GET / a small landing page, /explorer/* its
// scripts and styles — read from node_modules and gateway/explorer/, nothing from a CDN, no web
// font (GraphiQL's are embedded in its stylesheet). A Content-Security-Policy holds a browser to
// that: scripts, styles, fonts and requests from this origin only.
// Replaces Apollo's landing page, which loads Sandbox and fonts from public CDNs.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EnvVar } from '../kit/module';

export const EXPLORER_ENV: EnvVar[] = [
  { name: 'EXPLORER_ENABLED', required: false, description: "'true' serves the GraphiQL explorer and the landing page under NODE_ENV=production too (default: on in development, off in production)", kind: 'choice', values: ['true', 'false'] },
];

/** On in development; in production only when EXPLORER_ENABLED=true (graphql-cop flags an IDE left open). */
export function explorerEnabled(env: NodeJS.ProcessEnv): boolean {
  return env.EXPLORER_ENABLED ? env.EXPLORER_ENABLED === 'true' : env.NODE_ENV !== 'production';
}

const require = createRequire(import.meta.url);
const here = (file: string) => fileURLToPath(new URL(`./explorer/${file}`, import.meta.url));
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** Every file the explorer may serve, by its public name: a fixed map, so no path reaches the disk. */
const ASSETS: Record<string, { file: () => string; type: string }> = {
  'graphiql.min.js': { file: () => require.resolve('graphiql/graphiql.min.js'), type: 'text/javascript; charset=utf-8' },
  'graphiql.min.css': { file: () => require.resolve('graphiql/graphiql.min.css'), type: 'text/css; charset=utf-8' },
  'react.production.min.js': { file: () => join(packageDir('react'), 'umd/react.production.min.js'), type: 'text/javascript; charset=utf-8' },
  'react-dom.production.min.js': { file: () => join(packageDir('react-dom'), 'umd/react-dom.production.min.js'), type: 'text/javascript; charset=utf-8' },
  'explorer.js': { file: () => here('explorer.js'), type: 'text/javascript; charset=utf-8' },
  'explorer.css': { file: () => here('explorer.css'), type: 'text/css; charset=utf-8' },
};

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "font-src 'self' data:",
  "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'",
].join('; ');

interface Served { body: Buffer; type: string }
const cache = new Map<string, Served>();

/** A file's bytes, read once per process (a few MB in all). */
function load(key: string, file: () => string, type: string): Served {
  let served = cache.get(key);
  if (!served) {
    served = { body: readFileSync(file()), type };
    cache.set(key, served);
  }
  return served;
}

function send(req: IncomingMessage, res: ServerResponse, served: Served, cacheControl: string): void {
  res.writeHead(200, {
    'content-type': served.type,
    'content-length': served.body.length,
    'cache-control': cacheControl,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(req.method === 'HEAD' ? undefined : served.body);
}

/** A browser asking for a page: Accept prefers HTML and the URL carries no operation. */
function wantsPage(req: IncomingMessage, url: URL): boolean {
  return /\btext\/html\b/.test(String(req.headers.accept ?? '')) && !url.searchParams.has('query');
}

/**
 * Serves the explorer's routes; true when `req` was one of them and has been answered. Disabled,
 * it answers nothing: GET /graphql goes on to Apollo, / and /explorer/* are the server's 404.
 */
export function serveExplorer(req: IncomingMessage, res: ServerResponse, url: URL, enabled: boolean): boolean {
  if (!enabled || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  const path = url.pathname;
  if (path === '/graphql' && wantsPage(req, url)) {
    send(req, res, load('index.html', () => here('index.html'), 'text/html; charset=utf-8'), 'no-cache');
    return true;
  }
  if (path === '/') {
    send(req, res, load('landing.html', () => here('landing.html'), 'text/html; charset=utf-8'), 'no-cache');
    return true;
  }
  const name = path.startsWith('/explorer/') ? path.slice('/explorer/'.length) : null;
  const asset = name !== null && Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!asset) return false;
  send(req, res, load(name!, asset.file, asset.type), 'public, max-age=3600');
  return true;
}
