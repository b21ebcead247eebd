import type { SubgraphContext } from '../../kit/module';
import { reachOf } from '../../kit/access';
import { badInput, forbidden } from '../../kit/errors';
import { consistencyProof, inclusionProof, type MerkleHashName } from '../../kit/merkle';
import { auditTree } from './tree';

// Proofs for auditors (issue 18, RFC 9162 §2.1.3–2.1.4): that an entry is in the log as a signed
// checkpoint covers it, and that a later checkpoint extends an earlier one. Proofs are given
// against checkpoints the gateway signed only, so an auditor checks the root against a signature
// (and against the procuratorate's cosigned copy) instead of taking this subgraph's word for it.
// Access as auditLog: audit:read over every unit.

interface CheckpointRow { tree_size: string; origin: string; hash_alg: MerkleHashName; root_hash: string; signature: string; signed_at: Date }

const SEQUENCE = /^[1-9][0-9]{0,18}$/;

function requireAuditor(ctx: SubgraphContext): void {
  if (reachOf(ctx.identity, 'audit:read') !== 'all') throw forbidden('the audit log\'s proofs need the scope audit:read over every unit');
}

const asCheckpoint = (row: CheckpointRow) => ({
  origin: row.origin, treeSize: Number(row.tree_size), rootHash: row.root_hash, hash: row.hash_alg, signature: row.signature, signedAt: row.signed_at,
});

const SELECT = 'SELECT tree_size::text, origin, hash_alg, root_hash, signature, signed_at FROM audit_checkpoint';

/** The checkpoint of `size`, or the newest when size is absent; `field` names the argument in errors. */
async function checkpointOf(ctx: SubgraphContext, size: number | null | undefined, field: string): Promise<CheckpointRow> {
  const rows: CheckpointRow[] = size === undefined || size === null
    ? await ctx.runtime.db.query(`${SELECT} ORDER BY audit_checkpoint.tree_size DESC LIMIT 1`)
    : await ctx.runtime.db.query(`${SELECT} WHERE tree_size = $1`, [size]);
  if (!rows.length) throw badInput(field, 'checkpoint', size === undefined || size === null ? 'no checkpoint has been signed yet' : `no checkpoint of size ${size} was signed; auditCheckpoints lists them`);
  return rows[0];
}

export const proofQueries = {
  async auditCheckpoints(_: unknown, { first }: { first?: number | null }, ctx: SubgraphContext) {
    requireAuditor(ctx);
    const n = first ?? 20;
    if (!Number.isInteger(n) || n < 1 || n > 100) throw badInput('first', 'range', 'must be between 1 and 100');
    const rows: CheckpointRow[] = await ctx.runtime.db.query(`${SELECT} ORDER BY audit_checkpoint.tree_size DESC LIMIT $1`, [n]);
    return rows.map(asCheckpoint);
  },

  async auditInclusionProof(_: unknown, { sequence, treeSize }: { sequence: string; treeSize?: number | null }, ctx: SubgraphContext) {
    requireAuditor(ctx);
    if (!SEQUENCE.test(sequence)) throw badInput('sequence', 'sequence', 'must be the sequence of an audit entry');
    const checkpoint = await checkpointOf(ctx, treeSize, 'treeSize');
    const size = Number(checkpoint.tree_size);
    const [entry]: { leaf: string }[] = await ctx.runtime.db.query('SELECT leaf_index::text AS leaf FROM audit_log WHERE sequence = $1', [sequence]);
    if (!entry) throw badInput('sequence', 'exists', 'no audit entry has this sequence');
    const leafIndex = Number(entry.leaf);
    if (leafIndex >= size) throw badInput('sequence', 'covered', `the entry is leaf ${leafIndex}, after the checkpoint of size ${size}; ask again once a checkpoint covers it`);
    const tree = auditTree(ctx.runtime, checkpoint.hash_alg);
    await tree.ensure(size);
    return {
      sequence, leafIndex, treeSize: size, leafHash: tree.leafHash(leafIndex).toString('hex'), checkpoint: asCheckpoint(checkpoint),
      path: inclusionProof(tree.subtree, leafIndex, size).map((h) => h.toString('hex')),
    };
  },

  async auditConsistencyProof(_: unknown, { fromSize, toSize }: { fromSize: number; toSize?: number | null }, ctx: SubgraphContext) {
    requireAuditor(ctx);
    const [from, to] = [await checkpointOf(ctx, fromSize, 'fromSize'), await checkpointOf(ctx, toSize, 'toSize')];
    if (Number(from.tree_size) > Number(to.tree_size)) throw badInput('fromSize', 'range', 'must not be larger than toSize');
    if (from.hash_alg !== to.hash_alg) throw badInput('fromSize', 'hash', `the checkpoints use different hashes (${from.hash_alg}, ${to.hash_alg})`);
    const tree = auditTree(ctx.runtime, to.hash_alg);
    await tree.ensure(Number(to.tree_size));
    return {
      from: asCheckpoint(from), to: asCheckpoint(to),
      path: consistencyProof(tree.subtree, Number(from.tree_size), Number(to.tree_size)).map((h) => h.toString('hex')),
    };
  },
};
