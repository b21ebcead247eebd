// A browser app on another origin calling the gateway (issue 12): the preflight it sends and the
// answers it may read, by the CORS_ORIGINS allow-list, over real HTTP. Apollo's CSRF prevention
// stays: a request a page could send without a preflight is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envProblems } from '../kit/config';
import { CORS_ENV, CORS_RULES } from '../gateway/cors';
import { request } from './support/raw-http';
import { startHub, type TestHub } from './support/hub';
import { callers } from './support/fixtures';

const CONSOLE = 'https://console.example.gov.cn';
const DEV_SERVER = 'http://localhost:5173';
const STRANGER = 'https://evil.example.com';
const ACA_HEADERS = ['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-allow-methods', 'access-control-allow-headers', 'access-control-max-age', 'access-control-expose-headers'];

describe('CORS_ORIGINS at start', () => {
  it('accepts a comma-separated list of origins', () => {
    expect(envProblems(CORS_ENV, { CORS_ORIGINS: `${CONSOLE}, ${DEV_SERVER}` }, CORS_RULES)).toEqual([]);
  });

  it.each(['*', 'https://console.example.gov.cn/app', 'console.example.gov.cn', 'ftp://files.example.gov.cn'])('refuses %s: not an origin', (value) => {
    expect(envProblems(CORS_ENV, { CORS_ORIGINS: value }, CORS_RULES).join('\n')).toMatch(/^CORS_ORIGINS: not an origin/m);
  });
});

describe('a browser app on another origin', () => {
  let hub: TestHub;
  let url: string;
  let token: string;

  beforeAll(async () => {
    hub = await startHub({ env: { CORS_ORIGINS: `${CONSOLE},${DEV_SERVER}` } });
    url = `${hub.gatewayUrl}/graphql`;
    token = await hub.tokenFor(callers.procurator);
  });
  afterAll(() => hub?.stop());

  const preflight = (origin: string, headers = 'content-type, authorization, x-access-reason') => request(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers },
  });

  it.each([CONSOLE, DEV_SERVER])('a listed origin (%s): the preflight answers 204 with what a page needs', async (origin) => {
    const answer = await preflight(origin, 'content-type, authorization, x-access-reason, apollo-require-preflight');
    expect(answer.status).toBe(204);
    expect(answer.text).toBe('');
    expect(answer.headers['access-control-allow-origin']).toBe(origin);
    expect(answer.headers.vary).toMatch(/\bOrigin\b/);
    expect(answer.headers['access-control-allow-credentials']).toBe('true');
    expect(answer.headers['access-control-allow-methods']!.split(/,\s*/)).toEqual(expect.arrayContaining(['GET', 'POST']));
    const allowed = answer.headers['access-control-allow-headers']!.toLowerCase().split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['content-type', 'authorization', 'x-access-reason', 'apollo-require-preflight']));
    expect(Number(answer.headers['access-control-max-age'])).toBeGreaterThan(0);
  });

  it('a listed origin reads the answer to its query, signed in', async () => {
    const answer = await request(url, {
      method: 'POST',
      headers: { origin: CONSOLE, 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-access-reason': encodeURIComponent('立案监督审查') },
      body: JSON.stringify({ query: '{ agencies { code } }' }),
    });
    expect(answer.status).toBe(200);
    expect(answer.json.errors).toBeUndefined();
    expect(answer.headers['access-control-allow-origin']).toBe(CONSOLE);
    expect(answer.headers['access-control-allow-credentials']).toBe('true');
    expect(answer.headers.vary).toMatch(/\bOrigin\b/);
  });

  it('a listed origin reads a refusal too: a bad token answers 401 it can see, with WWW-Authenticate exposed', async () => {
    const answer = await request(url, {
      method: 'POST',
      headers: { origin: CONSOLE, 'content-type': 'application/json', authorization: 'Bearer not-a-token' },
      body: JSON.stringify({ query: '{ agencies { code } }' }),
    });
    expect(answer.status).toBe(401);
    expect(answer.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(answer.headers['access-control-allow-origin']).toBe(CONSOLE);
    expect(answer.headers['access-control-expose-headers']).toMatch(/www-authenticate/i);
  });

  it('an unlisted origin: the preflight carries no Access-Control-Allow-* header, so its browser sends nothing', async () => {
    const answer = await preflight(STRANGER);
    expect(answer.status).toBe(204);
    for (const name of ACA_HEADERS) expect(answer.headers[name], name).toBeUndefined();
    expect(answer.headers.vary).toMatch(/\bOrigin\b/);
  });

  it('an unlisted origin: an answer carries no Access-Control-Allow-* header, so its page cannot read it', async () => {
    const answer = await request(url, {
      method: 'POST',
      headers: { origin: STRANGER, 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ agencies { code } }' }),
    });
    for (const name of ACA_HEADERS) expect(answer.headers[name], name).toBeUndefined();
  });

  it('an origin differing only in scheme or port is another origin', async () => {
    for (const origin of ['http://console.example.gov.cn', 'https://console.example.gov.cn:8443', 'http://localhost:5174']) {
      const answer = await preflight(origin);
      expect(answer.headers['access-control-allow-origin'], origin).toBeUndefined();
    }
  });

  describe("Apollo's CSRF prevention is kept", () => {
    it('a GET a page could send without a preflight (no JSON, no preflight header) is refused, even from a listed origin', async () => {
      const answer = await request(`${url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { origin: CONSOLE, accept: 'application/json' } });
      expect(answer.status).toBe(400);
      expect(answer.json?.data).toBeUndefined();
      expect(answer.text).toMatch(/CSRF/);
    });

    it('a POST as text/plain (a simple request, no preflight) is refused', async () => {
      const answer = await request(url, { method: 'POST', headers: { origin: STRANGER, 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ __typename }' }) });
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(answer.json?.data).toBeUndefined();
    });

    it('the same GET with apollo-require-preflight (which makes a browser ask first) answers', async () => {
      const answer = await request(`${url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { origin: CONSOLE, accept: 'application/json', 'apollo-require-preflight': 'true' } });
      expect(answer.status).toBe(200);
      expect(answer.json.data).toEqual({ __typename: 'Query' });
      expect(answer.headers['access-control-allow-origin']).toBe(CONSOLE);
    });
  });
});
