// The audit log as a verifiable log on the running hub (issue 18): the gateway's signed
// checkpoints reach the procuratorate's witness, which cosigns only consistent ones and keeps them
// in its own database; `npm run audit:verify` compares the log against them, so tampering by a
// database superuser (triggers bypassed with session_replication_role = replica) is found even
// after every hash was recomputed.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AuditWriter, verifyAuditChain, type AuditEntryInput } from '../gateway/audit/index';
import { verifyAuditLog } from '../gateway/audit/verify-log';
import { auditLeafHash, chainHash, GENESIS_HASH } from '../kit/audit-chain';
import { merkleHasher, verifyConsistency, verifyInclusion } from '../kit/merkle';
import { ENTRY_COLUMNS, entryOfRow } from '../gateway/audit/checkpointer';
import { signCheckpoint, verifyCheckpoint, verifyCosignature, type Checkpoint } from '../kit/checkpoint';
import { IDENTITY_HEADER } from '../kit/identity';
import { readKeyDirectory } from '../kit/keys';
import { externalPostgres } from '../scripts/hub/postgres';
import { startHub, eventually, type TestHub } from './support/hub';
import { query } from './support/sql';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const server = () => externalPostgres(inject('postgresAdminUrl'));
const ORIGIN = 'supervision-graph/audit-log';

let hub: TestHub;
let logUrl: string;
let witnessUrl: string;


/** What a superuser does: one transaction with the triggers switched off. */
async function asSuperuser(work: (c: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: logUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL session_replication_role = replica');
    await work(client);
    await client.query('COMMIT');
  } finally { await client.end(); }
}

const entry = (i: number): AuditEntryInput => ({
  subject: `officer-${i % 4}`, role: 'procurator', org: 'PROC-320706', region: '320706', operationName: 'CaseParty',
  coordinate: i % 2 ? 'Party.idNumber' : 'Party.phone', entityId: `case-${i}`, decision: 'full', reason: '立案监督审查', traceId: `trace-${i}`,
});

const witnessSize = async () => Number((await query(witnessUrl, 'SELECT coalesce(max(tree_size), 0) AS n FROM audit_witness_checkpoint'))[0].n);
const logSize = async () => Number((await query(logUrl, 'SELECT count(*) AS n FROM audit_log'))[0].n);

/** Appends entries as the gateway does (its writer, its database) and waits for the witness to cosign them all. */
async function appendAndWitness(entries: AuditEntryInput[]): Promise<number> {
  const writer = new AuditWriter(logUrl, { intervalMs: 5 });
  writer.record(entries);
  await writer.close();
  const size = await logSize();
  await eventually(async () => ((await witnessSize()) === size ? true : undefined), 15_000, `the witness cosigns ${size} entries`);
  return size;
}

function runVerifyScript(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'audit:verify'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** POST /internal/audit-checkpoints on the procuratorate, as `sender`. */
async function sendToWitness(body: unknown, sender = 'audit'): Promise<{ status: number; body: any }> {
  const response = await fetch(`${hub.subgraphUrls.procuratorate}/internal/audit-checkpoints`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: await hub.keys.asOwner(sender, 'procuratorate') },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  hub = await startHub({ env: { AUDIT_CHECKPOINT_MS: '200' } });
  logUrl = server().url(hub.databases.gateway);
  witnessUrl = server().url(hub.databases.procuratorate);
});
afterAll(() => hub?.stop());

describe('the witness of the audit log', () => {
  it('cosigns each new checkpoint the gateway signed, in the procuratorate\'s own database', async () => {
    expect(await appendAndWitness(Array.from({ length: 6 }, (_, i) => entry(i)))).toBe(6);
    expect(await appendAndWitness(Array.from({ length: 7 }, (_, i) => entry(10 + i)))).toBe(13);
    expect(await appendAndWitness(Array.from({ length: 7 }, (_, i) => entry(20 + i)))).toBe(20);

    const directory = await readKeyDirectory(hub.keys.directory);
    const cosigned = await query(witnessUrl, 'SELECT tree_size::int AS size, root_hash, hash_alg, gateway_signature, cosigned_at, cosignature FROM audit_witness_checkpoint ORDER BY tree_size');
    expect(cosigned.map((c) => c.size)).toEqual([6, 13, 20]);
    for (const c of cosigned) {
      const checkpoint: Checkpoint = { origin: ORIGIN, treeSize: c.size, rootHash: c.root_hash, hash: c.hash_alg };
      expect(verifyCheckpoint(directory.get('gateway')!, checkpoint, c.gateway_signature)).toBe(true);
      expect(verifyCosignature(directory.get('procuratorate')!, 'procuratorate', c.cosigned_at.toISOString(), checkpoint, c.cosignature)).toBe(true);
      // Not the signature of any other owner, nor over another size.
      expect(verifyCosignature(directory.get('justice')!, 'procuratorate', c.cosigned_at.toISOString(), checkpoint, c.cosignature)).toBe(false);
    }
    // The gateway keeps its own signed checkpoints beside the log; the witness's copy is elsewhere.
    const signed = await query(logUrl, 'SELECT tree_size::int AS size, root_hash FROM audit_checkpoint ORDER BY tree_size');
    expect(signed.map((s) => s.size)).toEqual([6, 13, 20]);
    expect(signed.map((s) => s.root_hash)).toEqual(cosigned.map((c) => c.root_hash));
    // Each after the first carries the consistency proof from the one before (the courier's to carry), which verifies against the witness's roots.
    const proofs = await query(logUrl, 'SELECT tree_size::int AS size, proof_from::int AS from, proof FROM audit_checkpoint ORDER BY tree_size');
    expect(proofs.map((p) => [p.size, p.from])).toEqual([[6, null], [13, 6], [20, 13]]);
    const hex = (h: string) => Buffer.from(h, 'hex');
    for (const p of proofs.slice(1)) {
      const root = (size: number) => hex(cosigned.find((c) => c.size === size).root_hash);
      expect(verifyConsistency(merkleHasher('sha256'), p.from, p.size, root(p.from), root(p.size), p.proof.map(hex))).toBe(true);
    }
  });

  it('refuses a checkpoint that is not consistent with what it cosigned, or not the gateway\'s, and keeps it as evidence', async () => {
    const [last] = await query(witnessUrl, 'SELECT tree_size::int AS size, root_hash FROM audit_witness_checkpoint ORDER BY tree_size DESC LIMIT 1');
    const gatewayKey = await hub.keys.signingKey('gateway');
    const forged = (size: number, seed: string): Checkpoint => ({ origin: ORIGIN, treeSize: size, rootHash: createHash('sha256').update(seed).digest('hex'), hash: 'sha256' });
    const junkProof = [createHash('sha256').update('a').digest('hex'), createHash('sha256').update('b').digest('hex')];

    // A log rewritten and re-signed by the gateway itself: it cannot prove it extends the old one.
    const rewritten = forged(last.size + 3, 'rewritten');
    const inconsistent = await sendToWitness({ ...rewritten, signature: signCheckpoint(gatewayKey, rewritten), fromSize: last.size, proof: junkProof });
    expect(inconsistent.body).toEqual({ status: 'refused', reason: expect.stringMatching(/not consistent with the checkpoint of size 20/) });
    // Another root for a size already cosigned: a fork.
    const fork = forged(last.size, 'fork');
    expect((await sendToWitness({ ...fork, signature: signCheckpoint(gatewayKey, fork), fromSize: last.size, proof: [] })).body)
      .toEqual({ status: 'refused', reason: expect.stringMatching(/forked or rewritten/) });
    // Signed by someone else (the courier's own key is not the gateway's).
    const bySomeoneElse = forged(last.size + 1, 'other');
    expect((await sendToWitness({ ...bySomeoneElse, signature: signCheckpoint(await hub.keys.signingKey('audit'), bySomeoneElse), fromSize: last.size, proof: junkProof })).body)
      .toEqual({ status: 'refused', reason: 'the gateway did not sign this checkpoint' });
    // Only the audit log's owner carries checkpoints; a malformed one is a 400 naming the field.
    expect((await sendToWitness({ ...rewritten, signature: 'x', fromSize: last.size, proof: [] }, 'justice')).status).toBe(403);
    expect(await sendToWitness({ ...rewritten, rootHash: 'nothex', signature: 'x', fromSize: last.size, proof: [] })).toMatchObject({ status: 400 });

    expect(await witnessSize()).toBe(last.size); // nothing refused was cosigned
    const evidence = await query(witnessUrl, 'SELECT sender, tree_size::int AS size, root_hash, from_size::int AS from_size, proof, reason FROM audit_witness_refusal ORDER BY id');
    expect(evidence).toEqual([
      { sender: 'audit', size: last.size + 3, root_hash: rewritten.rootHash, from_size: last.size, proof: junkProof, reason: expect.stringMatching(/not consistent/) },
      { sender: 'audit', size: last.size, root_hash: fork.rootHash, from_size: last.size, proof: [], reason: expect.stringMatching(/fork/) },
      { sender: 'audit', size: last.size + 1, root_hash: bySomeoneElse.rootHash, from_size: last.size, proof: junkProof, reason: expect.stringMatching(/did not sign/) },
    ]);
    // Evidence is append-only too.
    await expect(query(witnessUrl, 'DELETE FROM audit_witness_refusal')).rejects.toThrow(/append-only/);
  });
});

describe('npm run audit:verify against the witness, after a superuser tampered', () => {
  let saved: any[];
  const positions = async () => (await query(logUrl, 'SELECT sequence::int AS s FROM audit_log ORDER BY sequence')).map((r) => r.s as number);
  const verify = () => verifyAuditLog(logUrl, { witnessUrl, publicKeysFile: hub.keys.directory });

  beforeAll(async () => {
    saved = await query(logUrl, 'SELECT * FROM audit_log ORDER BY sequence');
  });

  /** Puts the saved rows back, as they were (the superuser's undo), so each case starts from the true log. */
  async function restore(): Promise<void> {
    await asSuperuser(async (c) => {
      await c.query('DELETE FROM audit_log');
      for (const r of saved) {
        // Each row as it was, its stored leaf hash (audit migration 1700000003000) included.
        await c.query(`INSERT INTO audit_log (sequence, at, subject, role, org, region, client_address, operation_name, document_hash, coordinate,
            entity_id, decision, reason, trace_id, prev_hash, hash, leaf_index, leaf_sha256) OVERRIDING SYSTEM VALUE
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
        [r.sequence, r.at, r.subject, r.role, r.org, r.region, r.client_address, r.operation_name, r.document_hash, r.coordinate,
          r.entity_id, r.decision, r.reason, r.trace_id, r.prev_hash, r.hash, r.leaf_index, r.leaf_sha256]);
      }
    });
    expect((await verify()).ok).toBe(true);
  }

  /**
   * Re-hashes the chain from the first row, renumbers the leaves and stores each row's leaf hash
   * anew from its content: what a careful tamperer does after his change.
   */
  async function rehashEverything(c: pg.Client): Promise<void> {
    const { rows } = await c.query('SELECT * FROM audit_log ORDER BY sequence');
    let prev = GENESIS_HASH;
    for (const [i, r] of rows.entries()) {
      const hash = chainHash(prev, { at: r.at, subject: r.subject, role: r.role, org: r.org, region: r.region, clientAddress: r.client_address,
        operationName: r.operation_name, documentHash: r.document_hash, coordinate: r.coordinate, entityId: r.entity_id, decision: r.decision, reason: r.reason, traceId: r.trace_id });
      // Out of the way first, so the unique constraints hold at every row.
      await c.query('UPDATE audit_log SET prev_hash = $2, hash = $3, leaf_index = $4 WHERE sequence = $1', [r.sequence, `${'f'.repeat(56)}${String(i).padStart(8, '0')}`, `${'e'.repeat(56)}${String(i).padStart(8, '0')}`, 1_000_000 + i]);
      rows[i].newPrev = prev; rows[i].newHash = hash;
      prev = hash;
    }
    const hasher = merkleHasher('sha256');
    for (const [i, r] of rows.entries()) {
      const leaf = auditLeafHash(hasher, { at: r.at, subject: r.subject, role: r.role, org: r.org, region: r.region, clientAddress: r.client_address,
        operationName: r.operation_name, documentHash: r.document_hash, coordinate: r.coordinate, entityId: r.entity_id, decision: r.decision, reason: r.reason, traceId: r.trace_id });
      await c.query('UPDATE audit_log SET prev_hash = $2, hash = $3, leaf_index = $4, leaf_sha256 = $5 WHERE sequence = $1', [r.sequence, r.newPrev, r.newHash, i, leaf]);
    }
  }

  it('passes the true log, checked against every cosigned checkpoint', async () => {
    const report = await verify();
    expect(report).toMatchObject({ ok: true, entries: 20, witnessed: 3, witnessedSize: 20, cosignaturesChecked: true });
    const cli = await runVerifyScript({ DATABASE_URL: logUrl, WITNESS_DATABASE_URL: witnessUrl, HUB_PUBLIC_KEYS_FILE: hub.keys.directory });
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/audit log intact: 20 entries verified, chain unbroken; 3 checkpoints of the procuratorate's witness matched, up to 20 entries \(cosignatures checked\)/);
  });

  it('finds an updated entry and names it', async () => {
    const s = await positions();
    await asSuperuser((c) => c.query(`UPDATE audit_log SET decision = 'masked' WHERE sequence = $1`, [s[8]]));
    expect((await verify()).firstBad).toMatchObject({ sequence: s[8], leafIndex: 8, reason: expect.stringMatching(/altered/) });
    await restore();
  });

  it('finds a deleted entry where it was', async () => {
    const s = await positions();
    await asSuperuser((c) => c.query('DELETE FROM audit_log WHERE sequence = $1', [s[4]]));
    expect((await verify()).firstBad).toMatchObject({ sequence: s[5], leafIndex: 4, reason: expect.stringMatching(/removed/) });
    await restore();
  });

  it('finds two entries swapped and names the first', async () => {
    const s = await positions();
    await asSuperuser(async (c) => {
      const [a, b] = (await c.query('SELECT sequence, entity_id, coordinate FROM audit_log WHERE sequence = ANY($1) ORDER BY sequence', [[s[10], s[11]]])).rows;
      await c.query('UPDATE audit_log SET entity_id = $2, coordinate = $3 WHERE sequence = $1', [a.sequence, b.entity_id, b.coordinate]);
      await c.query('UPDATE audit_log SET entity_id = $2, coordinate = $3 WHERE sequence = $1', [b.sequence, a.entity_id, a.coordinate]);
    });
    expect((await verify()).firstBad).toMatchObject({ sequence: s[10], leafIndex: 10 });
    await restore();
  });

  it('finds the newest entries removed, which the chain alone cannot see', async () => {
    const s = await positions();
    await asSuperuser((c) => c.query('DELETE FROM audit_log WHERE sequence >= $1', [s[17]]));
    expect(await verifyAuditChain(logUrl)).toMatchObject({ ok: true }); // the shorter chain is valid
    expect((await verify()).firstBad).toMatchObject({ leafIndex: 13, reason: expect.stringMatching(/witness cosigned 20 entries, the log holds 17/) });
    await restore();
  });

  it('finds the log truncated', async () => {
    await asSuperuser((c) => c.query('TRUNCATE audit_log'));
    expect(await verify()).toMatchObject({ ok: false, entries: 0, firstBad: { sequence: null, leafIndex: 0, reason: expect.stringMatching(/cosigned 6 entries, the log holds 0/) } });
    await restore();
  });

  it('finds an entry rewritten with every hash after it recomputed, and names it within the checkpoint that covers it', async () => {
    const s = await positions();
    await asSuperuser(async (c) => {
      await c.query(`UPDATE audit_log SET subject = 'someone-else' WHERE sequence = $1`, [s[9]]);
      await rehashEverything(c);
    });
    expect(await verifyAuditChain(logUrl)).toMatchObject({ ok: true }); // yesterday's check passes
    const report = await verify();
    expect(report.ok).toBe(false);
    // Entries 0..5 match the checkpoint of 6; the one of 13 fails: the bad entry is among 6..12.
    expect(report.firstBad).toMatchObject({ sequence: s[6], leafIndex: 6, range: { fromLeaf: 6, toLeaf: 12, fromSequence: s[6], toSequence: s[12] } });
    const cli = await runVerifyScript({ DATABASE_URL: logUrl, WITNESS_DATABASE_URL: witnessUrl, HUB_PUBLIC_KEYS_FILE: hub.keys.directory });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(new RegExp(`AUDIT LOG BROKEN at row sequence ${s[6]}: the first 13 entries do not give the root the procuratorate's witness cosigned`));
    expect(cli.stderr).toMatch(new RegExp(`among leaves 6\\.\\.12 \\(sequences ${s[6]}\\.\\.${s[12]}\\)`));
    await restore();
  });

  it('refuses to vouch for the log when the witness\'s own copy was altered (its cosignature no longer verifies)', async () => {
    const [row] = await query(witnessUrl, 'SELECT root_hash FROM audit_witness_checkpoint WHERE tree_size = 13');
    const setRoot = async (root: string) => {
      const client = new pg.Client({ connectionString: witnessUrl });
      await client.connect();
      try {
        await client.query('BEGIN');
        await client.query('SET LOCAL session_replication_role = replica');
        await client.query('UPDATE audit_witness_checkpoint SET root_hash = $1 WHERE tree_size = 13', [root]);
        await client.query('COMMIT');
      } finally { await client.end(); }
    };
    await setRoot('0'.repeat(64));
    await expect(verify()).rejects.toThrow(/size 13 does not carry the procuratorate's signature/);
    await setRoot(row.root_hash);
    expect((await verify()).ok).toBe(true);
  });
});

// Last: the refused callers' requests are themselves audited (denials), which grows the log.
describe('proofs for auditors through the graph', () => {
  it('gives auditors, through the graph, inclusion proofs of an entry and consistency proofs between checkpoints', async () => {
    const auditor = { role: 'auditor', org: 'AUDIT-320706', region: '320706' };
    const sha256 = merkleHasher('sha256');
    const cosigned = new Map((await query(witnessUrl, 'SELECT tree_size::int AS size, root_hash FROM audit_witness_checkpoint')).map((c) => [c.size, c.root_hash as string]));
    const [row] = await query(logUrl, `SELECT sequence::text AS seq, leaf_index::int AS leaf, ${ENTRY_COLUMNS} FROM audit_log ORDER BY sequence OFFSET 8 LIMIT 1`);
    const leafHash = auditLeafHash(sha256, entryOfRow(row));

    const checkpoints = await hub.graphql('{ auditCheckpoints(first: 5) { origin treeSize rootHash hash signature } }', {}, auditor);
    expect(checkpoints.errors).toBeUndefined();
    expect(checkpoints.data.auditCheckpoints.map((c: any) => c.treeSize)).toEqual([20, 13, 6]);

    const INCLUSION = `query($sequence: ID!, $treeSize: Int) { auditInclusionProof(sequence: $sequence, treeSize: $treeSize) {
      sequence leafIndex treeSize leafHash path checkpoint { treeSize rootHash signature } } }`;
    for (const treeSize of [13, 20]) {
      const { data, errors } = await hub.graphql(INCLUSION, { sequence: row.seq, treeSize }, auditor);
      expect(errors).toBeUndefined();
      const proof = data.auditInclusionProof;
      expect(proof).toMatchObject({ sequence: row.seq, leafIndex: 8, treeSize, leafHash: leafHash.toString('hex') });
      // The auditor checks it against the witness's copy of the root, not the subgraph's word.
      expect(proof.checkpoint.rootHash).toBe(cosigned.get(treeSize));
      const hex = (h: string) => Buffer.from(h, 'hex');
      expect(verifyInclusion(sha256, 8, treeSize, leafHash, proof.path.map(hex), hex(cosigned.get(treeSize)!))).toBe(true);
    }
    // Leaf 8 is not covered by the checkpoint of 6, and an unsigned size has no proof.
    const notCovered = await hub.graphql(INCLUSION, { sequence: row.seq, treeSize: 6 }, auditor);
    expect(notCovered.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sequence', rule: 'covered' });
    const unsigned = await hub.graphql(INCLUSION, { sequence: row.seq, treeSize: 15 }, auditor);
    expect(unsigned.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'treeSize', rule: 'checkpoint' });

    const consistency = await hub.graphql('{ auditConsistencyProof(fromSize: 6) { from { treeSize rootHash } to { treeSize rootHash } path } }', {}, auditor);
    expect(consistency.errors).toBeUndefined();
    const { from, to, path } = consistency.data.auditConsistencyProof;
    expect([from.treeSize, to.treeSize]).toEqual([6, 20]);
    const hex = (h: string) => Buffer.from(h, 'hex');
    expect(verifyConsistency(sha256, 6, 20, hex(cosigned.get(6)!), hex(cosigned.get(20)!), path.map(hex))).toBe(true);
  });

  it.each([
    ['procurator', { role: 'procurator', org: 'PROC-320706', region: '320706' }],
    ['platform_admin', { role: 'platform_admin' }],
    ['no token', undefined],
  ])('gives %s no proofs', async (_who, caller) => {
    const { data, errors } = await hub.graphql('{ auditCheckpoints { treeSize } auditConsistencyProof(fromSize: 6) { path } }', {}, caller as any);
    expect(data?.auditCheckpoints ?? null).toBeNull();
    expect(data?.auditConsistencyProof ?? null).toBeNull();
    expect(errors?.[0]?.extensions?.code).toMatch(/^(FORBIDDEN|UNAUTHORIZED_FIELD_OR_TYPE|UNAUTHENTICATED)$/);
  });
});

describe('a flood of one field', () => {
  const entriesOf = async (document: string) => (await query(logUrl, 'SELECT coordinate, entity_id, decision, role FROM audit_log WHERE document_hash = $1',
    [createHash('sha256').update(document).digest('hex')]));

  /** Sends `document` without a token, then a marker after it; the writer keeps order, so once the marker is in, so is the document's. */
  async function sendAnonymously(document: string): Promise<{ status: number; body: any }> {
    const response = await fetch(`${hub.gatewayUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: document }) });
    const result = { status: response.status, body: await response.json() };
    const marker = `{ viewer { role } } # marker ${Math.random()}`;
    await hub.graphql(marker, {});
    await eventually(async () => ((await entriesOf(marker)).length ? true : undefined), 10_000, 'the marker\'s entry');
    return result;
  }

  it('`viewer { role }` named 40 times without a token is one denial in the log', async () => {
    const document = `{ ${Array.from({ length: 40 }, () => 'viewer { role }').join(' ')} }`;
    const { body } = await sendAnonymously(document);
    expect(body.data?.viewer ?? null).toBeNull();
    expect(await entriesOf(document)).toEqual([{ coordinate: 'Query.viewer', entity_id: null, decision: 'denied', role: 'public' }]);
  });

  it('`viewer { role }` named 200 times without a token is refused by the limits and writes no entry', async () => {
    const document = `{ ${Array.from({ length: 200 }, () => 'viewer { role }').join(' ')} }`;
    const { status } = await sendAnonymously(document);
    expect(status).toBe(400); // GRAPHQL_MAX_REPEATED_FIELDS (50)
    expect(await entriesOf(document)).toEqual([]); // refused before planning: nothing was released or withheld
  });
});
