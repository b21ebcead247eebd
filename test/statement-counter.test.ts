// The statements-per-request figures (the N+1 tests, the benchmark) count what requests send, not
// what a subgraph's background loops send. Justice's agency-kinds poll once read its table with a
// plain `runtime.db.query`, and a page of cases sometimes counted one statement more than another
// (CI: justice 3 for 10 cases, 2 for 50). Every pass of a poll loop is background work now,
// whatever query runner it uses.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { externalPostgres } from '../scripts/hub/postgres';
import { query } from './support/sql';
import { openDatabase, StatementCounter } from '../kit/database';
import { PollLoop } from '../kit/workers';

const server = () => externalPostgres(inject('postgresAdminUrl'));
const name = `counter_t${randomBytes(5).toString('hex')}`;
const counter = new StatementCounter();
let db: DataSource;

/** A statement on the server's own database, as its superuser (making and dropping the file's database). */
const admin = (sql: string) => query(server().url('postgres'), sql);

describe('StatementCounter', () => {
  beforeAll(async () => {
    await admin(`CREATE DATABASE "${name}"`);
    db = await openDatabase({ url: server().url(name), entities: [], migrations: [], counter });
  });
  afterAll(async () => {
    await db?.destroy();
    await admin(`DROP DATABASE IF EXISTS "${name}"`);
  });

  it('counts a request\'s statements', async () => {
    const before = counter.count;
    await db.query('SELECT 1');
    await db.transaction((tx) => tx.query('SELECT 2'));
    // SELECT 1; START TRANSACTION, SELECT 2, COMMIT
    expect(counter.count - before).toBe(4);
  });

  it('does not count what a poll loop\'s pass sends, even on the shared pool, while requests still count', async () => {
    let passes = 0;
    let reachedThree!: () => void;
    const three = new Promise<void>((resolve) => { reachedThree = resolve; });
    const loop = new PollLoop('counter test', 5, async () => {
      await db.query('SELECT 1');
      await db.transaction((tx) => tx.query('SELECT 2'));
      if (++passes === 3) reachedThree();
      return 0;
    });
    const before = counter.count;
    loop.start();
    loop.nudge();
    await three;
    await loop.stop();
    expect(passes).toBeGreaterThanOrEqual(3);
    const afterLoop = counter.count;
    expect(afterLoop).toBe(before);
    await db.query('SELECT 3');
    expect(counter.count).toBe(afterLoop + 1);
  });
});
