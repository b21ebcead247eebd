import { readFileSync } from 'node:fs';
import pg from 'pg';
import { auditLeafHash, chainHash, GENESIS_HASH, STORED_LEAF_HASH } from '../../kit/audit-chain';
import { AUDIT_LOG_ORIGIN, verifyCosignature, type Checkpoint } from '../../kit/checkpoint';
import { readKeyDirectory } from '../../kit/keys';
import { Frontier, merkleHasher, type MerkleHashName } from '../../kit/merkle';
import { ENTRY_COLUMNS, entryOfRow } from './checkpointer';

export interface AuditLogReport {
  ok: boolean;
  /** Entries read. */
  entries: number;
  /** Checkpoints of the witness compared (0 when no witness was given). */
  witnessed: number;
  /** The largest tree size the witness cosigned. */
  witnessedSize: number;
  /** Whether the witness's cosignatures were checked against its public key. */
  cosignaturesChecked: boolean;
  firstBad?: {
    /** The first entry found bad, or the first of the range a failing checkpoint covers. */
    sequence: number | null;
    /** Position in the tree (0-based). */
    leafIndex: number;
    /** When the tree alone found it: the bad entry lies between these positions (inclusive). */
    range?: { fromLeaf: number; toLeaf: number; fromSequence: number | null; toSequence: number | null };
    reason: string;
  };
}

interface WitnessRow { tree_size: string; root_hash: string; hash_alg: MerkleHashName; cosigned_at: Date; cosignature: string }

export interface VerifyOptions {
  /** The procuratorate's database, where its witness keeps the checkpoints it cosigned. */
  witnessUrl?: string;
  /** The key directory (HUB_PUBLIC_KEYS_FILE), to check the witness's cosignatures. */
  publicKeysFile?: string;
  origin?: string;
  pageSize?: number;
}

/**
 * Recomputes the audit log's Merkle tree from the stored entries, in sequence order, and compares
 * it with every checkpoint the procuratorate's witness cosigned: the root over the first n
 * entries must be the root cosigned for size n. Nobody who holds only the gateway's database can
 * pass this after deleting, changing, reordering or truncating entries, even having recomputed
 * every hash: he cannot change what the witness keeps. Besides, each entry's hash chain link, tree
 * position and stored leaf hash (which the audit subgraph's proofs are made of) are checked, which
 * name the exact entry when the tamperer did not redo them;
 * otherwise the first bad entry is named within the span of the first checkpoint that fails.
 */
export async function verifyAuditLog(databaseUrl: string, options: VerifyOptions = {}): Promise<AuditLogReport> {
  const pageSize = options.pageSize ?? 5000;
  const origin = options.origin ?? AUDIT_LOG_ORIGIN;
  let witness: WitnessRow[] = [];
  let cosignaturesChecked = false;
  if (options.witnessUrl) {
    const w = new pg.Client({ connectionString: options.witnessUrl });
    await w.connect();
    try {
      witness = (await w.query<WitnessRow>(`SELECT tree_size::text, root_hash, hash_alg, cosigned_at, cosignature
        FROM audit_witness_checkpoint WHERE origin = $1 ORDER BY audit_witness_checkpoint.tree_size`, [origin])).rows;
    } finally { await w.end(); }
    if (options.publicKeysFile) {
      readFileSync(options.publicKeysFile); // a missing file fails here, clearly
      const key = (await readKeyDirectory(options.publicKeysFile)).get('procuratorate');
      if (!key) throw new Error(`${options.publicKeysFile} has no key for the procuratorate`);
      for (const row of witness) {
        const c: Checkpoint = { origin, treeSize: Number(row.tree_size), rootHash: row.root_hash, hash: row.hash_alg };
        if (!verifyCosignature(key, 'procuratorate', row.cosigned_at.toISOString(), c, row.cosignature)) {
          throw new Error(`the witness's checkpoint of size ${row.tree_size} does not carry the procuratorate's signature: its database was altered`);
        }
      }
      cosignaturesChecked = true;
    }
  }
  const hash = witness[0]?.hash_alg ?? 'sha256';
  const hasher = merkleHasher(hash);
  const frontier = new Frontier(hasher);
  const sequences: number[] = [];
  let exact: AuditLogReport['firstBad'] | undefined;
  let next = 0; // the next witness checkpoint to compare
  let lastGood = 0;
  const report = (extra: Partial<AuditLogReport>): AuditLogReport => ({
    ok: false, entries: sequences.length, witnessed: next, witnessedSize: witness.length ? Number(witness[witness.length - 1].tree_size) : 0,
    cosignaturesChecked, ...extra,
  });
  /** The tree says an entry in [lastGood, size) is bad: the exact one if the chain or the positions name it. */
  const badRange = (size: number, reason: string): AuditLogReport['firstBad'] => {
    if (exact && exact.leafIndex >= lastGood && exact.leafIndex < size) return exact;
    return {
      sequence: sequences[lastGood] ?? null, leafIndex: lastGood,
      range: { fromLeaf: lastGood, toLeaf: size - 1, fromSequence: sequences[lastGood] ?? null, toSequence: sequences[Math.min(size, sequences.length) - 1] ?? null },
      reason,
    };
  };

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    let prev = GENESIS_HASH;
    let after = '0';
    for (;;) {
      const { rows } = await client.query(
        `SELECT sequence::text AS seq, leaf_index::text AS leaf, prev_hash, hash, leaf_sha256, ${ENTRY_COLUMNS}
           FROM audit_log WHERE sequence > $1::bigint ORDER BY audit_log.sequence LIMIT $2`, [after, pageSize]);
      for (const row of rows) {
        const position = sequences.length;
        const sequence = Number(row.seq);
        sequences.push(sequence);
        const entry = entryOfRow(row);
        if (!exact) {
          if (Number(row.leaf) !== position) {
            exact = { sequence, leafIndex: position, reason: `the entry stands at position ${position} but was written as leaf ${row.leaf}: entries before it were removed, or entries were reordered` };
          } else if (row.prev_hash !== prev) {
            exact = { sequence, leafIndex: position, reason: 'prev_hash does not match the hash of the entry before it: an entry was removed, inserted or re-hashed' };
          } else if (row.hash !== chainHash(prev, entry)) {
            exact = { sequence, leafIndex: position, reason: 'the entry does not match its hash: its content was altered' };
          }
        }
        prev = row.hash;
        const leaf = auditLeafHash(hasher, entry);
        // The leaf stored beside the entry, which the audit subgraph's proofs are made of, must be its own.
        if (!exact && row.leaf_sha256 && hasher.name === STORED_LEAF_HASH && !leaf.equals(row.leaf_sha256)) {
          exact = { sequence, leafIndex: position, reason: 'the leaf hash stored with the entry is not the hash of its content: the entry or its stored leaf was altered' };
        }
        frontier.append(leaf);
        while (next < witness.length && Number(witness[next].tree_size) === frontier.size) {
          const cosigned = witness[next];
          if (frontier.root().toString('hex') !== cosigned.root_hash) {
            return report({ firstBad: badRange(frontier.size, `the first ${frontier.size} entries do not give the root the procuratorate's witness cosigned at ${cosigned.cosigned_at.toISOString()} (the ${lastGood} before them do): an entry was changed, removed, inserted or moved`) });
          }
          lastGood = frontier.size;
          next++;
        }
      }
      if (rows.length < pageSize) break;
      after = rows[rows.length - 1].seq;
    }
    if (next < witness.length) {
      const size = Number(witness[next].tree_size);
      return report({ firstBad: badRange(size, `the procuratorate's witness cosigned ${size} entries, the log holds ${sequences.length}: entries were removed (deleted or truncated)`) });
    }
    if (exact) return report({ firstBad: exact });
    return report({ ok: true });
  } finally {
    await client.end();
  }
}
