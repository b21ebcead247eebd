import { checkValidity, inForceAt, readRuleFile, RuleFileError, type Versioned } from '../../kit/versioned-rules';
import type { Worker } from '../../kit/workers';
import { AGENCY_KIND_BY_CASE_TYPE, AGENCY_KINDS, KIT_FIGURES } from '../agencies/registry';
import { RULES, type Condition, type Rules } from './thresholds';
import { log } from '../../kit/log';
import { readFileSync } from 'node:fs';

// Screening by mapping: a case is judged against every offence its 案由 and its agency point to
// (schema/offence-map.json, versioned, with the administrative law's referral article), not only
// the offence code its agency chose or left out. And a rule that needs a figure no agency records
// is said at start-up, rule and field named, rather than silently never met.

const FILE = 'offence-map.json';

export interface OffenceMapping extends Versioned {
  id: string;
  /** Agency kinds (subgraphs/agencies/registry.ts) whose cases it reads; absent: every agency. */
  agencyKinds?: string[];
  causeContainsAny: string[];
  /** A cause containing one of these is another act (selling counterfeit goods is not counterfeiting). */
  causeExcludesAny?: string[];
  offenceCodes: string[];
  citation: string;
  verified: boolean;
}

/** Parses and checks the mapping against the threshold rules: a code with no rule stops the subgraph at boot. */
export function parseOffenceMap(document: unknown, rules: Rules = RULES): OffenceMapping[] {
  const list = (document as { mappings?: unknown })?.mappings;
  if (!Array.isArray(list)) throw new RuleFileError(FILE, '(file)', 'mappings', 'must be a list');
  const codes = new Set(rules.thresholds.map((s) => s.offenceCode));
  const ids = new Set<string>();
  for (const [i, m] of (list as OffenceMapping[]).entries()) {
    const rule = `mapping ${m?.id ?? `mappings[${i}]`}`;
    const fail = (field: string, why: string) => { throw new RuleFileError(FILE, rule, field, why); };
    if (!m?.id || ids.has(m.id)) fail('id', 'is required and unique');
    ids.add(m.id);
    if (!m.citation) fail('citation', 'is required');
    if (!Array.isArray(m.causeContainsAny) || !m.causeContainsAny.length || m.causeContainsAny.some((c) => typeof c !== 'string' || !c)) fail('causeContainsAny', 'must be a non-empty list of texts');
    if (m.causeExcludesAny !== undefined && (!Array.isArray(m.causeExcludesAny) || m.causeExcludesAny.some((c) => typeof c !== 'string' || !c))) fail('causeExcludesAny', 'is a list of texts, or absent');
    if (!Array.isArray(m.offenceCodes) || !m.offenceCodes.length) fail('offenceCodes', 'must be a non-empty list');
    for (const code of m.offenceCodes) if (!codes.has(code)) fail('offenceCodes', `${code} has no rule in thresholds.json`);
    // A kind no agency runs yet (自然资源, 应急管理) is allowed: the mapping waits for it.
    if (m.agencyKinds !== undefined && (!Array.isArray(m.agencyKinds) || !m.agencyKinds.length)) fail('agencyKinds', 'is a non-empty list, or absent for every agency');
    checkValidity(FILE, rule, m);
  }
  return list as OffenceMapping[];
}

export const OFFENCE_MAP: OffenceMapping[] = parseOffenceMap(readRuleFile(FILE));

/**
 * OFFENCE_MAP_FILES (comma-separated paths): the deployment's own mappings beside the hub's, in
 * the same shape and checked the same way (every code has a rule in thresholds.json, ids unique
 * across the files). For an agency kind learnt at run time (agency-kinds.ts) that the hub's file
 * does not name yet: e.g. examples/agency-culture-tourism/offence-map.example.json, the example's
 * own mapping for its tests. Read at start; a bad file stops the subgraph, file, rule and field named.
 */
export const loadOffenceMapFiles: Worker = async (runtime) => {
  const paths = (runtime.env.OFFENCE_MAP_FILES ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  for (const path of paths) {
    let document: unknown;
    try {
      document = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new RuleFileError(path, '(file)', '', (error as Error).message);
    }
    const added = parseOffenceMap(document);
    const taken = added.find((m) => OFFENCE_MAP.some((o) => o.id === m.id));
    if (taken) throw new RuleFileError(path, `mapping ${taken.id}`, 'id', 'is used by another mapping');
    OFFENCE_MAP.push(...added);
    log.info('offence mappings added', { file: path, mappings: added.map((m) => m.id) });
  }
  return async () => {};
};

export interface ScreenedCase {
  caseType: string;
  cause: string | null | undefined;
  offenceCode: string | null;
  /** When the mapping is judged: the conduct (行为时), else the decision, else the recording. */
  at: Date;
}

/** The offences a case is screened for: its own code first, then those its agency and 案由 map to. */
export function candidateOffences(c: ScreenedCase, map: OffenceMapping[] = OFFENCE_MAP): string[] {
  const kind = AGENCY_KIND_BY_CASE_TYPE.get(c.caseType)?.kind;
  const cause = c.cause ?? '';
  const mapped = map.filter((m) => inForceAt(m, c.at) && (!m.agencyKinds || (!!kind && m.agencyKinds.includes(kind)))
    && m.causeContainsAny.some((text) => cause.includes(text)) && !(m.causeExcludesAny ?? []).some((text) => cause.includes(text))).flatMap((m) => m.offenceCodes);
  return [...new Set([...(c.offenceCode ? [c.offenceCode] : []), ...mapped])];
}

// ── figures no agency records ──────────────────────────────────────────────────────────────

/** The figures and text fields a condition reads. */
function fieldsOf(condition: Condition): { figures: string[]; attributes: string[] } {
  if ('any' in condition || 'all' in condition) {
    const parts = ('any' in condition ? condition.any : condition.all).map(fieldsOf);
    return { figures: parts.flatMap((p) => p.figures), attributes: parts.flatMap((p) => p.attributes) };
  }
  if ('figure' in condition) return { figures: [condition.figure], attributes: [] };
  if ('sum' in condition) return { figures: condition.sum.map((t) => t.figure), attributes: [] };
  if ('ratio' in condition) return { figures: [...condition.ratio], attributes: [] };
  if ('attribute' in condition) return { figures: [], attributes: [condition.attribute] };
  return { figures: [], attributes: [] };
}

/** What the agencies' cases carry: the kit's figures and each registered agency's own. */
export function recordedFields(kinds = AGENCY_KINDS) {
  return {
    figures: new Set([...KIT_FIGURES, ...kinds.flatMap((k) => k.figures)]),
    attributes: new Set(kinds.flatMap((k) => k.attributes)),
  };
}

/**
 * One line per threshold rule in force at `at` and field of it that no agency records: that way of
 * meeting the rule is never met until an agency records the field (it needs a new agency or field).
 */
export function unrecordedFieldWarnings(at: Date, rules: Rules = RULES, recorded = recordedFields()): string[] {
  const lines: string[] = [];
  for (const set of rules.thresholds) {
    for (const version of set.versions.filter((v) => inForceAt(v, at))) {
      const { figures, attributes } = fieldsOf(version.condition);
      for (const figure of [...new Set(figures)].filter((f) => !recorded.figures.has(f))) {
        lines.push(`thresholds.json ${set.offenceCode} (${set.offence}) version ${version.version}: figure ${figure} is recorded by no agency; this part of the rule is never met`);
      }
      for (const attribute of [...new Set(attributes)].filter((a) => !recorded.attributes.has(a))) {
        lines.push(`thresholds.json ${set.offenceCode} (${set.offence}) version ${version.version}: field ${attribute} is recorded by no agency; this part of the rule is never met`);
      }
    }
  }
  return lines;
}

/** At start-up: the warnings, one line each, on the subgraph's log (nothing to stop later). */
export const reportUnrecordedFields: Worker = async (runtime) => {
  for (const line of unrecordedFieldWarnings(runtime.now())) log.warn(line);
  return async () => {};
};
