// The gateway's defences that are pure functions, tested without a hub: the authorizer's caches
// and limits, the client error formatter, X-Access-Reason and token claims, the audit's dedupe.
import { parse } from 'graphql';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, test } from 'vitest';
import { auditRequest, type AuditEntryInput } from '../gateway/audit/index';
import { accessReason, AuthenticationError, BadHeaderError, authenticationOptionsFromEnv } from '../gateway/authentication';
import { policySchema } from '../gateway/authorization/api-schema';
import { createAuthorizer } from '../gateway/authorization/authorizer';
import { LruCache } from '../gateway/authorization/cache';
import { inlineFragments, selectOperation } from '../gateway/authorization/inline';
import { restoreResult } from '../gateway/authorization/restore';
import { rewriteOperation, skippedDenials } from '../gateway/authorization/rewrite';
import { DEV_AUDIENCE, DEV_ISSUER } from '../gateway/dev-issuer';
import { devAuthenticator, type DevAuthenticator } from './support/dev-authenticator';
import { formatClientError, MAX_MESSAGE_LENGTH } from '../gateway/errors';
import { DEFAULT_LIMITS, limitsFromEnv } from '../gateway/limits';
import { satisfies, scopesOf } from '../kit/policy';

const UNAUTHORIZED = { message: 'Unauthorized field or type', extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } };
const codes = (d: any) => (d.kind === 'refuse' ? d.body.errors.map((e: any) => e.extensions?.limit ?? e.extensions?.code) : []);

describe('authorizer caches: one key per (operationName, query), and nothing runs unjudged', () => {
  const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: agencies { code }`).join(' ')} }`;

  it('does not serve the verdict of "X\\n#" + Q to "X" + "#\\n" + Q (the second is judged, and refused)', () => {
    const authorizer = createAuthorizer();
    const q = `query X ${aliases(40)}`;
    // Apollo answers the first "Unknown operation"; under the old joined key it cached a "pass"
    expect(authorizer.decide({ operationName: 'X\n#', query: q }, { role: 'public' }).kind).toBe('pass');
    const second = authorizer.decide({ operationName: 'X', query: `#\n${q}` }, { role: 'public' });
    expect(second.kind).toBe('refuse');
    expect(codes(second)).toEqual(['aliases']);
  });

  it('keys plans by the same pair: a rewrite for one operation is never served for another', () => {
    const authorizer = createAuthorizer();
    const q = `query X { agencies { code } } query Y { viewer { role } }`;
    const x = authorizer.decide({ operationName: 'X', query: q }, { role: 'public' }) as any;
    const y = authorizer.decide({ operationName: 'Y', query: q }, { role: 'public' }) as any;
    expect(x.plan.denied).toEqual([]);
    expect(y.plan.denied).toEqual([{ coordinate: 'Query.viewer', path: ['viewer'] }]);
  });

  it('bounds both caches by bytes and keeps a 1.9 MB query out of them', () => {
    const authorizer = createAuthorizer({ cacheBytes: 64 * 1024 });
    for (let i = 0; i < 200; i++) authorizer.decide({ query: `{ agencies { code } } # ${'x'.repeat(500)} ${i}` }, { role: 'public' });
    const stats = authorizer.cacheStats();
    expect(stats.analyses.bytes).toBeLessThanOrEqual(32 * 1024);
    expect(stats.plans.bytes).toBeLessThanOrEqual(32 * 1024);
    expect(stats.analyses.entries).toBeGreaterThan(0);

    const big = createAuthorizer();
    const huge = `{ agencies { code } } # ${'x'.repeat(1_900_000)}`;
    expect(big.decide({ query: huge }, { role: 'public' }).kind).toBe('execute');
    expect(big.cacheStats()).toEqual({ analyses: { entries: 0, bytes: 0 }, plans: { entries: 0, bytes: 0 } });
  });

  it('an LRU cache evicts by weight, oldest first, and refuses an entry heavier than its share', () => {
    const cache = new LruCache<string, string>({ maxEntries: 100, maxBytes: 10, maxEntryBytes: 10, weigh: (k, v) => k.length + v.length });
    cache.set('a', '1234');
    cache.set('b', '1234');
    cache.get('a');
    cache.set('c', '1234'); // 15 > 10: b (least recently used) goes
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual(['1234', undefined, '1234']);
    cache.set('d', 'x'.repeat(20));
    expect(cache.get('d')).toBeUndefined();
    expect([cache.size, cache.bytes]).toEqual([2, 10]);
  });
});

describe('limits: refused before validation fans out', () => {
  const authorizer = createAuthorizer();
  const decide = (query: string, variables?: Record<string, unknown>, role: any = 'procurator') => authorizer.decide({ query, variables }, { role });

  it('prices unpaginated lists by a size estimate through nesting; paginated fields keep `first`', () => {
    const loop = `agencies { officers { agency { officers { agency { code } } } } }`;
    const refused = decide(`{ ${Array.from({ length: 30 }, (_, i) => `a${i}: ${loop}`).join(' ')} }`, undefined, 'public');
    expect(refused.kind).toBe('refuse');
    expect(codes(refused)).toEqual(['cost']);
    // a directory listing and a page of cases stay well within the limit
    expect(decide(`{ agencies { code name officers { name } powerItems { name } } }`).kind).toBe('execute');
    expect(codes(decide(`query($n: Int) { cases(first: $n) { edges { node { ${Array(50).fill('id').join(' ')} } } } }`, { n: 100 }))).toEqual(['cost']);
    expect(decide(`query($n: Int) { cases(first: $n) { edges { node { ${Array(50).fill('id').join(' ')} } } } }`, { n: 95 }).kind).toBe('execute');
  });

  it('one error for ten unknown directives, and one for a repeated directive', () => {
    const unknown = decide(`{ __typename @aa @aa @aa @aa @aa @aa @aa @aa @aa @aa }`);
    expect(unknown).toMatchObject({ kind: 'refuse', status: 400 });
    expect((unknown as any).body.errors).toEqual([{ message: 'Unknown directive "@aa".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }]);
    const repeated = decide(`{ agencies { code @include(if: true) @include(if: true) @include(if: true) } }`);
    expect((repeated as any).body.errors).toEqual([{ message: 'The directive "@include" can only be used once at this location.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }]);
  });

  it('counts the same field repeated in one selection set', () => {
    const repeated = (n: number) => `{ agencies { ${Array(n).fill('code').join(' ')} } }`;
    expect(codes(decide(repeated(DEFAULT_LIMITS.maxRepeatedFields + 2)))).toEqual(['repeatedFields']);
    expect(decide(repeated(DEFAULT_LIMITS.maxRepeatedFields + 1)).kind).toBe('execute');
    expect(codes(decide(`{ ${Array(500).fill('__typename').join('\n')} }`))).toEqual(['repeatedFields']);
  });

  it('caps input lists, in literals and in variables, naming the argument path', () => {
    const materials = (n: number) => Array.from({ length: n }, (_, i) => `m${i}`);
    const literal = decide(`mutation { transferCase(caseId: "x", input: { summary: "s", materials: ${JSON.stringify(materials(101))} }) { id } }`);
    expect(literal).toMatchObject({ kind: 'refuse', status: 400 });
    expect((literal as any).body.errors).toEqual([{ message: 'transferCase.input.materials: at most 100 items', extensions: { code: 'BAD_USER_INPUT', field: 'transferCase.input.materials', rule: 'maxItems', max: 100 } }]);
    const viaVariable = decide(`mutation($input: TransferInput!) { transferCase(caseId: "x", input: $input) { id } }`, { input: { summary: 's', materials: materials(101) } });
    expect((viaVariable as any).body.errors).toEqual([{ message: '$input.materials: at most 100 items', extensions: { code: 'BAD_USER_INPUT', field: '$input.materials', rule: 'maxItems', max: 100 } }]);
    expect(decide(`mutation($input: TransferInput!) { transferCase(caseId: "x", input: $input) { id } }`, { input: { summary: 's', materials: materials(100) } }).kind).toBe('execute');
  });

  it('reads the new limits from the environment', () => {
    expect(limitsFromEnv({ GRAPHQL_LIST_SIZE: '7', GRAPHQL_MAX_LIST_ITEMS: '5', GRAPHQL_MAX_REPEATED_FIELDS: '3' })).toMatchObject({ listSize: 7, maxListItems: 5, maxRepeatedFields: 3 });
    expect(() => limitsFromEnv({ GRAPHQL_MAX_LIST_ITEMS: '-1' })).toThrow(/GRAPHQL_MAX_LIST_ITEMS/);
  });
});

describe('client errors: linear-time scrubbing, bounded, no echoed payload, no suggestions in production', () => {
  it('formats a 100 KB hostile message at once, truncated and without the payload', () => {
    const payload = 'at :'.repeat(25_000);
    const started = performance.now();
    const out = formatClientError({ message: `Variable "$x" got invalid value "${payload}"; Int cannot represent non-integer value: "${payload}"`, extensions: { code: 'BAD_USER_INPUT' } });
    expect(performance.now() - started).toBeLessThan(200); // the quadratic regex took seconds
    expect(out.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(out.message).not.toContain('at :at :');
    expect(out.message).toBe('Variable "$x" got invalid value "…"; Int cannot represent non-integer value: "…"');
    expect(out.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'x', rule: 'type' }); // the variable named (issue 12)
  });

  it('still hides stack frames and addresses, and keeps short messages', () => {
    expect(formatClientError({ message: 'boom at Object.<anonymous> (/srv/x.ts:12:7)', extensions: { code: 'BAD_USER_INPUT' } }).message).toBe('Internal server error');
    expect(formatClientError({ message: 'connect ECONNREFUSED 10.0.0.1:5432', extensions: { code: 'BAD_USER_INPUT' } }).message).toBe('Internal server error');
    expect(formatClientError({ message: 'amount must be finite', extensions: { code: 'BAD_USER_INPUT', field: 'amount', rule: 'finite' } }))
      .toEqual({ message: 'amount must be finite', extensions: { code: 'BAD_USER_INPUT', field: 'amount', rule: 'finite' } });
  });

  it('drops "Did you mean" in production, variable-coercion messages included', () => {
    const coercion = { message: 'Variable "$d" got invalid value "FIEL"; Value "FIEL" does not exist in "TransferDecision" enum. Did you mean the enum value "FILE"?', extensions: { code: 'BAD_USER_INPUT' } };
    expect(formatClientError(coercion, { production: true }).message).toBe('Variable "$d" got invalid value "FIEL"; Value "FIEL" does not exist in "TransferDecision" enum.');
    expect(formatClientError(coercion).message).toContain('Did you mean');
    const field = { message: 'Field "nme" is not defined by type "PartyInput". Did you mean "name"?', extensions: { code: 'BAD_USER_INPUT' } };
    expect(formatClientError(field, { production: true }).message).toBe('Field "nme" is not defined by type "PartyInput".');
  });
});

describe('X-Access-Reason: decoded, then validated', () => {
  test.each([
    ['立案监督审查', encodeURIComponent('立案监督审查')],
    ['case review', 'case review'],
    ['案件 审查', encodeURIComponent('  案件\t审查\u200B ')],
  ])('accepts %s', (expected, header) => {
    expect(accessReason(header)).toBe(expected);
  });

  test.each([
    ['nothing', undefined], ['empty', ''], ['spaces', '   '], ['%20', '%20%20'], ['%09', '%09%09'], ['NBSP', '%C2%A0%C2%A0'], ['NUL', '%00%00'],
    ['zero-width space', '%E2%80%8B%E2%80%8B'], ['BOM and word joiner', '%EF%BB%BF%E2%81%A0%E2%80%8C%E2%80%8D'], ['ideographic space', '%E3%80%80%E3%80%80'],
    ['one visible character', 'a%20%E2%80%8B'],
  ])('a reason of %s is no reason', (_, header) => {
    expect(accessReason(header)).toBeUndefined();
  });

  test.each([
    ['truncated UTF-8', '%E7%AB', 'encoding'],
    ['malformed UTF-8', '%FF%FE', 'encoding'],
    ['a stray %', '100%', 'encoding'],
    ['raw UTF-8 bytes (read as latin1)', Buffer.from('立案监督').toString('latin1'), 'encoding'],
    ['too long', encodeURIComponent('审'.repeat(201)), 'length'],
  ])('refuses %s with 400 naming the header', (_, header, rule) => {
    let error: unknown;
    try { accessReason(header); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(BadHeaderError);
    expect((error as BadHeaderError).status).toBe(400);
    expect((error as BadHeaderError).body()).toEqual({ errors: [{ message: expect.stringContaining('X-Access-Reason'), extensions: { code: 'BAD_USER_INPUT', field: 'X-Access-Reason', rule } }] });
  });
});

describe('tokens: claims required and typed', () => {
  let issuer: DevAuthenticator;
  let key: CryptoKey;
  let verify: (authorization: string) => Promise<unknown>;
  const now = () => Math.floor(Date.now() / 1000);
  const mint = (claims: Record<string, unknown>, times: { iat?: number | null; exp?: number | null; sub?: string | null } = {}) => {
    const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA' }).setIssuer(DEV_ISSUER).setAudience(DEV_AUDIENCE);
    if (times.sub !== null) jwt.setSubject(times.sub ?? 'u-1');
    if (times.iat !== null) jwt.setIssuedAt(times.iat ?? now());
    if (times.exp !== null) jwt.setExpirationTime(times.exp ?? now() + 3600);
    return jwt.sign(key);
  };
  beforeAll(async () => {
    issuer = await devAuthenticator('gateway-unit-');
    key = issuer.key;
    verify = async (authorization) => issuer.authenticate(authorization);
  });
  afterAll(() => issuer.remove());

  it('accepts a well-formed token', async () => {
    expect(await verify(await mint({ role: 'procurator', org: 'PROC-320706', region: '320706' }))).toEqual({ sub: 'u-1', role: 'procurator', org: 'PROC-320706', region: '320706' });
  });

  test.each([
    ['no exp', { role: 'procurator' }, { exp: null }],
    ['iat ten minutes ahead', { role: 'procurator' }, { iat: now() + 600, exp: now() + 3600 }],
    ['a lifetime of 30 days', { role: 'procurator' }, { exp: now() + 30 * 86400 }],
    ['no iat and 30 days to run', { role: 'procurator' }, { iat: null, exp: now() + 30 * 86400 }],
    ['no sub', { role: 'procurator' }, { sub: null }],
    ['an empty sub', { role: 'procurator' }, { sub: '' }],
    ['a numeric region', { role: 'procurator', region: 320706 }, {}],
    ['a numeric org', { role: 'procurator', org: 7 }, {}],
    ['a role that is a list', { role: ['procurator'] }, {}],
  ])('refuses a token with %s (401, not 500)', async (_, claims, times) => {
    await expect(verify(await mint(claims, times as any))).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('allows a minute of clock skew on iat, and reads the maximum lifetime from the environment', async () => {
    expect(await verify(await mint({ role: 'public' }, { iat: now() + 30 }))).toMatchObject({ role: 'public' });
    expect(authenticationOptionsFromEnv({ JWT_MAX_LIFETIME_SECONDS: '600' }).maxLifetimeSeconds).toBe(600);
    expect(() => authenticationOptionsFromEnv({ JWT_MAX_LIFETIME_SECONDS: 'forever' })).toThrow(/JWT_MAX_LIFETIME_SECONDS/);
  });
});

describe('audit: one entry per (coordinate, entity, decision) per request', () => {
  it('records a field repeated 200 times, or under 30 aliases, once', () => {
    const recorded: AuditEntryInput[] = [];
    const n = auditRequest({ record: (entries) => { recorded.push(...entries); } }, {
      identity: { sub: 'anonymous', role: 'public' },
      denied: Array.from({ length: 200 }, (_, i) => ({ coordinate: 'Query.viewer', path: [i % 2 ? 'viewer' : `a${i}`] })),
      releases: [
        ...Array.from({ length: 30 }, () => ({ coordinate: 'Party.idNumber', entityId: 'c1', decision: 'full' as const })),
        { coordinate: 'Party.idNumber', entityId: 'c1', decision: 'masked' },
        { coordinate: 'Party.idNumber', entityId: 'c2', decision: 'full' },
      ],
    });
    expect(n).toBe(4);
    expect(recorded.map((e) => [e.coordinate, e.entityId, e.decision])).toEqual([
      ['Party.idNumber', 'c1', 'full'], ['Party.idNumber', 'c1', 'masked'], ['Party.idNumber', 'c2', 'full'], ['Query.viewer', null, 'denied'],
    ]);
  });
});

describe('@skip and @include on a field the caller may not see (filtered queries)', () => {
  const policy = policySchema();
  const rewriteAs = (role: any, query: string) => {
    const document = parse(query);
    const held = new Set(scopesOf(role));
    return rewriteOperation(policy, inlineFragments(document, selectOperation(document, undefined)!, 10_000), query, (r) => satisfies(r, { role }, held));
  };

  it('removes a field skipped by a literal without an error', () => {
    const plan = rewriteAs('justice_supervisor', `query($id: ID!) { case(id: $id) { id supervision { id notes @skip(if: true) n2: notes @include(if: false) } } }`);
    expect(plan.query).toBe('query ($id: ID!) {\n  case(id: $id) {\n    id\n    supervision {\n      id\n    }\n  }\n}');
    expect(plan.denied).toEqual([]);
    const result = { data: { case: { id: '1', supervision: [{ id: 's' }] } } } as any;
    restoreResult(result, plan.restore, plan.denied);
    expect(result).toEqual({ data: { case: { id: '1', supervision: [{ id: 's' }] } } });
  });

  it('removes a field under a skipped inline fragment without an error', () => {
    const plan = rewriteAs('public', `{ agencies { code } ... @include(if: false) { viewer { role } } }`);
    expect(plan.query).toBe('{\n  agencies {\n    code\n  }\n}');
    expect(plan.denied).toEqual([]);
  });

  it('decides per request when the condition is a variable, defaults included', () => {
    const query = `query($id: ID!, $withNotes: Boolean!, $skipIt: Boolean = true) { case(id: $id) { id s: supervision @skip(if: $skipIt) { n: notes } supervision { notes @include(if: $withNotes) } } }`;
    const plan = rewriteAs('justice_supervisor', query);
    expect(plan.query).toBe('query ($id: ID!, $skipIt: Boolean = true) {\n  case(id: $id) {\n    id\n    s: supervision @skip(if: $skipIt) {\n      __hub_empty: __typename\n    }\n    supervision {\n      __hub_empty: __typename\n    }\n  }\n}');
    expect(plan.denied.map((d) => d.path)).toEqual([['case', 's', 'n'], ['case', 'supervision', 'notes']]);

    const run = (variables: Record<string, unknown>, data: any) => {
      const skipped = skippedDenials(plan, variables);
      const result = { data } as any;
      restoreResult(result, plan.restore, plan.denied, skipped);
      return result;
    };
    // $skipIt defaults to true: `s` is absent; $withNotes false: `notes` is skipped too
    expect(run({ id: '1', withNotes: false }, { case: { id: '1', supervision: [{ __hub_empty: 'SupervisionMatter' }] } }))
      .toEqual({ data: { case: { id: '1', supervision: [{}] } } });
    expect(run({ id: '1', withNotes: true, skipIt: false }, { case: { id: '1', s: [{ __hub_empty: 'SupervisionMatter' }], supervision: [{ __hub_empty: 'SupervisionMatter' }] } }))
      .toEqual({ data: { case: { id: '1', s: [{ n: null }], supervision: [{ notes: null }] } }, errors: [{ ...UNAUTHORIZED, path: ['case', 's', 0, 'n'] }, { ...UNAUTHORIZED, path: ['case', 'supervision', 0, 'notes'] }] });
  });

  it('the authorizer refuses in reject mode only what a request does not skip', () => {
    const authorizer = createAuthorizer({ rejectUnauthorized: true });
    const query = `query($show: Boolean!) { agencies { code } viewer @include(if: $show) { role } }`;
    expect(authorizer.decide({ query, variables: { show: false } }, { role: 'public' }).kind).toBe('execute');
    expect(authorizer.decide({ query, variables: { show: true } }, { role: 'public' })).toMatchObject({ kind: 'refuse', status: 200, body: { data: null, errors: [{ ...UNAUTHORIZED, path: ['viewer'] }] } });
  });
});
