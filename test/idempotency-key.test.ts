// The pure part of idempotent writes (gateway/idempotency/key.ts), without a hub: which keys are
// accepted, what makes two requests the same, what the database holds of a key and an answer.
import { describe, expect, it } from 'vitest';
import {
  canonicalJson, isCompletedAnswer, isMutation, keyMaterial, KEY_MAX_LENGTH, KEY_MIN_LENGTH, openAnswer,
  parseIdempotencyKey, requestFingerprint, sealAnswer,
} from '../gateway/idempotency/key';

const UUID = '5f0c7b9e-3a1d-4c2b-9e8f-0a1b2c3d4e5f';

describe('Idempotency-Key limits', () => {
  it('absent: no key (the request runs as before)', () => {
    expect(parseIdempotencyKey(undefined)).toBeNull();
  });

  it('accepts a UUID, bare or as a structured-header string', () => {
    expect(parseIdempotencyKey(UUID)).toEqual({ ok: true, key: UUID });
    expect(parseIdempotencyKey(`"${UUID}"`)).toEqual({ ok: true, key: UUID });
  });

  it.each([
    ['too short to be unguessable', 'a'.repeat(KEY_MIN_LENGTH - 1)],
    ['too long', 'a'.repeat(KEY_MAX_LENGTH + 1)],
    ['a space', `${UUID} x`],
    ['a quote inside', `${UUID}"x`],
    ['non-ASCII', `${UUID}案件`],
    ['a newline', `${UUID}\nx`],
    ['two values', `${UUID},${UUID}`],
  ])('refuses %s', (_, key) => {
    expect(parseIdempotencyKey(key)).toMatchObject({ ok: false });
  });

  it('refuses the header sent twice', () => {
    expect(parseIdempotencyKey([UUID, UUID])).toMatchObject({ ok: false });
  });
});

describe('what is kept of a key', () => {
  it('another caller with the same key gets another row and another secret', () => {
    const a = keyMaterial('user:a', UUID);
    const b = keyMaterial('user:b', UUID);
    expect(a.lookup).not.toBe(b.lookup);
    expect(a.subjectDigest).not.toBe(b.subjectDigest);
    expect(a.secret.equals(b.secret)).toBe(false);
  });

  it('neither the key nor the subject appears in what is stored', () => {
    const m = keyMaterial('user:a', UUID);
    expect(m.lookup).toMatch(/^[0-9a-f]{64}$/);
    expect(m.lookup).not.toContain(UUID);
    expect(m.subjectDigest).not.toContain('user:a');
  });
});

describe('request fingerprint', () => {
  const { secret } = keyMaterial('user:a', UUID);
  const query = 'mutation($input: X!) { create(input: $input) { id } }';

  it('the same request with variables in another key order is the same request', () => {
    expect(requestFingerprint(secret, { query, variables: { input: { a: 1, b: [1, { c: 2, d: 3 }] } } }))
      .toBe(requestFingerprint(secret, { query, variables: { input: { b: [1, { d: 3, c: 2 }], a: 1 } } }));
    expect(canonicalJson({ b: 1, a: { d: 1, c: 2 } })).toBe('{"a":{"c":2,"d":1},"b":1}');
  });

  it.each([
    ['another variable value', { query, variables: { input: { a: 2 } } }],
    ['another operation text', { query: `${query} `, variables: { input: { a: 1 } } }],
    ['another operation name', { query, operationName: 'Other', variables: { input: { a: 1 } } }],
  ])('%s is another request', (_, other) => {
    expect(requestFingerprint(secret, other)).not.toBe(requestFingerprint(secret, { query, variables: { input: { a: 1 } } }));
  });

  it('is keyed: without the key a stored fingerprint confirms no guessed request', () => {
    const other = keyMaterial('user:a', `${UUID}0`).secret;
    expect(requestFingerprint(secret, { query })).not.toBe(requestFingerprint(other, { query }));
  });
});

describe('which requests are writes', () => {
  it.each([
    ['a mutation', 'mutation { a }', undefined, true],
    ['an anonymous mutation in braces form', 'mutation M($x: ID) { a(x: $x) }', null, true],
    ['a query', '{ a }', undefined, false],
    ['a named query among a mutation', 'query Q { a } mutation M { b }', 'Q', false],
    ['the named mutation among a query', 'query Q { a } mutation M { b }', 'M', true],
    ['two operations and no name', 'query Q { a } mutation M { b }', undefined, false],
    ['text that does not parse', 'mutation {', undefined, false],
  ])('%s', (_, query, name, expected) => {
    expect(isMutation(query, name)).toBe(expected);
  });
});

describe('the stored answer', () => {
  it('is sealed: the ciphertext holds nothing of the answer, and opens only with the key and its row', () => {
    const m = keyMaterial('user:a', UUID);
    const answer = JSON.stringify({ data: { create: { party: { name: '张伟', idNumber: '320706198503120011' } } } });
    const sealed = sealAnswer(m.secret, m.lookup, answer);
    expect(sealed.toString('latin1')).not.toContain('320706198503120011');
    expect(openAnswer(m.secret, m.lookup, sealed)).toBe(answer);
    expect(() => openAnswer(keyMaterial('user:a', `${UUID}0`).secret, m.lookup, sealed)).toThrow();
    expect(() => openAnswer(m.secret, keyMaterial('user:b', UUID).lookup, sealed)).toThrow();
  });

  it.each([
    ['an executed mutation', 200, '{"data":{"create":{"id":"1"}}}', true],
    ['a mutation with one field answered and one refused', 200, '{"data":{"a":{"id":"1"},"b":null},"errors":[{}]}', true],
    ['every field null (input refused, nothing written)', 200, '{"data":{"create":null},"errors":[{}]}', false],
    ['refused before execution (400)', 400, '{"errors":[{}]}', false],
    ['forbidden (403)', 403, '{"errors":[{}]}', false],
    ['no data', 200, '{"errors":[{}]}', false],
    ['not JSON', 200, 'oops', false],
  ])('kept for retries: %s → %s', (_, status, body, kept) => {
    expect(isCompletedAnswer(status, body)).toBe(kept);
  });
});
