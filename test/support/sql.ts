import pg from 'pg';
import type { TestHub } from './hub';

/** One statement on a database by URL, on its own connection (a test reading or tampering as an operator would). */
export async function query<T = any>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try { return (await client.query(sql, params)).rows; } finally { await client.end(); }
}

/** One statement on an owner's database of a running test hub, as its owner. */
export async function ownerRows<T = any>(hub: TestHub, owner: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const db = await hub.ownerDatabase(owner);
  try { return (await db.query(sql, params)).rows; } finally { await db.end(); }
}

/**
 * Every outbox table of every owner of a running test hub with rows not yet delivered, and how many.
 * An outbox is known by its columns (kit/outbox.ts outboxTableSql), not its name: an agency's case
 * events wait in a table called plainly `outbox`.
 */
export async function undeliveredOutboxes(hub: TestHub): Promise<Record<string, number>> {
  const pending: Record<string, number> = {};
  for (const owner of Object.keys(hub.subgraphUrls)) {
    const tables = await ownerRows<{ table_name: string }>(hub, owner,
      `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name IN ('delivered_at', 'next_attempt_at', 'payload')
        GROUP BY table_name HAVING count(*) = 3`);
    for (const { table_name } of tables) {
      const [{ n }] = await ownerRows<{ n: number }>(hub, owner, `SELECT count(*)::int AS n FROM ${table_name} WHERE delivered_at IS NULL`);
      if (n) pending[`${owner}.${table_name}`] = n;
    }
  }
  return pending;
}
