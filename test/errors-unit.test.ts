// The pieces behind errors a client can act on (issue 12), without a hub: the gateway's own
// validation rules, the field read from a variable's coercion error, and which subgraph answers
// are the client's mistake rather than an outage. End to end: test/errors.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { GraphQLError, parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it, test } from 'vitest';
import { policySchema } from '../gateway/authorization/api-schema';
import { clientInputRefused } from '../gateway/data-source';
import { formatClientError, PASS_THROUGH, variableField } from '../gateway/errors';
import { answerInLanguage, localizeBody, localizeError, MESSAGES, preferredLanguage } from '../gateway/language';
import { QUERY_PLAN_LIMIT } from '../gateway/plan-limit';
import { CLIENT_CODES } from '../kit/errors';
import { close, listen, sendJson } from '../kit/http';
import { GATEWAY_VALIDATION_RULES } from '../gateway/validation';

const schema = policySchema().schema;
const problems = (query: string) => validate(schema, parse(query), [...specifiedRules, ...GATEWAY_VALIDATION_RULES])
  .map((e) => ({ message: e.message, ...e.extensions }));

describe("the gateway's validation rules", () => {
  it('a subscription, which this API does not offer, is invalid', () => {
    expect(problems('subscription { inbox { id } }')).toEqual([expect.objectContaining({ rule: 'operationType', message: expect.stringMatching(/subscription/) })]);
  });

  test.each(['1e309', '-1e309', '1' + '0'.repeat(400)])('a Float literal %s that is no finite double is invalid, named by its argument path', (literal) => {
    expect(problems(`{ publishedDecisions(filter: { region: "320706" }, first: 1) { edges { node { id } } } alerts(first: 1) { edges { node { id } } } }`)).toEqual([]);
    const query = `mutation { createMarketRegulationCase(input: { caseNumber: "x", actType: ADMINISTRATIVE_PENALTY, cause: "x", party: { kind: NATURAL_PERSON, name: "x", idNumber: "x" }, amountInvolved: ${literal}, decidedAt: "2026-09-15T02:00:00Z", region: "320706" }) { id } }`;
    expect(problems(query)).toEqual([expect.objectContaining({ field: 'input.amountInvolved', rule: 'finite' })]);
  });

  it('a finite Float literal is valid', () => {
    expect(problems(`mutation { createMarketRegulationCase(input: { caseNumber: "x", actType: ADMINISTRATIVE_PENALTY, cause: "x", party: { kind: NATURAL_PERSON, name: "x", idNumber: "x" }, amountInvolved: 1.5e6, decidedAt: "2026-09-15T02:00:00Z", region: "320706" }) { id } }`)).toEqual([]);
  });

  test.each([['"not a date"'], ['"2026-13-45"'], ['5']])('a DateTime literal %s that no subgraph would parse is invalid, named', (literal) => {
    expect(problems(`{ auditLog(filter: { from: ${literal} }) { edges { node { sequence } } } }`))
      .toEqual([expect.objectContaining({ field: 'filter.from', rule: 'dateTime', message: expect.stringMatching(/^Expected value of type "DateTime"/) })]);
  });

  it('a DateTime literal with an offset, and a variable, are valid here', () => {
    expect(problems(`query($to: DateTime) { auditLog(filter: { from: "2026-09-15T08:00:00+08:00", to: $to }) { edges { node { sequence } } } }`)).toEqual([]);
  });
});

describe("a variable's coercion error names its field", () => {
  test.each([
    ['Variable "$input" got invalid value "yesterday" at "input.decidedAt"; Expected type "DateTime". DateTime must be an ISO 8601 date-time', { field: 'input.decidedAt', rule: 'type' }],
    ['Variable "$ids" got invalid value 5 at "ids[3]"; ID cannot represent value: 5', { field: 'ids.3', rule: 'type' }],
    ['Variable "$first" got invalid value "x"; Int cannot represent non-integer value: "x"', { field: 'first', rule: 'type' }],
    ['Variable "$id" of required type "ID!" was not provided.', { field: 'id', rule: 'required' }],
    ['Variable "$id" of non-null type "ID!" must not be null.', { field: 'id', rule: 'required' }],
  ])('%s', (message, expected) => {
    expect(variableField(message)).toEqual(expected);
    expect(formatClientError({ message, extensions: { code: 'BAD_USER_INPUT' } }).extensions).toEqual({ code: 'BAD_USER_INPUT', ...expected });
  });

  it("leaves a field a subgraph's rule already named, and other messages, alone", () => {
    expect(formatClientError({ message: 'amount: must be finite', extensions: { code: 'BAD_USER_INPUT', field: 'input.amount', rule: 'finite' } }).extensions)
      .toEqual({ code: 'BAD_USER_INPUT', field: 'input.amount', rule: 'finite' });
    expect(variableField('Unknown argument "x"')).toBeUndefined();
  });
});

describe("a subgraph's refusal: the client's mistake or the service's", () => {
  const answered = (status: number, errors: unknown) => new GraphQLError(`${status}: Bad Request`, { extensions: { response: { status, body: { errors } } } });
  const coercion = { message: 'Variable "$input" got invalid value "x" at "input.decidedAt"; …', extensions: { code: 'BAD_USER_INPUT' } };

  it('a 400 whose every error is BAD_USER_INPUT: its errors pass on', () => {
    expect(clientInputRefused(answered(400, [coercion]))).toEqual([coercion]);
  });

  it.each([
    ['a 400 with another code', answered(400, [coercion, { message: 'x', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }])],
    ['a 401 (the gateway\'s identity refused)', answered(401, [{ message: 'x', extensions: { code: 'BAD_USER_INPUT' } }])],
    ['a 500', answered(500, [coercion])],
    ['a transport failure', new Error('connect ECONNREFUSED 127.0.0.1:4001')],
    ['a 400 without GraphQL errors', answered(400, undefined)],
  ])('%s: not the client\'s to fix (the service did not answer it)', (_, error) => {
    expect(clientInputRefused(error)).toBeNull();
  });
});

// Messages in Chinese (issue 12): the language is chosen per request from Accept-Language; the
// codes a program reads (code, rule, limit, field) are the same in every language.
describe('the language of an answer', () => {
  test.each([
    [undefined, 'en'], ['', 'en'], ['*', 'en'], ['fr-FR', 'en'], ['en-US,en;q=0.9', 'en'],
    ['zh-CN', 'zh'], ['zh-CN,zh;q=0.9', 'zh'], ['zh-Hans-CN', 'zh'], ['ZH', 'zh'],
    ['en;q=0.5, zh-CN;q=0.8', 'zh'], ['zh-CN;q=0.5, en;q=0.8', 'en'], ['zh;q=0, en;q=0.1', 'en'], ['fr, zh-TW;q=0.3', 'zh'],
    ['zhx', 'en'], [['zh-CN', 'en'], 'zh'],
  ])('Accept-Language %j answers in %s', (header, language) => {
    expect(preferredLanguage(header as string | string[] | undefined)).toBe(language);
  });
});

describe('an error in Chinese', () => {
  it('a broken rule: the field and the rule stay, the message is Chinese, the English is kept', () => {
    const error = { message: 'input.party.idNumber: must be a valid 18-digit resident ID number', path: ['createCase'], extensions: { code: 'BAD_USER_INPUT', field: 'input.party.idNumber', rule: 'residentIdNumber' } };
    expect(localizeError(error, 'zh')).toEqual({
      message: 'input.party.idNumber：不是有效的 18 位公民身份号码（GB 11643-1999）', path: ['createCase'],
      extensions: { code: 'BAD_USER_INPUT', field: 'input.party.idNumber', rule: 'residentIdNumber', messageEn: error.message },
    });
    expect(localizeError(error, 'en')).toBe(error);
  });

  it('every broken rule of an input, each in Chinese', () => {
    const violations = [{ field: 'input.region', rule: 'regionCode', message: 'input.region: must be a 6-digit code' }, { field: 'input.cause', rule: 'required', message: 'input.cause: must not be empty' }];
    const zh = localizeError({ message: 'input.region: must be a 6-digit code (and 1 more: input.cause)', extensions: { code: 'BAD_USER_INPUT', field: 'input.region', rule: 'regionCode', violations } }, 'zh');
    expect(zh.message).toBe('input.region：须为 6 位行政区划代码（GB/T 2260）（另有 1 处：input.cause）');
    expect(zh.extensions.violations).toEqual([
      { field: 'input.region', rule: 'regionCode', message: 'input.region：须为 6 位行政区划代码（GB/T 2260）', messageEn: violations[0].message },
      { field: 'input.cause', rule: 'required', message: 'input.cause：为必填项', messageEn: violations[1].message },
    ]);
  });

  it('a refused operation by its limit, with the figures', () => {
    expect(localizeError({ message: 'Query cost limit of 5000 exceeded, found 6403.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', max: 5000, found: 6403 } }, 'zh').message)
      .toBe('查询开销 6403 超过上限 5000：请减少每页条数（first/last）或查询字段');
    expect(localizeError({ message: 'Query depth limit of 12 exceeded.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth', max: 12 } }, 'zh').message)
      .toBe('查询嵌套层数超过上限 12');
  });

  it('an error of the gateway by its code; a subgraph not answering is named', () => {
    expect(localizeError({ message: 'token expired', extensions: { code: 'UNAUTHENTICATED' } }, 'zh'))
      .toEqual({ message: '身份认证失败：请重新登录（令牌缺失、无效或已过期）', extensions: { code: 'UNAUTHENTICATED', messageEn: 'token expired' } });
    expect(localizeError({ message: 'The justice service did not answer; its fields are null', extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'justice' } }, 'zh').message)
      .toBe('justice 服务暂时无应答，相关字段为空');
  });

  it('an error of no known code is left as it is', () => {
    const error = { message: 'not found' };
    expect(localizeError(error, 'zh')).toBe(error);
  });

  it('a body: its errors localized, its data untouched; a body without errors is the same text', () => {
    const body = JSON.stringify({ data: { a: 'x' }, errors: [{ message: 'm', extensions: { code: 'FORBIDDEN' } }] });
    expect(JSON.parse(localizeBody(body, 'zh'))).toEqual({ data: { a: 'x' }, errors: [{ message: '无权进行此操作', extensions: { code: 'FORBIDDEN', messageEn: 'm' } }] });
    expect(localizeBody(body, 'en')).toBe(body);
    expect(localizeBody('{"data":{"errors":1}}', 'zh')).toBe('{"data":{"errors":1}}');
    expect(localizeBody('{"errors": [', 'zh')).toBe('{"errors": [');
  });
});

describe('answerInLanguage on a real HTTP response', () => {
  const serve = async (handler: (req: IncomingMessage, res: ServerResponse) => void) => {
    const server = createServer((req, res) => { answerInLanguage(req, res); handler(req, res); });
    const port = await listen(server, 0, '127.0.0.1');
    return { url: `http://127.0.0.1:${port}/`, close: () => close(server) };
  };

  it('a JSON error body sent with its Content-Length: rewritten, the length right, the status kept', async () => {
    const server = await serve((_, res) => sendJson(res, 401, { errors: [{ message: 'no token', extensions: { code: 'UNAUTHENTICATED' } }] }));
    try {
      const zh = await fetch(server.url, { headers: { 'accept-language': 'zh-CN,zh;q=0.9' } });
      expect(zh.status).toBe(401);
      expect(zh.headers.get('content-language')).toBe('zh-CN');
      const text = await zh.text();
      expect(Number(zh.headers.get('content-length'))).toBe(Buffer.byteLength(text));
      expect(JSON.parse(text).errors[0]).toEqual({ message: '身份认证失败：请重新登录（令牌缺失、无效或已过期）', extensions: { code: 'UNAUTHENTICATED', messageEn: 'no token' } });
      const en = await fetch(server.url);
      expect((await en.json()).errors[0].message).toBe('no token');
    } finally {
      await server.close();
    }
  });

  it('a streamed body, an event stream whose headers are flushed first, and a body without errors pass through as written', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/events') { res.writeHead(200, { 'content-type': 'text/event-stream' }); res.flushHeaders(); res.write('event: next\ndata: {}\n\n'); res.end(); return; }
      if (req.url === '/stream') { res.writeHead(200, { 'content-type': 'application/json' }); res.write('{"errors":[{"message":"x","extensions":{"code":"FORBIDDEN"}}]'); res.end('}'); return; }
      res.statusCode = 200; res.setHeader('content-type', 'application/json'); res.end('{"data":{}}');
    });
    try {
      expect(await (await fetch(`${server.url}stream`, { headers: { 'accept-language': 'zh' } })).text()).toBe('{"errors":[{"message":"x","extensions":{"code":"FORBIDDEN"}}]}');
      expect(await (await fetch(server.url, { headers: { 'accept-language': 'zh' } })).text()).toBe('{"data":{}}');
      const events = await fetch(`${server.url}events`, { headers: { 'accept-language': 'zh' } });
      expect(events.headers.get('content-type')).toBe('text/event-stream');
      expect(await events.text()).toBe('event: next\ndata: {}\n\n');
    } finally {
      await server.close();
    }
  });
});

// The drift check: a rule, limit or code the source can raise without a Chinese message fails here.
describe('every rule, limit and code the hub can raise has a Chinese message', () => {
  const files = readdirSync('.', { recursive: true, encoding: 'utf8' })
    .filter((f) => /^(kit|gateway|subgraphs)\//.test(f) && f.endsWith('.ts') && !f.includes('node_modules'));
  const sources = files.map((file) => ({ file, text: readFileSync(file, 'utf8') }));

  /** The arguments of each call `name(` in a text, split at top-level commas. */
  function calls(text: string, name: RegExp): string[][] {
    const found: string[][] = [];
    for (const m of text.matchAll(name)) {
      const args: string[] = [];
      let depth = 0, current = '', quote: string | null = null;
      for (let i = m.index! + m[0].length; i < text.length; i++) {
        const c = text[i];
        if (quote) { current += c; if (c === '\\') current += text[++i]; else if (c === quote) quote = null; continue; }
        if (c === '\'' || c === '"' || c === '`') { quote = c; current += c; continue; }
        if ('([{'.includes(c)) depth++;
        if (')]}'.includes(c)) { if (depth === 0) { args.push(current.trim()); break; } depth--; }
        if (c === ',' && depth === 0) { args.push(current.trim()); current = ''; continue; }
        current += c;
      }
      found.push(args);
    }
    return found;
  }

  // Where a rule is passed on rather than named: Violations.add, named at its callers, which this scan
  // reads.
  const PASSED_ON = new Set(['kit/rules.ts badInput rule']);
  // The ways a rule is raised: the call and the position of its rule. A new way (an `extensions`
  // whose rule is a variable, in a file not listed) fails 'every way of raising a rule is read here'.
  const HELPERS: [string | null, RegExp, number][] = [
    [null, /\bbadInput\(/g, 1], [null, /\.add\(/g, 1], ['gateway/authentication.ts', /new BadHeaderError\(/g, 1],
    ['gateway/validation.ts', /\binvalid\(/g, 3], ['gateway/subscriptions/document.ts', /\brefuse\(/g, 1],
  ];
  const HELPER_FILES = new Set(['kit/errors.ts', 'gateway/validation.ts', ...HELPERS.map(([file]) => file).filter(Boolean)]);
  const literal = (arg: string | undefined) => /^'([A-Za-z]+)'$/.exec(arg ?? '')?.[1];

  const rules = new Set<string>();
  const passed: string[] = [];
  for (const { file, text } of sources) {
    for (const [where, pattern, at] of HELPERS) {
      if (where && where !== file) continue;
      for (const args of calls(text, pattern)) {
        if (args.length <= at) continue; // a Set's add, a declaration
        const rule = literal(args[at]);
        if (rule) rules.add(rule);
        else if (!/^\w+:/.test(args[0])) passed.push(`${file} ${pattern.source.replace(/\\[bs(]|\(|new /g, '').replace('\\', '')} ${args[at]}`);
      }
    }
    for (const m of text.matchAll(/\brule: '([A-Za-z]+)'/g)) rules.add(m[1]);
    for (const m of text.matchAll(/\brule: (`[^`]*`)/g)) passed.push(`${file} rule ${m[1]}`);
  }

  it('the scan finds the rules (it is not reading nothing)', () => {
    expect(rules.size).toBeGreaterThan(60);
    for (const rule of ['required', 'regionCode', 'cursor', 'cursorSort', 'transition', 'dateTime', 'finite', 'operationType', 'encoding', 'type']) expect(rules).toContain(rule);
  });

  it('every rule has a Chinese and an English message', () => {
    const missing = [...rules].filter((rule) => !MESSAGES.rules[rule]?.zh || !MESSAGES.rules[rule]?.en);
    expect(missing).toEqual([]);
  });

  it('every way of raising a rule is read here', () => {
    const unread = sources.filter(({ file, text }) => !HELPER_FILES.has(file) && /extensions: \{[^}]*\brule(?:,| \}|: [A-Za-z])/.test(text)).map(({ file }) => file);
    expect(unread).toEqual([]);
  });

  it('every rule is named where it is raised, not computed (a computed rule cannot be checked here)', () => {
    expect(passed.filter((p) => !PASSED_ON.has(p))).toEqual([]);
  });

  it('every client-facing code and every limit has a Chinese message', () => {
    const codes = new Set([...PASS_THROUGH, ...CLIENT_CODES, 'INTERNAL_SERVER_ERROR']);
    const limits = new Set<string>([QUERY_PLAN_LIMIT]);
    for (const { text } of sources) {
      for (const m of text.matchAll(/\bcode: '([A-Z][A-Z_]+)'/g)) if (!['ASC', 'DESC'].includes(m[1])) codes.add(m[1]);
      for (const m of text.matchAll(/\bcode: '([A-Z_]+)', limit: '(\w+)'/g)) { codes.add(m[1]); limits.add(m[2]); }
      for (const m of text.matchAll(/\brefuse\((?:[^()']*?), '([A-Z_]+)'/g)) codes.add(m[1]);
      for (const m of text.matchAll(/\bviolation\('(\w+)'/g)) limits.add(m[1]);
    }
    expect(codes).toContain('OPERATION_NOT_TRUSTED');
    expect(codes).toContain('SUBSCRIPTION_LIMIT');
    expect(limits).toContain('cost');
    expect([...codes].filter((c) => !MESSAGES.codes[c]?.zh)).toEqual([]);
    expect([...limits].filter((l) => !MESSAGES.limits[l]?.zh)).toEqual([]);
  });
});
