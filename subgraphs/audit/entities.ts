import { EntitySchema } from 'typeorm';
import type { ChainedAuditEntry } from '../../kit/audit-chain';

/**
 * One record of the append-only, hash-chained audit log. The gateway's writer defines what an
 * entry is (kit/audit-chain.ts); read back here, the bigint sequence arrives as a string.
 */
export type AuditLogRow = Omit<ChainedAuditEntry, 'sequence'> & { sequence: string; leafIndex: string };

export const AuditLog = new EntitySchema<AuditLogRow>({
  name: 'AuditLog', tableName: 'audit_log',
  columns: {
    sequence: { type: 'bigint', primary: true },
    at: { type: 'timestamptz' },
    subject: { type: 'text' },
    role: { type: 'text' },
    org: { type: 'text', nullable: true },
    region: { type: 'text', nullable: true },
    clientAddress: { name: 'client_address', type: 'text', nullable: true },
    operationName: { name: 'operation_name', type: 'text', nullable: true },
    documentHash: { name: 'document_hash', type: 'text', nullable: true },
    coordinate: { type: 'text' },
    entityId: { name: 'entity_id', type: 'text', nullable: true },
    decision: { type: 'text' },
    reason: { type: 'text', nullable: true },
    traceId: { name: 'trace_id', type: 'text', nullable: true },
    prevHash: { name: 'prev_hash', type: 'text' },
    hash: { type: 'text' },
    /** the entry's leaf in the log's Merkle tree (0-based) */
    leafIndex: { name: 'leaf_index', type: 'bigint' },
  },
});

export const entities = [AuditLog];
