import { GraphQLScalarType, Kind } from 'graphql';

// DateTime, as every subgraph and the gateway read it. The hub's users are in China: a date
// written without a time means that day in China Standard Time (UTC+08:00, no daylight saving),
// never UTC midnight and never the server's own zone:
//   "2026-09-15"                 2026-09-15T00:00:00+08:00 (a CalendarDate: the whole day)
//   "2026-09-15T08:30:00+08:00"  as written; any explicit offset, or Z, is kept
//   "2026-09-15T08:30" / "2026-09-15 08:30:00"   no offset: China Standard Time
// Anything else (a date that does not exist, "yesterday", a number) is refused.
// Results are always written in UTC (toISOString).

/** China Standard Time: UTC+08:00, all year. */
export const CHINA_OFFSET = '+08:00';
const DAY_MS = 24 * 3600_000;

/** An input given as a date alone: the instant is the day's start in China; `endOfDay` its last millisecond. */
export class CalendarDate extends Date {
  /** The date as written (YYYY-MM-DD). */
  readonly date: string;
  constructor(date: string) {
    super(`${date}T00:00:00${CHINA_OFFSET}`);
    this.date = date;
  }
  get endOfDay(): Date { return new Date(this.getTime() + DAY_MS - 1); }
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** The day exists in the calendar (no 2026-02-30), and the time of day is a time of day. */
function realDate(year: string, month: string, day: string): boolean {
  const d = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return d.getUTCFullYear() === Number(year) && d.getUTCMonth() === Number(month) - 1 && d.getUTCDate() === Number(day);
}

/** A DateTime input as the hub reads it (see above); a TypeError names what is wrong. */
export function parseDateTime(value: unknown): Date {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  if (typeof value !== 'string') throw new TypeError('DateTime must be an ISO 8601 date-time string');
  const text = value.trim();
  const date = DATE.exec(text);
  if (date) {
    if (!realDate(date[1], date[2], date[3])) throw new TypeError('DateTime must be an ISO 8601 date-time (no such date)');
    return new CalendarDate(text);
  }
  const dt = DATE_TIME.exec(text);
  if (!dt) throw new TypeError('DateTime must be an ISO 8601 date-time, e.g. 2026-09-15T08:30:00+08:00 or the date 2026-09-15 (China Standard Time)');
  const [, y, mo, d, h, mi, s = '00', frac = '', zone] = dt;
  if (!realDate(y, mo, d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) throw new TypeError('DateTime must be an ISO 8601 date-time (no such date or time)');
  const offset = !zone ? CHINA_OFFSET : zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  if (offset !== 'Z' && (Number(offset.slice(1, 3)) > 14 || Number(offset.slice(4)) > 59)) throw new TypeError('DateTime must be an ISO 8601 date-time (no such offset)');
  const instant = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${frac.slice(0, 4)}${offset}`);
  if (Number.isNaN(instant.getTime())) throw new TypeError('DateTime must be an ISO 8601 date-time');
  return instant;
}

/**
 * The upper bound of an inclusive range (`…To`): a CalendarDate covers its whole day
 * (decidedTo: "2026-09-30" takes decisions up to 2026-09-30T23:59:59.999+08:00); an instant is itself.
 */
export function inclusiveEnd(value: Date): Date {
  return value instanceof CalendarDate ? value.endOfDay : value;
}

function toDate(value: unknown): Date {
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) throw new TypeError('DateTime must be an ISO 8601 date-time');
  return date;
}

/** ISO 8601 date-time, written in UTC; read as above. Every subgraph and the gateway declare the same scalar. */
export const DateTime = new GraphQLScalarType({
  name: 'DateTime',
  serialize: (value) => toDate(value).toISOString(),
  parseValue: (value) => parseDateTime(value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new TypeError('DateTime must be a string');
    return parseDateTime(ast.value);
  },
});
