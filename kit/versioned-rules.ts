import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Rules as versioned data (schema/deadlines.json, schema/thresholds.json): one loader and one
// convention for every rule file, so a version boundary means the same thing everywhere.
//
// THE CONVENTION: effectiveFrom and effectiveTo are both INCLUSIVE civil dates (YYYY-MM-DD) in
// China Standard Time; effectiveTo null = still in force. A version that a new one replaces on
// 2022-05-15 ends on 2022-05-14. Statutes say "自…起施行" (in force from that day) and name no
// end day, so the last day of the old version is the day before; inclusive dates are what a
// reader of the file checks against a gazette without arithmetic.
//
// Every check names the file, the rule and the field, so a bad edit stops the service at boot
// with a line that says where to look.

/** Dates count in China Standard Time: a month-end in Beijing is the month-end. */
export const LEGAL_UTC_OFFSET_MINUTES = 8 * 60;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

export interface Versioned {
  /** First day in force (inclusive, Beijing date). */
  effectiveFrom: string;
  /** Last day in force (inclusive, Beijing date); null while in force. */
  effectiveTo: string | null;
}

/** A rule file that fails its checks: `file: rule: field: why`. */
export class RuleFileError extends Error {
  constructor(readonly file: string, readonly rule: string, readonly field: string, why: string) {
    super(`${file}: ${rule}${field ? `: ${field}` : ''}: ${why}`);
    this.name = 'RuleFileError';
  }
}

/** The Beijing civil date of an instant, as YYYY-MM-DD. */
export function legalDate(at: Date, offsetMinutes = LEGAL_UTC_OFFSET_MINUTES): string {
  return new Date(at.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** 00:00 China Standard Time on a YYYY-MM-DD date. */
export function startOfLegalDay(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - LEGAL_UTC_OFFSET_MINUTES * 60_000);
}

/** The civil date one day after `date` (YYYY-MM-DD). */
export function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

export function isCivilDate(value: unknown): value is string {
  return typeof value === 'string' && DATE.test(value) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
}

/** Reads schema/<name> as JSON; a missing or malformed file is named. */
export function readRuleFile(name: string): unknown {
  const path = fileURLToPath(new URL(`../schema/${name}`, import.meta.url));
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new RuleFileError(name, '(file)', '', (error as Error).message);
  }
}

/** Checks a version's validity dates (the convention above). */
export function checkValidity(file: string, rule: string, v: Partial<Versioned>): void {
  if (!isCivilDate(v.effectiveFrom)) throw new RuleFileError(file, rule, 'effectiveFrom', `must be a date (YYYY-MM-DD), not ${JSON.stringify(v.effectiveFrom)}`);
  if (v.effectiveTo === undefined) throw new RuleFileError(file, rule, 'effectiveTo', 'is required: the last day in force (inclusive), or null while in force');
  if (v.effectiveTo !== null && !isCivilDate(v.effectiveTo)) throw new RuleFileError(file, rule, 'effectiveTo', `must be a date (YYYY-MM-DD) or null, not ${JSON.stringify(v.effectiveTo)}`);
  if (v.effectiveTo !== null && v.effectiveTo < v.effectiveFrom) {
    throw new RuleFileError(file, rule, 'effectiveTo', `${v.effectiveTo} is before effectiveFrom ${v.effectiveFrom} (both inclusive)`);
  }
}

/** Whether a version is in force on a Beijing civil date. */
export function inForceOn(v: Versioned, day: string): boolean {
  return v.effectiveFrom <= day && (v.effectiveTo === null || day <= v.effectiveTo);
}

/** Whether a version is in force at an instant (the Beijing date it falls on). */
export function inForceAt(v: Versioned, at: Date): boolean {
  return inForceOn(v, legalDate(at));
}

/**
 * Refuses two versions of one rule in force on the same day. `label` names a version in the
 * message (its `version` field, or its effectiveFrom).
 */
export function checkNoOverlap<V extends Versioned>(file: string, rule: string, versions: readonly V[], label: (v: V) => string = (v) => v.effectiveFrom): void {
  const sorted = [...versions].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  for (let i = 1; i < sorted.length; i++) {
    const before = sorted[i - 1], after = sorted[i];
    if (before.effectiveTo === null || before.effectiveTo >= after.effectiveFrom) {
      throw new RuleFileError(file, rule, 'effectiveTo',
        `versions ${label(before)} and ${label(after)} overlap: two versions of ${rule} are in force on ${after.effectiveFrom} (effectiveTo is inclusive)`);
    }
  }
}

/** The versions in force at `at`. */
export function versionsAt<V extends Versioned>(versions: readonly V[], at: Date): V[] {
  const day = legalDate(at);
  return versions.filter((v) => inForceOn(v, day));
}

/**
 * The version users are told about when a text is built without a date (an SDL description):
 * the open-ended one, else the latest. Computing a due date always picks by date instead.
 */
export function currentVersion<V extends Versioned>(versions: readonly V[]): V | undefined {
  const sorted = [...versions].sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom));
  return sorted.find((v) => v.effectiveTo === null) ?? sorted[0];
}
