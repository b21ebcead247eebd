import type { SubgraphRuntime } from '../../kit/module';
import type { AuditCheckpointMessage, WitnessAnswer } from '../../kit/messages/audit-checkpoint';
import { consistencyProof, type MerkleHashName } from '../../kit/merkle';
import { PollLoop } from '../../kit/workers';
import { auditTree } from './tree';
import { log } from '../../kit/log';

/** How often the courier looks for a checkpoint the witness has not cosigned. */
const POLL_MS = 500;

interface Latest {
  tree_size: string; origin: string; hash_alg: MerkleHashName; root_hash: string; signature: string;
  /** the consistency proof from the checkpoint before, stored by the gateway's checkpointer (or none) */
  proof_from: string | null; proof: string[] | null;
}

/**
 * Carries the gateway's checkpoints to the procuratorate's witness (POST /internal/audit-checkpoints),
 * each with a consistency proof from the last one the witness cosigned.
 *
 * Why the audit subgraph and not the gateway: the gateway faces the internet and signs end-user
 * identities only; it sends no service messages (kit/runtime.ts refuses it as a sender, docs:
 * architecture "Trust between owners"). The audit subgraph owns the log and speaks as itself
 * with its own key. It need not be trusted with the log's integrity: the checkpoint carries the
 * gateway's signature, which the witness checks, and the proof is checked against what the
 * witness already holds; a courier that alters either is refused, one that stops delivering
 * leaves the witness behind, which `npm run audit:verify` shows.
 */
export function witnessCourier(runtime: SubgraphRuntime): PollLoop {
  return new PollLoop(`[${runtime.name}] audit witness courier`, POLL_MS, witnessCourierPass(runtime));
}

/**
 * One look for a checkpoint to carry; 1 when the witness cosigned one (the loop looks again at once).
 *
 * At rest a pass is one read of the checkpoints' primary key that finds nothing newer than the
 * witness holds. A new checkpoint goes with the proof the gateway's checkpointer stored with it
 * when that proof starts where the witness is, nearly always (the witness cosigned the checkpoint
 * before): nothing of the log is read and no node hashed here. A witness that missed checkpoints
 * (several gateway processes each make one every few seconds, so two can come between passes; this
 * process or the witness was down) is brought forward one stored proof at a time: the checkpoint
 * after its own, whose proof starts at its size, then the next. Taking a stored proof trusts
 * nothing: the witness verifies it against the root it cosigned itself and refuses it otherwise,
 * as it would a proof made here. Only where no stored proof starts at the witness's size (a
 * checkpoint stored without one: the first of a hash, a long catch-up, one refused) is the proof
 * made from this process's tree of the log, as auditors' proofs are (tree.ts).
 */
export function witnessCourierPass(runtime: SubgraphRuntime): () => Promise<number> {
  /** The witness's last cosigned size, once known (it tells us when we are wrong). */
  let witnessSize: number | null = null;
  let refusedSize: number | null = null;
  const COLUMNS = 'tree_size::text, origin, hash_alg, root_hash, signature, proof_from::text, proof';
  const sizeOf = (c: Latest) => Number(c.tree_size);

  /** The checkpoint to send a witness at `fromSize`: the newest, or the next whose stored proof starts there. */
  async function toSend(latest: Latest, fromSize: number): Promise<Latest> {
    if (fromSize === 0 || latest.proof_from === String(fromSize)) return latest;
    const [next]: Latest[] = await runtime.db.query(
      `SELECT ${COLUMNS} FROM audit_checkpoint WHERE tree_size > $1 ORDER BY audit_checkpoint.tree_size LIMIT 1`, [fromSize]);
    return next && next.proof_from === String(fromSize) && sizeOf(next) !== refusedSize ? next : latest;
  }

  async function proofOf(checkpoint: Latest, fromSize: number): Promise<string[]> {
    const size = sizeOf(checkpoint);
    if (fromSize === 0 || fromSize >= size) return [];
    if (checkpoint.proof_from === String(fromSize)) return checkpoint.proof!;
    const tree = auditTree(runtime, checkpoint.hash_alg);
    await tree.ensure(size);
    return consistencyProof(tree.subtree, fromSize, size).map((h) => h.toString('hex'));
  }

  return async () => {
    const [latest]: Latest[] = await runtime.db.query(
      `SELECT ${COLUMNS} FROM audit_checkpoint WHERE tree_size > $1 ORDER BY audit_checkpoint.tree_size DESC LIMIT 1`,
      [Math.max(witnessSize ?? 0, refusedSize ?? 0)]);
    if (!latest) return 0;
    // Where the witness is, or, until it says, where the newest's stored proof starts (it cosigned that one, unless it tells otherwise).
    let fromSize = witnessSize ?? Number(latest.proof_from ?? 0);
    for (let attempt = 0; attempt < 3; attempt++) {
      const checkpoint = await toSend(latest, fromSize);
      const size = sizeOf(checkpoint);
      const message: AuditCheckpointMessage = {
        origin: checkpoint.origin, treeSize: size, rootHash: checkpoint.root_hash, hash: checkpoint.hash_alg, signature: checkpoint.signature,
        fromSize, proof: await proofOf(checkpoint, fromSize),
      };
      const answer = await runtime.send<WitnessAnswer>('procuratorate', 'audit-checkpoints', message);
      if (answer.status === 'cosigned') { witnessSize = answer.treeSize; return 1; }
      if (answer.status === 'refused') {
        refusedSize = size;
        log.error(`the procuratorate's witness REFUSED the audit checkpoint of size ${size}`, { reason: answer.reason });
        return 0;
      }
      witnessSize = answer.treeSize;
      fromSize = answer.treeSize;
      if (fromSize >= sizeOf(latest)) return 0; // the witness is ahead of this log's newest checkpoint
    }
    return 0;
  };
}

export async function witnessWorkers(runtime: SubgraphRuntime): Promise<() => Promise<void>> {
  const loop = witnessCourier(runtime);
  loop.start();
  return () => loop.stop();
}
