// Retention and erasure of personal data (issue 16). 《个人信息保护法》 第47条: when the retention
// period ends the handler deletes the personal information; 第19条: the period is the shortest the
// purpose needs unless a law sets one. The periods and their legal basis are data
// (schema/retention.json); each owner names, per class, the table, the columns and the SQL that
// dates a row, and this job (a PollLoop, kit/workers.ts) erases the columns of rows past their
// period, in batches, each batch one transaction, by the hub's clock (runtime.now()).
//
// What stays: the case and its legal facts, the party as its keyed blind index (a reference only
// the owner's key makes), and the audit log, whose entries name coordinates, record ids and
// decisions, never a value, so it keeps proving what was released of a record that is gone.
import { inBackground } from './database';
import { readFileSync } from 'node:fs';
import type { EnvVar, SubgraphRuntime } from './module';
import { PollLoop, pollMsOf, type Worker } from './workers';
import { log } from './log';

export interface RetentionClass {
  what: string;
  erases: string[];
  keeps: string;
  from: string | null;
  years: number | null;
  basis: string;
  verified: boolean;
  why: string;
}

/** Frozen to the last list: every owner in the process reads the same periods and columns. */
export const RETENTION: Readonly<Record<string, Readonly<RetentionClass>>> = Object.freeze(Object.fromEntries(
  Object.entries(JSON.parse(readFileSync(new URL('../schema/retention.json', import.meta.url), 'utf8')).classes as Record<string, RetentionClass>)
    .map(([name, cls]) => [name, Object.freeze({ ...cls, erases: Object.freeze([...cls.erases]) as string[] })])));

export const RETENTION_ENV: EnvVar = {
  name: 'RETENTION_POLL_MS', required: false, kind: 'integer', min: 10, max: 86_400_000,
  description: 'how often the erasure job looks for personal data past its retention period (schema/retention.json; default 60000)',
};

/** One class's erasure in one owner's table. */
export interface ErasureRule {
  /** A class of schema/retention.json: its `years` and `erases`. */
  dataClass: string;
  table: string;
  idColumn: string;
  /**
   * SQL over the row `t` that holds when the row's period started on or before `$1` (the cutoff:
   * now minus the period), e.g. its case's decision date.
   */
  startedBy: string;
}

const plain = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`retention: ${name} is not a plain SQL name`);
  return name;
};

/** Now minus whole years, by the calendar (a period of years ends on the same date). */
export function cutoffOf(now: Date, years: number): Date {
  const cutoff = new Date(now.getTime());
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - years);
  return cutoff;
}

/** One batch of rows past their period, their personal columns set to NULL; returns how many. */
export async function eraseBatch(runtime: SubgraphRuntime, rule: ErasureRule, batch = 200): Promise<number> {
  const cls = RETENTION[rule.dataClass];
  if (!cls) throw new Error(`retention: no class ${rule.dataClass} in schema/retention.json`);
  const years = cls.years;
  if (years === null || !cls.erases.length) return 0;
  const table = plain(rule.table);
  const id = plain(rule.idColumn);
  const columns = cls.erases.map(plain);
  return inBackground(runtime.db, async (runner) => {
    // TypeORM answers an UPDATE with [rows, count] unless asked for its structured result: read
    // the records, or every pass would count two rows and the job would never rest.
    const { records: rows } = (await runner.query(`
      UPDATE ${table} SET ${columns.map((c) => `${c} = NULL`).join(', ')}
      WHERE ${id} IN (SELECT t.${id} FROM ${table} t WHERE (${columns.map((c) => `t.${c} IS NOT NULL`).join(' OR ')}) AND (${rule.startedBy})
        LIMIT ${Number(batch)} FOR UPDATE SKIP LOCKED)
      RETURNING ${id} AS id`, [cutoffOf(runtime.now(), years)], true)) as { records: { id: string }[] };
    if (rows.length) log.info('retention: personal data erased', { dataClass: rule.dataClass, table, rows: rows.length });
    return rows.length;
  });
}

/** The erasure job of an owner: every rule, every RETENTION_POLL_MS (default a minute). */
export function erasureWorker(...rules: ErasureRule[]): Worker {
  for (const rule of rules) {
    const cls = RETENTION[rule.dataClass];
    if (!cls) throw new Error(`retention: no class ${rule.dataClass} in schema/retention.json`);
  }
  return async (runtime) => {
    const loop = new PollLoop(`[${runtime.name}] erasure`, pollMsOf(runtime, RETENTION_ENV.name, 60_000), async () => {
      let done = 0;
      for (const rule of rules) done += await eraseBatch(runtime, rule);
      return done;
    });
    loop.start();
    return () => loop.stop();
  };
}
