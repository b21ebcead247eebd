import type { SubgraphModule } from '../../kit/module';
import { DateTime } from '../../kit/scalars';
import { entities } from './entities';
import { auditEntryFields, listAuditLog } from './log';
import { AuditInit1700000000000 } from './migrations/1700000000000-Init';
import { AuditLeanerIndexes1700000000100 } from './migrations/1700000000100-LeanerIndexes';
import { AuditMerkleTree1700000001500 } from './migrations/1700000001500-MerkleTree';
import { SchemaRegistry1700000002000 } from './migrations/1700000002000-SchemaRegistry';
import { AuditWriterGrants1700000002300 } from './migrations/1700000002300-AuditWriterGrants';
import { IdempotencyRecord1700000002850 } from './migrations/1700000002850-IdempotencyRecord';
import { AuditStoredLeafHash1700000003000 } from './migrations/1700000003000-StoredLeafHash';
import { AuditCheaperHashChecks1700000003100 } from './migrations/1700000003100-CheaperHashChecks';
import { AuditCheckpointProof1700000003300 } from './migrations/1700000003300-CheckpointProof';
import { typeDefs } from './schema';
import { witnessWorkers } from './witness';
import { proofQueries } from './proofs';

/**
 * The audit log's owner: its database schema (migrations) and the read side for auditors. The
 * gateway processes write to the same database (DATABASE_URL of the gateway = this database).
 */
export const audit: SubgraphModule = {
  name: 'audit',
  defaultPort: 4006,
  databaseOwner: 'gateway',
  typeDefs,
  entities,
  migrations: [AuditInit1700000000000, AuditLeanerIndexes1700000000100, AuditMerkleTree1700000001500, SchemaRegistry1700000002000, AuditWriterGrants1700000002300, IdempotencyRecord1700000002850,
    AuditStoredLeafHash1700000003000, AuditCheaperHashChecks1700000003100, AuditCheckpointProof1700000003300],
  // The gateway's signed checkpoints go to the procuratorate's witness (witness.ts says why from here).
  notifies: ['procuratorate'],
  workers: witnessWorkers,
  resolvers: {
    DateTime,
    Query: {
      auditLog: (_, { filter, first, after, last, before }, ctx) => listAuditLog(ctx, filter ?? {}, { first, after, last, before }),
      ...proofQueries,
    },
    AuditEntry: auditEntryFields,
  },
};
