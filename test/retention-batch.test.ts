// One pass of the erasure job (kit/retention.ts) on a real PostgreSQL database: it counts the rows
// it erased, so a pass with nothing past its period reports 0 and the job rests until its next
// poll. (It once counted TypeORM's [rows, count] pair as two rows on every pass and never rested.)
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { externalPostgres } from '../scripts/hub/postgres';
import { query } from './support/sql';
import { openDatabase, StatementCounter } from '../kit/database';
import { eraseBatch, RETENTION, type ErasureRule } from '../kit/retention';
import type { SubgraphRuntime } from '../kit/module';

const server = () => externalPostgres(inject('postgresAdminUrl'));
const name = `retention_t${randomBytes(5).toString('hex')}`;
const YEAR_MS = 365.25 * 24 * 3600 * 1000;
const RULE: ErasureRule = { dataClass: 'party', table: 'person', idColumn: 'id', startedBy: 't.decided_at <= $1' };
let db: DataSource;

/** A statement on the server's own database, as its superuser (making and dropping the file's database). */
const admin = (sql: string) => query(server().url('postgres'), sql);

describe('eraseBatch', () => {
  beforeAll(async () => {
    await admin(`CREATE DATABASE "${name}"`);
    db = await openDatabase({ url: server().url(name), entities: [], migrations: [], counter: new StatementCounter() });
    await db.query(`CREATE TABLE person (id int PRIMARY KEY, decided_at timestamptz NOT NULL, ${RETENTION.party.erases.map((c) => `${c} text`).join(', ')})`);
    const now = Date.now();
    await db.query(`INSERT INTO person VALUES (1, $1, 'a', 'b', 'c', 'd'), (2, $2, 'a', 'b', 'c', 'd'), (3, $2, 'a', 'b', 'c', 'd')`,
      [new Date(now - (RETENTION.party.years! + 1) * YEAR_MS), new Date(now - YEAR_MS)]);
  });

  afterAll(async () => {
    await db?.destroy();
    await admin(`DROP DATABASE IF EXISTS "${name}"`);
  });

  it('erases the rows past their period, counts them, and then reports 0 until another row is due', async () => {
    const runtime = { db, now: () => new Date() } as unknown as SubgraphRuntime;
    expect(await eraseBatch(runtime, RULE)).toBe(1);
    expect(await eraseBatch(runtime, RULE)).toBe(0);
    const rows = await db.query(`SELECT id, name, id_number, phone, address FROM person ORDER BY id`);
    expect(rows[0]).toEqual({ id: 1, name: null, id_number: null, phone: null, address: null });
    expect(rows.slice(1).every((r: { name: string | null }) => r.name === 'a')).toBe(true);
  });
});
