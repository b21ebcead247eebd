// kit/merkle.ts against the public RFC 6962 test vectors (transparency-dev/merkle, Apache-2.0,
// copied into test/merkle-vectors/ with their licence), and proofs made here checked by the
// verifiers for every size and index up to 40 leaves. Pure: no hub.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  consistencyProof, Frontier, inclusionProof, merkleHasher, rootOf, subtreesOf, verifyConsistency, verifyInclusion,
} from '../kit/merkle';

const VECTORS = fileURLToPath(new URL('./merkle-vectors/', import.meta.url));
const sha256 = merkleHasher('sha256');
const b64 = (s: string | null | undefined) => Buffer.from(s ?? '', 'base64');
const hex = (b: Buffer) => b.toString('hex');

function cases(kind: 'inclusion' | 'consistency'): [string, any][] {
  const found: [string, any][] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.json')) found.push([path.slice(VECTORS.length), JSON.parse(readFileSync(path, 'utf8'))]);
    }
  };
  walk(join(VECTORS, kind));
  return found;
}

/** RFC 6962 §2.1.3's test data: the eight inputs the vectors' trees are built from. */
const INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
const LEAVES = INPUTS.map((d) => sha256.leaf(d));

describe('the tree hash (RFC 6962 §2.1)', () => {
  it('hashes leaves with 0x00 and the empty tree as SHA-256 of nothing', () => {
    expect(hex(LEAVES[0])).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    expect(hex(rootOf(sha256, []))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('gives the published root of the eight test inputs', () => {
    expect(hex(rootOf(sha256, LEAVES))).toBe('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
  });

  it('a frontier saved and restored gives the same roots as the whole tree, leaf by leaf', () => {
    const leaves = Array.from({ length: 70 }, (_, i) => sha256.leaf(`entry ${i}`));
    const subtree = subtreesOf(sha256, leaves);
    let frontier = new Frontier(sha256);
    for (let n = 1; n <= leaves.length; n++) {
      frontier.append(leaves[n - 1]);
      expect(hex(frontier.root()), `size ${n}`).toBe(hex(subtree(0, n)));
      frontier = Frontier.restore(sha256, frontier.size, frontier.save());
    }
    expect(() => Frontier.restore(sha256, 3, [LEAVES[0]])).toThrow(/2 hashes/);
  });

  it('names its hash: sm3 gives another root over the same leaves, and an unknown name is refused', () => {
    const sm3 = merkleHasher('sm3');
    expect(sm3.leaf('').length).toBe(32);
    expect(hex(rootOf(sm3, INPUTS.map((d) => sm3.leaf(d))))).not.toBe(hex(rootOf(sha256, LEAVES)));
    expect(() => merkleHasher('md5' as never)).toThrow(/unknown hash/);
  });
});

describe('inclusion proofs against the published vectors', () => {
  it.each(cases('inclusion'))('%s', (_file, v) => {
    const ok = verifyInclusion(sha256, v.leafIdx, v.treeSize, b64(v.leafHash), (v.proof ?? []).map(b64), b64(v.root));
    expect(ok).toBe(!v.wantErr);
  });

  it('the happy paths are the proofs made here', () => {
    for (const [file, v] of cases('inclusion').filter(([, v]) => v.desc === 'happy path')) {
      const proof = inclusionProof(subtreesOf(sha256, LEAVES), v.leafIdx, v.treeSize);
      expect(proof.map((p) => p.toString('base64')), file).toEqual(v.proof ?? []);
    }
  });
});

describe('consistency proofs against the published vectors', () => {
  it.each(cases('consistency'))('%s', (_file, v) => {
    const ok = verifyConsistency(sha256, v.size1, v.size2, b64(v.root1), b64(v.root2), (v.proof ?? []).map(b64));
    expect(ok).toBe(!v.wantErr);
  });

  it('the happy paths are the proofs made here', () => {
    for (const [file, v] of cases('consistency').filter(([, v]) => v.desc === 'happy path')) {
      const proof = consistencyProof(subtreesOf(sha256, LEAVES), v.size1, v.size2);
      expect(proof.map((p) => p.toString('base64')), file).toEqual(v.proof ?? []);
    }
  });
});

describe('proofs made here, for every shape of tree up to 40 leaves', () => {
  const leaves = Array.from({ length: 40 }, (_, i) => sha256.leaf(`entry ${i}`));
  const subtree = subtreesOf(sha256, leaves);

  it('every leaf is proved in every tree that holds it, and only at its own index', () => {
    for (let size = 1; size <= leaves.length; size++) {
      const root = subtree(0, size);
      for (let index = 0; index < size; index++) {
        const proof = inclusionProof(subtree, index, size);
        expect(verifyInclusion(sha256, index, size, leaves[index], proof, root), `${index} in ${size}`).toBe(true);
        if (size > 1) expect(verifyInclusion(sha256, (index + 1) % size, size, leaves[index], proof, root)).toBe(false);
      }
    }
  });

  it('every tree is proved consistent with each of its prefixes, and a changed leaf breaks the proof', () => {
    const altered = [...leaves];
    altered[5] = sha256.leaf('rewritten');
    const alteredTree = subtreesOf(sha256, altered);
    for (let second = 1; second <= leaves.length; second++) {
      for (let first = 1; first <= second; first++) {
        const proof = consistencyProof(subtree, first, second);
        expect(verifyConsistency(sha256, first, second, subtree(0, first), subtree(0, second), proof), `${first} → ${second}`).toBe(true);
        // The old tree held the true leaf 5; a new tree that rewrote it cannot prove it extends it.
        if (first > 5) {
          const forged = consistencyProof(alteredTree, first, second);
          expect(verifyConsistency(sha256, first, second, subtree(0, first), alteredTree(0, second), forged)).toBe(false);
        }
      }
    }
  });
});
