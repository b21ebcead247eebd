// The audit rate's counters alone (gateway/audit/rate.ts), on a clock the test moves: a caller's
// window of requests that wrote audit entries, the refusals past it, and the one aggregated entry
// those refusals leave.
import { describe, expect, it } from 'vitest';
import { AuditRate } from '../gateway/audit/rate';
import type { AuditEntryInput } from '../gateway/audit/writer';

function setup(limit = 3, windowMs = 60_000) {
  let now = 1_000_000;
  const recorded: AuditEntryInput[] = [];
  const rate = new AuditRate({ limit, windowMs, now: () => now }, (entries) => recorded.push(...entries));
  const refusal = (trace: string) => (): AuditEntryInput => ({ subject: 'officer', role: 'agency_officer', coordinate: 'Operation.AUDIT_RATE_LIMITED', decision: 'denied', traceId: trace });
  return { rate, recorded, refusal, advance: (ms: number) => { now += ms; } };
}

describe('AuditRate', () => {
  it('lets a caller make `limit` audited requests per window, then refuses with the time left', () => {
    const { rate, refusal, advance } = setup(3, 60_000);
    for (let i = 0; i < 3; i++) {
      expect(rate.check('sub:a', refusal(`t${i}`))).toEqual({ refuse: false });
      rate.count('sub:a');
    }
    advance(20_000);
    expect(rate.check('sub:a', refusal('t3'))).toEqual({ refuse: true, first: true, retryAfterSeconds: 40 });
    expect(rate.check('sub:a', refusal('t4'))).toMatchObject({ refuse: true, first: false });
    // Another caller has its own window.
    expect(rate.check('sub:b', refusal('b0'))).toEqual({ refuse: false });
    // The window over, the caller is admitted again.
    advance(40_000);
    expect(rate.check('sub:a', refusal('t5'))).toEqual({ refuse: false });
  });

  it('requests that wrote nothing are not counted (check alone never fills a window)', () => {
    const { rate, refusal } = setup(2);
    for (let i = 0; i < 50; i++) expect(rate.check('address:127.0.0.1', refusal(`t${i}`)).refuse).toBe(false);
  });

  it('records the first refusal at once and the rest as one entry when the window closes', () => {
    const { rate, recorded, refusal, advance } = setup(1, 10_000);
    rate.count('sub:a');
    for (let i = 0; i < 25; i++) rate.check('sub:a', refusal(`t${i}`));
    expect(recorded).toEqual([expect.objectContaining({ coordinate: 'Operation.AUDIT_RATE_LIMITED', decision: 'denied', traceId: 't0' })]);
    rate.sweep();
    expect(recorded).toHaveLength(1); // the window is still open
    advance(10_000);
    rate.sweep();
    expect(recorded).toHaveLength(2);
    expect(recorded[1]).toMatchObject({ coordinate: 'Operation.AUDIT_RATE_LIMITED', decision: 'denied', entityId: 'refused:25', traceId: null });
    expect(rate.callers).toBe(0); // closed windows are forgotten
  });

  it('one refusal leaves one entry; a window closed at shutdown leaves its count too', () => {
    const { rate, recorded, refusal } = setup(1);
    rate.count('sub:a');
    rate.check('sub:a', refusal('only'));
    rate.count('sub:b');
    rate.check('sub:b', refusal('b1'));
    rate.check('sub:b', refusal('b2'));
    rate.sweep(true);
    expect(recorded.map((e) => [e.traceId, e.entityId ?? null])).toEqual([['only', null], ['b1', null], [null, 'refused:2']]);
  });
});
