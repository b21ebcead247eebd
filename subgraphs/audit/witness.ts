import type { SubgraphRuntime } from '../../kit/module';
import type { AuditCheckpointMessage, WitnessAnswer } from '../../kit/messages/audit-checkpoint';
import { consistencyProof, type MerkleHashName } from '../../kit/merkle';
import { PollLoop } from '../../kit/workers';
import { auditTree } from './tree';
import { log } from '../../kit/log';

/** How often the courier looks for a checkpoint the witness has not cosigned. */
const POLL_MS = 500;

interface Latest { tree_size: string; origin: string; hash_alg: MerkleHashName; root_hash: string; signature: string }

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
  /** The witness's last cosigned size, once known (it tells us when we are wrong). */
  let witnessSize: number | null = null;
  let refusedSize: number | null = null;
  return new PollLoop(`[${runtime.name}] audit witness courier`, POLL_MS, async () => {
    const [latest]: Latest[] = await runtime.db.query(
      'SELECT tree_size::text, origin, hash_alg, root_hash, signature FROM audit_checkpoint ORDER BY audit_checkpoint.tree_size DESC LIMIT 1');
    if (!latest) return 0;
    const size = Number(latest.tree_size);
    if (size === witnessSize || size === refusedSize) return 0;
    const tree = auditTree(runtime, latest.hash_alg);
    let fromSize = witnessSize ?? 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      let proof: string[] = [];
      if (fromSize > 0 && fromSize < size) {
        await tree.ensure(size);
        proof = consistencyProof(tree.subtree, fromSize, size).map((h) => h.toString('hex'));
      }
      const message: AuditCheckpointMessage = {
        origin: latest.origin, treeSize: size, rootHash: latest.root_hash, hash: latest.hash_alg, signature: latest.signature, fromSize, proof,
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
      if (fromSize >= size) return 0; // the witness is ahead of this log's newest checkpoint
    }
    return 0;
  });
}

export async function witnessWorkers(runtime: SubgraphRuntime): Promise<() => Promise<void>> {
  const loop = witnessCourier(runtime);
  loop.start();
  return () => loop.stop();
}
