import type { DataSource, EntitySchema, QueryRunner } from 'typeorm';

/**
 * One guarded UPDATE … RETURNING *: the WHERE clause carries the expected state, so of two
 * concurrent transitions only one matches. Returns the updated row as an entity, or null.
 */
export async function guardedUpdate<T>(db: DataSource, entity: EntitySchema<T>, sql: string, params: unknown[], inTransaction?: QueryRunner): Promise<T | null> {
  // Inside a transaction the caller's runner is used (and left open); otherwise one of our own.
  const runner = inTransaction ?? db.createQueryRunner();
  try {
    const result = await runner.query(sql, params, true);
    const raw = (result.records as Record<string, unknown>[])[0];
    if (!raw) return null;
    // Column names back to property names, from the entity's own metadata.
    const columns = db.getMetadata(entity).columns;
    return Object.fromEntries(columns.map((c) => [c.propertyName, raw[c.databaseName]])) as T;
  } finally {
    if (!inTransaction) await runner.release();
  }
}
