import type { SubgraphRuntime } from '../../kit/module';
import { auditLeafHash, ENTRY_COLUMNS, entryOfRow, STORED_LEAF_HASH, type AuditEntryRow } from '../../kit/audit-chain';
import { merkleHasher, subtreesOf, type MerkleHashName, type SubtreeHash } from '../../kit/merkle';

interface LeafRow { leaf: string; leaf_sha256: Buffer | null }
interface EntryRow extends AuditEntryRow { leaf: string }

const PAGE = 5000;

/**
 * The audit log's Merkle tree as this process has read it: leaf hashes in leaf order, loaded once
 * and extended as the log grows (entries never change, so neither do complete subtrees, which
 * kit/merkle.ts remembers). Proofs for auditors are made from it, and the witness courier's for a
 * witness further behind than the checkpoint before the newest (witness.ts; otherwise the courier
 * carries the proof the gateway's checkpointer stored, and this tree is not loaded for it).
 *
 * Each entry's leaf is the hash the gateway stored with it (audit_log.leaf_sha256); an entry
 * written before there was one, or a tree of another hash, is hashed from its content. Taking the
 * stored hash trusts nothing new: this subgraph is not trusted with the log's integrity. A proof
 * holds only against the roots the gateway signed and the procuratorate cosigned, an auditor hashes
 * the entry he was shown to get its leaf, and `npm run audit:verify` recomputes every leaf from the
 * content and names an entry whose stored hash is not its own.
 */
export class AuditTree {
  private readonly leaves: Buffer[] = [];
  readonly subtree: SubtreeHash;
  private loading: Promise<void> | undefined;

  constructor(private readonly runtime: SubgraphRuntime, readonly hash: MerkleHashName) {
    this.subtree = subtreesOf(merkleHasher(hash), this.leaves);
  }

  get size(): number {
    return this.leaves.length;
  }

  /** Reads leaves until the tree holds at least `size` (fails when the log holds fewer). */
  async ensure(size: number): Promise<void> {
    while (this.leaves.length < size) {
      this.loading ??= this.load(size).finally(() => { this.loading = undefined; });
      await this.loading;
    }
  }

  private async load(size: number): Promise<void> {
    const byContent = this.hash !== STORED_LEAF_HASH;
    while (this.leaves.length < size) {
      const from = this.leaves.length;
      let limit = PAGE;
      if (!byContent) {
        const stored: LeafRow[] = await this.runtime.db.query(
          `SELECT leaf_index::text AS leaf, leaf_sha256 FROM audit_log
            WHERE leaf_index >= $1 AND leaf_index < $2 ORDER BY audit_log.leaf_index LIMIT $3`, [from, size, PAGE]);
        const missing = stored.findIndex((row) => !row.leaf_sha256);
        if (missing !== 0) {
          this.append(missing < 0 ? stored : stored.slice(0, missing), size, (row) => row.leaf_sha256!);
          continue;
        }
        // Entries from before leaves were stored: up to the next one that has its leaf.
        const next = stored.findIndex((row) => row.leaf_sha256);
        if (next > 0) limit = next;
      }
      const hasher = merkleHasher(this.hash);
      const rows: EntryRow[] = await this.runtime.db.query(
        `SELECT leaf_index::text AS leaf, ${ENTRY_COLUMNS}
           FROM audit_log WHERE leaf_index >= $1 AND leaf_index < $2 ORDER BY audit_log.leaf_index LIMIT $3`, [from, size, limit]);
      this.append(rows, size, (row) => auditLeafHash(hasher, entryOfRow(row)));
    }
  }

  /** Appends a page of rows in leaf order; fails on an empty page or a gap in the leaves. */
  private append<R extends { leaf: string }>(rows: readonly R[], size: number, leafOf: (row: R) => Buffer): void {
    if (!rows.length) throw new Error(`the audit log holds ${this.leaves.length} leaves, not ${size}`);
    for (const row of rows) {
      if (Number(row.leaf) !== this.leaves.length) throw new Error(`leaf ${this.leaves.length} is missing from the audit log`);
      this.leaves.push(leafOf(row));
    }
  }

  leafHash(index: number): Buffer {
    return this.leaves[index];
  }
}

const trees = new Map<SubgraphRuntime, AuditTree>();

/** The process's tree for a hash (a new hash starts a new tree). */
export function auditTree(runtime: SubgraphRuntime, hash: MerkleHashName): AuditTree {
  let tree = trees.get(runtime);
  if (!tree || tree.hash !== hash) { tree = new AuditTree(runtime, hash); trees.set(runtime, tree); }
  return tree;
}
