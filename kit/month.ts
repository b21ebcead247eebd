import { badInput } from './errors';

/**
 * A calendar month of the monthly scorecard (一月一晒绩), 'YYYY-MM'. Months are China Standard
 * Time months (UTC+8, no daylight saving), like every legal date of the hub: a case recorded at
 * 2026-03-31T20:00Z belongs to April.
 */
export interface MonthRange { month: string; start: Date; end: Date }

const CST_OFFSET_MS = 8 * 3_600_000;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function monthRange(month: string): MonthRange | null {
  const match = MONTH.exec(month);
  if (!match) return null;
  const year = Number(match[1]), index = Number(match[2]) - 1;
  if (year < 2000 || year > 2100) return null;
  return { month, start: new Date(Date.UTC(year, index, 1) - CST_OFFSET_MS), end: new Date(Date.UTC(year, index + 1, 1) - CST_OFFSET_MS) };
}

/** The month (China Standard Time) an instant falls in. */
export function monthOf(at: Date): string {
  return new Date(at.getTime() + CST_OFFSET_MS).toISOString().slice(0, 7);
}

/** Validates a month argument: BAD_USER_INPUT naming the field and the rule; with `now`, no month after the current one. */
export function requireMonth(field: string, value: unknown, now?: Date): MonthRange {
  const range = typeof value === 'string' ? monthRange(value) : null;
  if (!range) throw badInput(field, 'month', "must be a month 'YYYY-MM' between 2000-01 and 2100-12");
  if (now && range.start.getTime() > now.getTime()) throw badInput(field, 'notInFuture', 'must not be a month that has not begun');
  return range;
}

/** Batch-loader key of one bureau's month. */
export const scorecardKey = (agencyCode: string, month: string) => `${agencyCode}|${month}`;
export function parseScorecardKey(key: string): { agencyCode: string; month: string } {
  const at = key.lastIndexOf('|');
  return { agencyCode: key.slice(0, at), month: key.slice(at + 1) };
}

/** The SDL every contributor of the Scorecard entity shares: who may see it, and its key. */
export const SCORECARD_ACCESS = '@requiresScopes(scopes: [["case:read"], ["supervision:read"]])';
