// Fails on purpose: test/exit-code.test.ts runs it to show a failing run exits non-zero.
import { expect, it } from 'vitest';

it('fails', () => { expect(1).toBe(2); });
