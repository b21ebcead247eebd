// Push (issue 12): the inbox and alerts reach a browser without polling. A subscription over
// Server-Sent Events is its query re-run as the caller whenever the owner signals a change
// (gateway/subscriptions/, kit/change-stream.ts): pushed within moments, only to the units a notice
// is addressed to, authorised and masked exactly as the query, refused without a token or past
// the per-user limit, and closed cleanly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBSCRIPTION_LIMITS } from '../gateway/subscriptions/index';
import { mintDevToken } from '../gateway/dev-issuer';
import { eventually, startHub, type TestHub } from './support/hub';
import { callers, deliverNotice, recordMarketCase, seedBureaus, type Caller } from './support/fixtures';

/** Han characters: a message written in Chinese. */
const CHINESE = /[\u4e00-\u9fff]/;

const INBOX = `subscription Live($first: Int) { inboxChanged(first: $first) { unreadCount edges { node { id kind title read } } } }`;

interface Stream {
  status: number;
  contentType: string;
  headers: Headers;
  /** The JSON answer when the request was refused instead of streamed. */
  refusal?: any;
  events: { event: string; data: any }[];
  nexts(): any[];
  ended(): boolean;
  close(): void;
}

describe('subscriptions over Server-Sent Events', () => {
  let hub: TestHub;
  const open: Stream[] = [];

  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
  });
  afterAll(async () => {
    open.forEach((s) => s.close());
    await hub?.stop();
  });

  async function subscribe(caller: Caller | null, query = INBOX, variables: Record<string, unknown> = { first: 50 }, headers: Record<string, string> = {}): Promise<Stream> {
    const controller = new AbortController();
    const authorization: Record<string, string> = caller ? { authorization: `Bearer ${await hub.tokenFor(caller)}` } : {};
    const response = await fetch(`${hub.gatewayUrl}/graphql`, {
      method: 'POST', signal: controller.signal, body: JSON.stringify({ query, variables }),
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...authorization, ...headers },
    });
    const contentType = response.headers.get('content-type') ?? '';
    const events: Stream['events'] = [];
    let ended = false;
    const stream: Stream = {
      status: response.status, contentType, headers: response.headers, events,
      nexts: () => events.filter((e) => e.event === 'next').map((e) => e.data),
      ended: () => ended,
      close: () => controller.abort(),
    };
    if (!contentType.startsWith('text/event-stream')) {
      stream.refusal = await response.json();
      return stream;
    }
    open.push(stream);
    void (async () => {
      const decoder = new TextDecoder();
      let buffered = '';
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: ?(.*)$/m.exec(block)?.[1];
          if (event) events.push({ event, data: data ? JSON.parse(data) : null });
        }
      }
    })().catch(() => {}).finally(() => { ended = true; });
    return stream;
  }

  const notify = (recipient: { org: string } | { scope: string; region: string }, region = '320706') => deliverNotice(hub, recipient, { region });

  const ids = (result: any): string[] => result?.data?.inboxChanged?.edges.map((e: any) => e.node.id) ?? [];
  const pushedWith = (stream: Stream, id: string) => eventually(async () => stream.nexts().find((n) => ids(n).includes(id)), 10_000, `${id} pushed`);
  const firstResult = (stream: Stream) => eventually(async () => stream.nexts()[0], 10_000, 'the first result');

  it('answers at once with the inbox, then pushes a notice sent to the unit; another unit of the region gets nothing', async () => {
    const market = await subscribe(callers.marketOfficer);
    const eco = await subscribe(callers.ecoOfficer);
    expect(market.status).toBe(200);
    expect(market.contentType).toMatch(/^text\/event-stream/);
    expect((await firstResult(market)).data.inboxChanged).toEqual({ unreadCount: 0, edges: [] });
    await firstResult(eco);

    const notice = await notify({ org: 'MR-320706' });
    const pushed = await pushedWith(market, notice);
    expect(pushed.data.inboxChanged.unreadCount).toBe(1);
    expect(pushed.data.inboxChanged.edges[0].node).toEqual({ id: notice, kind: 'SUGGESTION_ISSUED', title: '检察建议书已送达', read: false });

    // The other bureau's stream moves only for its own notice, and never carries the first one.
    const own = await notify({ org: 'EE-320706' });
    await pushedWith(eco, own);
    expect(eco.nexts()).toHaveLength(2);
    expect(eco.nexts().flatMap(ids)).not.toContain(notice);
  });

  it('reaches every unit whose grant covers a notice addressed by scope and region, and no unit of another region', async () => {
    const psb = await subscribe(callers.psb);
    const nanyang = await subscribe(callers.nanyangPsb);
    await firstResult(psb);
    await firstResult(nanyang);
    const notice = await notify({ scope: 'transfer:decide', region: '320706' });
    await pushedWith(psb, notice);
    const own = await notify({ org: 'PSB-411302' }, '411302');
    await pushedWith(nanyang, own);
    expect(nanyang.nexts()).toHaveLength(2);
    expect(nanyang.nexts().flatMap(ids)).not.toContain(notice);
  });

  it('pushes again when the unit marks a notice read (the unread count a console shows)', async () => {
    const stream = await subscribe(callers.marketOfficer);
    const before = await firstResult(stream);
    const unread = before.data.inboxChanged.edges.find((e: any) => !e.node.read).node.id;
    const { errors } = await hub.graphql(`mutation($ids: [ID!]!) { markInboxRead(ids: $ids) { id } }`, { ids: [unread] }, callers.marketOfficer);
    expect(errors).toBeUndefined();
    const after = await eventually(async () => stream.nexts().find((n) => n.data.inboxChanged.unreadCount === before.data.inboxChanged.unreadCount - 1), 10_000, 'the read mark pushed');
    expect(after.data.inboxChanged.edges.find((e: any) => e.node.id === unread).node.read).toBe(true);
  });

  it('withholds and masks exactly as the same query does for the same caller', async () => {
    // The bureau may not read the procuratorate's suggestion itself, nor the justice bureau's matter.
    const selection = `{ unreadCount edges { node { id subjectType suggestion { id status } justiceMatter { id } supervisionOpinion { id } } } }`;
    // Under the subscription's response key, so that errors' paths read alike.
    const query = await hub.graphql(`query { inboxChanged: inbox(first: 50) ${selection} }`, undefined, callers.marketOfficer);
    const stream = await subscribe(callers.marketOfficer, `subscription { inboxChanged(first: 50) ${selection} }`, {});
    const first = await firstResult(stream);
    expect(query.errors?.length).toBeGreaterThan(0);
    expect(first.errors).toEqual(query.errors);
    expect(first.errors.map((e: any) => e.extensions.code)).toContain('UNAUTHORIZED_FIELD_OR_TYPE');
    expect(first.data).toEqual(query.data);
  });

  it('pushes a 以罚代刑 alert to the procurators of the case\'s region only', async () => {
    const ALERTS = `subscription { alertsChanged(first: 20) { edges { node { id kind status case { id } } } } }`;
    const alertCases = (result: any): string[] => result?.data?.alertsChanged?.edges.map((e: any) => e.node.case?.id) ?? [];
    const local = await subscribe(callers.procurator, ALERTS, {});
    const nanyang = await subscribe(callers.nanyangProcurator, ALERTS, {});
    await firstResult(local);
    await firstResult(nanyang);
    // CL140 over ¥50,000 sales, not transferred: an alert for the procuratorate of 320706 (公通字〔2008〕36号).
    const caseId = await recordMarketCase(hub, { offenceCode: 'CL140', salesAmount: 60000, unsoldGoodsValue: 0, decidedAt: '2026-09-15T02:00:00Z' });
    const pushed = await eventually(async () => local.nexts().find((n) => alertCases(n).includes(caseId)), 15_000, 'the alert pushed');
    expect(pushed.data.alertsChanged.edges.find((e: any) => e.node.case.id === caseId).node).toMatchObject({ kind: 'THRESHOLD', status: 'OPEN' });
    // Nanyang's procurators see only their own region's alert.
    const own = await recordMarketCase(hub, { offenceCode: 'CL140', salesAmount: 70000, unsoldGoodsValue: 0, decidedAt: '2026-09-15T02:00:00Z', region: '411302' }, callers.nanyangMarketOfficer);
    await eventually(async () => nanyang.nexts().find((n) => alertCases(n).includes(own)), 15_000, 'the Nanyang alert pushed');
    expect(nanyang.nexts().flatMap(alertCases)).not.toContain(caseId);
  });

  it('refuses a stream without a token (401) or with a bad one', async () => {
    const anonymous = await subscribe(null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.refusal.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const forged = await fetch(`${hub.gatewayUrl}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: 'Bearer not.a.token' }, body: JSON.stringify({ query: INBOX }),
    });
    expect(forged.status).toBe(401);
  });

  it('refuses what is not one known subscription field, as a validation error the client can act on', async () => {
    const query = await subscribe(callers.marketOfficer, `query { inbox { unreadCount } }`, {});
    expect(query.status).toBe(400);
    expect(query.refusal.errors[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', rule: 'subscriptionOnly' });
    const unknown = await subscribe(callers.marketOfficer, `subscription { casesChanged { totalCount } }`, {});
    expect(unknown.status).toBe(400);
    expect(unknown.refusal.errors[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', rule: 'knownField' });
    // A field of the query that does not exist is refused exactly as the query would be.
    const wrong = await subscribe(callers.marketOfficer, `subscription { inboxChanged { noSuchField } }`, {});
    expect(wrong.status).toBe(400);
    expect(wrong.refusal.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it(`refuses more than ${SUBSCRIPTION_LIMITS.perSubject} open streams per user with a clear code, and frees a slot when one closes`, async () => {
    const caller = { ...callers.justice, sub: 'test:many-tabs' };
    const streams: Stream[] = [];
    for (let i = 0; i < SUBSCRIPTION_LIMITS.perSubject; i += 1) streams.push(await subscribe(caller));
    expect(streams.map((s) => s.status)).toEqual(streams.map(() => 200));
    const over = await subscribe(caller);
    expect(over.status).toBe(429);
    expect(over.refusal.errors[0].extensions).toMatchObject({ code: 'SUBSCRIPTION_LIMIT', rule: 'perSubject' });
    // Another user is not affected.
    expect((await subscribe({ ...callers.justice, sub: 'test:other-user' })).status).toBe(200);

    streams[0].close();
    const again = await eventually(async () => {
      const attempt = await subscribe(caller);
      return attempt.status === 200 ? attempt : undefined;
    }, 10_000, 'a slot freed by closing a stream');
    await firstResult(again);
  });

  it('ends a stream cleanly with `complete` when the token it was opened with expires', async () => {
    const token = await mintDevToken(hub.dataDir, { ...callers.marketOfficer, sub: 'test:short-lived' }, '3s');
    const stream = await subscribe(null, INBOX, { first: 5 }, { authorization: `Bearer ${token}` });
    expect(stream.status).toBe(200);
    await firstResult(stream);
    await eventually(async () => (stream.ended() ? true : undefined), 10_000, 'the stream ended');
    expect(stream.events.at(-1)?.event).toBe('complete');
    expect(stream.nexts().at(-1).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('speaks Chinese when asked, as queries do: the query\'s errors in each result and the stream\'s own when the token expires', async () => {
    const token = await mintDevToken(hub.dataDir, { ...callers.marketOfficer, sub: 'test:zh-short-lived' }, '4s');
    // The bureau may not read the procuratorate's suggestion: an error in every result.
    const withheld = `subscription { inboxChanged(first: 50) { unreadCount edges { node { id subjectType suggestion { id status } justiceMatter { id } supervisionOpinion { id } } } } }`;
    const stream = await subscribe(null, withheld, {}, { authorization: `Bearer ${token}`, 'accept-language': 'zh-CN,zh;q=0.9' });
    expect(stream.status).toBe(200);
    // The stream's text depends on the language asked: caches must keep them apart (and CORS's Origin stays).
    expect(stream.headers.get('vary')).toMatch(/\bOrigin\b.*\bAccept-Language\b/i);
    const first = await firstResult(stream);
    const refused = first.errors.find((e: any) => e.extensions.code === 'UNAUTHORIZED_FIELD_OR_TYPE');
    expect(refused.message).toMatch(CHINESE);
    expect(refused.extensions.messageEn).toMatch(/[A-Za-z]/);
    expect(refused.extensions.messageEn).not.toMatch(CHINESE);

    await eventually(async () => (stream.ended() ? true : undefined), 15_000, 'the stream ended');
    const last = stream.nexts().at(-1).errors[0];
    expect(last).toEqual({
      message: '身份认证失败：请重新登录（令牌缺失、无效或已过期）',
      extensions: { code: 'UNAUTHENTICATED', messageEn: 'the token has expired: subscribe again with a fresh one' },
    });
    expect(stream.events.at(-1)?.event).toBe('complete');
  });
});
