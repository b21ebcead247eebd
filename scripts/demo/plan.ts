// The demo dataset as a plan: every bureau of every registered agency kind in three regions, their
// officers and power items, and several hundred cases spread over a year, each with what happens
// to it afterwards (scenarios.ts). Pure and deterministic (a seed): the loader (load.ts) enters it
// through the gateway as the units would.
import { readFileSync } from 'node:fs';
import { buildSchema, getNamedType, isEnumType, isInputObjectType, type GraphQLInputObjectType } from 'graphql';
import { AGENCY_KINDS, type AgencyKind } from '../../subgraphs/agencies/registry';
import { creditCode, DEMO_AGENCIES, residentId } from '../demo-data';
import { prng, type Prng } from './prng';
import { lastDayOf, SCENARIOS, type Scenario, type Step } from './scenarios';

interface Range { min: number; max: number }
interface FieldSpec { min?: number; max?: number; oneOf?: unknown[] }
interface CauseSpec { cause: string; offenceCode: string | null; over: boolean; legalBasis: string; amountInvolved?: Range; fields?: Record<string, FieldSpec> }
interface AgencySpec { caseWord: string; industries: string[]; powerItems: { name: string; actType: string; legalBasis: string }[]; causes: CauseSpec[] }
interface RegionSpec { code: string; name: string; province: string; short: string; certificatePrefix: string; streets: string[] }
interface Vocabulary {
  regions: RegionSpec[]; surnames: string[]; givenNames: string[]; tradeNames: string[];
  officerCategories: Record<string, string>; agencies: Record<string, AgencySpec>;
}

export const VOCABULARY: Vocabulary = JSON.parse(readFileSync(new URL('./vocabulary.json', import.meta.url), 'utf8'));

/** The client schema (schema/api.graphql): each agency's own case fields are read from its input type. */
const API = buildSchema(readFileSync(new URL('../../schema/api.graphql', import.meta.url), 'utf8'));

/** The days the demo spans: the hub's clock starts this many days back and is advanced to today. */
export const DEMO_DAYS = 365;

export interface DemoBureau { code: string; name: string; kind: string; region: string; agency: AgencyKind }
export interface DemoCase {
  key: string;
  /** The day (0 … DEMO_DAYS) the bureau records it; decidedAt and conductAt lie before. */
  day: number;
  bureau: DemoBureau;
  /** The create<CaseType> input without its times and case number (the loader adds them by the hub's clock). */
  input: Record<string, unknown>;
  decidedDaysBefore: number;
  conductDaysBefore: number;
  /** Own fields holding a date (YYYY-MM-DD) of the conduct, e.g. an accident's. */
  conductDateFields: string[];
  scenarios: string[];
}
export interface DemoAction { day: number; caseKey: string; step: Step; order: number }
export interface DemoPlan {
  bureaus: DemoBureau[];
  officers: { agencyCode: string; name: string; certificateNumber: string; category: string }[];
  powerItems: { agencyCode: string; code: string; name: string; actType: string; legalBasis: string }[];
  cases: DemoCase[];
  /** Every step of every case, by day, in the order a case takes them. */
  actions: DemoAction[];
  regions: string[];
}

export interface PlanOptions { seed?: number; cases?: number; minimumPerScenario?: number }

export function demoPlan({ seed = 2026, cases = 360, minimumPerScenario = 2 }: PlanOptions = {}): DemoPlan {
  const rnd = prng(seed);
  const regions = VOCABULARY.regions;
  const bureaus: DemoBureau[] = regions.flatMap((region) => AGENCY_KINDS.map((agency) => ({
    code: `${agency.bureauPrefix}-${region.code}`, name: `${region.name}${agency.label}`, kind: agency.kind, region: region.code, agency,
  })));
  const officers: DemoPlan['officers'] = [];
  const powerItems: DemoPlan['powerItems'] = [];
  for (const bureau of bureaus) {
    const region = regions.find((r) => r.code === bureau.region)!;
    const category = VOCABULARY.officerCategories[bureau.agency.name] ?? bureau.agency.label.replace(/局$/, '');
    // 行政执法证: at least two officers handle each case (行政处罚法 第四十二条); three per bureau.
    for (let i = 1; i <= 3; i += 1) {
      officers.push({ agencyCode: bureau.code, name: personName(rnd), certificateNumber: `${region.certificatePrefix}-${bureau.agency.bureauPrefix}-${region.code}-${String(i).padStart(4, '0')}`, category });
    }
    const items = agencySpec(bureau.agency).powerItems;
    items.forEach((item, i) => powerItems.push({ agencyCode: bureau.code, code: `${bureau.agency.bureauPrefix}-QL-${String(i + 1).padStart(3, '0')}`, ...item }));
  }

  // Every scenario at least `minimumPerScenario` times, spread over regions and agencies; the rest
  // mostly cases that are only recorded, as on a real platform.
  const byLine = (line: Scenario['line']) => Object.entries(SCENARIOS).filter(([, s]) => s.line === line).map(([name]) => name);
  const mains = byLine('main');
  const required = Array.from({ length: minimumPerScenario }, () => mains.filter((n) => n !== 'recorded')).flat();
  if (required.length + 2 > cases) throw new Error(`demo: ${cases} cases cannot hold every scenario ${minimumPerScenario} times (${required.length})`);
  const common = ['recorded', 'recorded', 'recorded', 'recorded', 'recorded', 'alertOpen', 'filed', 'notFiled', 'submitted', 'accepted', 'alertDismissed', 'filedUninvestigated'];
  // And two transfers of the last days, still within their period today (pending, not overdue).
  const recent = ['submitted', 'accepted'];
  const mainOf = [...required, ...Array.from({ length: cases - required.length - recent.length }, () => rnd.pick(common)), ...recent];

  const parties = new Map<string, Record<string, unknown>[]>();
  const planned: DemoCase[] = mainOf.map((main, i) => {
    const bureau = bureaus[i % bureaus.length];
    const scenario = SCENARIOS[main];
    // Cases that must reach their last step (the required ones) are recorded early enough to; the
    // rest anywhere in the year, so the latest ones are still pending today.
    const latest = DEMO_DAYS - 2 - lastDayOf(scenario);
    const day = i < required.length ? rnd.int(0, Math.max(0, latest - 80)) : i >= cases - recent.length ? latest : rnd.int(0, DEMO_DAYS - 2);
    return buildCase(rnd, `c${String(i + 1).padStart(4, '0')}`, day, bureau, scenario.over ?? rnd.chance(0.15), main, parties);
  });
  // Suggestions, supervision opinions and supervision matters laid over cases old enough to reach their last step.
  for (const line of ['suggestion', 'opinion', 'supervision'] as const) {
    const names = byLine(line);
    const count = Math.max(names.length * minimumPerScenario, Math.round(cases * 0.08));
    for (let n = 0; n < count; n += 1) {
      const name = n < names.length * minimumPerScenario ? names[n % names.length] : rnd.pick(names);
      const latest = DEMO_DAYS - 2 - lastDayOf(SCENARIOS[name]) - 70;
      const candidates = planned.filter((c) => c.day <= latest && c.scenarios.every((s) => SCENARIOS[s].line !== line));
      if (!candidates.length) throw new Error(`demo: no case old enough for ${name}`);
      candidates[n % 3 === 0 ? 0 : rnd.int(0, candidates.length - 1)].scenarios.push(name);
    }
  }
  planned.sort((a, b) => a.day - b.day || a.key.localeCompare(b.key));
  const actions: DemoAction[] = planned.flatMap((c) => c.scenarios.flatMap((name) => SCENARIOS[name].steps.map(([offset, step]) => ({ day: c.day + offset, caseKey: c.key, step, order: offset }))))
    .filter((a) => a.day <= DEMO_DAYS)
    .sort((a, b) => a.day - b.day || a.caseKey.localeCompare(b.caseKey) || a.order - b.order);
  return { bureaus, officers, powerItems, cases: planned, actions, regions: regions.map((r) => r.code) };
}

function agencySpec(agency: AgencyKind): AgencySpec {
  const known = VOCABULARY.agencies[agency.name];
  if (known) return known;
  // An agency the vocabulary does not know yet (a new `npm run agency:new`): the causes and own
  // field values of its entry in scripts/demo-agencies.json, else a generic cause.
  const entry = DEMO_AGENCIES.find((a) => a.agency === agency.name);
  const basis = `${agency.label}执法依据`;
  const causes: CauseSpec[] = (entry?.cases ?? []).map((c) => ({
    cause: String(c.cause), offenceCode: (c.offenceCode as string | null | undefined) ?? null, over: false, legalBasis: String(c.legalBasis ?? basis),
    fields: Object.fromEntries(Object.entries(c).filter(([name]) => !KIT_FIELDS.includes(name)).map(([name, value]) => [name, { oneOf: [value] }])),
  }));
  return {
    caseWord: `${agency.bureauPrefix}罚`, industries: ['商贸'],
    powerItems: [{ name: `${agency.label}行政处罚`, actType: 'ADMINISTRATIVE_PENALTY', legalBasis: basis }],
    causes: causes.length ? causes : [{ cause: `违反${agency.label.replace(/局$/, '')}管理规定`, offenceCode: null, over: false, legalBasis: basis }],
  };
}

/** The agency kit's own case fields (subgraphs/agencies/kit): every agency's input has them. */
const KIT_FIELDS = ['caseNumber', 'actType', 'cause', 'offenceCode', 'party', 'amountInvolved', 'fineAmount', 'decidedAt', 'region', 'facts', 'legalBasis',
  'penaltyKinds', 'involvesMinor', 'confidential', 'conductAt', 'illegalGain', 'economicLoss', 'paidAmount', 'paidAt', 'enforcementStatus', 'courtApplicationAt'];

export const caseWordOf = (agency: AgencyKind) => agencySpec(agency).caseWord;

/** The agency's create input in the client schema; absent until `npm run api-schema` has run after `npm run agency:new`. */
function inputType(agency: AgencyKind): GraphQLInputObjectType | undefined {
  const type = API.getType(`${agency.caseType}Input`);
  return isInputObjectType(type) ? type : undefined;
}

function buildCase(rnd: Prng, key: string, day: number, bureau: DemoBureau, over: boolean, main: string, parties: Map<string, Record<string, unknown>[]>): DemoCase {
  const spec = agencySpec(bureau.agency);
  const causes = spec.causes.filter((c) => c.over === over);
  const cause = rnd.pick(causes.length ? causes : spec.causes);
  const region = VOCABULARY.regions.find((r) => r.code === bureau.region)!;
  const input: Record<string, unknown> = {
    actType: 'ADMINISTRATIVE_PENALTY', cause: cause.cause, offenceCode: cause.offenceCode, region: region.code, legalBasis: cause.legalBasis,
    party: partyOf(rnd, region, spec, parties),
  };
  const conductDateFields: string[] = [];
  // The agency's own fields, read from its input type: the vocabulary's ranges where it has them.
  const fields = inputType(bureau.agency)?.getFields();
  const own = fields ? Object.keys(fields).filter((f) => !KIT_FIELDS.includes(f)) : Object.keys(cause.fields ?? {});
  for (const name of own) {
    const given = cause.fields?.[name];
    const type = fields ? getNamedType(fields[name].type) : undefined;
    if (given?.oneOf) {
      const value = rnd.pick(given.oneOf);
      if (type && isEnumType(type) && !type.getValue(String(value))) continue;
      input[name] = value;
    } else if (given && given.min !== undefined && given.max !== undefined) {
      input[name] = type?.name === 'Int' ? rnd.int(given.min, given.max) : Math.round((given.min + rnd.next() * (given.max - given.min)) * 10) / 10;
    } else if (type?.name === 'String' && /Date$/.test(name) && cause.over) {
      conductDateFields.push(name);
    }
  }
  const figures = bureau.agency.figures.map((f) => Number(input[f] ?? 0)).filter((v) => v > 100);
  const amount = cause.amountInvolved ? rnd.int(cause.amountInvolved.min, cause.amountInvolved.max) : (figures.length ? Math.max(...figures) : rnd.int(2000, 40000));
  input.amountInvolved = amount;
  input.fineAmount = Math.max(500, Math.round((amount || rnd.int(20000, 200000)) * (0.3 + rnd.next() * 0.7) / 100) * 100);
  input.penaltyKinds = amount > 50000 ? ['FINE', 'CONFISCATION'] : ['FINE'];
  input.facts = `经查，当事人${cause.cause}，${main === 'recorded' ? '情节较轻' : '涉案数额较大'}，有现场检查笔录、询问笔录等证据证实。`;
  return { key, day, bureau, input, decidedDaysBefore: rnd.int(1, 20), conductDaysBefore: rnd.int(15, 90), conductDateFields, scenarios: [main] };
}

function personName(rnd: Prng): string {
  return rnd.pick(VOCABULARY.surnames) + rnd.pick(VOCABULARY.givenNames);
}

/** A party with valid check digits; about one in ten is a party of the region seen before (repeat offenders). */
function partyOf(rnd: Prng, region: RegionSpec, spec: AgencySpec, seen: Map<string, Record<string, unknown>[]>): Record<string, unknown> {
  const earlier = seen.get(region.code) ?? [];
  if (earlier.length > 5 && rnd.chance(0.1)) return rnd.pick(earlier);
  const address = `${region.province}${region.name.replace(/^(.+市)/, '$1')}${rnd.pick(region.streets)}${rnd.int(1, 199)}号`;
  const n = earlier.length + 1;
  const party = rnd.chance(0.4)
    ? {
      kind: 'NATURAL_PERSON', name: personName(rnd),
      idNumber: residentId(region.code, `19${rnd.int(60, 99)}${String(rnd.int(1, 12)).padStart(2, '0')}${String(rnd.int(1, 28)).padStart(2, '0')}`, n % 1000),
      phone: `1${rnd.pick(['38', '39', '58', '59', '86', '87'])}${String(rnd.int(0, 99_999_999)).padStart(8, '0')}`, address,
    }
    : {
      kind: 'ORGANIZATION', name: `${region.name.slice(0, 3).replace(/市$/, '')}${rnd.pick(VOCABULARY.tradeNames)}${rnd.pick(spec.industries)}有限公司`,
      idNumber: creditCode(region.code, `MA${codeBody(rnd)}`), address,
    };
  seen.set(region.code, [...earlier, party]);
  return party;
}

/** Seven characters of a credit code's organisation body (GB 32100: no I, O, S, V, Z). */
function codeBody(rnd: Prng): string {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  return Array.from({ length: 7 }, () => alphabet[rnd.int(0, alphabet.length - 1)]).join('');
}
