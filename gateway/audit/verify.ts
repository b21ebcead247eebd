import pg from 'pg';
import { chainHash, GENESIS_HASH, type AuditDecision } from '../../kit/audit-chain';

export interface AuditChainReport {
  ok: boolean;
  /** Rows read, up to and including the first bad one. */
  checked: number;
  firstBad?: { sequence: number; reason: string };
}

interface Row {
  seq: string; at: Date; subject: string; role: string; org: string | null; region: string | null;
  client_address: string | null; operation_name: string | null; document_hash: string | null; coordinate: string;
  entity_id: string | null; decision: AuditDecision; reason: string | null; trace_id: string | null; prev_hash: string; hash: string;
}

/**
 * Reads audit_log in sequence order, a page at a time, and recomputes the chain: each row must
 * link to the previous row's hash (the first to the genesis hash) and hash to its stored hash.
 * An altered row fails on its own hash; a removed or inserted row breaks the link of the next.
 * (Removing the newest rows leaves a shorter valid chain: compare the head with an anchored copy.)
 */
export async function verifyAuditChain(databaseUrl: string, options: { pageSize?: number } = {}): Promise<AuditChainReport> {
  const pageSize = options.pageSize ?? 1000;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    let checked = 0;
    let prev = GENESIS_HASH;
    let after = '0';
    for (;;) {
      const { rows } = await client.query<Row>(
        `SELECT sequence::text AS seq, at, subject, role, org, region, client_address, operation_name, document_hash,
                coordinate, entity_id, decision, reason, trace_id, prev_hash, hash
           FROM audit_log WHERE sequence > $1::bigint ORDER BY audit_log.sequence LIMIT $2`, [after, pageSize]);
      for (const row of rows) {
        checked++;
        const sequence = Number(row.seq);
        if (row.prev_hash !== prev) {
          const reason = checked === 1
            ? 'the first row does not start the chain (prev_hash is not the genesis hash): rows before it were removed'
            : 'prev_hash does not match the hash of the row before it: a row was removed, inserted or re-hashed';
          return { ok: false, checked, firstBad: { sequence, reason } };
        }
        const expected = chainHash(prev, {
          at: row.at, subject: row.subject, role: row.role, org: row.org, region: row.region, clientAddress: row.client_address,
          operationName: row.operation_name, documentHash: row.document_hash, coordinate: row.coordinate, entityId: row.entity_id,
          decision: row.decision, reason: row.reason, traceId: row.trace_id,
        });
        if (row.hash !== expected) {
          return { ok: false, checked, firstBad: { sequence, reason: 'the row does not match its hash: its content was altered' } };
        }
        prev = row.hash;
      }
      if (rows.length < pageSize) return { ok: true, checked };
      after = rows[rows.length - 1].seq;
    }
  } finally {
    await client.end();
  }
}
