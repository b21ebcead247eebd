// The soak's arithmetic (bench/soak.ts), without a hub: the memory slope it reports as "flat or
// not", and the loss accounting that says a write was lost or applied twice.
import { describe, expect, it } from 'vitest';
import { account, heapFromExposition, lossless, MIX, REQUESTS_PER_CYCLE, slope, summarize, type MemorySample } from '../bench/soak';

const at = (atSec: number, mb: number): MemorySample => ({ atSec, rssMb: { gateway: mb }, heapMb: {} });

describe('memory over time', () => {
  it('the slope is the least-squares line through the points, in units per minute', () => {
    expect(slope([{ t: 0, v: 100 }, { t: 1, v: 102 }, { t: 2, v: 104 }])).toBeCloseTo(2);
    expect(slope([{ t: 0, v: 100 }, { t: 1, v: 110 }, { t: 2, v: 100 }])).toBeCloseTo(0);
    expect(slope([{ t: 3, v: 5 }])).toBe(0);
    expect(slope([{ t: 3, v: 5 }, { t: 3, v: 9 }])).toBe(0);
  });

  it('summarizes start, end and max, and the slope of the second half only (a warm-up climb is not a leak)', () => {
    // Ten minutes: climbs 50 MB in the first five (JIT, caches, pools), then flat.
    const samples = Array.from({ length: 61 }, (_, i) => at(i * 10, i <= 30 ? 200 + (50 * i) / 30 : 250));
    expect(summarize(samples, (s) => s.rssMb.gateway)).toEqual({ startMb: 200, endMb: 250, maxMb: 250, slopeMbPerMinLastHalf: 0 });
    // A leak of 3 MB a minute throughout shows in the second half as 3.
    const leaking = Array.from({ length: 61 }, (_, i) => at(i * 10, 200 + 3 * (i / 6)));
    expect(summarize(leaking, (s) => s.rssMb.gateway)!.slopeMbPerMinLastHalf).toBeCloseTo(3, 5);
  });

  it('skips samples where a process was not visible, and gives nothing for a process never seen', () => {
    const samples = [at(0, 100), { atSec: 10, rssMb: {}, heapMb: {} }, at(20, 104)];
    expect(summarize(samples, (s) => s.rssMb.gateway)).toMatchObject({ startMb: 100, endMb: 104, maxMb: 104 });
    expect(summarize(samples, (s) => s.rssMb.justice)).toBeNull();
  });

  it("reads a service's heap from its Prometheus exposition, summed over its workers", () => {
    const text = '# HELP nodejs_heap_size_used_bytes x\n# TYPE nodejs_heap_size_used_bytes gauge\nnodejs_heap_size_used_bytes 52428800\n';
    expect(heapFromExposition(text)).toBe(50);
    expect(heapFromExposition('nodejs_heap_size_used_bytes{worker="1"} 1048576\nnodejs_heap_size_used_bytes{worker="2"} 2097152\n')).toBe(3);
    expect(heapFromExposition('process_resident_memory_bytes 1\n')).toBeUndefined();
  });
});

describe('loss accounting', () => {
  it('everything written found once: nothing lost', () => {
    const a = account(['a', 'b', 'c'], ['c', 'a', 'b']);
    expect(a).toEqual({ expected: 3, found: 3, missing: [], twice: [] });
    expect(lossless(a)).toBe(true);
  });

  it('names a write that is missing and one stored twice (applied twice)', () => {
    const a = account(['a', 'b', 'c'], ['a', 'a', 'c']);
    expect(a).toEqual({ expected: 3, found: 2, missing: ['b'], twice: ['a'] });
    expect(lossless(a)).toBe(false);
  });

  it('counts rows that are expected more than once (a transfer\'s two notices)', () => {
    expect(account(['t1', 't2'], ['t1', 't1', 't2'], 2)).toEqual({ expected: 4, found: 3, missing: ['t2'], twice: [] });
    expect(account(['t1'], ['t1', 't1', 't1'], 2)).toEqual({ expected: 2, found: 2, missing: [], twice: ['t1'] });
  });

  it('a key the soak wrote twice under one idempotency key is still one write', () => {
    expect(account(['a', 'a'], ['a'])).toEqual({ expected: 1, found: 1, missing: [], twice: [] });
  });

  it('rows the soak did not write are not its concern', () => {
    expect(lossless(account(['a'], ['a', 'seeded-1', 'seeded-2']))).toBe(true);
  });
});

describe('the mix', () => {
  it('is 20 requests a cycle: 7 case queries, 6 pages, 3 creates, 2 transfers, the inbox and its read mark', () => {
    const count = (kind: string) => MIX.filter((k) => k === kind).length;
    expect(REQUESTS_PER_CYCLE).toBe(20);
    expect([count('case'), count('page'), count('create'), count('transfer'), count('acknowledge')]).toEqual([7, 6, 3, 2, 1]);
  });
});
