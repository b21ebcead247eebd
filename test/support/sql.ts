import pg from 'pg';

/** One statement on a database by URL, on its own connection (a test reading or tampering as an operator would). */
export async function query<T = any>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try { return (await client.query(sql, params)).rows; } finally { await client.end(); }
}
