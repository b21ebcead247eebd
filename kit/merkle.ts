// The Merkle tree of a verifiable log (RFC 6962 §2.1, restated in RFC 9162 §2.1): the tree hash
// of n leaves, inclusion proofs (an entry is in the log) and consistency proofs (a later tree
// extends an earlier one: nothing was removed, changed or reordered). The audit log's checkpoints
// and the procuratorate's witness both rest on it (kit/checkpoint.ts).
//
// Leaf and node hashes are domain-separated (0x00 for a leaf, 0x01 for a node), so a leaf can
// never be passed off as an inner node (second-preimage attack on plain Merkle trees).
//
// Tree sizes are JavaScript numbers (safe up to 2^53) and every step uses arithmetic, never the
// 32-bit bitwise operators.
import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';

/**
 * The hash of a tree, named so that a log can move to another one (algorithm agility): `sha256`
 * as RFC 6962 defines; `sm3` (GB/T 32905-2016, the national standard hash 密码杂凑算法) for a
 * deployment whose 密评 (GB/T 39786-2021) asks for it — Node's OpenSSL provides both.
 */
export type MerkleHashName = 'sha256' | 'sm3';
export const MERKLE_HASHES: readonly MerkleHashName[] = ['sha256', 'sm3'];

export interface MerkleHasher {
  name: MerkleHashName;
  /** Bytes of a hash. */
  size: number;
  /** MTH({}) = HASH(): the root of the empty tree. */
  empty(): Buffer;
  /** MTH({d}) = HASH(0x00 || d) */
  leaf(data: Uint8Array | string): Buffer;
  /** HASH(0x01 || left || right) */
  node(left: Uint8Array, right: Uint8Array): Buffer;
}

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** crypto.hash, the one-call digest of Node ≥ 20.12 (absent before it; the engines say ≥ 20). */
const hashOnce = (crypto as { hash?: typeof crypto.hash }).hash;

// The digest of a text's UTF-8 (an audit entry's canonical JSON): one call where Node has
// crypto.hash, about a third cheaper than a Hash object for texts this short, and the log makes
// two for each of the hundred entries a 50-case page releases.
export const digestHex = (name: MerkleHashName, text: string): string =>
  (hashOnce ? hashOnce(name, text, 'hex') : createHash(name).update(text, 'utf8').digest('hex'));
export const digestBytes = (name: MerkleHashName, text: string): Buffer =>
  (hashOnce ? hashOnce(name, text, 'buffer') : createHash(name).update(text, 'utf8').digest());

export function merkleHasher(name: MerkleHashName = 'sha256'): MerkleHasher {
  if (!MERKLE_HASHES.includes(name)) throw new Error(`merkle: unknown hash ${String(name)} (one of ${MERKLE_HASHES.join(', ')})`);
  // A node is 0x01 and two hashes: laid into one buffer of the hasher's and digested in one call,
  // about 40% cheaper than a Hash object fed three times, with nothing left for the collector.
  // The tree's nodes are most of the audit subgraph's work (the witness courier's consistency
  // proofs hash each new entry's subtrees), and the checkpointer's frontier hashes them too.
  // digest() copies its input, so the buffer is reused; hashes of another length take the long way.
  const pair = Buffer.alloc(1 + 2 * 32);
  pair[0] = 0x01;
  return {
    name,
    size: 32, // both SHA-256 and SM3 give 256 bits
    empty: () => createHash(name).digest(),
    // A text's leaf: its UTF-8 after the 0x00 (the NUL character is that byte in UTF-8).
    leaf: (data) => (typeof data === 'string' ? digestBytes(name, `\u0000${data}`) : createHash(name).update(LEAF_PREFIX).update(data).digest()),
    node: (left, right) => {
      if (!hashOnce || left.length !== 32 || right.length !== 32) return createHash(name).update(NODE_PREFIX).update(left).update(right).digest();
      pair.set(left, 1);
      pair.set(right, 33);
      return hashOnce(name, pair, 'buffer');
    },
  };
}

/** The largest power of two smaller than n (n > 1): where RFC 6962 splits a tree of n leaves. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const isPowerOfTwo = (n: number) => n >= 1 && splitPoint(n + 1) === n;

/** MTH(D[start:end]) for a tree: leaf hashes in memory, or a store that keeps subtrees. */
export type SubtreeHash = (start: number, end: number) => Buffer;

/**
 * The subtree hashes of leaves in memory. Complete, aligned subtrees (size 2^k starting at a
 * multiple of 2^k) never change once their leaves exist, so they are remembered: proofs against
 * a growing tree then cost O(log² n) hashes after the first.
 */
export function subtreesOf(hasher: MerkleHasher, leafHashes: readonly Buffer[]): SubtreeHash {
  // complete[k][i]: the subtree of 2^k leaves from i·2^k, once computed. Arrays by level and
  // position rather than a map keyed by a "start:size" text: the audit subgraph's tree keeps one
  // for nearly every node of a log of millions, and each lookup made and dropped such a text.
  const complete: Buffer[][] = [];
  const mth = (start: number, end: number): Buffer => {
    const n = end - start;
    if (n < 0 || end > leafHashes.length) throw new RangeError(`merkle: range [${start}, ${end}) outside ${leafHashes.length} leaves`);
    if (n === 0) return hasher.empty();
    if (n === 1) return leafHashes[start];
    const k = splitPoint(n);
    if (k * 2 !== n || start % n !== 0) return hasher.node(mth(start, start + k), mth(start + k, end));
    const level = Math.log2(n);
    const hashes = (complete[level] ??= []);
    const at = start / n;
    return (hashes[at] ??= hasher.node(mth(start, start + k), mth(start + k, end)));
  };
  return mth;
}

/** MTH(D[n]): the root of the tree of these leaf hashes. */
export function rootOf(hasher: MerkleHasher, leafHashes: readonly Buffer[]): Buffer {
  return new Frontier(hasher, leafHashes).root();
}

/** PATH(m, D[n]) of RFC 6962 §2.1.1: the inclusion proof of leaf `index` in the tree of `size` leaves. */
export function inclusionProof(subtree: SubtreeHash, index: number, size: number): Buffer[] {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new RangeError(`merkle: no leaf ${index} in a tree of ${size}`);
  }
  const path = (m: number, start: number, end: number): Buffer[] => {
    const n = end - start;
    if (n === 1) return [];
    const k = splitPoint(n);
    return m < k ? [...path(m, start, start + k), subtree(start + k, end)] : [...path(m - k, start + k, end), subtree(start, start + k)];
  };
  return path(index, 0, size);
}

/** PROOF(m, D[n]) of RFC 6962 §2.1.2: the tree of `second` leaves extends the tree of its first `first`. */
export function consistencyProof(subtree: SubtreeHash, first: number, second: number): Buffer[] {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 1 || first > second) {
    throw new RangeError(`merkle: no consistency proof from ${first} to ${second} leaves`);
  }
  const subproof = (m: number, start: number, end: number, whole: boolean): Buffer[] => {
    const n = end - start;
    if (m === n) return whole ? [] : [subtree(start, end)];
    const k = splitPoint(n);
    return m <= k
      ? [...subproof(m, start, start + k, whole), subtree(start + k, end)]
      : [...subproof(m - k, start + k, end, false), subtree(start, start + k)];
  };
  return subproof(first, 0, second, true);
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(a, b) === 0;
/** Every hash of the length the hash gives (an empty or truncated value proves nothing). */
const sized = (hasher: MerkleHasher, hashes: readonly Uint8Array[]) => hashes.every((h) => h.length === hasher.size);
const half = (n: number) => Math.floor(n / 2);
const odd = (n: number) => n % 2 === 1;

/** RFC 9162 §2.1.3.2: whether `proof` shows `leafHash` at `index` in the tree of `size` leaves with `root`. */
export function verifyInclusion(hasher: MerkleHasher, index: number, size: number, leafHash: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (!sized(hasher, [leafHash, root, ...proof])) return false;
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = hasher.node(p, r);
      if (!odd(fn)) while (!odd(fn) && fn !== 0) { fn = half(fn); sn = half(sn); }
    } else {
      r = hasher.node(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && same(r, root);
}

/**
 * RFC 9162 §2.1.4.2: whether `proof` shows that the tree of `second` leaves with `secondRoot`
 * extends the tree of `first` leaves with `firstRoot`. From the empty tree nothing is proved
 * (every tree "extends" it): a witness starts from its first cosigned checkpoint instead.
 */
export function verifyConsistency(hasher: MerkleHasher, first: number, second: number, firstRoot: Uint8Array, secondRoot: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 1 || first > second) return false;
  if (first === second) return proof.length === 0 && same(firstRoot, secondRoot);
  if (proof.length === 0 || !sized(hasher, [firstRoot, secondRoot, ...proof])) return false;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) { fn = half(fn); sn = half(sn); }
  let fr: Uint8Array = path[0];
  let sr: Uint8Array = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = hasher.node(c, fr);
      sr = hasher.node(c, sr);
      if (!odd(fn)) while (!odd(fn) && fn !== 0) { fn = half(fn); sn = half(sn); }
    } else {
      sr = hasher.node(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && same(fr, firstRoot) && same(sr, secondRoot);
}

/**
 * The tree of `from` grown by new leaves: its frontier, its root and the consistency proof from the
 * old size to the new one (RFC 6962 §2.1.2; empty from the empty tree, which proves nothing), each
 * node hashed once: as many nodes as the frontier alone hashes for the new root. A proof from the
 * old size needs the old tree's frontier and subtrees of the new leaves only, and the new root
 * hashes every one of those anyway. The gateway's checkpointer stores the proof with each
 * checkpoint, so the witness courier carries it instead of hashing the new leaves' subtrees again
 * (the witness checks it against the root it cosigned, whoever made it).
 */
export function growTree(hasher: MerkleHasher, from: Frontier, leafHashes: readonly Buffer[]): { frontier: Frontier; root: Buffer; proof: Buffer[] } {
  if (!sized(hasher, leafHashes)) throw new RangeError(`merkle: a leaf hash is ${hasher.size} bytes`);
  const m = from.size;
  const n = m + leafHashes.length;
  if (m === n) return { frontier: Frontier.restore(hasher, m, from.save()), root: from.root(), proof: [] };
  // The old tree's complete subtrees, one per set bit of m, by where they start.
  const oldHashes = from.save();
  const old = new Map(subtreesOfSize(m).map(([start, size], i) => [start, { size, hash: oldHashes[i] }]));
  // The nodes the proof and the new frontier ask for once the root is hashed: the right edge's
  // incomplete subtrees (ending at n), the new frontier's, and those whose left sibling holds the
  // old edge m (the proof's right-hand hashes). Only those are kept, a few per level: keeping
  // every node cost more than hashing it took.
  const newFrontier = subtreesOfSize(n);
  const frontierSizeAt = new Map(newFrontier);
  const kept: Map<number, Buffer>[] = [];
  const edge = new Map<number, Buffer>();
  let rooted = false;
  const mth = (start: number, end: number): Buffer => {
    const size = end - start;
    if (end <= m) {
      const node = old.get(start);
      if (!node || node.size !== size) throw new Error(`merkle: [${start}, ${end}) is not a subtree of the frontier of ${m}`);
      return node.hash;
    }
    if (size === 1) return leafHashes[start - m];
    const k = splitPoint(size);
    const complete = k * 2 === size && start % size === 0;
    if (rooted) {
      const hit = complete ? kept[Math.log2(size)]?.get(start) : end === n ? edge.get(start) : undefined;
      if (hit) return hit;
    }
    const hash = hasher.node(mth(start, start + k), mth(start + k, end));
    if (!complete) {
      if (end === n) edge.set(start, hash);
    } else if ((start - size < m && m <= start) || frontierSizeAt.get(start) === size) {
      (kept[Math.log2(size)] ??= new Map()).set(start, hash);
    }
    return hash;
  };
  const root = mth(0, n);
  rooted = true;
  const frontier = Frontier.restore(hasher, n, newFrontier.map(([start, size]) => mth(start, start + size)));
  return { frontier, root, proof: m === 0 ? [] : consistencyProof(mth, m, n) };
}

/** [start, size] of the complete subtrees of a tree of n leaves (its frontier), largest first. */
function subtreesOfSize(n: number): [number, number][] {
  const out: [number, number][] = [];
  let p = 1;
  while (p * 2 <= n) p *= 2;
  for (let start = 0; p >= 1; p /= 2) {
    if (Math.floor(n / p) % 2 === 1) { out.push([start, p]); start += p; }
  }
  return out;
}

/**
 * The right edge of a growing tree (a compact range from leaf 0): one hash per set bit of the
 * size, so the next root needs only the new leaves — the checkpointer keeps it with each
 * checkpoint and never rereads the log.
 */
export class Frontier {
  /** Hashes of the complete subtrees, largest (leftmost) first. */
  private readonly hashes: Buffer[] = [];
  private count = 0;

  constructor(private readonly hasher: MerkleHasher, leafHashes: readonly Buffer[] = []) {
    for (const leaf of leafHashes) this.append(leaf);
  }

  /** A frontier saved by `save()`; the number of hashes must match the bits of `size`. */
  static restore(hasher: MerkleHasher, size: number, hashes: readonly Buffer[]): Frontier {
    const frontier = new Frontier(hasher);
    let bits = 0;
    for (let n = size; n > 0; n = half(n)) if (odd(n)) bits++;
    if (!Number.isSafeInteger(size) || size < 0 || bits !== hashes.length) throw new Error(`merkle: a frontier of ${size} leaves has ${bits} hashes, not ${hashes.length}`);
    frontier.hashes.push(...hashes);
    frontier.count = size;
    return frontier;
  }

  get size(): number {
    return this.count;
  }

  append(leafHash: Buffer): void {
    this.hashes.push(leafHash);
    // Each trailing 1-bit of the old size is a complete subtree the new leaf completes a twin of.
    for (let n = this.count; odd(n); n = half(n)) {
      const right = this.hashes.pop()!;
      const left = this.hashes.pop()!;
      this.hashes.push(this.hasher.node(left, right));
    }
    this.count++;
  }

  root(): Buffer {
    if (!this.hashes.length) return this.hasher.empty();
    let r = this.hashes[this.hashes.length - 1];
    for (let i = this.hashes.length - 2; i >= 0; i--) r = this.hasher.node(this.hashes[i], r);
    return r;
  }

  save(): Buffer[] {
    return [...this.hashes];
  }
}
