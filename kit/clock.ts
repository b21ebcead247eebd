/**
 * The hub's notion of now. Deadlines and overdue checks read it instead of Date.now(), so tests
 * can move time forward in every process (POST /internal/clock, honoured only when
 * HUB_TEST_CLOCK=1; production never sets it).
 */
export class Clock {
  private offsetMs: number;

  /** `startOffsetMs` (≤ 0): a test or demo hub that starts in the past (clockStartOffset). */
  constructor(startOffsetMs = 0) {
    if (!Number.isFinite(startOffsetMs) || startOffsetMs > 0) throw new Error('a clock may start in the past only');
    this.offsetMs = startOffsetMs;
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error('the clock only moves forward');
    this.offsetMs += ms;
  }

  get offset(): number {
    return this.offsetMs;
  }
}

/** The longest a clock may start back: the demo's twelve months of history, with room to spare. */
export const MAX_CLOCK_START_BACK_MS = 400 * 24 * 3600_000;

/**
 * HUB_TEST_CLOCK_START (an ISO instant in the past): where the clock of a test or demo hub starts,
 * so `npm run demo` can record twelve months of history as it happened and advance to now. Only
 * with HUB_TEST_CLOCK=1, never with NODE_ENV=production, never in the future, at most
 * MAX_CLOCK_START_BACK_MS back: a process given it otherwise refuses to start, so a stray
 * variable cannot backdate a production hub's records or un-expire its deadlines.
 */
export function clockStartOffset(env: NodeJS.ProcessEnv): number {
  const start = env.HUB_TEST_CLOCK_START;
  if (start === undefined || start === '') return 0;
  if (env.NODE_ENV === 'production') throw new Error('HUB_TEST_CLOCK_START is refused with NODE_ENV=production');
  if (env.HUB_TEST_CLOCK !== '1') throw new Error('HUB_TEST_CLOCK_START needs HUB_TEST_CLOCK=1 (a test or demo hub)');
  const at = Date.parse(start);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(start) || Number.isNaN(at)) throw new Error('HUB_TEST_CLOCK_START must be an ISO instant (2025-11-27T00:00:00Z)');
  const offset = at - Date.now();
  if (offset > 0) throw new Error('HUB_TEST_CLOCK_START must not be in the future');
  if (-offset > MAX_CLOCK_START_BACK_MS) throw new Error('HUB_TEST_CLOCK_START is more than 400 days back');
  return offset;
}
