// The audit entry's canonical JSON, made as one literal with the request's time turned into text
// once (kit/audit-chain.ts), is byte for byte what the field-by-field definition gives: every chain
// hash and Merkle leaf already written stays valid. No database.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditLeafHash, auditTime, canonicalJson, chainHash, chainHashOfCanonical, CHAIN_FIELDS, GENESIS_HASH, type AuditEntry } from '../kit/audit-chain';
import { merkleHasher } from '../kit/merkle';

/** The definition: CHAIN_FIELDS in order, absent values as null, a Date as its ISO string. */
function byDefinition(entry: AuditEntry): string {
  const canonical: Record<string, unknown> = {};
  for (const field of CHAIN_FIELDS) {
    const value = entry[field];
    canonical[field] = value instanceof Date ? value.toISOString() : value ?? null;
  }
  return JSON.stringify(canonical);
}

const texts = ['', 'a', '立案监督审查', '"quoted" \\ back', 'line\nbreak\ttab', '\u0001\u001f', '😀 pair', 'x'.repeat(500)];
const pick = (i: number, k: number) => texts[(i * 7 + k * 3) % texts.length];

function entry(i: number, at: Date): AuditEntry {
  return {
    at, subject: pick(i, 1) || 'anonymous', role: 'procurator', org: i % 2 ? pick(i, 2) : null, region: i % 3 ? '320706' : null,
    clientAddress: i % 4 ? '127.0.0.1' : null, operationName: i % 5 ? pick(i, 3) : null, documentHash: i % 2 ? 'ab'.repeat(32) : null,
    coordinate: 'Party.idNumber', entityId: i % 6 ? pick(i, 4) : null, decision: (['full', 'masked', 'denied'] as const)[i % 3],
    reason: i % 7 ? pick(i, 5) : null, traceId: i % 8 ? pick(i, 6) : null,
  };
}

describe('canonical JSON of an audit entry', () => {
  it('is the field-by-field definition for entries of shared and of different times', () => {
    const shared = new Date('2026-11-28T07:30:00.123Z');
    for (let i = 0; i < 200; i++) {
      // Runs of entries of one time, then another, then back: the remembered text follows the time.
      const at = i % 10 < 6 ? shared : new Date(shared.getTime() + (i % 10) * 1001);
      const e = entry(i, at);
      expect(canonicalJson(e)).toBe(byDefinition(e));
    }
  });

  it('takes absent fields as null, and a copy of the same time as the same text', () => {
    const e = { ...entry(1, new Date(0)), org: undefined, traceId: undefined } as unknown as AuditEntry;
    expect(canonicalJson(e)).toBe(byDefinition(e));
    expect(JSON.parse(canonicalJson(e))).toMatchObject({ at: '1970-01-01T00:00:00.000Z', org: null, traceId: null });
    const t = Date.parse('2031-05-06T01:02:03.004Z');
    expect(auditTime(new Date(t))).toBe('2031-05-06T01:02:03.004Z');
    expect(auditTime(new Date(t + 1))).toBe('2031-05-06T01:02:03.005Z');
    expect(auditTime(new Date(t))).toBe('2031-05-06T01:02:03.004Z');
  });

  it('refuses an invalid time as toISOString does', () => {
    expect(() => canonicalJson(entry(1, new Date(Number.NaN)))).toThrow(RangeError);
    expect(() => auditTime(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('gives the chain hash and the Merkle leaf from one canonical text', () => {
    const e = entry(3, new Date('2026-11-28T07:31:00.000Z'));
    const canonical = canonicalJson(e);
    expect(chainHashOfCanonical(GENESIS_HASH, canonical)).toBe(chainHash(GENESIS_HASH, e));
    const sha256 = merkleHasher('sha256');
    expect(sha256.leaf(canonical).equals(auditLeafHash(sha256, e))).toBe(true);
  });

  it('hashes as a Hash object does: the chain over the text\'s UTF-8, the leaf over 0x00 and it (sha256 and sm3)', () => {
    for (let i = 0; i < 50; i++) {
      const canonical = canonicalJson(entry(i, new Date(Date.UTC(2026, 10, 28, 7, i))));
      const prev = createHash('sha256').update(String(i)).digest('hex');
      expect(chainHashOfCanonical(prev, canonical)).toBe(createHash('sha256').update(`${prev}\n${canonical}`, 'utf8').digest('hex'));
      for (const name of ['sha256', 'sm3'] as const) {
        const expected = createHash(name).update(Buffer.from([0])).update(Buffer.from(canonical, 'utf8')).digest();
        expect(merkleHasher(name).leaf(canonical).equals(expected)).toBe(true);
        expect(merkleHasher(name).leaf(Buffer.from(canonical, 'utf8')).equals(expected)).toBe(true);
      }
    }
    // A lone surrogate (the writer never stores one) is encoded alike both ways.
    const odd = 'a\uD800b';
    expect(merkleHasher().leaf(odd).equals(createHash('sha256').update(Buffer.from([0])).update(Buffer.from(odd, 'utf8')).digest())).toBe(true);
  });
});
