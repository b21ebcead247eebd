// The offline explorer (issue 12): GraphiQL served by the gateway, loading nothing from outside
// the hub. Every script and style the page references is fetched from the hub, and none of them
// names another origin to load from. (A real browser with the network blocked is for later; the
// page's Content-Security-Policy already holds a browser to its own origin.) In production the
// explorer is off unless enabled: gateway-attacks.test.ts probes a production hub for any IDE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envProblems } from '../kit/config';
import { EXPLORER_ENV, explorerEnabled } from '../gateway/explorer';
import { startHub, type TestHub } from './support/hub';

/**
 * Hosts that appear in the bundled libraries' text without being loaded: XML namespaces React and
 * GraphiQL create elements in, and documentation or specification links in messages and license
 * comments (graphql-js, CodeMirror, markdown-it, floating-ui, React's error decoder…). Reviewed
 * for graphiql 3.8.3 and react 18.3.1; an upgrade that adds a host fails here until reviewed.
 */
const REFERENCE_HOSTS = new Set([
  'www.w3.org', 'github.com', 'gist.github.com', 'github.github.com', 'spec.graphql.org', 'codemirror.net', 'floating-ui.com', 'reactjs.org',
  'html.spec.whatwg.org', 'developer.mozilla.org', 'spec.commonmark.org', 'commonmark.org', 'mathiasbynens.be', 'highlightjs.org',
  'en.wikipedia.org', 'marijnhaverbeke.nl', 'yarnpkg.com', 'www.nayuki.io', 'www.framer.com', 'webpack.js.org', 'trac.webkit.org',
  'tools.ietf.org', 'datatracker.ietf.org', 'radix-ui.com', 'microsoft.github.io', 'expressjs.com', 'esbench.com', 'bugs.chromium.org',
  'unicode.org', 'serverfault.com', 'json-schema.org', 'daringfireball.net', 'graphiql-test.netlify.app',
  // placeholders in examples and tests of URL handling, not addresses
  'example.org', 'foo.com', 'foo', 'host', 'a', 'test1', '',
]);
/** Where code, styles and fonts are fetched from on the public internet: never, anywhere. */
const CDN = /\/\/(?:[a-z0-9-]+\.)*(?:unpkg\.com|jsdelivr\.net|cdnjs\.cloudflare\.com|googleapis\.com|gstatic\.com|apollographql\.com)/i;
const ABSOLUTE_URL = /\b(?:https?|wss?):\/\/([A-Za-z0-9.-]*)/g;

describe('the explorer', () => {
  let hub: TestHub;
  let origin: string;
  const get = async (path: string, accept = 'text/html,application/xhtml+xml,*/*;q=0.8') => {
    const response = await fetch(`${origin}${path}`, { headers: { accept } });
    return { status: response.status, type: response.headers.get('content-type') ?? '', csp: response.headers.get('content-security-policy') ?? '', text: await response.text() };
  };
  /** Absolute URLs of other origins than the hub's in `text`. */
  const foreign = (text: string) => [...text.matchAll(ABSOLUTE_URL)].map((m) => m[0]).filter((u) => !u.startsWith(origin));

  beforeAll(async () => {
    hub = await startHub();
    origin = new URL(hub.gatewayUrl).origin;
  });
  afterAll(() => hub?.stop());

  it('GET /graphql from a browser answers the GraphiQL page, with a policy that keeps it on this origin', async () => {
    const page = await get('/graphql');
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.text).toMatch(/graphiql/i);
    expect(page.csp).toMatch(/default-src 'self'/);
    expect(page.csp).toMatch(/script-src 'self'(;|$)/);
    expect(page.csp).toMatch(/connect-src 'self'/);
    expect(foreign(page.text)).toEqual([]);
  });

  it('every script and style the page references comes from the hub, and none names another origin to load from', async () => {
    const page = await get('/graphql');
    const refs = [...page.text.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThanOrEqual(5);
    for (const ref of refs) {
      expect(ref, ref).toMatch(/^\/[^/]/); // a path on this origin, not //host or http(s)://
      const asset = await get(ref, '*/*');
      expect(asset.status, ref).toBe(200);
      if (ref.endsWith('.css')) {
        expect(asset.type, ref).toMatch(/^text\/css/);
        expect(foreign(asset.text), ref).toEqual([]);
        expect(asset.text, ref).not.toMatch(/@import/);
        // Fonts and images are embedded (data:) or on this origin.
        for (const [, target] of asset.text.matchAll(/url\(\s*['"]?([^'")]{0,40})/g)) expect(target, `${ref}: url(${target}…)`).toMatch(/^(data:|\/[^/]|#)/);
      } else {
        expect(asset.type, ref).toMatch(/^text\/javascript/);
        expect(asset.text, ref).not.toMatch(CDN);
        const hosts = [...new Set([...asset.text.matchAll(ABSOLUTE_URL)].map((m) => m[1]))].filter((h) => `${new URL(origin).protocol}//${h}` !== origin);
        expect(hosts.filter((h) => !REFERENCE_HOSTS.has(h)), ref).toEqual([]);
      }
    }
  });

  it('the explorer talks to this gateway: its start script names /graphql on the page\'s own origin', async () => {
    const script = await get('/explorer/explorer.js', '*/*');
    expect(script.text).toContain("window.location.origin + '/graphql'");
    expect(foreign(script.text)).toEqual([]);
  });

  it('GET / answers a landing page linking the explorer, nothing from outside', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.text).toContain('href="/graphql"');
    expect(foreign(page.text)).toEqual([]);
    expect(page.text).not.toMatch(/<script|<link/);
  });

  it('the API itself is unchanged: a POST, and a GET asking for JSON, answer GraphQL', async () => {
    const post = await fetch(`${origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(await post.json()).toEqual({ data: { __typename: 'Query' } });
    const json = await fetch(`${origin}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
    expect(await json.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('serves only its own files: no other name and no path out of them', async () => {
    for (const path of ['/explorer/package.json', '/explorer/..%2f..%2fpackage.json', '/explorer/%2e%2e/gateway/config.ts', '/explorer/', '/graphiql']) {
      expect((await get(path, '*/*')).status, path).toBe(404);
    }
  });
});

describe('EXPLORER_ENABLED', () => {
  it.each([
    [{}, true],
    [{ NODE_ENV: 'development' }, true],
    [{ NODE_ENV: 'production' }, false],
    [{ NODE_ENV: 'production', EXPLORER_ENABLED: 'true' }, true],
    [{ NODE_ENV: 'development', EXPLORER_ENABLED: 'false' }, false],
  ])('%o: explorer %s', (env, enabled) => {
    expect(explorerEnabled(env)).toBe(enabled);
  });

  it('is true or false, nothing else', () => {
    expect(envProblems(EXPLORER_ENV, { EXPLORER_ENABLED: 'yes' })).toEqual(['EXPLORER_ENABLED: not one of true, false: "yes"']);
    expect(envProblems(EXPLORER_ENV, { EXPLORER_ENABLED: 'true' })).toEqual([]);
  });
});
