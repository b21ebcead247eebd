import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './support/hub';
import { callers, creditCode, marketCaseInput, residentId, seedBureaus } from './support/fixtures';
import { isRegionCode, isResidentIdNumber, isUnifiedSocialCreditCode } from '../kit/rules';

const RECORD = `mutation($input: MarketRegulationCaseInput!) { createMarketRegulationCase(input: $input) { id } }`;
const person = (idNumber: string) => ({ kind: 'NATURAL_PERSON', name: '张伟', idNumber });
const validId = residentId('320706', '19850312', 123);
const flipCheck = (id: string) => id.slice(0, 17) + (id[17] === '1' ? '2' : '1');

describe('check digits and codes', () => {
  it('accepts a GB 11643 ID number and rejects a wrong check digit or impossible birth date', () => {
    expect(isResidentIdNumber(validId)).toBe(true);
    expect(isResidentIdNumber('11010519491231002X')).toBe(true); // the standard's own example
    expect(isResidentIdNumber(flipCheck(validId))).toBe(false);
    expect(isResidentIdNumber(residentId('320706', '19850230', 1))).toBe(false);
    expect(isResidentIdNumber('32070619850312123')).toBe(false);
  });
  it('accepts a GB 32100 credit code and rejects a wrong check character or letters it excludes', () => {
    expect(isUnifiedSocialCreditCode('91110000600037341L')).toBe(true); // a registered company's code
    expect(isUnifiedSocialCreditCode(creditCode('320706', 'MA1X2Y3W4'))).toBe(true);
    expect(isUnifiedSocialCreditCode('91110000600037341M')).toBe(false);
    expect(isUnifiedSocialCreditCode('9111000060003734IL')).toBe(false);
  });
  it('accepts 6-digit region codes of real provinces only', () => {
    expect(isRegionCode('320706')).toBe(true);
    expect(isRegionCode('990706')).toBe(false);
    expect(isRegionCode('32070')).toBe(false);
  });
});

describe('recording a case refuses bad input, names the field and the rule, and writes nothing', () => {
  let hub: TestHub;
  let agencyDb: pg.Client;
  const rowCounts = async () => (await agencyDb.query(
    `SELECT (SELECT count(*) FROM party)::int AS parties, (SELECT count(*) FROM enforcement_case)::int AS cases, (SELECT count(*) FROM outbox)::int AS events`)).rows[0];

  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
    agencyDb = await hub.ownerDatabase('market-regulation');
  });
  afterAll(async () => {
    await agencyDb?.end();
    await hub?.stop();
  });

  const future = new Date(Date.now() + 86_400_000).toISOString();
  it.each([
    ['a wrong ID check digit', { party: person(flipCheck(validId)) }, 'input.party.idNumber', 'residentIdNumber'],
    ['a 17-digit ID number', { party: person(validId.slice(0, 17)) }, 'input.party.idNumber', 'residentIdNumber'],
    ['a wrong credit-code check character', { party: { kind: 'ORGANIZATION', name: '某公司', idNumber: '91350100M000100Y44' } }, 'input.party.idNumber', 'unifiedSocialCreditCode'],
    ['a 5-digit region', { region: '32070' }, 'input.region', 'regionCode'],
    ['a region outside the bureau', { region: '411302' }, 'input.region', 'jurisdiction'],
    ['a negative amount involved', { amountInvolved: -1 }, 'input.amountInvolved', 'nonNegative'],
    ['a negative fine', { fineAmount: -0.01 }, 'input.fineAmount', 'nonNegative'],
    ['a negative own amount', { salesAmount: -100 }, 'input.salesAmount', 'nonNegative'],
    // 1e308 was accepted; sums of such amounts overflow to Infinity and null a whole alerts answer.
    ['an amount involved of 1e308', { amountInvolved: 1e308 }, 'input.amountInvolved', 'max'],
    ['a fine above ten trillion yuan', { fineAmount: 2e13 }, 'input.fineAmount', 'max'],
    ['an own amount of 1e308', { salesAmount: 1e308 }, 'input.salesAmount', 'max'],
    ['a decision date in the future', { decidedAt: future }, 'input.decidedAt', 'notInFuture'],
    ['an empty cause', { cause: '  ' }, 'input.cause', 'required'],
    ['a malformed phone', { party: { ...person(validId), phone: '12345' } }, 'input.party.phone', 'phone'],
  ])('refuses %s', async (_label, overrides, field, rule) => {
    const before = await rowCounts();
    const { data, errors } = await hub.graphql(RECORD, { input: marketCaseInput(overrides) }, callers.marketOfficer);
    // The mutation's field is nullable (the schema tells the truth: some callers are refused it).
    expect(data?.createMarketRegulationCase ?? null).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field, rule });
    expect(errors![0].message).toContain(field);
    expect(await rowCounts()).toEqual(before);
  });

  it('refuses a case number the bureau already used, but another bureau may use it', async () => {
    const input = marketCaseInput();
    expect((await hub.graphql(RECORD, { input }, callers.marketOfficer)).errors).toBeUndefined();
    const before = await rowCounts();
    const { errors } = await hub.graphql(RECORD, { input: { ...marketCaseInput(), caseNumber: input.caseNumber } }, callers.marketOfficer);
    expect(errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.caseNumber', rule: 'uniquePerBureau' });
    expect(await rowCounts()).toEqual(before);
    const nanyang = { ...marketCaseInput({ region: '411302' }), caseNumber: input.caseNumber };
    expect((await hub.graphql(RECORD, { input: nanyang }, callers.nanyangMarketOfficer)).errors).toBeUndefined();
  });

  it('keeps case numbers unique when two officers race for the same one', async () => {
    const input = marketCaseInput();
    const results = await Promise.all([0, 1, 2].map(() => hub.graphql(RECORD, { input: { ...input, party: person(validId) } }, callers.marketOfficer)));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    for (const r of results.filter((r) => r.errors)) expect(r.errors![0].extensions).toMatchObject({ rule: 'uniquePerBureau' });
  });

  it('refuses recording to a caller without case:write, and writes nothing', async () => {
    const before = await rowCounts();
    for (const caller of [callers.admin, callers.psb, callers.justice]) {
      const { data, errors } = await hub.graphql(RECORD, { input: marketCaseInput() }, caller);
      expect(data?.createMarketRegulationCase ?? null).toBeNull();
      expect(errors![0].extensions!.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    }
    expect(await rowCounts()).toEqual(before);
  });

  it('refuses recording to an officer of another kind of bureau', async () => {
    const { errors } = await hub.graphql(RECORD, { input: marketCaseInput() }, callers.ecoOfficer);
    expect(errors![0].extensions!.code).toBe('FORBIDDEN');
  });
});
