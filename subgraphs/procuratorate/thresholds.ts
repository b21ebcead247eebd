import {
  checkNoOverlap, checkValidity, inForceAt, LEGAL_UTC_OFFSET_MINUTES, readRuleFile, RuleFileError, type Versioned as Validity,
} from '../../kit/versioned-rules';

// The prosecution-threshold (立案追诉标准) and repeat-offender rules live in schema/thresholds.json
// as versioned data with citations. This file only reads them and evaluates them: no amount, code
// or period of the rules appears here. Validity dates follow the one convention of every rule file
// (kit/versioned-rules.ts: effectiveFrom and effectiveTo both inclusive, China Standard Time).

const FILE = 'thresholds.json';

export type Condition =
  | { figure: string; gte: number }
  | { sum: { figure: string; times?: number }[]; gte: number; label?: string }
  | { ratio: [string, string]; gte: number }
  | { attribute: string; containsAny: string[] }
  | { partyKind: string }
  | { any: Condition[] }
  | { all: Condition[] }
  | { offenceCodeOnly: true };

interface Versioned extends Validity {
  version: string;
  /** Region-code prefixes the version is limited to (a province's own figure); absent: national. */
  regions?: string[];
  citation: string;
  verified: boolean;
  note?: string;
  /** Criteria the index cannot see that would only add ways to meet the rule (informational). */
  notEvaluated?: string;
  /** A condition the index cannot see that must also hold: the alert asks a procurator to check it. */
  review?: string;
}

export interface ThresholdVersion extends Versioned { condition: Condition }
export interface RepeatVersion extends Versioned {
  priorOffenceCodes: string[]; windowYears: number; minPriorPenalties: number;
  /**
   * makesCrime (default): the priors make the conduct a crime whatever its amounts (e.g. 非法经营).
   * removesExemption: they only remove the first-offence exemption (刑法 第二百零一条第四款); the
   * threshold's amounts still apply, and a threshold alert then needs no review of payment after notice.
   */
  effect?: 'makesCrime' | 'removesExemption';
}
export interface RuleSet<V> { offenceCode: string; offence: string; article?: string; versions: V[] }

export interface Rules {
  thresholds: RuleSet<ThresholdVersion>[];
  repeatOffender: RuleSet<RepeatVersion>[];
}

/** What the index tells the procuratorate about a case (no personal data: the party is a keyed hash). */
export interface CaseFacts {
  offenceCode: string | null;
  region: string;
  partyKind: string | null;
  decidedAt: Date | null;
  /** 违法行为发生时, when the agency recorded it: the rule in force then applies (行为时). */
  conductAt?: Date | null;
  recordedAt: Date;
  amountInvolved: number | null;
  fineAmount: number | null;
  figures: Record<string, number | null | undefined>;
  attributes?: Record<string, string | null | undefined>;
}

/** A figure that met its threshold: the value and the threshold it reached. */
export interface MetFigure { name: string; value: number; threshold: number }

export interface Hit {
  ruleCode: string;
  ruleVersion: string;
  citation: string;
  /** The rule flags by offence code alone or leaves criteria unevaluated: a procurator reviews. */
  review: boolean;
  note: string | null;
  figures: MetFigure[];
}

/** One administrative case of a party, any agency (what justice sends about the party's history). */
export interface PartyCase {
  caseId: string;
  offenceCode: string | null;
  actType: string;
  decidedAt: Date | null;
  region: string;
}

export interface RepeatHit extends Hit { caseId: string; priorCaseIds: string[] }

// ── reading and checking the rule file ─────────────────────────────────────────────────────

function checkCondition(c: unknown, rule: string, field: string): void {
  const fail = (why: string) => { throw new RuleFileError(FILE, rule, field, why); };
  if (!c || typeof c !== 'object') fail('a condition must be an object');
  const o = c as Record<string, unknown>;
  const keys = Object.keys(o);
  const number = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  if ('any' in o || 'all' in o) {
    const list = (o.any ?? o.all) as unknown;
    if (keys.length !== 1 || !Array.isArray(list) || !list.length) fail('any/all take a non-empty list and nothing else');
    (list as unknown[]).forEach((x, i) => checkCondition(x, rule, `${field}.${keys[0]}[${i}]`));
  } else if ('figure' in o) {
    if (typeof o.figure !== 'string' || !number(o.gte)) fail('{figure, gte} needs a name and a non-negative number');
  } else if ('sum' in o) {
    if (!Array.isArray(o.sum) || !o.sum.length || !number(o.gte)) fail('{sum, gte} needs terms and a number');
    for (const t of o.sum as Record<string, unknown>[]) if (typeof t?.figure !== 'string' || (t.times !== undefined && !number(t.times))) fail('a sum term is {figure, times?}');
  } else if ('ratio' in o) {
    if (!Array.isArray(o.ratio) || o.ratio.length !== 2 || !number(o.gte)) fail('{ratio: [numerator, denominator], gte}');
  } else if ('attribute' in o) {
    if (typeof o.attribute !== 'string' || !Array.isArray(o.containsAny) || !o.containsAny.length) fail('{attribute, containsAny: [...]}');
  } else if ('partyKind' in o) {
    if (!['NATURAL_PERSON', 'ORGANIZATION'].includes(o.partyKind as string)) fail('partyKind is NATURAL_PERSON or ORGANIZATION');
  } else if ('offenceCodeOnly' in o) {
    if (o.offenceCodeOnly !== true || keys.length !== 1) fail('{offenceCodeOnly: true}');
  } else {
    fail(`unknown condition ${JSON.stringify(o)}`);
  }
}

function checkVersions(set: RuleSet<Versioned>, kind: string): void {
  const rule = `${kind} ${set?.offenceCode}`;
  if (!set?.offenceCode) throw new RuleFileError(FILE, rule, 'offenceCode', 'is required');
  if (!Array.isArray(set.versions) || !set.versions.length) throw new RuleFileError(FILE, rule, 'versions', 'needs at least one version');
  set.versions.forEach((v, i) => {
    const where = `${rule} ${v.version ?? `versions[${i}]`}`;
    if (!v.version) throw new RuleFileError(FILE, where, 'version', 'is required');
    if (!v.citation) throw new RuleFileError(FILE, where, 'citation', 'is required');
    checkValidity(FILE, where, v);
  });
  // Two versions for the same regions may not be in force on the same day.
  const byRegions = new Map<string, Versioned[]>();
  for (const v of set.versions) byRegions.set(String(v.regions ?? []), [...(byRegions.get(String(v.regions ?? [])) ?? []), v]);
  for (const versions of byRegions.values()) checkNoOverlap(FILE, rule, versions, (v) => v.version);
}

/** Parses and checks a rule document; a malformed rule stops the subgraph at boot, not at a case. */
export function parseRules(document: unknown): Rules {
  const doc = document as Partial<Rules>;
  if (!Array.isArray(doc?.thresholds)) throw new RuleFileError(FILE, '(file)', 'thresholds', 'must be a list');
  if (!Array.isArray(doc?.repeatOffender)) throw new RuleFileError(FILE, '(file)', 'repeatOffender', 'must be a list');
  for (const set of doc.thresholds) {
    checkVersions(set, 'threshold');
    for (const v of set.versions) checkCondition(v.condition, `threshold ${set.offenceCode} ${v.version}`, 'condition');
  }
  for (const set of doc.repeatOffender) {
    checkVersions(set, 'repeat rule');
    for (const v of set.versions) {
      const where = `repeat rule ${set.offenceCode} ${v.version}`;
      if (!Array.isArray(v.priorOffenceCodes) || !v.priorOffenceCodes.length) throw new RuleFileError(FILE, where, 'priorOffenceCodes', 'must be a non-empty list');
      if (!(v.windowYears > 0)) throw new RuleFileError(FILE, where, 'windowYears', 'must be more than 0');
      if (!(v.minPriorPenalties >= 1)) throw new RuleFileError(FILE, where, 'minPriorPenalties', 'must be at least 1');
      if (v.effect !== undefined && v.effect !== 'makesCrime' && v.effect !== 'removesExemption') {
        throw new RuleFileError(FILE, where, 'effect', 'is makesCrime or removesExemption');
      }
    }
  }
  return doc as Rules;
}

export function loadRules(): Rules {
  return parseRules(readRuleFile(FILE));
}

export const RULES: Rules = loadRules();

// ── evaluating ─────────────────────────────────────────────────────────────────────────────

/** The version in force at `at` in `region`: a regional version wins over a national one. */
export function versionAt<V extends Versioned>(set: RuleSet<V> | undefined, at: Date, region: string): V | null {
  if (!set) return null;
  const candidates = set.versions.filter((v) =>
    inForceAt(v, at)
    && (!v.regions || v.regions.some((p) => region.startsWith(p))));
  const specificity = (v: V) => Math.max(0, ...(v.regions ?? []).filter((p) => region.startsWith(p)).map((p) => p.length));
  return candidates.sort((a, b) => specificity(b) - specificity(a))[0] ?? null;
}

function numberOf(facts: CaseFacts, name: string): number | null {
  const value = name === 'amountInvolved' ? facts.amountInvolved : name === 'fineAmount' ? facts.fineAmount : facts.figures?.[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Whether `text` names `needle`: Chinese by substring (六价铬 names 铬), element symbols as a token (Cr6+, not VOCs for V). */
function names(text: string, needle: string): boolean {
  if (!/^[A-Za-z]+$/.test(needle)) return text.includes(needle);
  return new RegExp(`(?<![A-Za-z])${needle}(?![A-Za-z])`).test(text);
}

/** Whether a condition holds, and the figures that met it (every satisfied branch of an `any`). */
export function evaluateCondition(condition: Condition, facts: CaseFacts): { met: boolean; figures: MetFigure[] } {
  const no = { met: false, figures: [] };
  if ('any' in condition) {
    const results = condition.any.map((c) => evaluateCondition(c, facts)).filter((r) => r.met);
    return results.length ? { met: true, figures: results.flatMap((r) => r.figures) } : no;
  }
  if ('all' in condition) {
    const results = condition.all.map((c) => evaluateCondition(c, facts));
    return results.every((r) => r.met) ? { met: true, figures: results.flatMap((r) => r.figures) } : no;
  }
  if ('figure' in condition) {
    const value = numberOf(facts, condition.figure);
    return value !== null && value >= condition.gte ? { met: true, figures: [{ name: condition.figure, value, threshold: condition.gte }] } : no;
  }
  if ('sum' in condition) {
    // Every term must be known except that an absent term counts as 0 when another is known:
    // unsold goods of 0 are commonly left blank.
    const terms = condition.sum.map((t) => ({ value: numberOf(facts, t.figure), times: t.times ?? 1 }));
    if (terms.every((t) => t.value === null)) return no;
    const value = terms.reduce((acc, t) => acc + (t.value ?? 0) * t.times, 0);
    const name = condition.label ?? condition.sum.map((t) => (t.times && t.times !== 1 ? `${t.figure}×${t.times}` : t.figure)).join('+');
    return value >= condition.gte ? { met: true, figures: [{ name, value, threshold: condition.gte }] } : no;
  }
  if ('ratio' in condition) {
    const [numerator, denominator] = condition.ratio.map((n) => numberOf(facts, n));
    if (numerator === null || denominator === null || denominator <= 0) return no;
    const value = numerator / denominator;
    return value >= condition.gte ? { met: true, figures: [{ name: `${condition.ratio[0]}/${condition.ratio[1]}`, value, threshold: condition.gte }] } : no;
  }
  if ('attribute' in condition) {
    const text = facts.attributes?.[condition.attribute];
    return typeof text === 'string' && condition.containsAny.some((n) => names(text, n)) ? { met: true, figures: [] } : no;
  }
  if ('partyKind' in condition) return { met: facts.partyKind === condition.partyKind, figures: [] };
  if ('offenceCodeOnly' in condition) return { met: true, figures: [] };
  return no;
}

const reviewNeeded = (condition: Condition): boolean =>
  'offenceCodeOnly' in condition || ('any' in condition && condition.any.some(reviewNeeded)) || ('all' in condition && condition.all.some(reviewNeeded));

/** When the case is judged (裁判时 for 从旧兼从轻): its decision date, or when it was recorded if undecided. */
export const judgedAt = (facts: Pick<CaseFacts, 'decidedAt' | 'recordedAt'>): Date => facts.decidedAt ?? facts.recordedAt;

/** Which rule applies (行为时): the date of the conduct, the decision's when the agency recorded none. */
export const conductDate = (facts: Pick<CaseFacts, 'conductAt' | 'decidedAt' | 'recordedAt'>): Date => facts.conductAt ?? judgedAt(facts);

/**
 * 以罚代刑: the threshold the case meets, or null. 从旧兼从轻 (刑法 第十二条; the interpretations'
 * own transitional clauses): the version in force at the conduct applies, unless the version in
 * force when the case is judged no longer makes it a crime (the more lenient one then prevails).
 */
export function evaluateThreshold(facts: CaseFacts, rules: Rules = RULES): Hit | null {
  if (!facts.offenceCode) return null;
  const set = rules.thresholds.find((s) => s.offenceCode === facts.offenceCode);
  const version = versionAt(set, conductDate(facts), facts.region);
  if (!set || !version) return null;
  const result = evaluateCondition(version.condition, facts);
  if (!result.met) return null;
  const later = versionAt(set, judgedAt(facts), facts.region);
  if (later && later !== version && !evaluateCondition(later.condition, facts).met) return null;
  return {
    ruleCode: set.offenceCode, ruleVersion: version.version, citation: version.citation,
    review: reviewNeeded(version.condition) || !!version.review,
    note: [version.note, version.review, version.notEvaluated && `Not evaluated: ${version.notEvaluated}`].filter(Boolean).join(' ') || null,
    figures: result.figures,
  };
}

/** `years` calendar years before `at`, counted in China Standard Time (29 Feb → 28 Feb). */
export function yearsBefore(at: Date, years: number): Date {
  const local = new Date(at.getTime() + LEGAL_UTC_OFFSET_MINUTES * 60_000);
  const y = local.getUTCFullYear() - years, m = local.getUTCMonth();
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  local.setUTCFullYear(y, m, Math.min(local.getUTCDate(), lastDay));
  return new Date(local.getTime() - LEGAL_UTC_OFFSET_MINUTES * 60_000);
}

/**
 * Repeat offender (多次行政处罚后又实施): for each case of the party, the administrative penalties
 * for offences the rule counts, decided before it and within the rule's window, across every
 * agency. `cases` is the party's whole history; `only` limits which cases are judged.
 */
export function evaluateRepeat(cases: PartyCase[], rules: Rules = RULES, only?: (c: PartyCase) => boolean,
  effect: 'makesCrime' | 'removesExemption' = 'makesCrime'): RepeatHit[] {
  const hits: RepeatHit[] = [];
  for (const target of cases) {
    if (!target.decidedAt || !target.offenceCode || (only && !only(target))) continue;
    const set = rules.repeatOffender.find((s) => s.offenceCode === target.offenceCode);
    const version = versionAt(set, target.decidedAt, target.region);
    if (!set || !version || (version.effect ?? 'makesCrime') !== effect) continue;
    const from = yearsBefore(target.decidedAt, version.windowYears);
    const priors = cases.filter((p) => p.caseId !== target.caseId && p.actType === 'ADMINISTRATIVE_PENALTY' && p.decidedAt
      && p.offenceCode !== null && version.priorOffenceCodes.includes(p.offenceCode)
      && p.decidedAt < target.decidedAt! && p.decidedAt >= from);
    if (priors.length < version.minPriorPenalties) continue;
    hits.push({
      caseId: target.caseId, ruleCode: set.offenceCode, ruleVersion: version.version, citation: version.citation,
      review: false, note: version.note ?? null,
      figures: [{ name: 'priorPenalties', value: priors.length, threshold: version.minPriorPenalties }],
      priorCaseIds: priors.map((p) => p.caseId),
    });
  }
  return hits;
}
