// Errors in Chinese (issue 12), end to end: a request whose Accept-Language prefers Chinese reads
// every error message in Chinese, wherever the error was raised (a subgraph's input rules, the
// gateway's validation and limits, authentication), and the codes a program reads (code, field,
// rule, limit) and the HTTP status are those of the English answer. Without the header: English,
// as before. The pieces without a hub: test/errors-unit.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './support/hub';
import { callers, marketCaseInput, seedBureaus } from './support/fixtures';

interface Answer { status: number; json: any; headers: Headers; bytes: number }

const ZH = 'zh-CN,zh;q=0.9,en;q=0.8';
/** Han characters: the message is written in Chinese, not merely carrying a Chinese value. */
const CHINESE = /[\u4e00-\u9fff]/;

describe('errors in Chinese', () => {
  let hub: TestHub;

  async function post(body: unknown, language?: string, token?: string | null, caller: { role: string; org?: string; region?: string } = callers.marketOfficer): Promise<Answer> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (language) headers['accept-language'] = language;
    if (token !== null) headers.authorization = `Bearer ${token ?? await hub.tokenFor(caller)}`;
    const response = await fetch(`${hub.gatewayUrl}/graphql`, { method: 'POST', headers, body: JSON.stringify(body) });
    const buffer = Buffer.from(await response.arrayBuffer());
    return { status: response.status, json: JSON.parse(buffer.toString('utf8')), headers: response.headers, bytes: buffer.length };
  }

  /** The parts of each error a program reads: the same whatever the language. */
  const stable = (answer: Answer) => answer.json.errors.map((e: any) => {
    const { messageEn, violations, ...rest } = e.extensions ?? {};
    return { path: e.path, ...rest, violations: violations?.map((v: any) => [v.field, v.rule]) };
  });

  /** The Chinese answer and the English one of the same request: same status, codes, fields and rules; English kept. */
  async function both(body: unknown, token?: string | null, caller?: { role: string; org?: string; region?: string }) {
    const en = await post(body, undefined, token, caller);
    const zh = await post(body, ZH, token, caller);
    expect(zh.status).toBe(en.status);
    expect(stable(zh)).toEqual(stable(en));
    zh.json.errors.forEach((e: any, i: number) => {
      expect(e.message).toMatch(CHINESE);
      expect(e.extensions.messageEn).toBe(en.json.errors[i].message);
      expect(en.json.errors[i].extensions.messageEn).toBeUndefined();
    });
    expect(zh.headers.get('content-language')).toBe('zh-CN');
    return { en, zh };
  }

  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
  });
  afterAll(() => hub?.stop());

  it("a subgraph's refusal of a form with several bad fields: every broken rule in Chinese, in one answer", async () => {
    // The conduct after the decision, a payment above the fine and before the decision (kit/rules.ts Violations).
    const input = marketCaseInput({ conductAt: '2026-09-20T02:00:00Z', paidAmount: 90000, paidAt: '2026-09-01T02:00:00Z' });
    const { zh } = await both({ query: 'mutation($input: MarketRegulationCaseInput!) { createMarketRegulationCase(input: $input) { id } }', variables: { input } });
    expect(zh.status).toBe(200);
    const [error] = zh.json.errors;
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    const byRule = Object.fromEntries(error.extensions.violations.map((v: any) => [v.rule, v.message]));
    expect(byRule).toEqual({ beforeDecision: 'input.conductAt：不得晚于处罚决定日期', notAboveFine: 'input.paidAmount：不得超过罚款金额', afterDecision: 'input.paidAt：不得早于处罚决定日期' });
    error.extensions.violations.forEach((v: any) => expect(v.message).toMatch(CHINESE));
    expect(error.message).toMatch(/（另有 2 处：input\.\w+、input\.\w+）$/);
  });

  it('a tampered cursor: the rule `cursor` on `after`, in Chinese', async () => {
    const { zh } = await both({ query: '{ cases(first: 5, after: "garbage") { edges { node { id } } } }' }, undefined, callers.procurator);
    expect(zh.json.errors[0]).toMatchObject({ message: 'after：不是本接口签发的分页游标', extensions: { code: 'BAD_USER_INPUT', field: 'after', rule: 'cursor' } });
  });

  it("a document the schema does not know: the gateway's validation, 400, in Chinese", async () => {
    const { zh } = await both({ query: '{ agencies { nonsense } }' });
    expect(zh.status).toBe(400);
    expect(zh.json.errors[0]).toMatchObject({ message: '查询不符合接口定义', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  });

  it('an operation over the cost limit: the limit and its figures in Chinese', async () => {
    const list = (alias: string) => `${alias}: cases(first: 100) { edges { node { id caseNumber cause agency { name code } party { name idNumber } transfer { status decisionDueAt } supervision { kind status } } } totalCount }`;
    const { zh } = await both({ query: `{ ${list('a')} ${list('b')} ${list('c')} }` }, undefined, callers.procurator);
    expect(zh.json.errors[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', max: 5000 });
    expect(zh.json.errors[0].message).toMatch(/^查询开销 \d+ 超过上限 5000/);
  });

  it('a token that is not one: 401 in Chinese, the body its declared length', async () => {
    const { zh } = await both({ query: '{ agencies { code } }' }, 'not-a-token');
    expect(zh.status).toBe(401);
    expect(zh.json.errors[0]).toMatchObject({ message: '身份认证失败：请重新登录（令牌缺失、无效或已过期）', extensions: { code: 'UNAUTHENTICATED' } });
    expect(Number(zh.headers.get('content-length'))).toBe(zh.bytes);
  });

  it('an answer without errors is the same in every language', async () => {
    const query = { query: '{ agencies { code name } }' };
    const [en, zh] = [await post(query, undefined, null), await post(query, ZH, null)];
    expect(zh.json).toEqual(en.json);
    expect(zh.json.errors).toBeUndefined();
  });

  it("says that it depends on the language (Vary: Accept-Language), once, keeping CORS's Vary: Origin", async () => {
    const varies = (answer: Answer) => (answer.headers.get('vary') ?? '').split(',').map((v) => v.trim().toLowerCase());
    for (const language of [undefined, ZH]) {
      const answers = [
        await post({ query: '{ agencies { nonsense } }' }, language), // 400, localized
        await post({ query: '{ agencies { code } }' }, language, null), // 200 without errors: in Chinese it could have had some
        await post({ query: '{ agencies { code } }' }, language, 'not-a-token'), // 401 before Apollo
      ];
      for (const answer of answers) {
        expect(varies(answer)).toEqual(expect.arrayContaining(['origin', 'accept-language']));
        expect(varies(answer).filter((v) => v === 'accept-language')).toHaveLength(1);
      }
    }
    // A file of the console is the same in every language: it does not say so.
    const file = await fetch(`${hub.gatewayUrl}/console/app.js`);
    expect(file.status).toBe(200);
    expect(file.headers.get('vary') ?? '').not.toMatch(/accept-language/i);
  });
});
