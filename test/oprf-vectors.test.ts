// RFC 9497 (OPRFs using prime-order groups), Appendix A.3.2: the P256-SHA256 suite in verifiable
// mode, the one kit/crypto/oprf.ts uses for party references (issue 17). Pure computation: no hub.
// The vectors are copied from the RFC into test/oprf-vectors/p256-sha256-voprf.json.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { p256_oprf } from '@noble/curves/nist.js';
import { blindInput, evaluateBlinded, evaluateDirectly, finalizeEvaluation, generateOprfKey, oprfKeyOf, OPRF_SUITE, PARTY_REF, partyInput } from '../kit/crypto/oprf';

interface Vector { name: string; batchSize: number; data: { Input: string[]; Blind: string[]; BlindedElement: string[]; EvaluationElement: string[]; Proof: string; ProofRandomScalar: string; Output: string[] } }
const RFC: { suite: string; mode: string; Seed: string; KeyInfo: string; skSm: string; pkSm: string; tests: Vector[] } =
  JSON.parse(readFileSync(new URL('./oprf-vectors/p256-sha256-voprf.json', import.meta.url), 'utf8'));

const h = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/**
 * The RFC fixes the random scalars (blinds, the proof's r). The library draws a scalar as
 * (48 random bytes mod (n-1)) + 1, so the bytes of s - 1 make it draw exactly s.
 */
const drawing = (...scalars: string[]) => (length?: number) => {
  const s = scalars.shift();
  if (!s || length !== 48) throw new Error('unexpected draw');
  return Uint8Array.from(Buffer.from((BigInt(`0x${s}`) - 1n).toString(16).padStart(96, '0'), 'hex'));
};

describe(`RFC 9497 appendix A.3.2: ${RFC.suite}, ${RFC.mode} mode`, () => {
  test('the module runs the suite the vectors are for', () => {
    expect(OPRF_SUITE).toBe(RFC.suite);
  });

  test('DeriveKeyPair(Seed, KeyInfo) gives skSm and pkSm; the kit recomputes pkSm from skSm', () => {
    const keys = p256_oprf.voprf.deriveKeyPair(h(RFC.Seed), h(RFC.KeyInfo));
    expect(hex(keys.secretKey)).toBe(RFC.skSm);
    expect(hex(keys.publicKey)).toBe(RFC.pkSm);
    expect(oprfKeyOf('rfc', RFC.skSm).publicKey).toBe(RFC.pkSm);
  });

  describe.each(RFC.tests)('$name', (vector) => {
    const { data } = vector;
    const key = oprfKeyOf('rfc', RFC.skSm);

    test('Blind with the vector\'s blinds gives its blinded elements', () => {
      data.Input.forEach((input, i) => {
        const { blind, blinded } = p256_oprf.voprf.blind(h(input), drawing(data.Blind[i]));
        expect(hex(blind)).toBe(data.Blind[i]);
        expect(hex(blinded)).toBe(data.BlindedElement[i]);
      });
    });

    test('BlindEvaluate with the vector\'s proof scalar gives its evaluations and proof', () => {
      const { evaluated, proof } = p256_oprf.voprf.blindEvaluateBatch(key.secretKey, h(RFC.pkSm), data.BlindedElement.map(h), drawing(data.ProofRandomScalar));
      expect(evaluated.map(hex)).toEqual(data.EvaluationElement);
      expect(hex(proof)).toBe(data.Proof);
    });

    test('the kit\'s Finalize checks the vector\'s proof against pkSm and gives its outputs', () => {
      const items = data.Input.map((input, i) => ({ input: h(input), blind: h(data.Blind[i]), blinded: data.BlindedElement[i] }));
      expect(finalizeEvaluation(RFC.pkSm, items, { keyId: 'rfc', evaluated: data.EvaluationElement, proof: data.Proof })).toEqual(data.Output);
    });

    test('the kit\'s evaluation (random proof scalar) gives the same elements, and a proof that verifies', () => {
      const answer = evaluateBlinded(key, data.BlindedElement);
      expect(answer.evaluated).toEqual(data.EvaluationElement);
      const items = data.Input.map((input, i) => ({ input: h(input), blind: h(data.Blind[i]), blinded: data.BlindedElement[i] }));
      expect(finalizeEvaluation(RFC.pkSm, items, answer)).toEqual(data.Output);
    });

    test('Evaluate with the key gives the same outputs as the blinded protocol', () => {
      expect(data.Input.map((input) => evaluateDirectly(key, h(input)))).toEqual(data.Output);
    });
  });
});

describe('what the sender checks before using a reference', () => {
  const key = generateOprfKey('k1');
  const input = partyInput('NATURAL_PERSON', '11010519491231002X');

  test('a round trip with fresh blinds gives the key holder\'s own evaluation, as a 64-hex reference', () => {
    const item = blindInput(input);
    const [ref] = finalizeEvaluation(key.publicKey, [item], evaluateBlinded(key, [item.blinded]));
    expect(ref).toMatch(PARTY_REF);
    expect(ref).toBe(evaluateDirectly(key, input));
    // Two blinds of one input look unrelated to the evaluator.
    expect(blindInput(input).blinded).not.toBe(item.blinded);
  });

  test('an evaluation under another key is refused, though it names the published key\'s id', () => {
    const other = { ...generateOprfKey('k1') };
    const item = blindInput(input);
    expect(() => finalizeEvaluation(key.publicKey, [item], evaluateBlinded(other, [item.blinded]))).toThrow();
  });

  test('a proof for other elements, or a missing evaluation, is refused', () => {
    const [a, b] = [blindInput(input), blindInput(partyInput('ORGANIZATION', '91320706MA1XXXXXX0'))];
    const answer = evaluateBlinded(key, [a.blinded, b.blinded]);
    expect(() => finalizeEvaluation(key.publicKey, [b, a], answer)).toThrow();
    expect(() => finalizeEvaluation(key.publicKey, [a, b], { ...answer, evaluated: answer.evaluated.slice(0, 1) })).toThrow();
  });

  test('the evaluator refuses what is not a curve point', () => {
    expect(() => evaluateBlinded(key, ['05' + '00'.repeat(32)])).toThrow();
    expect(() => evaluateBlinded(key, ['02' + 'ff'.repeat(32)])).toThrow();
    expect(() => evaluateBlinded(key, ['11010519491231002X'])).toThrow(/hex/);
  });
});
