import { EntitySchema } from 'typeorm';

/** One record of the append-only, hash-chained audit log (written by the gateway, read here). */
export interface AuditLogRow {
  /** bigint identity, as a decimal string */
  sequence: string;
  at: Date;
  subject: string;
  role: string;
  org: string | null;
  region: string | null;
  clientAddress: string | null;
  operationName: string | null;
  documentHash: string | null;
  coordinate: string;
  entityId: string | null;
  decision: 'full' | 'masked' | 'denied';
  reason: string | null;
  traceId: string | null;
  prevHash: string;
  hash: string;
}

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
  },
});

export const entities = [AuditLog];
