// A checkpoint grown from the one before (kit/merkle.ts growTree): the frontier, root and
// consistency proof from the old size are the ones the whole tree gives, and each node is hashed
// once, as many as the frontier alone hashed, so the gateway's checkpointer proves each checkpoint
// for nothing and the witness courier need not hash the new leaves' subtrees again. No database.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { consistencyProof, Frontier, growTree, merkleHasher, subtreesOf, verifyConsistency, type MerkleHasher } from '../kit/merkle';

const sha256 = merkleHasher('sha256');
const leaves = (n: number, seed = 'leaf') => Array.from({ length: n }, (_, i) => sha256.leaf(`${seed}-${i}`));
const hex = (hashes: readonly Buffer[]) => hashes.map((h) => h.toString('hex'));

/** A hasher that counts the inner nodes it hashes. */
function counting(): MerkleHasher & { nodes: number } {
  const inner = merkleHasher('sha256');
  const hasher = { ...inner, nodes: 0, node: (l: Uint8Array, r: Uint8Array) => { hasher.nodes++; return inner.node(l, r); } };
  return hasher;
}

describe('a tree grown from a frontier by new leaves', () => {
  it('gives the frontier, root and consistency proof of the whole tree, for every old and new size up to 70', () => {
    const all = leaves(70);
    const whole = subtreesOf(sha256, all);
    for (let n = 1; n <= all.length; n++) {
      const full = new Frontier(sha256, all.slice(0, n));
      for (let m = 0; m <= n; m++) {
        const grown = growTree(sha256, new Frontier(sha256, all.slice(0, m)), all.slice(m, n));
        expect(grown.frontier.size).toBe(n);
        expect(hex(grown.frontier.save())).toEqual(hex(full.save()));
        expect(grown.root.toString('hex')).toBe(full.root().toString('hex'));
        // From the empty tree there is nothing to prove, and a tree proves itself with nothing.
        expect(hex(grown.proof)).toEqual(m === 0 ? [] : hex(consistencyProof(whole, m, n)));
        if (m > 0) expect(verifyConsistency(sha256, m, n, whole(0, m), grown.root, grown.proof)).toBe(true);
      }
    }
  });

  it('works from a frontier restored from its saved hashes, as the checkpointer keeps it, at sizes far from zero', () => {
    const all = leaves(5000, 'big');
    const whole = subtreesOf(sha256, all);
    for (const [m, n] of [[1, 5000], [4096, 4097], [4095, 4096], [3000, 4999], [2048, 5000], [4999, 5000], [1023, 1025]]) {
      const saved = new Frontier(sha256, all.slice(0, m)).save();
      const grown = growTree(sha256, Frontier.restore(sha256, m, saved), all.slice(m, n));
      expect(grown.root.toString('hex')).toBe(whole(0, n).toString('hex'));
      expect(hex(grown.proof)).toEqual(hex(consistencyProof(whole, m, n)));
      // The next checkpoint grows from this one's frontier.
      if (n < 5000) expect(growTree(sha256, grown.frontier, all.slice(n)).root.toString('hex')).toBe(whole(0, 5000).toString('hex'));
    }
  });

  it('hashes each node once: as many nodes as the frontier alone hashed for its new root', () => {
    const all = leaves(3000, 'count');
    for (const [m, n] of [[0, 3000], [1000, 3000], [2047, 2049], [2900, 3000], [7, 13], [1, 2], [64, 100]]) {
      const byFrontier = counting();
      const frontier = new Frontier(byFrontier, all.slice(0, m));
      byFrontier.nodes = 0;
      for (const leaf of all.slice(m, n)) frontier.append(leaf);
      frontier.root();

      const byGrowth = counting();
      const grown = growTree(byGrowth, new Frontier(sha256, all.slice(0, m)), all.slice(m, n));
      expect(byGrowth.nodes).toBe(byFrontier.nodes);
      expect(grown.root.toString('hex')).toBe(frontier.root().toString('hex'));
    }
  });

  it('refuses leaves of another length and keeps the frontier it grew from as it was', () => {
    const base = new Frontier(sha256, leaves(5));
    const before = hex(base.save());
    expect(() => growTree(sha256, base, [Buffer.alloc(31)])).toThrow(/32 bytes/);
    const grown = growTree(sha256, base, leaves(3, 'more'));
    expect(grown.frontier.size).toBe(8);
    expect(base.size).toBe(5);
    expect(hex(base.save())).toEqual(before);
    expect(growTree(sha256, base, []).proof).toEqual([]);
    expect(growTree(sha256, base, []).root.toString('hex')).toBe(base.root().toString('hex'));
    expect(createHash('sha256').update('').digest('hex')).toBe(growTree(sha256, new Frontier(sha256), []).root.toString('hex'));
  });
});
