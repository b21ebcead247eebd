import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { badInput } from './errors';
import { isUuid } from './loaders';

// Keyset pagination, the one way of the hub: newest first over (time, id), opaque cursors, no
// OFFSET scans, stable under inserts; forward (`first`/`after`) and backward (`last`/`before`), as
// Relay's connection spec has them. `keysetPage` pages a TypeORM query builder, `keysetPageSql`
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

/** The page when a list is asked for neither `first` nor `last`. */
export const DEFAULT_PAGE_SIZE = 20;

export function pageSize(first: number | null | undefined, max = 100, fallback = DEFAULT_PAGE_SIZE, field = 'first'): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > max) throw badInput(field, 'range', `must be between 1 and ${max}`);
  return n;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export const EMPTY_CONNECTION: Connection<never> = { edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } };

/**
 * A list's paging arguments as Relay's connection spec has them: `first` items after `after`
 * (forward), or the `last` items before `before` (backward). A resolver passes them on as the
 * client gave them: `{ ...options, first, after, last, before }`.
 */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface KeysetOptions<T> extends PageArgs {
  /** The time column (`alias.column`); left out, the list is keyed by its id column alone. */
  column?: string;
  /** The id column; `<alias>.id` for a query builder, `id` for SQL unless told. */
  idColumn?: string;
  timeOf: (row: T) => Date;
  /** The row's id as the cursor carries it (`row.id` unless told). */
  idOf?: (row: T) => string;
  /** What an id of this list looks like (UUIDs unless told). */
  isId?: (id: string) => boolean;
  /** The largest page (100) and the page when neither `first` nor `last` is given (20). */
  max?: number;
  defaultSize?: number;
  /** Newest first (DESC, the default) or oldest first (ASC). */
  direction?: 'ASC' | 'DESC';
  /** The sort's name, carried in every cursor: a cursor of another sort is refused (BAD_USER_INPUT, rule cursorSort). */
  sortKey?: string;
}

/**
 * The rows of one page as a connection. `rows` come in the order they are read: the list's order
 * paging forward, the reverse paging backward; one more than the page says there is another page
 * that way. The other way, a cursor given says there is (the item it names, at least).
 */
export function connectionOf<T>(rows: T[], limit: number, cursorOf: (row: T) => string, backward = false, fromCursor = false): Connection<T> {
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  if (backward) page.reverse();
  const edges = page.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: backward ? fromCursor : more,
      hasPreviousPage: backward ? more : fromCursor,
      startCursor: edges.length ? edges[0].cursor : null,
      endCursor: edges.length ? edges[edges.length - 1].cursor : null,
    },
  };
}

/** The keyset condition of a cursor: its column values and the comparison, `<` or `>`. */
interface Bound { at: Date; id: string; compare: '<' | '>' }

/**
 * How a page is read. Relay's spec lets both `first` and `last` through (it discourages them); here
 * they, and `after` with `before`, are refused, naming the second: a console asks for one page one
 * way, and a page "the last 5 of the first 20" is a client's mistake, not a request.
 */
export function pagePlan<T>(options: KeysetOptions<T>) {
  const problems: ReturnType<typeof badInput>[] = [];
  if (options.first != null && options.last != null) problems.push(badInput('last', 'firstAndLast', 'cannot be given with first: page forward with first/after, backward with last/before'));
  if (options.after && options.before) problems.push(badInput('before', 'afterAndBefore', 'cannot be given with after: page forward from after, or backward from before'));
  if (problems.length) {
    // Every broken rule at once, as kit/rules.ts Violations reports them.
    const [first] = problems;
    first.extensions.violations = problems.map((e) => ({ field: e.extensions.field, rule: e.extensions.rule, message: e.message }));
    throw first;
  }
  const backward = options.last != null;
  const limit = backward ? pageSize(options.last, options.max, options.defaultSize, 'last') : pageSize(options.first, options.max, options.defaultSize);
  const direction = options.direction ?? 'DESC';
  // Past a cursor in the list's order: below it newest first, above it oldest first.
  const beyond = direction === 'DESC' ? '<' : '>';
  const short = beyond === '<' ? '>' : '<';
  const bounds: Bound[] = [];
  if (options.after) bounds.push({ ...decodeCursor(options.after, 'after', options.isId, options.sortKey), compare: beyond });
  if (options.before) bounds.push({ ...decodeCursor(options.before, 'before', options.isId, options.sortKey), compare: short });
  // Backward, the rows are read from the far end (the order reversed) and put back in order.
  const read: 'ASC' | 'DESC' = backward ? (direction === 'DESC' ? 'ASC' : 'DESC') : direction;
  const fromCursor = backward ? !!options.before : !!options.after;
  return { limit, bounds, read, backward, fromCursor };
}

function plan<T>(options: KeysetOptions<T>, idColumn: string) {
  const idOf = options.idOf ?? ((row: T) => (row as { id: string }).id);
  const order = options.column ? [options.column, idColumn] : [idColumn];
  const cursorOf = (row: T) => encodeCursor(options.timeOf(row), idOf(row), options.sortKey);
  return { ...pagePlan(options), order, cursorOf };
}

/**
 * One page of a query builder: the builder carries the filters; this adds the cursor conditions,
 * the order and the limit.
 */
export async function keysetPage<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, options: KeysetOptions<T>): Promise<Connection<T>> {
  const { limit, bounds, read, backward, fromCursor, order, cursorOf } = plan(options, options.idColumn ?? `${qb.alias}.id`);
  bounds.forEach((bound, i) => {
    const values = options.column ? [`:keysetAt${i}`, `:keysetId${i}`] : [`:keysetId${i}`];
    qb.andWhere(`(${order.join(', ')}) ${bound.compare} (${values.join(', ')})`, { [`keysetAt${i}`]: bound.at, [`keysetId${i}`]: bound.id });
  });
  qb.orderBy(order[0], read);
  for (const column of order.slice(1)) qb.addOrderBy(column, read);
  return connectionOf(await qb.limit(limit + 1).getMany(), limit, cursorOf, backward, fromCursor);
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
  const { limit, bounds, read, backward, fromCursor, order, cursorOf } = plan(options, options.idColumn ?? 'id');
  const conditions = bounds.map((bound) => {
    if (options.column) params.push(bound.at);
    params.push(bound.id);
    const values = order.map((_, i) => `$${params.length - order.length + 1 + i}`);
    return `(${order.join(', ')}) ${bound.compare} (${values.join(', ')})`;
  });
  const where = conditions.length ? conditions.join(' AND ') : 'TRUE';
  params.push(limit + 1);
  const orderLimit = `ORDER BY ${order.map((c) => `${c} ${read}`).join(', ')} LIMIT $${params.length}`;
  return connectionOf(await run({ where, orderLimit }), limit, cursorOf, backward, fromCursor);
}

/**
 * The largest count a list answers exactly: beyond it `totalCount` is this figure and
 * `totalCountCapped` true, so counting over a million rows costs no more than ten thousand.
 */
export const COUNT_CAP = 10_000;

/** A list's count fields, `totalCount` and `totalCountCapped`. */
export interface CountFields { totalCount: () => Promise<number>; totalCountCapped: () => Promise<boolean> }

/**
 * A count said as one number `n` rather than as rows to count: a statement that already sums what
 * it counts (the case list's tallies, subgraphs/justice/case-list-count.ts), at most one more than
 * the cap.
 */
export interface CountNumber { number: SelectQueryBuilder<ObjectLiteral> }

/**
 * The count of a list, over the builder as it stands (the row rule and the filters; call it before
 * keysetPage adds the cursor and the order), or a statement of the number itself. One statement,
 * run only when the selection names `totalCount` or `totalCountCapped` (graphql's default resolver
 * calls these functions), at most once.
 */
export function countOf<T extends ObjectLiteral>(source: SelectQueryBuilder<T> | CountNumber, cap = COUNT_CAP): CountFields {
  const numbered = 'number' in source ? source.number : null;
  const counted = numbered ? null : (source as SelectQueryBuilder<T>).clone();
  let count: Promise<number> | null = null;
  const countOnce = () => (count ??= (async () => {
    if (numbered) {
      const [sql, params] = numbered.getQueryAndParameters();
      const [{ n }] = await numbered.connection.query(sql, params);
      return Number(n);
    }
    const [sql, params] = counted!.select('1').limit(cap + 1).getQueryAndParameters();
    const [{ n }] = await counted!.connection.query(`SELECT count(*)::int AS n FROM (${sql}) s`, params);
    return n as number;
  })());
  return {
    totalCount: async () => Math.min(await countOnce(), cap),
    totalCountCapped: async () => (await countOnce()) > cap,
  };
}
