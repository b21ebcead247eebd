import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { DataSource, type EntityManager, type EntitySchema, type Logger, type MixedList, type QueryRunner } from 'typeorm';
import { log } from './log';
import { inSqlSpan, tracingEnabled } from './tracing';

/**
 * Counts SQL statements sent on behalf of requests: the benchmark and the N+1 test read it.
 * Background work is not counted: statements on query runners marked `data.background`
 * (inBackground), and whatever runs inside `asBackgroundWork` (every pass of a poll loop,
 * kit/workers.ts), whichever runner it uses.
 */
export class StatementCounter {
  count = 0;
}

const backgroundWork = new AsyncLocalStorage<true>();

/** Runs `work` as no request's: none of its statements are counted (a poll loop's pass). */
export function asBackgroundWork<T>(work: () => Promise<T>): Promise<T> {
  return backgroundWork.run(true, work);
}

/**
 * A named prepared statement (kit/rows.ts), sent through TypeORM's `query` in place of a text:
 * pg parses it once per connection. Counted, logged and traced as its text.
 */
export interface PreparedStatement { name: string; text: string }

const textOf = (query: string | PreparedStatement): string => (typeof query === 'string' ? query : query.text);

function countingLogger(counter: StatementCounter): Logger {
  return {
    logQuery: (query, _parameters, queryRunner) => {
      if ((queryRunner?.data as { background?: boolean } | undefined)?.background || backgroundWork.getStore()) return;
      counter.count++;
      if (process.env.LOG_SQL) log.debug('sql', { sql: textOf(query).slice(0, 160) });
    },
    logQueryError: (error, query) => { log.error('sql error', { error, sql: textOf(query).slice(0, 200) }); },
    logQuerySlow: () => {},
    logSchemaBuild: () => {},
    logMigration: (message) => { if (process.env.LOG_MIGRATIONS) log.info('migration', { migration: message }); },
    log: () => {},
  };
}

/**
 * The pg client every pool connection is, when traces are on: each statement TypeORM sends (a
 * text and its parameters, awaited) runs under an SQL span (kit/tracing.ts); its text and
 * parameters are never put on the span. Callback and streaming forms pass through untouched.
 */
class TracedClient extends pg.Client {
  override query(...args: any[]): any {
    const [text, values] = args;
    const prepared = typeof text === 'object' && text !== null && typeof text.name === 'string' && typeof text.text === 'string' && typeof text.submit !== 'function';
    const plain = (typeof text === 'string' || prepared) && args.length <= 2 && (values === undefined || Array.isArray(values));
    if (!plain) return (super.query as (...a: any[]) => any)(...args);
    return inSqlSpan(prepared ? text.text : text, this.database, () => super.query(text, values));
  }
}

export interface DatabaseOptions {
  url: string;
  entities: MixedList<EntitySchema | Function>;
  migrations: MixedList<Function>;
  counter: StatementCounter;
  poolSize?: number;
}

/** One owner's database: migrations only (never synchronize), statement counting on. */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  const ds = new DataSource({
    type: 'postgres',
    url: options.url,
    entities: options.entities,
    migrations: options.migrations,
    synchronize: false,
    migrationsRun: false,
    logger: countingLogger(options.counter),
    extra: { max: options.poolSize ?? 10, ...(tracingEnabled() ? { Client: TracedClient } : {}) },
  });
  await ds.initialize();
  try {
    await migrateAlone(options.url, () => ds.runMigrations({ transaction: 'each' }));
  } catch (error) {
    await ds.destroy().catch(() => {});
    throw error;
  }
  return ds;
}

/** Key of the advisory lock under which one process at a time migrates a database. ('migrate!' in ASCII.) */
export const MIGRATION_LOCK = 0x6d69677261746521n;

/**
 * Runs `migrate` while holding the database's migration lock. Replicas start together (two of every
 * subgraph in deploy/kubernetes/hub.yaml): without the lock both read the same pending list and the
 * second fails its start on a table the first has just made. The lock is held on a connection of
 * its own, outside the pool the migrations run on (a pool of one would wait for itself), and is
 * released with that session if the process dies.
 */
async function migrateAlone<T>(url: string, migrate: () => Promise<T>): Promise<T> {
  const lock = new pg.Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK.toString()]);
    return await migrate();
  } finally {
    await lock.end().catch(() => {}); // ending the session releases its advisory lock
  }
}

/** A nullable numeric column read back as a JS number (pg returns numeric as text to keep precision). */
export const numericColumn = {
  type: 'numeric' as const,
  nullable: true,
  transformer: { to: (v: unknown) => v, from: (v: string | null) => (v === null ? null : Number(v)) },
};

/**
 * Whether any row of `table` meets `condition` ($1… its `parameters`): one statement, outside any
 * transaction. A poll loop's pass (an outbox relay, a deadline watch) asks this first: at rest
 * nearly every pass finds nothing, and its transaction (begin, the locking select, commit, a
 * connection held meanwhile) is then not worth opening. The pass still selects its rows itself.
 */
export async function anyRowWhere(db: DataSource, table: string, condition: string, parameters: unknown[] = []): Promise<boolean> {
  const [row]: { found: boolean }[] = await db.query(`SELECT EXISTS (SELECT 1 FROM ${table} WHERE ${condition}) AS found`, parameters);
  return row.found === true;
}

/**
 * Work that is no request's (messages between owners, the audit witness, scheduled jobs) on a query
 * runner of its own marked `background`: its statements are not counted as a request's, so the
 * statements-per-request figures (the N+1 tests, the benchmark) do not pick up whatever else the
 * owner happened to be doing.
 */
export async function inBackground<T>(db: DataSource, work: (runner: QueryRunner) => Promise<T>): Promise<T> {
  const runner = db.createQueryRunner();
  runner.data = { background: true };
  try {
    return await work(runner);
  } finally {
    await runner.release();
  }
}

/** One transaction of background work (inBackground). */
export function backgroundTransaction<T>(db: DataSource, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  return inBackground(db, (runner) => runner.manager.transaction(work));
}
