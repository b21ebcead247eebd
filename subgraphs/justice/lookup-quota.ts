import { GraphQLError } from 'graphql';
import type { EnvVar, SubgraphRuntime } from '../../kit/module';

// Lookups are not an oracle (issue 8, finding 7). A masked ID number hides only the birth date:
// about 4,200 candidate dates fit its check digit, so unlimited lookups by full number would
// recover it. Each caller gets a rate and a daily quota, counted in justice's database so every
// gateway worker and every replica of justice shares one count.

export const LOOKUP_QUOTA_ENV: EnvVar[] = [
  { name: 'PARTY_LOOKUP_PER_MINUTE', required: false, description: 'party lookups (partyCases) one caller may make per minute (default 10)', kind: 'integer', min: 1 },
  { name: 'PARTY_LOOKUP_PER_DAY', required: false, description: 'party lookups (partyCases) one caller may make per day, China Standard Time (default 100)', kind: 'integer', min: 1 },
  { name: 'PARTY_REF_PER_MINUTE', required: false, description: 'party references (OPRF evaluations) one owner may have evaluated per minute (default 3000)', kind: 'integer', min: 1 },
  { name: 'PARTY_REF_PER_DAY', required: false, description: 'party references (OPRF evaluations) one owner may have evaluated per day, China Standard Time (default 100000)', kind: 'integer', min: 1 },
];

export interface LookupLimits { perMinute: number; perDay: number }

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not ${raw}`);
  return value;
}

export function lookupLimits(env: NodeJS.ProcessEnv): LookupLimits {
  return { perMinute: positive(env, 'PARTY_LOOKUP_PER_MINUTE', 10), perDay: positive(env, 'PARTY_LOOKUP_PER_DAY', 100) };
}

/**
 * The OPRF evaluation is the index's key put to work (issue 17): whoever may ask for evaluations
 * can compute the reference of any number it guesses. An agency needs one per case it records
 * (the demo a few dozen, a large bureau some thousands a day), so its limits are an owner's, far
 * above a person's lookups but finite: a stolen agency key cannot enumerate the ~4,200 candidates
 * of a masked ID number for every party in the index. Raised deliberately for a re-keying.
 */
export function evaluationLimits(env: NodeJS.ProcessEnv): LookupLimits {
  return { perMinute: positive(env, 'PARTY_REF_PER_MINUTE', 3000), perDay: positive(env, 'PARTY_REF_PER_DAY', 100_000) };
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const CST = 8 * 3_600_000;

/** The windows `at` falls in: its minute, and its day in China Standard Time. */
export function lookupWindows(at: Date): { minute: Date; day: Date } {
  const t = at.getTime();
  return { minute: new Date(Math.floor(t / MINUTE) * MINUTE), day: new Date(Math.floor((t + CST) / DAY) * DAY - CST) };
}

export type Period = 'minute' | 'day';

export function rateLimited(period: Period | 'request', limit: number, retryAfterSeconds: number): GraphQLError {
  const message = period === 'request'
    ? 'partyCases: one lookup per request; nothing was looked up for this one'
    : `partyCases: at most ${limit} lookups per ${period} per caller; nothing was looked up, try again in ${retryAfterSeconds} s`;
  return new GraphQLError(message, { extensions: { code: 'RATE_LIMITED', period, limit, retryAfterSeconds } });
}

class Exhausted extends Error {
  constructor(readonly period: Period) { super(period); }
}

/**
 * Takes `count` lookups (one, or a batch of evaluations) from the caller's minute and day, or
 * refuses with the period that is used up (and takes nothing). Row locks of the upserts make
 * concurrent lookups of one caller count exactly.
 */
export async function takeLookup(runtime: SubgraphRuntime, caller: string, limits: LookupLimits, count = 1): Promise<{ ok: true } | { ok: false; period: Period; limit: number; retryAfterSeconds: number }> {
  const now = runtime.now();
  const windows = lookupWindows(now);
  const take = async (tx: { query(sql: string, params?: unknown[]): Promise<any> }, period: Period, start: Date, limit: number) => {
    if (count > limit) throw new Exhausted(period);
    const rows: { used: number }[] = await tx.query(`
      INSERT INTO party_lookup_usage AS u (caller, period, window_start, used) VALUES ($1, $2, $3, $5)
      ON CONFLICT (caller, period, window_start) DO UPDATE SET used = u.used + $5 WHERE u.used + $5 <= $4
      RETURNING used`, [caller, period, start, limit, count]);
    if (!rows.length) throw new Exhausted(period);
    return rows[0].used;
  };
  try {
    await runtime.db.transaction(async (tx) => {
      const usedToday = await take(tx, 'day', windows.day, limits.perDay);
      // The first lookup of a day clears the caller's older windows: the table stays small.
      if (usedToday === count) await tx.query(`DELETE FROM party_lookup_usage WHERE caller = $1 AND window_start < $2`, [caller, windows.day]);
      await take(tx, 'minute', windows.minute, limits.perMinute);
    });
    return { ok: true };
  } catch (error) {
    if (!(error instanceof Exhausted)) throw error;
    const end = error.period === 'minute' ? windows.minute.getTime() + MINUTE : windows.day.getTime() + DAY;
    return { ok: false, period: error.period, limit: error.period === 'minute' ? limits.perMinute : limits.perDay, retryAfterSeconds: Math.ceil((end - now.getTime()) / 1000) };
  }
}
