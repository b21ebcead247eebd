/**
 * The hub's notion of now. Deadlines and overdue checks read it instead of Date.now(), so tests
 * can move time forward in every process (POST /internal/clock, honoured only when
 * HUB_TEST_CLOCK=1; production never sets it).
 */
export class Clock {
  private offsetMs = 0;

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
