import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { badInput } from './errors';
import { isUuid } from './loaders';

// Keyset pagination, the one way of the hub: newest first over (time, id), opaque cursors, no
// OFFSET scans, stable under inserts. `keysetPage` pages a TypeORM query builder, `keysetPageSql`
// a hand-written statement; both check the cursor the same way and build the page the same way.

/**
 * Opaque keyset cursor over (time, id). A list with several sorts passes the sort's `key`: the
 * cursor carries it, and a cursor of another sort (or of an unsorted list) is refused.
 */
export function encodeCursor(at: Date, id: string, key?: string): string {
  return Buffer.from(`${key ? `${key}|` : ''}${at.toISOString()}|${id}`).toString('base64url');
}

/**
 * A cursor back to (time, id). `isId` says what an id of this list looks like (UUIDs unless told):
 * anything else was not issued by this API and must not reach a typed column as a SQL error.
 */
export function decodeCursor(cursor: string, field = 'after', isId: (id: string) => boolean = isUuid, key?: string): { at: Date; id: string } {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (key !== undefined) {
    // Keyed: the first part names the sort. Another sort's position means nothing in this order.
    if (parts.length === 3 && parts[0] !== key) throw badInput(field, 'cursorSort', 'is a cursor of another sort: start again without it');
    if (parts.length !== 3) throw badInput(field, 'cursor', 'is not a cursor this API issued');
    parts.shift();
  }
  const [at, id, ...rest] = parts;
  const date = new Date(at ?? '');
  if (!id || rest.length || Number.isNaN(date.getTime()) || !isId(id)) throw badInput(field, 'cursor', 'is not a cursor this API issued');
  return { at: date, id };
}

export function pageSize(first: number | null | undefined, max = 100, fallback = 20): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > max) throw badInput('first', 'range', `must be between 1 and ${max}`);
  return n;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export const EMPTY_CONNECTION: Connection<never> = { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };

export interface KeysetOptions<T> {
  /** The time column (`alias.column`); left out, the list is keyed by its id column alone. */
  column?: string;
  /** The id column; `<alias>.id` for a query builder, `id` for SQL unless told. */
  idColumn?: string;
  timeOf: (row: T) => Date;
  /** The row's id as the cursor carries it (`row.id` unless told). */
  idOf?: (row: T) => string;
  /** What an id of this list looks like (UUIDs unless told). */
  isId?: (id: string) => boolean;
  first?: number | null;
  after?: string | null;
  /** The largest page (100) and the page when `first` is left out (20). */
  max?: number;
  defaultSize?: number;
  /** Newest first (DESC, the default) or oldest first (ASC). */
  direction?: 'ASC' | 'DESC';
  /** The sort's name, carried in every cursor: a cursor of another sort is refused (BAD_USER_INPUT, rule cursorSort). */
  sortKey?: string;
}

/** The rows of one page, fetched one more than the page (is there a next?), as a connection. */
export function connectionOf<T>(rows: T[], limit: number, cursorOf: (row: T) => string): Connection<T> {
  const page = rows.slice(0, limit);
  return {
    edges: page.map((node) => ({ cursor: cursorOf(node), node })),
    pageInfo: { hasNextPage: rows.length > limit, endCursor: page.length ? cursorOf(page[page.length - 1]) : null },
  };
}

function plan<T>(options: KeysetOptions<T>, idColumn: string) {
  const limit = pageSize(options.first, options.max, options.defaultSize);
  const after = options.after ? decodeCursor(options.after, 'after', options.isId, options.sortKey) : null;
  const idOf = options.idOf ?? ((row: T) => (row as { id: string }).id);
  const order = options.column ? [options.column, idColumn] : [idColumn];
  const cursorOf = (row: T) => encodeCursor(options.timeOf(row), idOf(row), options.sortKey);
  const direction = options.direction ?? 'DESC';
  // Past the cursor: below it newest first, above it oldest first.
  const beyond = direction === 'DESC' ? '<' : '>';
  return { limit, after, order, cursorOf, direction, beyond };
}

/**
 * One page of a query builder: the builder carries the filters; this adds the cursor condition,
 * the order and the limit.
 */
export async function keysetPage<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, options: KeysetOptions<T>): Promise<Connection<T>> {
  const { limit, after, order, cursorOf, direction, beyond } = plan(options, options.idColumn ?? `${qb.alias}.id`);
  if (after) {
    const values = options.column ? [':keysetAt', ':keysetId'] : [':keysetId'];
    qb.andWhere(`(${order.join(', ')}) ${beyond} (${values.join(', ')})`, { keysetAt: after.at, keysetId: after.id });
  }
  qb.orderBy(order[0], direction);
  for (const column of order.slice(1)) qb.addOrderBy(column, direction);
  return connectionOf(await qb.limit(limit + 1).getMany(), limit, cursorOf);
}

/**
 * One page of a hand-written statement. `params` holds the statement's own positional
 * parameters; `run` receives the cursor condition (`TRUE` on the first page) and the ORDER BY …
 * LIMIT tail, whose parameters are appended to `params`:
 *
 *   keysetPageSql(params, opts, (page) => db.query(`SELECT … WHERE ${filter} AND ${page.where} ${page.orderLimit}`, params))
 */
export async function keysetPageSql<T>(
  params: unknown[],
  options: KeysetOptions<T>,
  run: (page: { where: string; orderLimit: string }) => Promise<T[]>,
): Promise<Connection<T>> {
  const { limit, after, order, cursorOf, direction, beyond } = plan(options, options.idColumn ?? 'id');
  let where = 'TRUE';
  if (after) {
    if (options.column) params.push(after.at);
    params.push(after.id);
    const values = order.map((_, i) => `$${params.length - order.length + 1 + i}`);
    where = `(${order.join(', ')}) ${beyond} (${values.join(', ')})`;
  }
  params.push(limit + 1);
  const orderLimit = `ORDER BY ${order.map((c) => `${c} ${direction}`).join(', ')} LIMIT $${params.length}`;
  return connectionOf(await run({ where, orderLimit }), limit, cursorOf);
}

/**
 * The largest count a list answers exactly: beyond it `totalCount` is this figure and
 * `totalCountCapped` true, so counting over a million rows costs no more than ten thousand.
 */
export const COUNT_CAP = 10_000;

/** A list's count fields, `totalCount` and `totalCountCapped`. */
export interface CountFields { totalCount: () => Promise<number>; totalCountCapped: () => Promise<boolean> }

/**
 * The count of a list, over the builder as it stands (the row rule and the filters; call it before
 * keysetPage adds the cursor and the order). One statement, run only when the selection names
 * `totalCount` or `totalCountCapped` (graphql's default resolver calls these functions), at most once.
 */
export function countOf<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, cap = COUNT_CAP): CountFields {
  const counted = qb.clone();
  let count: Promise<number> | null = null;
  const countOnce = () => (count ??= (async () => {
    const [sql, params] = counted.select('1').limit(cap + 1).getQueryAndParameters();
    const [{ n }] = await qb.connection.query(`SELECT count(*)::int AS n FROM (${sql}) s`, params);
    return n as number;
  })());
  return {
    totalCount: async () => Math.min(await countOnce(), cap),
    totalCountCapped: async () => (await countOnce()) > cap,
  };
}
