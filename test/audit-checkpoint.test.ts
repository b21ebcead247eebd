// The audit log's signed checkpoints (issue 18): the writer signs {origin, size, root} of the
// Merkle tree over the entries in leaf order, with the gateway's key, and each checkpoint extends
// the one before it. A database of its own on the test run's PostgreSQL; no hub.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditWriter, type AuditEntryInput } from '../gateway/audit/index';
import { entryOfRow, ENTRY_COLUMNS } from '../gateway/audit/checkpointer';
import { auditLeafHash } from '../kit/audit-chain';
import { verifyCheckpoint } from '../kit/checkpoint';
import { importJWK } from 'jose';
import { newKeyPair } from '../kit/keys';
import { consistencyProof, merkleHasher, rootOf, subtreesOf, verifyConsistency } from '../kit/merkle';
import { freshAuditDatabase, type AuditDatabase } from './support/audit-database';

const sha256 = merkleHasher('sha256');
let url: string;
let database: AuditDatabase | undefined;
let dir: string;
let publicKey: CryptoKey;
let writer: AuditWriter;

const entry = (i: number): AuditEntryInput => ({
  subject: `user-${i}`, role: 'procurator', org: 'PROC-320706', region: '320706', coordinate: 'Party.idNumber',
  entityId: `case-${i}`, decision: 'full', reason: '立案监督审查', traceId: `trace-${i}`,
});

async function leaves(): Promise<Buffer[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT ${ENTRY_COLUMNS} FROM audit_log ORDER BY leaf_index`);
    return rows.map((row) => auditLeafHash(sha256, entryOfRow(row)));
  } finally { await client.end(); }
}

beforeAll(async () => {
  database = await freshAuditDatabase('audit_ckp');
  url = database.url;
  dir = mkdtempSync(join(tmpdir(), 'audit-ckp-'));
  const { privateJwk, publicJwk } = await newKeyPair('gateway');
  writeFileSync(join(dir, 'gateway.jwk'), JSON.stringify(privateJwk));
  publicKey = (await importJWK(publicJwk, 'EdDSA')) as CryptoKey;
  // A long interval: the test makes each checkpoint itself.
  writer = new AuditWriter(url, { signingKeyFile: join(dir, 'gateway.jwk'), checkpointMs: 60_000, intervalMs: 5 });
});

afterAll(async () => {
  await writer?.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('signed checkpoints of the audit log', () => {
  it('cover every written entry in leaf order, signed by the gateway, each extending the one before', async () => {
    expect(await writer.checkpoint()).toBeNull(); // an empty log has nothing to sign
    writer.record(Array.from({ length: 7 }, (_, i) => entry(i)));
    await writer.flush();
    const first = (await writer.checkpoint())!;
    expect(first).toMatchObject({ origin: 'supervision-graph/audit-log', treeSize: 7, hash: 'sha256' });
    expect(first.rootHash).toBe(rootOf(sha256, await leaves()).toString('hex'));
    expect(verifyCheckpoint(publicKey, first, first.signature)).toBe(true);
    expect(verifyCheckpoint(publicKey, { ...first, treeSize: 6 }, first.signature)).toBe(false);
    expect(await writer.checkpoint()).toBeNull(); // nothing new, no new checkpoint

    for (let round = 0; round < 3; round++) { writer.record([entry(10 + round), entry(20 + round)]); await writer.flush(); }
    const second = (await writer.checkpoint())!;
    expect(second.treeSize).toBe(13);
    const all = await leaves();
    expect(second.rootHash).toBe(rootOf(sha256, all).toString('hex'));
    const proof = consistencyProof(subtreesOf(sha256, all), 7, 13);
    expect(verifyConsistency(sha256, 7, 13, Buffer.from(first.rootHash, 'hex'), Buffer.from(second.rootHash, 'hex'), proof)).toBe(true);

    // The next one starts from the largest size (13 > 7 as numbers, not as text).
    writer.record([entry(30)]);
    await writer.flush();
    expect(await writer.checkpoint()).toMatchObject({ treeSize: 14, rootHash: rootOf(sha256, await leaves()).toString('hex') });
  });
});
