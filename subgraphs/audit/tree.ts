import type { SubgraphRuntime } from '../../kit/module';
import { auditLeafHash, type AuditDecision } from '../../kit/audit-chain';
import { merkleHasher, subtreesOf, type MerkleHashName, type SubtreeHash } from '../../kit/merkle';

interface Row {
  leaf: string; at: Date; subject: string; role: string; org: string | null; region: string | null;
  client_address: string | null; operation_name: string | null; document_hash: string | null; coordinate: string;
  entity_id: string | null; decision: AuditDecision; reason: string | null; trace_id: string | null;
}

const PAGE = 5000;

/**
 * The audit log's Merkle tree as this process has read it: leaf hashes in leaf order, loaded once
 * and extended as the log grows (entries never change, so neither do complete subtrees, which
 * kit/merkle.ts remembers). Proofs for auditors and for the witness are made from it.
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
    const hasher = merkleHasher(this.hash);
    while (this.leaves.length < size) {
      const rows: Row[] = await this.runtime.db.query(
        `SELECT leaf_index::text AS leaf, at, subject, role, org, region, client_address, operation_name, document_hash,
                coordinate, entity_id, decision, reason, trace_id
           FROM audit_log WHERE leaf_index >= $1 AND leaf_index < $2 ORDER BY leaf_index LIMIT $3`,
        [this.leaves.length, size, PAGE]);
      if (!rows.length) throw new Error(`the audit log holds ${this.leaves.length} leaves, not ${size}`);
      for (const row of rows) {
        if (Number(row.leaf) !== this.leaves.length) throw new Error(`leaf ${this.leaves.length} is missing from the audit log`);
        this.leaves.push(auditLeafHash(hasher, {
          at: row.at, subject: row.subject, role: row.role, org: row.org, region: row.region, clientAddress: row.client_address,
          operationName: row.operation_name, documentHash: row.document_hash, coordinate: row.coordinate, entityId: row.entity_id,
          decision: row.decision, reason: row.reason, traceId: row.trace_id,
        }));
      }
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
