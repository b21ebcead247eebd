// Replicas start together (issue 14: two of every subgraph in deploy/kubernetes/hub.yaml). Each
// process runs its owner's migrations at start (kit/database.ts); two processes starting at once on
// a new database must not both run the same migration, or the second fails its start on a table
// the first has just made. Here two starts race on a fresh database of the test run's PostgreSQL,
// in this process, with every migration of the owner; no hub.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, StatementCounter } from '../kit/database';
import { dropDatabases, ensureDatabases, externalPostgres } from '../scripts/hub/postgres';
import { migrationNamesOf, migrationsOf } from '../scripts/backup';

const server = () => externalPostgres(inject('postgresAdminUrl'));
const made: string[] = [];
afterAll(() => dropDatabases(server(), made));

async function migrationsRecorded(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try { return (await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY id')).rows.map((r) => r.name); } finally { await client.end(); }
}

describe('two processes of one owner starting at once on a new database', () => {
  it.each(['market-regulation', 'public-security', 'gateway'])('%s: both start, and every migration runs once', async (owner) => {
    const name = `migrate_${randomBytes(4).toString('hex')}`;
    made.push(name);
    await ensureDatabases(server(), [name]);
    const url = server().url(name);
    const start = () => openDatabase({ url, entities: [], migrations: migrationsOf(owner), counter: new StatementCounter(), poolSize: 2 });
    const started = await Promise.allSettled([start(), start()]);
    for (const s of started) if (s.status === 'fulfilled') await s.value.destroy();
    expect(started.map((s) => (s.status === 'rejected' ? String(s.reason) : 'started'))).toEqual(['started', 'started']);
    const recorded = await migrationsRecorded(url);
    expect(recorded).toEqual(migrationNamesOf(owner));
  }, 60_000);
});
