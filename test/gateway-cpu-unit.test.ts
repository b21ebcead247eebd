// The gateway's cheaper per-request paths (bench/results/gateway-cpu-2026-11-28.md) decide as the
// paths they replace: a token verified once is still refused once it expires, an entry's text is
// cleaned as before, and a subgraph's client (kit/subgraph-client.ts keptAliveFetch) sends and reads what it did.
import { createServer } from 'node:http';
import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditEntries, auditKey } from '../gateway/audit/index';
import { normalizeEntry } from '../gateway/audit/writer';
import { AuthenticationError } from '../gateway/authentication';
import { subgraphFetcher } from '../gateway/data-source';
import { keptAliveFetch } from '../kit/subgraph-client';
import { DEV_AUDIENCE, DEV_ISSUER } from '../gateway/dev-issuer';
import { devAuthenticator, type DevAuthenticator } from './support/dev-authenticator';

describe('a token verified once', () => {
  let issuer: DevAuthenticator;
  let key: CryptoKey;
  let authenticate: (authorization: string) => Promise<unknown>;
  const now = () => Math.floor(Date.now() / 1000);
  const mint = (exp: number, nbf?: number) => {
    const jwt = new SignJWT({ role: 'procurator', org: 'PROC-320706', region: '320706' }).setProtectedHeader({ alg: 'EdDSA' })
      .setIssuer(DEV_ISSUER).setAudience(DEV_AUDIENCE).setSubject('u-1').setIssuedAt(now()).setExpirationTime(exp);
    if (nbf !== undefined) jwt.setNotBefore(nbf);
    return jwt.sign(key);
  };
  beforeAll(async () => {
    issuer = await devAuthenticator('gateway-cpu-unit-');
    ({ key, authenticate } = issuer);
  });
  afterEach(() => { vi.useRealTimers(); });
  afterAll(() => issuer.remove());

  it('is refused once it expires (with the minute of skew), though it was accepted before', async () => {
    const token = await mint(now() + 120);
    expect(await authenticate(token)).toMatchObject({ sub: 'u-1', role: 'procurator' });
    expect(await authenticate(token)).toMatchObject({ sub: 'u-1', role: 'procurator' });
    vi.useFakeTimers({ now: Date.now() + 150_000, toFake: ['Date'] });
    expect(await authenticate(token)).toMatchObject({ sub: 'u-1' }); // expired 30 s ago: within the skew
    vi.setSystemTime(Date.now() + 60_000);
    await expect(authenticate(token)).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('is refused before its nbf, then accepted, and a tampered copy is refused', async () => {
    const token = await mint(now() + 3600, now() + 600);
    await expect(authenticate(token)).rejects.toBeInstanceOf(AuthenticationError);
    vi.useFakeTimers({ now: Date.now() + 600_000, toFake: ['Date'] });
    expect(await authenticate(token)).toMatchObject({ sub: 'u-1' });
    const [header, payload, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'platform_admin' })).toString('base64url');
    await expect(authenticate(`${header}.${forged}.${signature}`)).rejects.toBeInstanceOf(AuthenticationError);
  });
});

describe('audit entries', () => {
  it('clean text as before: NUL dropped, a lone surrogate replaced, pairs and Chinese kept, length bounded', () => {
    const base = { subject: 'u-1', role: 'procurator', coordinate: 'Party.idNumber', decision: 'full' as const };
    const at = new Date('2026-11-28T00:00:00.000Z');
    expect(normalizeEntry({ ...base, reason: '立案\u0000审查' }, at).reason).toBe('立案审查');
    expect(normalizeEntry({ ...base, reason: 'a\uD800b' }, at).reason).toBe('a\uFFFDb');
    expect(normalizeEntry({ ...base, reason: '😀 ok' }, at).reason).toBe('😀 ok');
    expect(normalizeEntry({ ...base, reason: 'x'.repeat(600) }, at).reason).toBe('x'.repeat(500));
    expect(normalizeEntry({ ...base, subject: 'u-2', entityId: '', reason: '立案审查' }, at)).toEqual({
      at, subject: 'u-2', role: 'procurator', org: null, region: null, clientAddress: null, operationName: null, documentHash: null,
      coordinate: 'Party.idNumber', entityId: null, decision: 'full', reason: '立案审查', traceId: null,
    });
  });

  it('one per (coordinate, entity, decision), leaving out those already done, with who asked on each', () => {
    const identity = { sub: 'u-1', role: 'agency_officer' as const, org: 'MR-320706', region: '320706', reason: '执法检查', traceId: 't-1' };
    const releases = [
      { coordinate: 'Party.name', entityId: 'c1', decision: 'full' as const }, { coordinate: 'Party.name', entityId: 'c1', decision: 'full' as const },
      { coordinate: 'Party.idNumber', entityId: 'c1', decision: 'masked' as const }, { coordinate: 'Party.name', entityId: 'c2', decision: 'full' as const },
    ];
    const done = new Set([auditKey('Party.name', 'c2', 'full')]);
    const entries = auditEntries({ identity, clientAddress: '127.0.0.1', operationName: 'CasePage', documentHash: 'h', releases, denied: [{ coordinate: 'Case.secret' }] }, done);
    expect(entries.map((e) => [e.coordinate, e.entityId, e.decision])).toEqual([['Party.name', 'c1', 'full'], ['Party.idNumber', 'c1', 'masked'], ['Case.secret', null, 'denied']]);
    for (const e of entries) {
      expect(e).toMatchObject({ subject: 'u-1', role: 'agency_officer', org: 'MR-320706', region: '320706', clientAddress: '127.0.0.1', operationName: 'CasePage', documentHash: 'h', reason: '执法检查', traceId: 't-1' });
    }
    expect(done.size).toBe(1);
    // Given a set for the keys (the durable commit gives the request's done-set itself), the entries' keys join it.
    const keys = new Set(done);
    const again = auditEntries({ identity, releases, denied: [{ coordinate: 'Case.secret' }] }, keys, keys);
    expect(again).toHaveLength(3);
    expect([...keys]).toEqual([...done, ...again.map((e) => auditKey(e.coordinate, e.entityId ?? null, e.decision))]);
    expect(auditEntries({ identity, releases, denied: [{ coordinate: 'Case.secret' }] }, keys, keys)).toEqual([]);
  });

  it('keys one (coordinate, entity, decision) as one and any two as two', () => {
    const tuples: [string, string | null, 'full' | 'masked' | 'denied'][] = [];
    for (const coordinate of ['Party.name', 'name', '', '1:Party.name', '+Party', '-x']) {
      for (const entityId of [null, '', 'null', 'c1', 'c1Party.', 'c', '1:c', '-', '+1:']) {
        for (const decision of ['full', 'masked', 'denied'] as const) tuples.push([coordinate, entityId, decision]);
      }
    }
    const keys = new Set(tuples.map((t) => auditKey(...t)));
    expect(keys.size).toBe(tuples.length);
    expect(auditKey('Party.name', 'c1', 'full')).toBe(auditKey('Party.name', 'c1', 'full'));
  });
});

describe("a subgraph's fetcher", () => {
  const listening = async (handler: Parameters<typeof createServer>[1]) => {
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return server;
  };
  const urlOf = (s: ReturnType<typeof createServer>) => `http://127.0.0.1:${(s.address() as { port: number }).port}/graphql`;
  const closing = async (...servers: ReturnType<typeof createServer>[]) => {
    for (const s of servers) s.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  };

  it('keeps sockets alive and gives up on a subgraph that does not answer', async () => {
    const answering = await listening((req, res) => res.end(JSON.stringify({ connection: req.headers.connection })));
    const hung = await listening(() => {});
    try {
      const answer = await subgraphFetcher(urlOf(answering), 2000)(urlOf(answering), { method: 'POST', body: '{}' });
      expect(await answer.json()).toEqual({ connection: 'keep-alive' });
      await expect(subgraphFetcher(urlOf(hung), 300)(urlOf(hung), { method: 'POST', body: '{}' })).rejects.toThrow(/timeout/);
    } finally {
      await closing(answering, hung);
    }
  });

  it('sends the body whole with its length and headers, reuses one socket, and hands over status, headers and text as they came', async () => {
    const seen: { method?: string; length?: string; type?: string; identity?: string; body: string }[] = [];
    let sockets = 0;
    const server = await listening((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (c) => { body += c; }).on('end', () => {
        seen.push({ method: req.method, length: req.headers['content-length'], type: req.headers['content-type'], identity: req.headers['x-hub-identity'] as string, body });
        res.statusCode = seen.length === 3 ? 400 : 200;
        res.setHeader('content-type', 'application/json');
        res.setHeader('x-release', ['a', 'b']);
        res.end(JSON.stringify({ n: seen.length, 名: '张某某' }));
      });
    });
    server.on('connection', () => { sockets++; });
    const fetcher = keptAliveFetch(urlOf(server), 2000);
    try {
      const body = JSON.stringify({ query: '{ case(id: "1") { id } }', variables: { 名: '张某某' } });
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await fetcher(urlOf(server), { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-identity': 't' }, body }));
      expect(seen.map((s) => s.body)).toEqual([body, body, body]);
      expect(seen[0]).toMatchObject({ method: 'POST', length: String(Buffer.byteLength(body)), type: 'application/json', identity: 't' });
      expect(sockets).toBe(1);
      expect(answers.map((a) => [a.ok, a.status])).toEqual([[true, 200], [true, 200], [false, 400]]);
      expect(await answers[2].text()).toBe(JSON.stringify({ n: 3, 名: '张某某' }));
      expect(await answers[0].json()).toEqual({ n: 1, 名: '张某某' });
      expect(answers[0].headers.get('Content-Type')).toBe('application/json');
      expect(answers[0].headers.get('x-release')).toBe('a, b');
      expect(answers[0].headers.get('x-missing')).toBeNull();
      const names: string[] = [];
      answers[0].headers.forEach((_, name) => names.push(name));
      expect(names).toEqual(expect.arrayContaining(['content-type', 'x-release']));
    } finally {
      await closing(server);
    }
  });

  it('fails a fetch whose answer is cut off or stalls midway, and refuses another origin', async () => {
    const cut = await listening((_req, res) => { res.writeHead(200, { 'content-length': '100' }); res.write('{"data":'); setImmediate(() => res.socket?.destroy()); });
    const stalled = await listening((_req, res) => { res.writeHead(200, { 'content-length': '100' }); res.write('{"data":'); });
    try {
      // At once, not at the deadline: the connection's end is the answer's.
      const failure = await keptAliveFetch(urlOf(cut), 60_000)(urlOf(cut), { method: 'POST', body: '{}' }).then(() => null, (e: Error) => e);
      expect(failure?.message).toMatch(/cut off|aborted|reset|hang up/i);
      await expect(keptAliveFetch(urlOf(stalled), 300)(urlOf(stalled), { method: 'POST', body: '{}' })).rejects.toThrow(/timeout/);
      await expect(keptAliveFetch(urlOf(cut), 300)('http://127.0.0.1:1/graphql', { method: 'POST', body: '{}' })).rejects.toThrow(/another origin/);
    } finally {
      await closing(cut, stalled);
    }
  });
});
