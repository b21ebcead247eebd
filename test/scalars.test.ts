// DateTime as the hub reads it (kit/scalars.ts; issue 12 "Dates"): a date alone is that day in
// China Standard Time, explicit offsets are kept, a time without an offset is China Standard Time
// too (never the server's zone), and what is no date is refused with a message naming the form.
import { describe, expect, it } from 'vitest';
import { Kind } from 'graphql';
import { CalendarDate, DateTime, inclusiveEnd, parseDateTime } from '../kit/scalars';

describe('DateTime inputs', () => {
  it.each([
    ['a date alone: the start of that day in China', '2026-09-15', '2026-09-14T16:00:00.000Z'],
    ['an explicit +08:00 offset', '2026-09-15T00:00:00+08:00', '2026-09-14T16:00:00.000Z'],
    ['UTC (Z)', '2026-09-15T02:00:00Z', '2026-09-15T02:00:00.000Z'],
    ['another offset', '2026-09-15T02:00:00-05:00', '2026-09-15T07:00:00.000Z'],
    ['an offset without a colon', '2026-09-15T08:00:00+0800', '2026-09-15T00:00:00.000Z'],
    ['milliseconds', '2026-09-15T08:00:00.250+08:00', '2026-09-15T00:00:00.250Z'],
    ['no offset: China Standard Time, whatever the server\'s zone', '2026-09-15 00:00', '2026-09-14T16:00:00.000Z'],
    ['no offset, with T and seconds', '2026-09-15T08:30:15', '2026-09-15T00:30:15.000Z'],
    ['the last day of a leap February', '2028-02-29', '2028-02-28T16:00:00.000Z'],
  ])('%s: %s', (_, input, instant) => {
    expect(parseDateTime(input).toISOString()).toBe(instant);
    expect((DateTime.parseValue(input) as Date).toISOString()).toBe(instant);
    expect((DateTime.parseLiteral({ kind: Kind.STRING, value: input }) as Date).toISOString()).toBe(instant);
  });

  it.each([
    ['words', 'yesterday'],
    ['a day that does not exist', '2026-02-30'],
    ['a month that does not exist', '2026-13-01'],
    ['an hour that does not exist', '2026-09-15T24:00:00+08:00'],
    ['an offset beyond any zone', '2026-09-15T00:00:00+15:00'],
    ['a date written the other way', '15/09/2026'],
    ['a number', 1757894400000],
    ['an empty string', ''],
  ])('refuses %s', (_, input) => {
    expect(() => DateTime.parseValue(input)).toThrow(/DateTime must be/);
  });

  it('refuses a literal that is not a string', () => {
    expect(() => DateTime.parseLiteral({ kind: Kind.INT, value: '20260915' })).toThrow(/must be a string/);
  });

  it('a date alone is a whole day as the upper bound of a range; an instant bounds itself', () => {
    const day = parseDateTime('2026-09-30');
    expect(day).toBeInstanceOf(CalendarDate);
    expect(inclusiveEnd(day).toISOString()).toBe('2026-09-30T15:59:59.999Z'); // 23:59:59.999 in China
    const instant = parseDateTime('2026-09-30T12:00:00+08:00');
    expect(instant).not.toBeInstanceOf(CalendarDate);
    expect(inclusiveEnd(instant)).toBe(instant);
  });

  it('writes every result in UTC', () => {
    expect(DateTime.serialize(parseDateTime('2026-09-15'))).toBe('2026-09-14T16:00:00.000Z');
    expect(DateTime.serialize(new Date('2026-09-15T02:00:00Z'))).toBe('2026-09-15T02:00:00.000Z');
  });
});
