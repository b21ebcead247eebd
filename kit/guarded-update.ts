import type { DataSource, EntitySchema } from 'typeorm';
import { badInput, notFound } from './errors';
import type { Queryable } from './outbox';

// A state transition, the one way of the hub: one UPDATE whose WHERE clause carries the state the
// caller saw (a status, a version), so of two concurrent transitions exactly one matches and
// writes; the other is told whether the row is gone or was moved on by someone else.

export interface Transition {
  table: string;
  /** The row's id (a uuid column `id`). */
  id: string;
  /** The state the caller saw, column → value (null: IS NULL): the row changes only while it still holds. */
  expect: Record<string, unknown>;
  /** The change, column → value. */
  set: Record<string, unknown>;
  /** A version column bumped by one with the change (optimistic concurrency). */
  version?: string;
  /** The select list of the row returned, aliased to the row's shape (see `selectListOf`). */
  returning: string;
}

export interface TransitionErrors<T> {
  /** The GraphQL type named in NOT_FOUND when the row is gone. */
  type: string;
  /**
   * The message when the row is no longer in the expected state, given the row as it is now;
   * answered as BAD_USER_INPUT on `id` with the rule `transition`.
   */
  conflict: (current: T) => string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const identifier = (name: string) => {
  if (!IDENTIFIER.test(name)) throw new Error(`guarded update: ${name} is not a column name`);
  return name;
};

/** The statement and its parameters (pure: tested without a database). */
export function transitionSql(t: Transition): { sql: string; params: unknown[] } {
  const params: unknown[] = [t.id];
  const assignments = Object.entries(t.set).map(([column, value]) => { params.push(value); return `${identifier(column)} = $${params.length}`; });
  if (t.version) assignments.push(`${identifier(t.version)} = ${t.version} + 1`);
  if (!assignments.length) throw new Error('guarded update: nothing to set');
  // An expected null is a guard too ("not yet verified"): `= NULL` would match nothing, so IS NULL.
  const guards = Object.entries(t.expect).map(([column, value]) => {
    if (value === null) return `${identifier(column)} IS NULL`;
    params.push(value);
    return `${identifier(column)} = $${params.length}`;
  });
  if (!guards.length) throw new Error('guarded update: a transition states the state it expects');
  // In a CTE the statement answers rows like a SELECT (TypeORM answers a bare UPDATE with [rows, count]).
  const sql = `WITH changed AS (UPDATE ${identifier(t.table)} SET ${assignments.join(', ')} WHERE id = $1 AND ${guards.join(' AND ')}
    RETURNING ${t.returning}) SELECT * FROM changed`;
  return { sql, params };
}

/**
 * Runs the transition (inside the caller's transaction when given one) and returns the changed
 * row. Nothing matched: NOT_FOUND if the row is gone, BAD_USER_INPUT (`id`, `transition`) with
 * the caller's message if it is in another state now.
 */
export async function guardedUpdate<T>(db: Queryable, t: Transition, errors: TransitionErrors<T>): Promise<T> {
  const { sql, params } = transitionSql(t);
  const [row] = (await db.query(sql, params)) as T[];
  if (row) return row;
  const [current] = (await db.query(`SELECT ${t.returning} FROM ${identifier(t.table)} WHERE id = $1`, [t.id])) as T[];
  if (!current) throw notFound(errors.type, t.id);
  throw wrongState(errors.conflict(current));
}

/** `column AS "property", …` from an entity's metadata: raw rows in the entity's own shape. */
export function selectListOf(db: DataSource, entity: EntitySchema | Function): string {
  return db.getMetadata(entity).columns.map((c) => `${c.databaseName} AS "${c.propertyName}"`).join(', ');
}

/** The answer to a transition the row's state does not allow: BAD_USER_INPUT on `id`, rule `transition`. */
export const wrongState = (message: string) => badInput('id', 'transition', message);
