import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, StatementCounter } from '../../kit/database';
import { externalPostgres } from '../../scripts/hub/postgres';
import { audit } from '../../subgraphs/audit';

/** A fresh database of the run's PostgreSQL with the audit log's migrations, for the writer and checkpointer without a hub. */
export interface AuditDatabase {
  url: string;
  /** Drops it (any connection left is ended). */
  drop(): Promise<void>;
}

export async function freshAuditDatabase(prefix: string): Promise<AuditDatabase> {
  const server = externalPostgres(inject('postgresAdminUrl'));
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const asAdmin = async (sql: string) => {
    const admin = new pg.Client({ connectionString: server.url('postgres') });
    await admin.connect();
    try { await admin.query(sql); } finally { await admin.end(); }
  };
  await asAdmin(`CREATE DATABASE "${name}"`);
  const url = server.url(name);
  const db = await openDatabase({ url, entities: audit.entities, migrations: audit.migrations, counter: new StatementCounter() });
  await db.destroy();
  return { url, drop: () => asAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
