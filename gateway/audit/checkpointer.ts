import pg from 'pg';
import { AUDIT_CHECKPOINT_LOCK, auditLeafHash, ENTRY_COLUMNS, entryOfRow, STORED_LEAF_HASH, type AuditEntryRow } from '../../kit/audit-chain';
import { AUDIT_LOG_ORIGIN, signCheckpoint, type Checkpoint } from '../../kit/checkpoint';
import type { SigningKey } from '../../kit/keys';
import { Frontier, growTree, merkleHasher, type MerkleHashName } from '../../kit/merkle';
import { log } from '../../kit/log';

/** Rows hashed per statement while a checkpoint catches up. */
const PAGE = 5000;

/**
 * Leaves held for the next checkpoint (32 bytes each, 8 MiB): past it the oldest are let go and
 * read back from the table like another process's. A 50-case page is a hundred leaves, so this is
 * minutes of a busy gateway between two checkpoints.
 */
const MAX_HELD_LEAVES = 262_144;

/**
 * New leaves a checkpoint proves its consistency with the one before over at most: a proof needs
 * them all at once (32 bytes each and the nodes the proof keeps). A checkpoint over more, after a
 * long pause of every gateway, is made leaf by leaf like before and stores no proof; the witness
 * courier then makes one from its own tree.
 */
const MAX_PROVED_LEAVES = 262_144;

/** Leaves this process committed, consecutive from `start`: `count` hashes of the hasher's size, end to end. */
interface HeldLeaves { start: number; count: number; hashes: Buffer }

export interface CheckpointerOptions {
  /** How often to look for new entries (AUDIT_CHECKPOINT_MS, default 2000). */
  intervalMs?: number;
  hash?: MerkleHashName;
  origin?: string;
  log?: (message: string, error?: unknown) => void;
  /** Leaves held for the next checkpoint at most (default 262,144). */
  maxHeldLeaves?: number;
  /** New leaves a checkpoint proves its consistency with the one before over at most (default 262,144). */
  maxProvedLeaves?: number;
}

interface EntryRow extends AuditEntryRow { leaf_index: string }

// The entry's columns and its reading live with the entry (kit/audit-chain.ts); named here too, where they were first.
export { ENTRY_COLUMNS, entryOfRow };

/**
 * The log's signed checkpoints (issue 18, RFC 9162 §4.7 "signed tree head"): every few seconds
 * while entries arrive, the tree over every entry so far, in leaf order, signed with the
 * gateway's own key and stored beside the log. Only entries the writer committed are read, and it
 * commits leaves in order under its lock, so what a checkpoint covers is always a prefix of the
 * log. Several gateway processes take turns (a try-lock): one checkpoint per size.
 *
 * The leaves of the batches this process committed are handed over by its writer after each
 * COMMIT (`committedLeaves`): the leaf hashes it stored with the rows, made from the canonical JSON
 * the chain hash was made of; a checkpoint appends those and reads from the table only the leaves it
 * does not hold (another process's, those committed before a restart, or let go past
 * MAX_HELD_LEAVES), hashing those from their content: the gateway signs what the rows say, not a
 * hash stored beside them. The tree, its root and the
 * signature are the ones reading every row back gives (test/audit-handover.test.ts).
 *
 * Each checkpoint also stores the consistency proof from the one before it (proof_from, proof),
 * made from the nodes its root hashes anyway (kit/merkle.ts growTree): the witness courier carries
 * it instead of hashing the new leaves' subtrees again. It is not signed and needs no trust: the
 * witness verifies it against the root it cosigned (test/audit-witness-courier.test.ts).
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
  private readonly maxHeld: number;
  private readonly maxProved: number;
  /** Held leaves in leaf order, runs that do not overlap. */
  private held: HeldLeaves[] = [];
  private heldCount = 0;
  private rowsRead = 0;

  constructor(private readonly pool: pg.Pool, private readonly key: SigningKey, options: CheckpointerOptions = {}) {
    this.hasher = merkleHasher(options.hash ?? 'sha256');
    this.origin = options.origin ?? AUDIT_LOG_ORIGIN;
    this.intervalMs = options.intervalMs ?? 2000;
    this.log = options.log ?? ((message, error) => log.error(message, error));
    this.maxHeld = options.maxHeldLeaves ?? MAX_HELD_LEAVES;
    this.maxProved = options.maxProvedLeaves ?? MAX_PROVED_LEAVES;
  }

  /** Rows of the log read back so far (the leaves it did not hold). */
  get leavesRead(): number {
    return this.rowsRead;
  }

  /** Leaves held for the next checkpoint. */
  get leavesHeld(): number {
    return this.heldCount;
  }

  /**
   * The writer's batch, committed: its entries' canonical JSON, in leaf order from `firstLeaf`.
   * Called after the COMMIT only, so every leaf held is a row of the log.
   */
  committed(firstLeaf: number, canonicals: readonly string[]): void {
    const size = this.hasher.size;
    const hashes = Buffer.allocUnsafe(canonicals.length * size);
    for (let i = 0; i < canonicals.length; i++) this.hasher.leaf(canonicals[i]).copy(hashes, i * size);
    this.hold(firstLeaf, canonicals.length, hashes);
  }

  /**
   * The writer's batch, committed, as the leaf hashes it stored with the rows (STORED_LEAF_HASH),
   * end to end in leaf order from `firstLeaf`: the writer has hashed them already. A checkpointer of
   * another hash holds none of them and reads the rows back instead.
   */
  committedLeaves(firstLeaf: number, leaves: Buffer): void {
    if (this.hasher.name !== STORED_LEAF_HASH) return;
    this.hold(firstLeaf, leaves.length / this.hasher.size, leaves);
  }

  private hold(firstLeaf: number, count: number, hashes: Buffer): void {
    if (!count) return;
    const last = this.held[this.held.length - 1];
    if (last && firstLeaf < last.start + last.count) this.forget(Number.MAX_SAFE_INTEGER); // out of order: hold nothing older than this batch
    this.held.push({ start: firstLeaf, count, hashes });
    this.heldCount += count;
    while (this.heldCount > this.maxHeld) this.heldCount -= this.held.shift()!.count;
  }

  /** Lets go of the held leaves below `size` (a checkpoint covers them). */
  private forget(size: number): void {
    const kept: HeldLeaves[] = [];
    let count = 0;
    for (const run of this.held) {
      const end = run.start + run.count;
      if (end <= size) continue;
      const skip = Math.max(0, size - run.start);
      kept.push(skip ? { start: size, count: run.count - skip, hashes: run.hashes.subarray(skip * this.hasher.size) } : run);
      count += run.count - skip;
    }
    this.held = kept;
    this.heldCount = count;
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
      const base = last && last.hash_alg === this.hasher.name
        ? Frontier.restore(this.hasher, Number(last.tree_size), last.frontier.map((h) => Buffer.from(h, 'hex')))
        : new Frontier(this.hasher);
      if (last && last.hash_alg !== this.hasher.name) {
        // A new hash starts the tree again from the first entry (its checkpoints name their hash).
        this.log(`audit: checkpoints move from ${last.hash_alg} to ${this.hasher.name}; the tree is recomputed from the first entry`);
      }
      this.forget(base.size);
      // The new leaves, grown onto the last checkpoint's frontier at the end with the proof from it;
      // past the bound (a catch-up) they go into the frontier as they come and the checkpoint has no proof.
      let added: Buffer[] = [];
      let proves = base.size > 0;
      const edge = () => base.size + added.length;
      const add = (leaf: Buffer) => {
        added.push(leaf);
        if (added.length <= this.maxProved) return;
        for (const l of added) base.append(l);
        added = [];
        proves = false;
      };
      // The runs held now (batches committed meanwhile are read from the table at the end); a run is
      // replaced, never changed, so the copy of the list is enough.
      const held = this.held.slice();
      const size = this.hasher.size;
      for (let next = 0; ;) {
        const run = held[next];
        if (run && run.start <= edge()) {
          // Held leaves at the tree's edge: appended as they were committed.
          for (let i = edge() - run.start; i < run.count; i++) add(run.hashes.subarray(i * size, (i + 1) * size));
          next++;
          continue;
        }
        // The leaves not held: up to the next held run, or, past the last, whatever else is committed.
        const from = edge();
        const limit = run ? Math.min(PAGE, run.start - from) : PAGE;
        const { rows } = await client.query<EntryRow>(
          `SELECT leaf_index::text, ${ENTRY_COLUMNS} FROM audit_log WHERE audit_log.leaf_index >= $1 ORDER BY audit_log.leaf_index LIMIT $2`, [from, limit]);
        this.rowsRead += rows.length;
        for (const row of rows) {
          if (Number(row.leaf_index) !== edge()) throw new Error(`audit: leaf ${edge()} is missing from the log (found ${row.leaf_index})`);
          add(auditLeafHash(this.hasher, entryOfRow(row)));
        }
        if (run && rows.length < limit) throw new Error(`audit: leaf ${edge()} is missing from the log (a later one, ${run.start}, is committed)`);
        if (!run && rows.length < PAGE) break;
      }
      if (edge() === 0 || (last && Number(last.tree_size) === edge() && last.hash_alg === this.hasher.name)) {
        await client.query('COMMIT');
        return null;
      }
      const proofFrom = base.size;
      const { frontier, root, proof } = growTree(this.hasher, base, added);
      const checkpoint: Checkpoint = { origin: this.origin, treeSize: frontier.size, rootHash: root.toString('hex'), hash: this.hasher.name };
      const signature = signCheckpoint(this.key, checkpoint);
      const hex = (hashes: readonly Buffer[]) => hashes.map((h) => h.toString('hex'));
      await client.query(
        `INSERT INTO audit_checkpoint (tree_size, origin, hash_alg, root_hash, frontier, signature, signed_at, proof_from, proof) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [checkpoint.treeSize, checkpoint.origin, checkpoint.hash, checkpoint.rootHash, hex(frontier.save()), signature, new Date(),
          proves ? proofFrom : null, proves ? hex(proof) : null]);
      await client.query('COMMIT');
      this.forget(frontier.size);
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
