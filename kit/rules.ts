import { badInput } from './errors';

// Input rules shared by every owner. Each throws BAD_USER_INPUT naming the field and the rule.

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** 18-digit resident ID number, GB 11643-1999: check digit and a real birth date. */
export function residentIdCheckDigit(first17: string): string {
  return ID_CHECK[ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(first17[i]), 0) % 11];
}

/** `now` (the runtime's clock) also refuses a birth date after it; without it only the number's form is checked. */
export function isResidentIdNumber(value: string, now?: Date): boolean {
  if (!/^\d{17}[\dX]$/.test(value)) return false;
  if (residentIdCheckDigit(value) !== value[17]) return false;
  const y = Number(value.slice(6, 10)), m = Number(value.slice(10, 12)), d = Number(value.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  return birth.getUTCFullYear() === y && birth.getUTCMonth() === m - 1 && birth.getUTCDate() === d && y >= 1900 && (!now || birth.getTime() <= now.getTime());
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Unified social credit code (统一社会信用代码), GB 32100-2015: charset and check character. */
export function creditCodeCheckCharacter(first17: string): string {
  const sum = USCC_WEIGHTS.reduce((acc, w, i) => acc + w * USCC_CHARS.indexOf(first17[i]), 0);
  return USCC_CHARS[(31 - (sum % 31)) % 31];
}

export function isUnifiedSocialCreditCode(value: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(value)) return false;
  return creditCodeCheckCharacter(value) === value[17];
}

/** 6-digit administrative division code (行政区划代码, GB/T 2260): province 11–82. */
export function isRegionCode(value: string): boolean {
  if (!/^\d{6}$/.test(value)) return false;
  const province = Number(value.slice(0, 2));
  return province >= 11 && province <= 82;
}

// Text inputs, the one meaning of "empty" in the hub: text is trimmed; what is left empty is no text.

/** A required text: trimmed, not empty, at most `max` characters. */
export function requireText(field: string, value: unknown, max = 500): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text) throw badInput(field, 'required', 'must not be empty');
  if (text.length > max) throw badInput(field, 'maxLength', `must be at most ${max} characters`);
  return text;
}

/** An optional text: absent, empty or blank is null; otherwise trimmed and at most `max` characters. */
export function optionalText(field: string, value: unknown, max = 500): string | null {
  if (value === null || value === undefined || (typeof value === 'string' && value.trim() === '')) return null;
  return requireText(field, value, max);
}

export function requireRegion(field: string, value: string): string {
  if (!isRegionCode(value)) throw badInput(field, 'regionCode', 'must be a 6-digit administrative division code (GB/T 2260)');
  return value;
}

/**
 * The largest amount in yuan the hub accepts: ten trillion, above any enforcement case. Beyond it a
 * figure is a typo or an attack, and sums of such figures overflow to Infinity (which JSON cannot carry).
 */
export const MAX_AMOUNT = 1e13;
/** The largest quantity (tonnes, multiples of a standard) the hub accepts, for the same reason. */
export const MAX_QUANTITY = 1e9;

function requireBounded(field: string, value: number | null | undefined, max: number, what: string): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isFinite(value) || value < 0) throw badInput(field, 'nonNegative', `must be a non-negative ${what}`);
  if (value > max) throw badInput(field, 'max', `must be at most ${max} (${what})`);
  return value;
}

/** An amount in yuan: finite, not negative, at most MAX_AMOUNT. */
export function requireAmount(field: string, value: number | null | undefined): number | null {
  return requireBounded(field, value, MAX_AMOUNT, 'amount in yuan');
}

/** A quantity (tonnes, a multiple of a standard): finite, not negative, at most MAX_QUANTITY. */
export function requireQuantity(field: string, value: number | null | undefined): number | null {
  return requireBounded(field, value, MAX_QUANTITY, 'quantity');
}

/** `now` is the runtime's clock (runtime.now()), so a test that moves the clock moves this rule too. */
export function requirePastDate(field: string, value: string | Date | null | undefined, now: Date): Date | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw badInput(field, 'dateTime', 'must be an ISO 8601 date-time');
  if (date.getTime() > now.getTime()) throw badInput(field, 'notInFuture', 'must not be in the future');
  return date;
}

export type PartyKind = 'NATURAL_PERSON' | 'ORGANIZATION';

export function requirePartyIdentifier(field: string, kind: PartyKind, value: string | null | undefined, now: Date): string | null {
  if (value === null || value === undefined || value === '') return null;
  const normalised = normaliseIdentifier(value);
  if (kind === 'NATURAL_PERSON' && !isResidentIdNumber(normalised, now)) {
    throw badInput(field, 'residentIdNumber', 'must be an 18-digit resident ID number with a valid GB 11643 check digit');
  }
  if (kind === 'ORGANIZATION' && !isUnifiedSocialCreditCode(normalised)) {
    throw badInput(field, 'unifiedSocialCreditCode', 'must be an 18-character unified social credit code with a valid GB 32100 check character');
  }
  return normalised;
}

export function normaliseIdentifier(value: string): string {
  return value.trim().toUpperCase().replace(/\s+/g, '');
}

export function requirePhone(field: string, value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  const phone = value.replace(/[\s-]/g, '');
  if (!/^(1\d{10}|0\d{9,11})$/.test(phone)) throw badInput(field, 'phone', 'must be an 11-digit mobile number or an area-coded landline');
  return phone;
}

/** The prefix that a unit's region code covers: 320700 (a city) covers every 3207xx county. */
export function jurisdictionPrefix(region: string): string {
  if (region.endsWith('0000')) return region.slice(0, 2);
  if (region.endsWith('00')) return region.slice(0, 4);
  return region;
}

export function withinJurisdiction(unitRegion: string | undefined, region: string): boolean {
  return !!unitRegion && region.startsWith(jurisdictionPrefix(unitRegion));
}

/** Collects every broken rule of an input, so the caller hears all of them at once. */
export class Violations {
  readonly errors: ReturnType<typeof badInput>[] = [];
  /** Runs a rule; a broken one is noted and yields `fallback`. */
  check<T>(rule: () => T, fallback: T): T {
    try {
      return rule();
    } catch (error) {
      if ((error as any)?.extensions?.code !== 'BAD_USER_INPUT') throw error;
      this.errors.push(error as ReturnType<typeof badInput>);
      return fallback;
    }
  }
  add(field: string, rule: string, message: string): void {
    this.errors.push(badInput(field, rule, message));
  }
  /** Throws the first broken rule, listing all of them in extensions.violations. */
  throwIfAny(): void {
    if (!this.errors.length) return;
    const [first] = this.errors;
    first.extensions.violations = this.errors.map((e) => ({ field: e.extensions.field, rule: e.extensions.rule, message: e.message }));
    if (this.errors.length > 1) (first as any).message = `${first.message} (and ${this.errors.length - 1} more: ${this.errors.slice(1).map((e) => e.extensions.field).join(', ')})`;
    throw first;
  }
}
