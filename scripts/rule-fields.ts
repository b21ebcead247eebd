import { readRuleFile } from '../kit/versioned-rules';
import { RULES, type Condition, type Rules } from '../subgraphs/procuratorate/thresholds';
import { AGENCY_KINDS, KIT_FIGURES, type AgencyKind } from '../subgraphs/agencies/registry';

// Rules and fields agree. A threshold rule (schema/thresholds.json) reads a case's figures and
// text fields by name; an agency records them under the names of its own fields. A name that
// differs on one side composes fine and silently disables the rule (an agency recording
// `directEconomicLoss` never meets 刑法 第一百三十四条's `directLoss`). thresholds.json says, in
// `recordedBy`, which kinds of agency record each field its rules read; this check holds both
// sides to it (test/thresholds-fields.test.ts, and `npm run compose` refuses to write otherwise).

/** Field name → the agency kinds (registry.ts `kind`) that record it. */
export type RecordedBy = Record<string, string[]>;

/** The figures and text fields a condition reads. */
export function fieldsRead(condition: Condition): { figures: string[]; attributes: string[] } {
  if ('any' in condition || 'all' in condition) {
    const parts = ('any' in condition ? condition.any : condition.all).map(fieldsRead);
    return { figures: parts.flatMap((p) => p.figures), attributes: parts.flatMap((p) => p.attributes) };
  }
  if ('figure' in condition) return { figures: [condition.figure], attributes: [] };
  if ('sum' in condition) return { figures: condition.sum.map((t) => t.figure), attributes: [] };
  if ('ratio' in condition) return { figures: [...condition.ratio], attributes: [] };
  if ('attribute' in condition) return { figures: [], attributes: [condition.attribute] };
  return { figures: [], attributes: [] };
}

export interface RuleFieldReport {
  /** A rule names a field no agency kind records, or an agency of a kind named for it lacks it: composition fails. */
  problems: string[];
  /** Fields whose kinds run no agency yet (逃税: no tax agency): the rule waits for one; the procuratorate warns at start-up. */
  waiting: string[];
}

/** Every threshold version's figures and text fields against `recordedBy` and the registered agencies. */
export function checkRuleFields(rules: Pick<Rules, 'thresholds'> = RULES, recordedBy: RecordedBy = readRecordedBy(),
  kinds: AgencyKind[] = AGENCY_KINDS): RuleFieldReport {
  const problems: string[] = [];
  const waiting: string[] = [];
  for (const set of rules.thresholds) {
    for (const version of set.versions) {
      const where = `thresholds.json ${set.offenceCode} (${set.offence}) version ${version.version}`;
      const read = fieldsRead(version.condition);
      const named = [
        ...[...new Set(read.figures)].filter((f) => !KIT_FIGURES.includes(f)).map((name) => ({ name, what: 'figure' as const })),
        ...[...new Set(read.attributes)].map((name) => ({ name, what: 'attribute' as const })),
      ];
      for (const { name, what } of named) {
        const kindsOf = recordedBy[name];
        if (!kindsOf?.length) {
          problems.push(`${where}: ${what} ${name} is recorded by no agency kind (thresholds.json recordedBy names none)`);
          continue;
        }
        const agencies = kinds.filter((k) => kindsOf.includes(k.kind));
        if (!agencies.length) waiting.push(`${where}: ${what} ${name} waits for an agency of kind ${kindsOf.join(' or ')}`);
        for (const agency of agencies) {
          const recorded = what === 'figure' ? agency.figures : agency.attributes;
          if (!recorded.includes(name)) {
            problems.push(`${where}: ${what} ${name} is not recorded by agency ${agency.name} (${agency.kind}), which records ${recorded.join(', ') || 'nothing of the kind'}`);
          }
        }
      }
    }
  }
  return { problems: [...new Set(problems)], waiting: [...new Set(waiting)] };
}

/** thresholds.json `recordedBy`: which kinds of agency record each field its rules read. */
export function readRecordedBy(document: unknown = readRuleFile('thresholds.json')): RecordedBy {
  const recordedBy = (document as { recordedBy?: unknown })?.recordedBy;
  if (!recordedBy || typeof recordedBy !== 'object') throw new Error('thresholds.json: recordedBy must map each field to the agency kinds that record it');
  return Object.fromEntries(Object.entries(recordedBy).filter(([k]) => k !== '$comment')) as RecordedBy;
}
