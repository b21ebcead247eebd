// Logs of a whole run: JSON lines with a level, the service and, within a request, its W3C trace
// id — the same id in the gateway's and the subgraphs' lines — and no personal data anywhere
// (个人信息保护法 第五十一条): no ID number, phone or party name of the run's records, although the run
// releases them, refuses them and fails a mutation carrying them.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redact, REDACTED } from '../kit/log';
import { callers, creditCode, marketCaseInput, recordMarketCase, residentId, seedBureaus } from './support/fixtures';
import { startHub, type TestHub } from './support/hub';

/** GB 11643 check character: a resident ID that is a real one, not any 18 digits. */
function isResidentId(text: string): boolean {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((s, w, i) => s + w * Number(text[i]), 0);
  return '10X98765432'[sum % 11] === text[17].toUpperCase();
}

describe('the redactor', () => {
  const id = residentId('320706', '19850312', 42);
  const credit = creditCode('320706', 'MA1XY7Q2');

  it('removes ID numbers, credit codes and phones from messages and stacks', () => {
    const error = new Error(`duplicate key: Key (id_number)=(${id}) of ${credit}, call 13812345678 or 0518-85551234`);
    const text = JSON.stringify(redact(error));
    for (const secret of [id, credit, '13812345678', '0518-85551234']) expect(text).not.toContain(secret);
    expect(text).toContain(REDACTED);
  });

  it('drops every value under a personal field, at any depth, and the input graphql-js quotes back', () => {
    const text = JSON.stringify(redact({ input: { party: { name: '欧阳明轩' } }, partyName: '欧阳明轩', variables: { x: '欧阳明轩' }, reason: `Variable "$input" got invalid value { name: "欧阳明轩" }; Expected` }));
    expect(text).not.toContain('欧阳明轩');
  });

  it('keeps a W3C trace id whole, even when its hex digits read like a phone number', () => {
    // 0xxx-xxxxxxx and 1[3-9]xxxxxxxxx runs occur in random trace ids about once in a hundred.
    for (const traceId of ['0a13812345678b0000000000000000ff', '05511234567890abcdef0123456789ab']) {
      expect(redact({ traceId, msg: 'request' })).toEqual({ traceId, msg: 'request' });
    }
    // Under another name, or not in the trace id's format, the digits are redacted as ever.
    expect(JSON.stringify(redact({ note: '0a13812345678b0000000000000000ff', traceId: 'call 13812345678' }))).not.toContain('13812345678');
  });
});

describe('the logs of a run', () => {
  let hub: TestHub | null = null;
  const output: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  const name = '欧阳明轩';
  const idNumber = residentId('320706', '19900101', 77);
  const phone = '13987654321';
  /** The same number with a wrong check character: refused as input, and still nobody's to log. */
  const badIdNumber = idNumber.slice(0, 17) + (idNumber[17] === '0' ? '1' : '0');
  const trace = randomBytes(16).toString('hex');
  let previousEcho: string | undefined;

  beforeAll(async () => {
    // The launcher echoes every line its processes print (stdout and stderr) to ours: keep them all.
    previousEcho = process.env.HUB_DEBUG;
    process.env.HUB_DEBUG = '1';
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      output.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
    hub = await startHub({ env: { LOG_LEVEL: 'debug' } });
    await seedBureaus(hub);
  });

  afterAll(async () => {
    process.stderr.write = write;
    if (previousEcho === undefined) delete process.env.HUB_DEBUG; else process.env.HUB_DEBUG = previousEcho;
    await hub?.stop();
  });

  it('are JSON lines with level and trace id, the same in gateway and subgraphs, and hold no personal data', async () => {
    const h = hub!;
    const party = { kind: 'NATURAL_PERSON', name, idNumber, phone, address: '江苏省连云港市海州区新浦路99号' };
    const caseId = await recordMarketCase(h, { party });
    const READ = `query PartyRead($id: ID!) { case(id: $id) { id ... on MarketRegulationCase { party { name idNumber phone } } } }`;

    // Released in full: with a reason, to a procurator of the region, under the client's own trace.
    const token = await h.tokenFor(callers.procurator);
    const response = await fetch(`${h.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-access-reason': encodeURIComponent('立案监督审查'), traceparent: `00-${trace}-${randomBytes(8).toString('hex')}-01` },
      body: JSON.stringify({ query: READ, variables: { id: caseId } }),
    });
    const released = (await response.json()) as { data?: { case?: { party?: { idNumber?: string } } } };
    expect(released.data?.case?.party?.idNumber).toBe(idNumber);

    // Refused: masked without a reason, out of reach for another region, withheld from the public.
    expect((await h.graphql(READ, { id: caseId }, callers.procurator)).data?.case?.party?.idNumber).not.toBe(idNumber);
    expect((await h.graphql(READ, { id: caseId }, callers.nanyangProcurator)).data?.case ?? null).toBeNull();
    expect((await h.graphql(READ, { id: caseId }, { role: 'public' })).errors?.length).toBeGreaterThan(0);

    // A failing mutation that carries the party's data: refused with its fields, nothing written.
    const failed = await h.graphql(`mutation Fails($input: MarketRegulationCaseInput!) { createMarketRegulationCase(input: $input) { id } }`,
      { input: marketCaseInput({ party: { ...party, idNumber: badIdNumber }, fineAmount: -5 }) }, callers.marketOfficer);
    expect(failed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // A variable of the wrong shape: graphql-js quotes the value back in its message.
    const malformed = await h.graphql(`mutation Malformed($input: MarketRegulationCaseInput!) { createMarketRegulationCase(input: $input) { id } }`,
      { input: { party: { name, idNumber, phone, kind: 'NOBODY' } } }, callers.marketOfficer);
    expect(malformed.errors?.length).toBeGreaterThan(0);

    await hub!.stop();
    hub = null;

    const lines = output.join('').split('\n').map((l) => /^\[([\w-]+)\] (.*)$/.exec(l)).filter((m): m is RegExpExecArray => !!m);
    const json = lines.filter((m) => m[2].startsWith('{')).map((m) => ({ process: m[1], entry: JSON.parse(m[2]) as Record<string, unknown> }));
    expect(json.length).toBeGreaterThan(20);
    // Every JSON line names its level and service.
    for (const { entry } of json) {
      expect(entry.level).toMatch(/^(fatal|error|warn|info|debug|trace)$/);
      expect(typeof entry.service).toBe('string');
    }
    // The gateway's line for each request carries its trace id; the client's own traceparent is kept
    // and reaches the subgraphs that answered it.
    const requests = json.filter((j) => j.process === 'gateway' && j.entry.msg === 'request');
    expect(requests.length).toBeGreaterThanOrEqual(5);
    expect(requests.filter((j) => j.entry.outcome === 'ok' && typeof j.entry.traceId === 'string').every((j) => /^[\da-f]{32}$/.test(j.entry.traceId as string))).toBe(true);
    const traced = json.filter((j) => j.entry.traceId === trace);
    expect(traced.some((j) => j.process === 'gateway' && j.entry.operation === 'PartyRead')).toBe(true);
    expect(new Set(traced.filter((j) => j.process !== 'gateway').map((j) => j.process)).size).toBeGreaterThanOrEqual(2);

    // Nothing personal in any line of any process, JSON or not.
    const all = lines.map((m) => m[2]).join('\n');
    for (const secret of [name, idNumber, badIdNumber, phone, '张伟', '13812345678']) expect(all).not.toContain(secret);
    const ids = all.match(/(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g) ?? [];
    expect(ids.filter(isResidentId)).toEqual([]);
  });
});
