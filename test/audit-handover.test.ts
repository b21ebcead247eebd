// The checkpointer appends the leaves its own writer handed over after each COMMIT and reads back
// from the table only those it does not hold: another gateway process's, those committed before a
// restart, those it let go past its bound. Whatever it held, the checkpoint (size, root, frontier,
// signature) is the one reading every row back gives. A database of its own on the test run's
// PostgreSQL; no hub.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditWriter, type AuditEntryInput } from '../gateway/audit/index';
import { Checkpointer, entryOfRow, ENTRY_COLUMNS } from '../gateway/audit/checkpointer';
import { auditLeafHash, canonicalJson } from '../kit/audit-chain';
import { AUDIT_LOG_ORIGIN, signCheckpoint, type Checkpoint } from '../kit/checkpoint';
import { GATEWAY, newKeyPair, readSigningKey, type SigningKey } from '../kit/keys';
import { Frontier, merkleHasher } from '../kit/merkle';
import { freshAuditDatabase, type AuditDatabase } from './support/audit-database';

const sha256 = merkleHasher('sha256');
let url: string;
let database: AuditDatabase | undefined;
let dir: string;
let keyFile: string;
let key: SigningKey;
const writers: AuditWriter[] = [];
const pools: pg.Pool[] = [];

const entry = (writer: string, i: number): AuditEntryInput => ({
  subject: `user-${writer}-${i}`, role: 'procurator', org: 'PROC-320706', region: '320706', coordinate: 'Party.idNumber',
  entityId: `case-${i}`, decision: i % 3 ? 'full' : 'masked', reason: '立案监督审查', traceId: `${writer}-${i}`,
});
const entries = (writer: string, from: number, count: number) => Array.from({ length: count }, (_, i) => entry(writer, from + i));

/** A gateway process's writer on the test database, its key read: checkpoints only when the test asks. */
async function gatewayWriter(signs = true): Promise<AuditWriter> {
  const writer = new AuditWriter(url, { ...(signs ? { signingKeyFile: keyFile } : {}), checkpointMs: 60_000, intervalMs: 5 });
  writers.push(writer);
  // Batches committed before the key is read are not handed over (read back instead): the counts below start after it.
  await writer.checkpointerOf();
  return writer;
}

async function query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try { return (await client.query<R>(sql, params)).rows; } finally { await client.end(); }
}

/** The checkpoint of the whole log as reading every row back makes it: size, root, frontier and the gateway's signature. */
async function readBack() {
  const rows = await query(`SELECT ${ENTRY_COLUMNS} FROM audit_log ORDER BY leaf_index`);
  const frontier = new Frontier(sha256, rows.map((row) => auditLeafHash(sha256, entryOfRow(row as never))));
  const checkpoint: Checkpoint = { origin: AUDIT_LOG_ORIGIN, treeSize: frontier.size, rootHash: frontier.root().toString('hex'), hash: 'sha256' };
  return { ...checkpoint, signature: signCheckpoint(key, checkpoint), frontier: frontier.save().map((h) => h.toString('hex')) };
}

/** The newest stored checkpoint's frontier (what the next checkpoint starts from). */
async function storedFrontier(treeSize: number): Promise<string[]> {
  const [row] = await query<{ frontier: string[] }>('SELECT frontier FROM audit_checkpoint WHERE tree_size = $1', [treeSize]);
  return row.frontier;
}

async function expectReadBack(checkpoint: Awaited<ReturnType<AuditWriter['checkpoint']>>) {
  const expected = await readBack();
  expect(checkpoint).toEqual({ origin: expected.origin, treeSize: expected.treeSize, rootHash: expected.rootHash, hash: expected.hash, signature: expected.signature });
  expect(await storedFrontier(expected.treeSize)).toEqual(expected.frontier);
}

/** Stops a writer (its last checkpoint included) and leaves it out of the clean-up. */
async function stop(writer: AuditWriter): Promise<void> {
  writers.splice(writers.indexOf(writer), 1);
  await writer.close();
}

const readSoFar = async (writer: AuditWriter) => (await writer.checkpointerOf())!.leavesRead;

beforeAll(async () => {
  database = await freshAuditDatabase('audit_handover');
  url = database.url;
  dir = mkdtempSync(join(tmpdir(), 'audit-handover-'));
  const { privateJwk } = await newKeyPair(GATEWAY);
  keyFile = join(dir, 'gateway.jwk');
  writeFileSync(keyFile, JSON.stringify(privateJwk));
  key = await readSigningKey(keyFile, GATEWAY);
});

afterAll(async () => {
  for (const writer of writers) await writer.close().catch(() => {});
  for (const pool of pools) await pool.end().catch(() => {});
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('checkpoints from the leaves the writer handed over', () => {
  it('equal the checkpoint from reading every row back, and read none of the rows this process wrote', async () => {
    const writer = await gatewayWriter();
    for (let batch = 0; batch < 4; batch++) {
      await writer.commit(entries('a', batch * 10, 7 + batch), 5000);
    }
    const checkpoint = await writer.checkpoint();
    expect(checkpoint!.treeSize).toBe(7 + 8 + 9 + 10);
    await expectReadBack(checkpoint);
    expect(await readSoFar(writer)).toBe(0);
    expect((await writer.checkpointerOf())!.leavesHeld).toBe(0); // let go once covered

    // The next one extends it, again from what was handed over.
    writer.record(entries('a', 100, 5));
    await writer.flush();
    await expectReadBack(await writer.checkpoint());
    expect(await readSoFar(writer)).toBe(0);
    await stop(writer);
  });

  it('another gateway process\'s rows interleaved with this one\'s are read back, and the checkpoint is the same', async () => {
    const [a, b] = [await gatewayWriter(), await gatewayWriter()];
    const before = (await readBack()).treeSize;
    // One after the other: b's rows sit between a's in leaf order.
    let fromB = 0;
    for (let round = 0; round < 3; round++) {
      await a.commit(entries('a', 200 + round * 10, 4), 5000);
      await b.commit(entries('b', 200 + round * 10, 3 + round), 5000);
      fromB += 3 + round;
    }
    // At once: the two writers' batches take turns under the chain lock in whatever order they come.
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).commit(entries(i % 2 ? 'a' : 'b', 300 + i * 10, 1 + (i % 4)), 5000)));
    for (let i = 0; i < 20; i += 2) fromB += 1 + (i % 4);
    const checkpoint = await a.checkpoint();
    expect(checkpoint!.treeSize - before).toBe(4 * 3 + fromB + [1, 3, 5, 7, 9, 11, 13, 15, 17, 19].reduce((n, i) => n + 1 + (i % 4), 0));
    await expectReadBack(checkpoint);
    // The leaves before this test's were covered by the last checkpoint; of the rest only b's were read.
    expect(await readSoFar(a)).toBe(fromB);

    // b's checkpointer then holds leaves the last checkpoint (a's) covers: it lets them go, reads nothing, and follows on.
    await b.commit(entries('b', 500, 6), 5000);
    await expectReadBack(await b.checkpoint());
    expect(await readSoFar(b)).toBe(0);
    await stop(a);
    await stop(b);
  });

  it('after a restart, the leaves committed before it that no checkpoint covered are read back', async () => {
    const before = (await readBack()).treeSize;
    // A process that committed and stopped before its next checkpoint (no checkpointer at all).
    const gone = await gatewayWriter(false);
    await gone.commit(entries('gone', 600, 9), 5000);
    await stop(gone);
    const restarted = await gatewayWriter();
    await restarted.commit(entries('restarted', 700, 5), 5000);
    const checkpoint = await restarted.checkpoint();
    expect(checkpoint!.treeSize).toBe(before + 9 + 5);
    await expectReadBack(checkpoint);
    expect(await readSoFar(restarted)).toBe(9);
    await stop(restarted);
  });

  it('holds at most its bound: the oldest leaves let go are read back, and the checkpoint is the same', async () => {
    const writer = await gatewayWriter(false);
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    pools.push(pool);
    const checkpointer = new Checkpointer(pool, key, { maxHeldLeaves: 10 });
    const start = (await readBack()).treeSize;
    // Hand the checkpointer the committed rows' canonical JSON in batches of 4, as a writer would.
    for (let batch = 0; batch < 5; batch++) {
      await writer.commit(entries('bounded', 800 + batch * 10, 4), 5000);
      const rows = await query(`SELECT ${ENTRY_COLUMNS} FROM audit_log WHERE leaf_index >= $1 ORDER BY leaf_index`, [start + batch * 4]);
      checkpointer.committed(start + batch * 4, rows.map((row) => canonicalJson(entryOfRow(row as never))));
      expect(checkpointer.leavesHeld).toBeLessThanOrEqual(10);
    }
    expect(checkpointer.leavesHeld).toBe(8); // the two newest batches
    const checkpoint = await checkpointer.checkpoint();
    await expectReadBack(checkpoint);
    expect(checkpointer.leavesRead).toBe(12); // the three oldest batches
    await stop(writer);
  });

  it('a leaf missing below one it holds fails the checkpoint instead of signing a tree with a hole', async () => {
    const writer = await gatewayWriter(false);
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    pools.push(pool);
    const checkpointer = new Checkpointer(pool, key);
    const size = (await readBack()).treeSize;
    await writer.commit(entries('hole', 900, 3), 5000);
    // Handed a leaf two past the log's end: the one between is in no table and in no hand.
    const [row] = await query(`SELECT ${ENTRY_COLUMNS} FROM audit_log WHERE leaf_index = $1`, [size + 2]);
    checkpointer.committed(size + 4, [canonicalJson(entryOfRow(row as never))]);
    await expect(checkpointer.checkpoint()).rejects.toThrow(`audit: leaf ${size + 3} is missing from the log`);
    await stop(writer);
  });
});
