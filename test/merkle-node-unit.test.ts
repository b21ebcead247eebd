// A Merkle tree's inner node, HASH(0x01 || left || right), made in one digest call over a buffer
// each hasher reuses (kit/merkle.ts): the same bytes as a Hash object fed the three parts, for
// both hashes, one node after another, and for inputs of another length.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { merkleHasher, MERKLE_HASHES } from '../kit/merkle';

const byDefinition = (name: string, left: Uint8Array, right: Uint8Array) =>
  createHash(name).update(Buffer.from([0x01])).update(left).update(right).digest();

describe.each(MERKLE_HASHES)('%s inner nodes', (name) => {
  const hasher = merkleHasher(name);

  it('are HASH(0x01 || left || right), each independent of the nodes made after it', () => {
    const pairs = Array.from({ length: 50 }, () => [randomBytes(32), randomBytes(32)] as const);
    const nodes = pairs.map(([left, right]) => hasher.node(left, right));
    pairs.forEach(([left, right], i) => expect(nodes[i].toString('hex')).toBe(byDefinition(name, left, right).toString('hex')));
    // A node made from nodes, as a tree does, and the same child on both sides.
    expect(hasher.node(nodes[0], nodes[1])).toEqual(byDefinition(name, nodes[0], nodes[1]));
    expect(hasher.node(nodes[2], nodes[2])).toEqual(byDefinition(name, nodes[2], nodes[2]));
  });

  it('are the same for children of another length (not hashes of this tree)', () => {
    for (const [left, right] of [[randomBytes(31), randomBytes(32)], [randomBytes(32), randomBytes(40)], [Buffer.alloc(0), Buffer.alloc(0)]]) {
      expect(hasher.node(left, right)).toEqual(byDefinition(name, left, right));
    }
  });
});
