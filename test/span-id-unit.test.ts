// The parent span id the gateway puts in a fetch's traceparent when traces are off
// (kit/tracing.ts randomSpanId): 16 hex digits, fresh for every fetch, across the refills
// of the random pool it is drawn from.
import { describe, expect, it } from 'vitest';
import { randomSpanId } from '../kit/tracing';

describe('a fetch parent span id', () => {
  it('is 16 hex digits, never the same twice over several refills of its pool', () => {
    const ids = Array.from({ length: 2_000 }, () => randomSpanId());
    for (const id of ids) expect(id).toMatch(/^[\da-f]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
