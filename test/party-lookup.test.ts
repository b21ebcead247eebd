// Issue 8, finding 7: lookups are not an oracle. A masked ID number (411302********NNNC) hides
// only the birth date, and a few thousand dates fit the check digit; partyCases by full number
// used to answer every one of them. Now: one lookup per request, a rate and a daily quota per
// caller (PARTY_LOOKUP_PER_MINUTE, PARTY_LOOKUP_PER_DAY: defaults 10 and 100), answers only within
// the caller's party:lookup grant, and every refusal on the audit record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHub, type TestHub } from './support/hub';
import { callers, recordMarketCase, residentId, seedBureaus, type Caller } from './support/fixtures';
import { residentIdCheckDigit } from '../kit/rules';

const REASON = '核查当事人涉案情况';
const TARGET = residentId('411302', '19900101', 456);
const PER_MINUTE = 10;
const PER_DAY = 100;

/** Every ID number the masked form 411302********<last four> could be: the enumeration of the finding. */
function candidatesFor(masked: string): string[] {
  const [prefix, lastFour] = [masked.slice(0, 6), masked.slice(14)];
  const found: string[] = [];
  for (let t = Date.UTC(1930, 0, 1); t <= Date.UTC(2008, 11, 31); t += 86_400_000) {
    const birth = new Date(t).toISOString().slice(0, 10).replace(/-/g, '');
    const first17 = `${prefix}${birth}${lastFour.slice(0, 3)}`;
    if (residentIdCheckDigit(first17) === lastFour[3]) found.push(first17 + lastFour[3]);
  }
  return found;
}

/** One request with one alias per identifier, as the attacker sent them (30 a request). */
function enumeration(identifiers: string[]) {
  const variables = Object.fromEntries(identifiers.map((id, i) => [`i${i}`, id]));
  const query = `query Enumerate(${identifiers.map((_, i) => `$i${i}: String!`).join(', ')}) {
    ${identifiers.map((_, i) => `c${i}: partyCases(identifier: $i${i}, kind: NATURAL_PERSON) { id }`).join('\n    ')}
  }`;
  return { query, variables };
}

describe('partyCases is not an oracle', () => {
  let hub: TestHub;
  const ids = { nanyang: '', local: '' };
  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
    const party = { kind: 'NATURAL_PERSON', name: '王芳', idNumber: TARGET };
    ids.nanyang = await recordMarketCase(hub, { region: '411302', party }, callers.nanyangMarketOfficer);
    ids.local = await recordMarketCase(hub, { party });
  });
  afterAll(() => hub?.stop());

  const lookup = async (caller: Caller, identifier: string) =>
    hub.graphql(`query($i: String!) { partyCases(identifier: $i, kind: NATURAL_PERSON) { id region } }`, { i: identifier }, { ...caller, reason: REASON });

  it("answers only the cases the caller's lookup grant covers: its region's, not another's", async () => {
    const nanyang = await lookup({ ...callers.nanyangPsb, sub: 'psb-411302-a' }, TARGET);
    expect(nanyang.errors).toBeUndefined();
    expect(nanyang.data.partyCases).toEqual([{ id: ids.nanyang, region: '411302' }]);
    const local = await lookup({ ...callers.procurator, sub: 'proc-320706-a' }, TARGET);
    expect(local.errors).toBeUndefined();
    expect(local.data.partyCases).toEqual([{ id: ids.local, region: '320706' }]);
  });

  it('makes one lookup per request: a second alias is refused and looks nothing up', async () => {
    const { query, variables } = enumeration([TARGET, TARGET]);
    const { data, errors } = await hub.graphql(query, variables, { ...callers.nanyangPsb, sub: 'psb-411302-b', reason: REASON });
    expect(data.c0).toEqual([{ id: ids.nanyang }]);
    expect(data.c1).toBeNull();
    expect(errors).toEqual([expect.objectContaining({ path: ['c1'], extensions: expect.objectContaining({ code: 'RATE_LIMITED' }) })]);
  });

  it('stops the enumeration of a masked ID number long before it succeeds, and tells the auditors', async () => {
    const masked = `${TARGET.slice(0, 6)}********${TARGET.slice(14)}`;
    const candidates = candidatesFor(masked);
    const position = candidates.indexOf(TARGET);
    expect(candidates.length).toBeGreaterThan(2000);
    expect(position).toBeGreaterThan(PER_DAY * 10);

    const attacker: Caller = { ...callers.nanyangPsb, sub: 'psb-enumerator', reason: REASON };
    let next = 0;
    let answered = 0;
    let found = false;
    let dayExhausted = false;
    for (let minute = 0; minute < PER_DAY / PER_MINUTE + 3 && !dayExhausted; minute++) {
      for (;;) {
        const batch = candidates.slice(next, next + 30);
        const { data, errors } = await hub.graphql(enumeration(batch).query, enumeration(batch).variables, attacker);
        const hits = batch.map((_, i) => data?.[`c${i}`]).filter((v) => v !== null && v !== undefined);
        expect(hits.length).toBeLessThanOrEqual(1);
        for (const error of errors ?? []) expect(error.extensions?.code).toBe('RATE_LIMITED');
        answered += hits.length;
        next += hits.length;
        if (hits.some((cases: unknown[]) => cases.length > 0)) found = true;
        if (!hits.length) {
          dayExhausted = (errors ?? []).some((e) => e.message.includes('per day'));
          break;
        }
      }
      await hub.advanceClock(61_000);
    }
    expect(dayExhausted).toBe(true);
    expect(found).toBe(false);
    expect(answered).toBeLessThanOrEqual(PER_DAY);
    expect(answered).toBeLessThan(position);

    // Over the quota even the right number finds nothing: nothing is looked up.
    const { data, errors } = await lookup(attacker, TARGET);
    expect(data.partyCases).toBeNull();
    expect(errors![0].extensions!.code).toBe('RATE_LIMITED');

    // The burst is on the audit record: refusals for the minute and for the day, by the caller.
    const LOG = `query($filter: AuditFilter) { auditLog(filter: $filter, first: 200) { edges { node { subject role coordinate entityId decision reason } } } }`;
    const refusals = await eventually(async () => {
      const { data: log } = await hub.graphql(LOG, { filter: { subject: 'psb-enumerator', coordinate: 'Query.partyCases', decision: 'DENIED' } }, { role: 'auditor', org: 'AUDIT' });
      const nodes = log?.auditLog?.edges.map((e: any) => e.node) ?? [];
      const kinds = new Set(nodes.map((n: any) => n.entityId));
      return kinds.has('rate-limit:minute') && kinds.has('rate-limit:day') ? nodes : undefined;
    }, 10_000, 'rate-limit refusals in the audit log');
    expect(refusals[0]).toMatchObject({ role: 'psb_officer', coordinate: 'Query.partyCases', decision: 'DENIED', reason: REASON });
  }, 180_000);

  it('counts per caller: a colleague with its own quota still finds the case', async () => {
    const { data, errors } = await lookup({ ...callers.nanyangPsb, sub: 'psb-411302-c' }, TARGET);
    expect(errors).toBeUndefined();
    expect(data.partyCases).toEqual([{ id: ids.nanyang, region: '411302' }]);
  });
});
