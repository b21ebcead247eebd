// The witness courier's cost (issue 13). The gateway's checkpointer stores with each checkpoint the
// consistency proof from the one before it, made from the nodes its new root hashes anyway; the
// audit subgraph's courier carries that proof to the procuratorate's witness when the witness
// cosigned that previous checkpoint, without reading the log or hashing its tree, and makes one
// from its tree when the witness is further behind. The witness checks every proof against the
// root it cosigned itself, whoever made it: a proof the courier carries is worth nothing unverified.
// A database of its own on the test run's PostgreSQL and a witness in the test (the same checks as
// subgraphs/procuratorate/witness.ts, whose own refusals test/audit-witness.test.ts holds); no hub.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importJWK } from 'jose';
import { AuditWriter, type AuditEntryInput } from '../gateway/audit/index';
import { Checkpointer } from '../gateway/audit/checkpointer';
import { auditLeafHash, ENTRY_COLUMNS, entryOfRow, type AuditEntryRow } from '../kit/audit-chain';
import { verifyCheckpoint } from '../kit/checkpoint';
import { GATEWAY, newKeyPair, readSigningKey } from '../kit/keys';
import type { AuditCheckpointMessage, WitnessAnswer } from '../kit/messages/audit-checkpoint';
import type { SubgraphRuntime } from '../kit/module';
import { consistencyProof, merkleHasher, rootOf, subtreesOf, verifyConsistency } from '../kit/merkle';
import { witnessCourierPass } from '../subgraphs/audit/witness';
import { freshAuditDatabase, type AuditDatabase } from './support/audit-database';

const sha256 = merkleHasher('sha256');
const hex = (h: string) => Buffer.from(h, 'hex');
let database: AuditDatabase | undefined;
let url: string;
let dir: string;
let keyFile: string;
let gatewayPublicKey: CryptoKey;
let pool: pg.Pool;
let writer: AuditWriter;

const entry = (i: number): AuditEntryInput => ({
  subject: `officer-${i % 3}`, role: 'procurator', org: 'PROC-320706', region: '320706', operationName: 'CasePage',
  coordinate: i % 2 ? 'Party.idNumber' : 'Party.name', entityId: `party-${i}`, decision: i % 5 ? 'full' : 'masked', reason: '立案监督审查', traceId: `trace-${i}`,
});
let written = 0;
/** Writes n entries as the gateway does and signs a checkpoint of the whole log. */
async function append(n: number, checkpointer?: Checkpointer) {
  await writer.commit(Array.from({ length: n }, () => entry(written++)), 5000);
  return checkpointer ? checkpointer.checkpoint() : writer.checkpoint();
}

/** Every entry's leaf as its content gives it, in leaf order. */
async function leavesFromContent(): Promise<Buffer[]> {
  const { rows } = await pool.query<AuditEntryRow>(`SELECT ${ENTRY_COLUMNS} FROM audit_log ORDER BY leaf_index`);
  return rows.map((row) => auditLeafHash(sha256, entryOfRow(row)));
}

interface StoredCheckpoint { size: number; root: string; proof_from: number | null; proof: string[] | null }
const stored = async (): Promise<StoredCheckpoint[]> => (await pool.query(
  'SELECT tree_size::int AS size, root_hash AS root, proof_from::int, proof FROM audit_checkpoint ORDER BY tree_size')).rows;

/**
 * The procuratorate's witness as this test needs it: it cosigns a checkpoint the gateway signed
 * that extends the last it cosigned (the first on the signature alone), answers `resync` with its
 * size to a proof from another, and refuses what does not verify.
 */
function testWitness() {
  const witness = { size: 0, root: '', messages: [] as AuditCheckpointMessage[], refused: [] as string[] };
  const receive = (m: AuditCheckpointMessage): WitnessAnswer => {
    witness.messages.push(m);
    const refuse = (reason: string): WitnessAnswer => { witness.refused.push(reason); return { status: 'refused', reason }; };
    const cosigned = (): WitnessAnswer => ({ status: 'cosigned', witness: 'procuratorate', treeSize: witness.size, rootHash: witness.root, cosignedAt: new Date().toISOString(), cosignature: 'x' });
    if (!verifyCheckpoint(gatewayPublicKey, { origin: m.origin, treeSize: m.treeSize, rootHash: m.rootHash, hash: m.hash }, m.signature)) return refuse('not the gateway\'s');
    if (m.treeSize === witness.size) return m.rootHash === witness.root ? cosigned() : refuse('fork');
    if (m.treeSize < witness.size || m.fromSize !== witness.size) return { status: 'resync', treeSize: witness.size };
    if (witness.size > 0 && !verifyConsistency(sha256, witness.size, m.treeSize, hex(witness.root), hex(m.rootHash), m.proof.map(hex))) return refuse('not consistent');
    witness.size = m.treeSize;
    witness.root = m.rootHash;
    return cosigned();
  };
  return Object.assign(witness, { receive });
}

/** A fresh audit subgraph process as its courier sees it (a new process: nothing in memory): its database, each statement noted, and the witness. */
function auditProcess(witness: ReturnType<typeof testWitness>) {
  const statements: string[] = [];
  const runtime = {
    name: 'audit',
    db: { query: async (sql: string, params?: unknown[]) => { statements.push(sql); return (await pool.query(sql, params)).rows; } },
    send: async (owner: string, route: string, body: AuditCheckpointMessage) => {
      expect([owner, route]).toEqual(['procuratorate', 'audit-checkpoints']);
      return witness.receive(JSON.parse(JSON.stringify(body)));
    },
  } as unknown as SubgraphRuntime;
  return { pass: witnessCourierPass(runtime), statements };
}
const readsTheLog = (statements: string[]) => statements.some((sql) => /\baudit_log\b/.test(sql));

beforeAll(async () => {
  database = await freshAuditDatabase('audit_courier');
  url = database.url;
  pool = new pg.Pool({ connectionString: url, max: 2 });
  dir = mkdtempSync(join(tmpdir(), 'audit-courier-'));
  const { privateJwk, publicJwk } = await newKeyPair(GATEWAY);
  keyFile = join(dir, 'gateway.jwk');
  writeFileSync(keyFile, JSON.stringify(privateJwk));
  gatewayPublicKey = (await importJWK(publicJwk, 'EdDSA')) as CryptoKey;
  // Checkpoints only when the test asks.
  writer = new AuditWriter(url, { signingKeyFile: keyFile, checkpointMs: 60_000, intervalMs: 5 });
  await writer.checkpointerOf();
});

afterAll(async () => {
  await writer?.close();
  await pool?.end();
  await database?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the checkpoint\'s stored consistency proof', () => {
  it('is stored with each checkpoint after the first, from the one before, and is the proof the entries\' content gives', async () => {
    await append(7);
    await append(6);
    await append(1);
    await append(50);
    const checkpoints = await stored();
    expect(checkpoints.map((c) => [c.size, c.proof_from])).toEqual([[7, null], [13, 7], [14, 13], [64, 14]]);
    expect(checkpoints[0].proof).toBeNull(); // nothing to prove from the empty tree
    const content = subtreesOf(sha256, await leavesFromContent());
    for (const [i, c] of checkpoints.entries()) {
      expect(c.root).toBe(content(0, c.size).toString('hex'));
      if (!i) continue;
      expect(c.proof).toEqual(consistencyProof(content, c.proof_from!, c.size).map((h) => h.toString('hex')));
      expect(verifyConsistency(sha256, c.proof_from!, c.size, hex(checkpoints[i - 1].root), hex(c.root), c.proof!.map(hex))).toBe(true);
    }
  });

  it('is left out of a checkpoint over more new leaves than it proves (a catch-up), which is the same checkpoint', async () => {
    const key = await readSigningKey(keyFile, GATEWAY);
    const catchingUp = new Checkpointer(pool, key, { maxProvedLeaves: 10 });
    const made = await append(11, catchingUp);
    expect(made).toMatchObject({ treeSize: 75, rootHash: rootOf(sha256, await leavesFromContent()).toString('hex') });
    expect((await stored()).at(-1)).toMatchObject({ size: 75, proof_from: null, proof: null });
    // Up to the bound it proves.
    await append(10, catchingUp);
    const [previous, last] = (await stored()).slice(-2);
    expect(last).toMatchObject({ size: 85, proof_from: 75 });
    expect(verifyConsistency(sha256, 75, 85, hex(previous.root), hex(last.root), last.proof!.map(hex))).toBe(true);
  });

  it('refuses a proof that does not start at the checkpoint before, or one without its start', async () => {
    const [last] = (await stored()).slice(-1);
    const insert = (proofFrom: number | null, proof: string[] | null) => pool.query(
      `INSERT INTO audit_checkpoint (tree_size, origin, hash_alg, root_hash, frontier, signature, signed_at, proof_from, proof)
       VALUES (1000, 'o', 'sha256', $1, '{}', 's', now(), $2, $3)`, [last.root, proofFrom, proof]);
    await expect(insert(1000, [])).rejects.toThrow(/audit_checkpoint_proof/);
    await expect(insert(0, [])).rejects.toThrow(/audit_checkpoint_proof/);
    await expect(insert(null, [last.root])).rejects.toThrow(/audit_checkpoint_proof/);
    await expect(insert(85, null)).rejects.toThrow(/audit_checkpoint_proof/);
  });
});

describe('the witness courier', () => {
  const witness = testWitness();

  it('sends the newest checkpoint to a witness that has cosigned none, and nothing more while nothing is new: one read a pass', async () => {
    const audit = auditProcess(witness);
    expect(await audit.pass()).toBe(1);
    expect(witness.size).toBe(85);
    audit.statements.length = 0;
    const sent = witness.messages.length;
    for (let i = 0; i < 3; i++) expect(await audit.pass()).toBe(0);
    expect(witness.messages.length).toBe(sent);
    expect(audit.statements).toHaveLength(3);
    expect(readsTheLog(audit.statements)).toBe(false);
  });

  it('carries the stored proof to a witness that cosigned the checkpoint before, reading nothing of the log', async () => {
    const audit = auditProcess(witness);
    // A new process sends the newest checkpoint once: the witness has it and answers with its cosignature.
    expect(await audit.pass()).toBe(1);
    expect(await audit.pass()).toBe(0);
    await append(9);
    audit.statements.length = 0;
    witness.messages.length = 0;
    expect(await audit.pass()).toBe(1);
    const [last] = (await stored()).slice(-1);
    expect(witness.messages).toEqual([expect.objectContaining({ treeSize: 94, fromSize: 85, proof: last.proof })]);
    expect(witness).toMatchObject({ size: 94, root: last.root, refused: [] });
    expect(readsTheLog(audit.statements)).toBe(false);
  });

  it('after a restart, sends once to a witness at the checkpoint before, reading nothing of the log', async () => {
    await append(5);
    const restarted = auditProcess(witness);
    witness.messages.length = 0;
    expect(await restarted.pass()).toBe(1);
    expect(witness.messages.map((m) => [m.treeSize, m.fromSize])).toEqual([[99, 94]]);
    expect(witness.size).toBe(99);
    expect(readsTheLog(restarted.statements)).toBe(false);
  });

  it('brings a witness that missed checkpoints forward one stored proof at a time, after a restart too, reading nothing of the log', async () => {
    const audit = auditProcess(witness);
    expect(await audit.pass()).toBe(1); // the newest again, which the witness has
    await append(3);
    await append(4); // two checkpoints between two passes: the witness missed the one of 102
    witness.messages.length = 0;
    expect(await audit.pass()).toBe(1);
    expect(await audit.pass()).toBe(1);
    expect(await audit.pass()).toBe(0);
    expect(witness.messages.map((m) => [m.treeSize, m.fromSize])).toEqual([[102, 99], [106, 102]]);
    expect(witness).toMatchObject({ size: 106, refused: [] });
    expect(readsTheLog(audit.statements)).toBe(false);

    await append(2);
    await append(2);
    const restarted = auditProcess(witness);
    witness.messages.length = 0;
    expect(await restarted.pass()).toBe(1);
    // It tries the newest's stored proof first; the witness names its own size, and the checkpoint after it goes.
    expect(witness.messages.map((m) => [m.treeSize, m.fromSize])).toEqual([[110, 108], [108, 106]]);
    expect(await restarted.pass()).toBe(1);
    expect(witness.messages.map((m) => [m.treeSize, m.fromSize]).slice(2)).toEqual([[110, 108]]);
    expect(witness).toMatchObject({ size: 110, refused: [] });
    expect(readsTheLog(restarted.statements)).toBe(false);
  });

  it('proves from its tree to a witness whose next checkpoint was stored without a proof', async () => {
    const audit = auditProcess(witness);
    expect(await audit.pass()).toBe(1);
    const key = await readSigningKey(keyFile, GATEWAY);
    await append(3, new Checkpointer(pool, key, { maxProvedLeaves: 2 })); // a catch-up: 113 without proof
    await append(1); // 114, its proof from 113
    witness.messages.length = 0;
    expect(await audit.pass()).toBe(1);
    expect(witness.messages.map((m) => [m.treeSize, m.fromSize])).toEqual([[114, 110]]);
    expect(witness).toMatchObject({ size: 114, refused: [] });
    expect(readsTheLog(audit.statements)).toBe(true);
  });

  it('has a stored proof that was altered refused by the witness, and carries the next checkpoint with a proof from its tree', async () => {
    const audit = auditProcess(witness);
    expect(await audit.pass()).toBe(1); // the newest again, which the witness has
    await append(3);
    // Whoever holds the gateway's database swaps the stored proof for another.
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL session_replication_role = replica');
      await client.query(`UPDATE audit_checkpoint SET proof = array_replace(proof, proof[1], repeat('0', 64)) WHERE tree_size = 117`);
      await client.query('COMMIT');
    } finally { client.release(); }
    expect(await audit.pass()).toBe(0);
    expect(witness).toMatchObject({ size: 114, refused: ['not consistent'] });
    expect(await audit.pass()).toBe(0); // not sent again
    expect(witness.refused).toHaveLength(1);

    await append(1); // 118, its stored proof from the refused 117
    witness.messages.length = 0;
    expect(await audit.pass()).toBe(1);
    expect(witness.messages.map((m) => [m.treeSize, m.fromSize])).toEqual([[118, 114]]);
    expect(witness).toMatchObject({ size: 118, refused: ['not consistent'] });
  });
});
