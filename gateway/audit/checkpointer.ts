import pg from 'pg';
import { AUDIT_CHECKPOINT_LOCK, auditLeafHash, type AuditDecision } from '../../kit/audit-chain';
import { AUDIT_LOG_ORIGIN, signCheckpoint, type Checkpoint } from '../../kit/checkpoint';
import type { SigningKey } from '../../kit/keys';
import { Frontier, merkleHasher, type MerkleHashName } from '../../kit/merkle';
import { log } from '../../kit/log';

/** Rows hashed per statement while a checkpoint catches up. */
const PAGE = 5000;

export interface CheckpointerOptions {
  /** How often to look for new entries (AUDIT_CHECKPOINT_MS, default 2000). */
  intervalMs?: number;
  hash?: MerkleHashName;
  origin?: string;
  log?: (message: string, error?: unknown) => void;
}

interface EntryRow {
  leaf_index: string; at: Date; subject: string; role: string; org: string | null; region: string | null;
  client_address: string | null; operation_name: string | null; document_hash: string | null; coordinate: string;
  entity_id: string | null; decision: AuditDecision; reason: string | null; trace_id: string | null;
}

/** The stored entry as kit/audit-chain.ts hashes it. */
export function entryOfRow(row: Omit<EntryRow, 'leaf_index'>) {
  return {
    at: row.at, subject: row.subject, role: row.role, org: row.org, region: row.region, clientAddress: row.client_address,
    operationName: row.operation_name, documentHash: row.document_hash, coordinate: row.coordinate, entityId: row.entity_id,
    decision: row.decision, reason: row.reason, traceId: row.trace_id,
  };
}

export const ENTRY_COLUMNS = `at, subject, role, org, region, client_address, operation_name, document_hash,
  coordinate, entity_id, decision, reason, trace_id`;

/**
 * The log's signed checkpoints (issue 18, RFC 9162 §4.7 "signed tree head"): every few seconds
 * while entries arrive, the tree over every entry so far, in leaf order, signed with the
 * gateway's own key and stored beside the log. Only entries the writer committed are read, and it
 * commits leaves in order under its lock, so what a checkpoint covers is always a prefix of the
 * log. Several gateway processes take turns (a try-lock): one checkpoint per size.
 *
 * The gateway signs but sends nothing to the witness: it is the one component facing the
 * internet and signs no service messages (kit/runtime.ts refuses it as a sender). The audit
 * subgraph, the log's owner, carries the checkpoints to the procuratorate (subgraphs/audit/witness.ts).
 */
export class Checkpointer {
  private readonly hasher;
  private readonly origin: string;
  private readonly intervalMs: number;
  private readonly log: (message: string, error?: unknown) => void;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly pool: pg.Pool, private readonly key: SigningKey, options: CheckpointerOptions = {}) {
    this.hasher = merkleHasher(options.hash ?? 'sha256');
    this.origin = options.origin ?? AUDIT_LOG_ORIGIN;
    this.intervalMs = options.intervalMs ?? 2000;
    this.log = options.log ?? ((message, error) => log.error(message, error));
  }

  start(): void {
    const tick = async () => {
      this.running = this.checkpoint().then(() => undefined, (error) => this.log('audit: the checkpoint failed; retrying at the next interval', error));
      await this.running;
      if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs);
    };
    this.timer = setTimeout(tick, this.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Makes the next checkpoint when the log has grown; returns it, or null when there was nothing new (or another process is at it). */
  async checkpoint(): Promise<(Checkpoint & { signature: string }) | null> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // A connection lost while checked out (PostgreSQL restarted) fails the statement in progress and
    // is discarded on release; without a listener its 'error' event would end the gateway (pg emits
    // it on the client, and the pool listens only while the client is idle).
    const lost = (error: Error) => { broken = error; };
    client.on('error', lost);
    try {
      await client.query('BEGIN');
      const { rows: [lock] } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1::bigint) AS ok', [AUDIT_CHECKPOINT_LOCK]);
      if (!lock.ok) { await client.query('COMMIT'); return null; }
      const { rows: [last] } = await client.query<{ tree_size: string; frontier: string[]; hash_alg: string }>(
        'SELECT tree_size::text, frontier, hash_alg FROM audit_checkpoint ORDER BY audit_checkpoint.tree_size DESC LIMIT 1');
      const frontier = last && last.hash_alg === this.hasher.name
        ? Frontier.restore(this.hasher, Number(last.tree_size), last.frontier.map((h) => Buffer.from(h, 'hex')))
        : new Frontier(this.hasher);
      if (last && last.hash_alg !== this.hasher.name) {
        // A new hash starts the tree again from the first entry (its checkpoints name their hash).
        this.log(`audit: checkpoints move from ${last.hash_alg} to ${this.hasher.name}; the tree is recomputed from the first entry`);
      }
      for (;;) {
        const { rows } = await client.query<EntryRow>(
          `SELECT leaf_index::text, ${ENTRY_COLUMNS} FROM audit_log WHERE audit_log.leaf_index >= $1 ORDER BY audit_log.leaf_index LIMIT $2`, [frontier.size, PAGE]);
        for (const row of rows) {
          if (Number(row.leaf_index) !== frontier.size) throw new Error(`audit: leaf ${frontier.size} is missing from the log (found ${row.leaf_index})`);
          frontier.append(auditLeafHash(this.hasher, entryOfRow(row)));
        }
        if (rows.length < PAGE) break;
      }
      if (frontier.size === 0 || (last && Number(last.tree_size) === frontier.size && last.hash_alg === this.hasher.name)) {
        await client.query('COMMIT');
        return null;
      }
      const checkpoint: Checkpoint = { origin: this.origin, treeSize: frontier.size, rootHash: frontier.root().toString('hex'), hash: this.hasher.name };
      const signature = signCheckpoint(this.key, checkpoint);
      await client.query(
        `INSERT INTO audit_checkpoint (tree_size, origin, hash_alg, root_hash, frontier, signature, signed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [checkpoint.treeSize, checkpoint.origin, checkpoint.hash, checkpoint.rootHash, frontier.save().map((h) => h.toString('hex')), signature, new Date()]);
      await client.query('COMMIT');
      return { ...checkpoint, signature };
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError) => { broken = rollbackError as Error; });
      throw error;
    } finally {
      client.off('error', lost);
      client.release(broken);
    }
  }
}
