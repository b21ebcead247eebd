// The demo plan, without a hub: the same dataset on every machine, every bureau with its officers
// and power items, parties with valid check digits, every scenario reaching its last step within the
// year; and the start of the demo hub's clock, which production must never be able to set.
import { describe, expect, it } from 'vitest';
import { AGENCY_KINDS } from '../subgraphs/agencies/registry';
import { creditCodeCheckCharacter, residentIdCheckDigit } from '../kit/rules';
import { Clock, clockStartOffset, MAX_CLOCK_START_BACK_MS } from '../kit/clock';
import { DEMO_DAYS, demoPlan } from '../scripts/demo/plan';
import { SCENARIOS } from '../scripts/demo/scenarios';

const DAY_MS = 24 * 3600_000;
const plain = (plan: ReturnType<typeof demoPlan>) => JSON.stringify({ ...plan, bureaus: plan.bureaus.map(({ agency, ...b }) => ({ ...b, agency: agency.name })), cases: plan.cases.map((c) => ({ ...c, bureau: c.bureau.code })) });

describe('the demo plan', () => {
  const plan = demoPlan();

  it('is the same for the same seed, and another for another', () => {
    expect(plain(demoPlan())).toBe(plain(plan));
    expect(plain(demoPlan({ seed: 7 }))).not.toBe(plain(plan));
  });

  it('has a bureau of every registered agency kind in three regions, each with officers and power items', () => {
    expect(new Set(plan.regions).size).toBeGreaterThanOrEqual(3);
    for (const region of plan.regions) {
      expect(plan.bureaus.filter((b) => b.region === region).map((b) => b.kind).sort()).toEqual(AGENCY_KINDS.map((k) => k.kind).sort());
    }
    for (const bureau of plan.bureaus) {
      expect(plan.officers.filter((o) => o.agencyCode === bureau.code).length, bureau.code).toBeGreaterThanOrEqual(2);
      expect(plan.powerItems.filter((p) => p.agencyCode === bureau.code).length, bureau.code).toBeGreaterThan(0);
    }
    expect(new Set(plan.officers.map((o) => o.certificateNumber)).size).toBe(plan.officers.length);
  });

  it('spreads 360 cases over the year, every bureau with its own, with the agency\'s own fields filled', () => {
    expect(plan.cases).toHaveLength(360);
    const months = new Set(plan.cases.map((c) => Math.floor(c.day / 30.5)));
    expect(months.size).toBe(12);
    for (const bureau of plan.bureaus) expect(plan.cases.filter((c) => c.bureau.code === bureau.code).length, bureau.code).toBeGreaterThan(10);
    for (const kind of AGENCY_KINDS) {
      const own = new Set(plan.cases.filter((c) => c.bureau.agency.name === kind.name).flatMap((c) => Object.keys(c.input)));
      expect([...kind.figures, ...kind.attributes].filter((f) => own.has(f)).length, kind.name).toBeGreaterThan(0);
    }
  });

  it('gives every party a valid resident ID number or unified social credit code', () => {
    for (const { input: { party } } of plan.cases as unknown as { input: { party: { kind: string; idNumber: string } } }[]) {
      const check = party.kind === 'NATURAL_PERSON' ? residentIdCheckDigit : creditCodeCheckCharacter;
      expect(party.idNumber.slice(17), party.idNumber).toBe(check(party.idNumber.slice(0, 17)));
    }
  });

  it('takes every scenario to its last step within the year, in each size the loader accepts', () => {
    for (const options of [{}, { cases: 60, minimumPerScenario: 1 }]) {
      const p = demoPlan(options);
      for (const [name, scenario] of Object.entries(SCENARIOS)) {
        const complete = p.cases.filter((c) => c.scenarios.includes(name)).some((c) =>
          scenario.steps.every(([, step]) => p.actions.some((a) => a.caseKey === c.key && a.step === step)));
        expect(complete, `${name} (${p.cases.length} cases)`).toBe(true);
      }
      expect(p.actions.every((a) => a.day <= DEMO_DAYS)).toBe(true);
    }
  });
});

describe('the demo hub\'s clock start (HUB_TEST_CLOCK_START)', () => {
  const yearBack = () => new Date(Date.now() - 365 * DAY_MS).toISOString();

  it('starts a test hub\'s clock in the past', () => {
    const offset = clockStartOffset({ HUB_TEST_CLOCK: '1', HUB_TEST_CLOCK_START: yearBack() });
    expect(Math.abs(offset + 365 * DAY_MS)).toBeLessThan(60_000);
    const clock = new Clock(offset);
    expect(Math.abs(clock.now().getTime() - (Date.now() - 365 * DAY_MS))).toBeLessThan(60_000);
    expect(clockStartOffset({})).toBe(0);
  });

  it.each([
    ['production', { NODE_ENV: 'production', HUB_TEST_CLOCK: '1', HUB_TEST_CLOCK_START: yearBack() }, /production/],
    ['no test clock', { HUB_TEST_CLOCK_START: yearBack() }, /HUB_TEST_CLOCK=1/],
    ['the test clock off', { HUB_TEST_CLOCK: '0', HUB_TEST_CLOCK_START: yearBack() }, /HUB_TEST_CLOCK=1/],
    ['the future', { HUB_TEST_CLOCK: '1', HUB_TEST_CLOCK_START: new Date(Date.now() + DAY_MS).toISOString() }, /future/],
    ['too far back', { HUB_TEST_CLOCK: '1', HUB_TEST_CLOCK_START: new Date(Date.now() - MAX_CLOCK_START_BACK_MS - DAY_MS).toISOString() }, /400 days/],
    ['not an instant', { HUB_TEST_CLOCK: '1', HUB_TEST_CLOCK_START: 'last year' }, /ISO instant/],
  ])('is refused with %s: the process does not start', (_, env, message) => {
    expect(() => clockStartOffset(env as NodeJS.ProcessEnv)).toThrow(message);
  });

  it('never starts a clock ahead', () => {
    expect(() => new Clock(1000)).toThrow(/past/);
  });
});
