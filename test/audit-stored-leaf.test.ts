// Each audit entry keeps the Merkle leaf hash the gateway computed when it wrote it
// (audit_log.leaf_sha256): the audit subgraph's tree reads those instead of hashing every entry
// again, and hashes from content the entries written before there was one. Its proofs are the
// ones the entries' content gives; `npm run audit:verify` still recomputes every leaf from the
// content and names an entry whose stored leaf is not its own. A database of its own on the test
// run's PostgreSQL; no hub.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditWriter, type AuditEntryInput } from '../gateway/audit/index';
import { verifyAuditLog } from '../gateway/audit/verify-log';
import { auditLeafHash, ENTRY_COLUMNS, entryOfRow, type AuditEntryRow } from '../kit/audit-chain';
import type { SubgraphRuntime } from '../kit/module';
import { consistencyProof, inclusionProof, merkleHasher, subtreesOf, type MerkleHashName } from '../kit/merkle';
import { AuditTree } from '../subgraphs/audit/tree';
import { freshAuditDatabase, type AuditDatabase } from './support/audit-database';

const sha256 = merkleHasher('sha256');
let database: AuditDatabase | undefined;
let url: string;
let pool: pg.Pool;
let writer: AuditWriter;
let statements: string[] = [];

/** What AuditTree uses of the audit subgraph's runtime: its database, each statement noted. */
const runtime = () => ({
  db: { query: async (sql: string, params?: unknown[]) => { statements.push(sql); return (await pool.query(sql, params)).rows; } },
}) as unknown as SubgraphRuntime;

/** A request's entries as a 50-case page makes them: one asker, the name and ID number of each party. */
const page = (n: number, from: number): AuditEntryInput[] => Array.from({ length: n }, (_, i) => ({
  subject: 'officer-7', role: 'procurator', org: 'PROC-320706', region: '320706', operationName: 'CasePage', clientAddress: '10.0.0.7',
  coordinate: i % 2 ? 'Party.idNumber' : 'Party.name', entityId: `party-${from + (i >> 1)}`, decision: i % 5 ? 'full' : 'masked',
  reason: '立案监督审查', traceId: `trace-${from}`,
}));

/** Every entry's leaf as its content gives it, in leaf order. */
async function leavesFromContent(hash: MerkleHashName = 'sha256'): Promise<Buffer[]> {
  const hasher = merkleHasher(hash);
  const { rows } = await pool.query<AuditEntryRow>(`SELECT ${ENTRY_COLUMNS} FROM audit_log ORDER BY leaf_index`);
  return rows.map((row) => auditLeafHash(hasher, entryOfRow(row)));
}

/** What a superuser does (triggers off for one transaction): entries written before leaves were stored, or a tampered one. */
async function asSuperuser(sql: string, params: unknown[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL session_replication_role = replica');
    await client.query(sql, params);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally { client.release(); }
}

/** Every inclusion proof and the consistency proofs from each size to `size`, of a tree or of leaves in memory. */
function proofs(subtree: (start: number, end: number) => Buffer, size: number) {
  const hex = (path: Buffer[]) => path.map((h) => h.toString('hex'));
  return {
    inclusion: Array.from({ length: size }, (_, i) => hex(inclusionProof(subtree, i, size))),
    consistency: Array.from({ length: size - 1 }, (_, m) => hex(consistencyProof(subtree, m + 1, size))),
  };
}

beforeAll(async () => {
  database = await freshAuditDatabase('audit_leaf');
  url = database.url;
  pool = new pg.Pool({ connectionString: url, max: 2 });
  writer = new AuditWriter(url, { intervalMs: 5 });
});

afterAll(async () => {
  await writer?.close();
  await pool?.end();
  await database?.drop();
});

describe('the leaf hash stored with each audit entry', () => {
  it('is the leaf of the entry\'s content, written with it in the same batch', async () => {
    await writer.commit(page(100, 0), 5000);
    await writer.commit([...page(3, 100), { ...page(1, 200)[0], subject: 'officer-8', decision: 'denied', entityId: null }], 5000);
    const { rows } = await pool.query<{ leaf_sha256: Buffer }>('SELECT leaf_sha256 FROM audit_log ORDER BY leaf_index');
    expect(rows).toHaveLength(104);
    expect(rows.map((r) => r.leaf_sha256.toString('hex'))).toEqual((await leavesFromContent()).map((h) => h.toString('hex')));
  });

  it('is 32 bytes or nothing', async () => {
    await expect(asSuperuser('UPDATE audit_log SET leaf_sha256 = $1 WHERE leaf_index = 0', [Buffer.alloc(31)])).rejects.toThrow(/audit_log_leaf_sha256_size/);
  });

  it('gives the audit subgraph\'s tree the proofs the content gives, reading no entry\'s content', async () => {
    statements = [];
    const tree = new AuditTree(runtime(), 'sha256');
    await tree.ensure(104);
    expect(statements.some((sql) => /\bsubject\b/.test(sql))).toBe(false);
    const content = await leavesFromContent();
    expect(Array.from({ length: 104 }, (_, i) => tree.leafHash(i).toString('hex'))).toEqual(content.map((h) => h.toString('hex')));
    expect(proofs(tree.subtree, 104)).toEqual(proofs(subtreesOf(sha256, content), 104));
  });

  it('leaves entries written before leaves were stored to be hashed from their content, wherever they stand', async () => {
    // The log's first 30 entries from before the column, and a run in the middle (a row restored by hand).
    await asSuperuser('UPDATE audit_log SET leaf_sha256 = NULL WHERE leaf_index < 30 OR leaf_index BETWEEN 60 AND 64', []);
    await writer.commit(page(20, 300), 5000);
    const content = await leavesFromContent();
    expect(content).toHaveLength(124);
    for (const sizes of [[124], [10, 30, 31, 62, 65, 124]]) {
      const tree = new AuditTree(runtime(), 'sha256');
      for (const size of sizes) {
        await tree.ensure(size);
        expect(tree.size).toBe(size);
        expect(proofs(tree.subtree, size)).toEqual(proofs(subtreesOf(sha256, content.slice(0, size)), size));
      }
    }
  });

  it('is not what a tree of another hash is made of: an sm3 tree hashes every entry from its content', async () => {
    const sm3 = merkleHasher('sm3');
    const tree = new AuditTree(runtime(), 'sm3');
    await tree.ensure(124);
    const content = await leavesFromContent('sm3');
    expect(Array.from({ length: 124 }, (_, i) => tree.leafHash(i).toString('hex'))).toEqual(content.map((h) => h.toString('hex')));
    expect(proofs(tree.subtree, 124)).toEqual(proofs(subtreesOf(sm3, content), 124));
  });

  it('a tree asked for more leaves than the log holds still fails, naming both sizes', async () => {
    await expect(new AuditTree(runtime(), 'sha256').ensure(125)).rejects.toThrow('the audit log holds 124 leaves, not 125');
  });
});

describe('npm run audit:verify and the stored leaves', () => {
  it('passes a log whose stored leaves are their entries\' own, and one with entries that have none', async () => {
    expect(await verifyAuditLog(url)).toMatchObject({ ok: true, entries: 124 });
  });

  it('names the entry whose stored leaf is not the hash of its content, though its chain hash is right', async () => {
    const [row] = (await pool.query<{ sequence: string }>('SELECT sequence::text FROM audit_log WHERE leaf_index = 90')).rows;
    const [other] = (await pool.query<{ leaf_sha256: Buffer }>('SELECT leaf_sha256 FROM audit_log WHERE leaf_index = 91')).rows;
    await asSuperuser('UPDATE audit_log SET leaf_sha256 = $1 WHERE leaf_index = 90', [other.leaf_sha256]);
    expect((await verifyAuditLog(url)).firstBad).toMatchObject({ sequence: Number(row.sequence), leafIndex: 90, reason: expect.stringMatching(/stored with the entry is not the hash of its content/) });
    const own = auditLeafHash(sha256, entryOfRow((await pool.query<AuditEntryRow>(`SELECT ${ENTRY_COLUMNS} FROM audit_log WHERE leaf_index = 90`)).rows[0]));
    await asSuperuser('UPDATE audit_log SET leaf_sha256 = $1 WHERE leaf_index = 90', [own]);
    expect((await verifyAuditLog(url)).ok).toBe(true);
  });
});

describe('the chain without a unique prev_hash', () => {
  it('still refuses a second entry at a leaf already written (a writer that did not take the chain lock)', async () => {
    const [head] = (await pool.query('SELECT prev_hash, hash, leaf_index::text FROM audit_log ORDER BY sequence DESC LIMIT 1')).rows;
    // What such a writer inserts: the head it read before the last batch went in, so the same prev_hash and leaf.
    await expect(pool.query(`INSERT INTO audit_log (at, subject, role, coordinate, decision, prev_hash, hash, leaf_index)
      VALUES (now()::timestamptz(3), 'officer-9', 'procurator', 'Party.idNumber', 'full', $1, $2, $3)`, [head.prev_hash, 'f'.repeat(64), head.leaf_index]))
      .rejects.toThrow(/audit_log_leaf_index/);
  });
});

describe('the chain hashes\' format', () => {
  const insert = (prevHash: string, hash: string, leaf: number) => pool.query(`INSERT INTO audit_log (at, subject, role, coordinate, decision, prev_hash, hash, leaf_index)
    VALUES (now()::timestamptz(3), 'officer-9', 'procurator', 'Party.idNumber', 'full', $1, $2, $3)`, [prevHash, hash, leaf]);
  const good = 'c0ffee'.padEnd(64, '9');

  it.each([
    ['63 digits', good.slice(1)], ['65 digits', `${good}0`], ['an upper-case digit', `A${good.slice(1)}`], ['a letter past f', `g${good.slice(1)}`],
    ['a space', ` ${good.slice(1)}`], ['a line break at the end', `${good.slice(1)}\n`], ['a line break inside', `${good.slice(0, 32)}\n${good.slice(33)}`],
    ['a full-width digit', `０${good.slice(1)}`], ['nothing', ''],
  ])('refuses a prev_hash or hash with %s', async (_what, bad) => {
    await expect(insert(bad, good, 1_000_000)).rejects.toThrow(/audit_log_prev_hash_check/);
    await expect(insert(good, bad, 1_000_001)).rejects.toThrow(/audit_log_hash_check/);
  });

  it('takes 64 lower-case hex digits', async () => {
    const before = Number((await pool.query('SELECT count(*) AS n FROM audit_log')).rows[0].n);
    await insert('0123456789abcdef'.repeat(4), good, 1_000_002);
    expect(Number((await pool.query('SELECT count(*) AS n FROM audit_log')).rows[0].n)).toBe(before + 1);
  });
});
