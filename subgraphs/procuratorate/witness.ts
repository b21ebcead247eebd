import type { EntityManager } from 'typeorm';
import { backgroundTransaction } from '../../kit/database';
import type { SubgraphRuntime } from '../../kit/module';
import { AUDIT_CHECKPOINT, type AuditCheckpointMessage, type WitnessAnswer } from '../../kit/messages/audit-checkpoint';
import { cosignCheckpoint, verifyCheckpoint, type Checkpoint } from '../../kit/checkpoint';
import { GATEWAY, readKeyDirectory, readSigningKey, type SigningKey } from '../../kit/keys';
import { merkleHasher, verifyConsistency } from '../../kit/merkle';
import { log } from '../../kit/log';

// 检察院 as the witness of the hub's audit log (issue 18). The procuratorate is the hub's legal
// supervisor (宪法 第134条; 人民检察院组织法 第20条) and a separate organisation with its own
// database and key: whoever holds the gateway's database — even as its superuser — cannot reach
// what is kept here. It cosigns a checkpoint only when
//   1. the gateway signed it (the key directory's `gateway` key), and
//   2. it extends the last checkpoint cosigned here (a consistency proof, RFC 9162 §2.1.4):
//      nothing cosigned before was removed, changed or reordered.
// A checkpoint that fails is refused and kept whole in audit_witness_refusal as evidence. The
// first checkpoint of a log is cosigned on the gateway's signature alone (there is nothing yet
// to be consistent with): trust on first use, which a new witness of an old log should confirm
// out of band with `npm run audit:verify`.

const keys = new Map<string, Promise<{ gateway: CryptoKey; witness: SigningKey }>>();
function keysOf(runtime: SubgraphRuntime) {
  const id = `${runtime.env.HUB_PUBLIC_KEYS_FILE}\n${runtime.env.OWNER_SIGNING_KEY_FILE}`;
  if (!keys.has(id)) {
    const loaded = (async () => {
      const directory = await readKeyDirectory(runtime.env.HUB_PUBLIC_KEYS_FILE!);
      return { gateway: directory.get(GATEWAY)!, witness: await readSigningKey(runtime.env.OWNER_SIGNING_KEY_FILE!, runtime.name) };
    })();
    loaded.catch(() => keys.delete(id));
    keys.set(id, loaded);
  }
  return keys.get(id)!;
}

const hex = (h: string) => Buffer.from(h, 'hex');

interface Cosigned { tree_size: string; root_hash: string; hash_alg: string; cosigned_at: Date; cosignature: string }

async function refuse(tx: EntityManager, runtime: SubgraphRuntime, sender: string, m: AuditCheckpointMessage, reason: string): Promise<WitnessAnswer> {
  await tx.query(`INSERT INTO audit_witness_refusal (received_at, sender, origin, tree_size, hash_alg, root_hash, gateway_signature, from_size, proof, reason)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
  [runtime.now(), sender, m.origin, m.treeSize, m.hash, m.rootHash, m.signature, m.fromSize, m.proof, reason]);
  log.error(`audit witness: REFUSED checkpoint ${m.origin} size ${m.treeSize} from ${sender}`, { reason });
  return { status: 'refused', reason };
}

/** POST /internal/audit-checkpoints (from the audit log's owner). */
export async function witnessCheckpoint(runtime: SubgraphRuntime, body: unknown, from: { owner: string }): Promise<WitnessAnswer> {
  const m = AUDIT_CHECKPOINT.check(body, '');
  const { gateway, witness } = await keysOf(runtime);
  const checkpoint: Checkpoint = { origin: m.origin, treeSize: m.treeSize, rootHash: m.rootHash, hash: m.hash };
  // The witness's work is no GraphQL request's: its statements are not counted as one's.
  return backgroundTransaction(runtime.db, async (tx) => {
    // One checkpoint of a log at a time: the second waits and then sees the first's result.
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 18))', [m.origin]);
    if (m.treeSize < 1) return refuse(tx, runtime, from.owner, m, 'a checkpoint covers at least one entry');
    if (!verifyCheckpoint(gateway, checkpoint, m.signature)) return refuse(tx, runtime, from.owner, m, 'the gateway did not sign this checkpoint');
    const [last]: Cosigned[] = await tx.query(
      `SELECT tree_size::text, root_hash, hash_alg, cosigned_at, cosignature FROM audit_witness_checkpoint
        WHERE origin = $1 ORDER BY audit_witness_checkpoint.tree_size DESC LIMIT 1`, [m.origin]);
    const lastSize = last ? Number(last.tree_size) : 0;
    if (last && last.hash_alg !== m.hash) return refuse(tx, runtime, from.owner, m, `the log's hash changed from ${last.hash_alg} to ${m.hash}`);
    const answer = (row: Cosigned): WitnessAnswer => ({
      status: 'cosigned', witness: witness.name, treeSize: Number(row.tree_size), rootHash: row.root_hash,
      cosignedAt: row.cosigned_at.toISOString(), cosignature: row.cosignature,
    });
    if (last && m.treeSize === lastSize) {
      // The same checkpoint again (a retry) gets the same cosignature; another root for the same
      // size is a fork: two different logs signed by the gateway.
      return m.rootHash === last.root_hash ? answer(last) : refuse(tx, runtime, from.owner, m, `another root for size ${lastSize} was cosigned: the log was forked or rewritten`);
    }
    if (m.treeSize < lastSize || m.fromSize !== lastSize) {
      if (m.treeSize < lastSize) {
        const [same]: Cosigned[] = await tx.query(
          `SELECT tree_size::text, root_hash, hash_alg, cosigned_at, cosignature FROM audit_witness_checkpoint WHERE origin = $1 AND tree_size = $2`, [m.origin, m.treeSize]);
        if (same && same.root_hash !== m.rootHash) return refuse(tx, runtime, from.owner, m, `another root for size ${m.treeSize} was cosigned: the log was forked or rewritten`);
      }
      return { status: 'resync', treeSize: lastSize };
    }
    if (last) {
      const consistent = verifyConsistency(merkleHasher(m.hash), lastSize, m.treeSize, hex(last.root_hash), hex(m.rootHash), m.proof.map(hex));
      if (!consistent) return refuse(tx, runtime, from.owner, m, `not consistent with the checkpoint of size ${lastSize} cosigned at ${last.cosigned_at.toISOString()}: entries it covered were removed, changed or reordered`);
    }
    const cosignedAt = runtime.now();
    const row: Cosigned = { tree_size: String(m.treeSize), root_hash: m.rootHash, hash_alg: m.hash, cosigned_at: cosignedAt, cosignature: cosignCheckpoint(witness, cosignedAt.toISOString(), checkpoint) };
    await tx.query(`INSERT INTO audit_witness_checkpoint (origin, tree_size, hash_alg, root_hash, gateway_signature, cosigned_at, cosignature)
      VALUES ($1, $2, $3, $4, $5, $6, $7)`, [m.origin, m.treeSize, m.hash, m.rootHash, m.signature, cosignedAt, row.cosignature]);
    return answer(row);
  });
}
