// An operation's document id (gateway/trusted-documents.ts documentId): the sha256 of its text,
// which the manifest and every request's audit record name it by, whether or not the text was
// seen lately (ids of recent texts are kept so a repeated operation is not hashed again).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { documentId } from '../gateway/trusted-documents';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe("an operation's document id", () => {
  it('is the sha256 of its text, the first time and again, past the number of ids kept', () => {
    const texts = Array.from({ length: 1_500 }, (_, i) => `query Case${i % 700} { case(id: "${i % 3}") { id caseNumber } } # 案件 ${i}`);
    for (const round of [1, 2]) for (const text of texts) expect(documentId(text), `${round}: ${text}`).toBe(sha256(text));
  });

  it('is the sha256 of a long text, and of texts that differ only past their start or in one character', () => {
    const long = `{ cases(first: 50) { edges { node { id } } } }${' '.repeat(20_000)}`;
    const kept = `query Kept { ${'case { id } '.repeat(200)}`; // short enough for its id to be kept
    for (const text of [long, `${long}x`, long, kept, `${kept}}`, `${kept}x`, kept, 'query A { a }', 'query A { b }', 'query A { a }', '', 'ｑ']) expect(documentId(text)).toBe(sha256(text));
  });
});
