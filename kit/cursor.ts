import type { SelectQueryBuilder } from 'typeorm';
import { badInput } from './errors';

/** Opaque keyset cursor over (time, id): no OFFSET scans, stable under inserts. */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
}

export function decodeCursor(cursor: string, field = 'after'): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const date = new Date(at ?? '');
  if (!id || Number.isNaN(date.getTime())) throw badInput(field, 'cursor', 'is not a cursor this API issued');
  return { at: date, id };
}

export function pageSize(first: number | null | undefined, max = 100): number {
  const n = first ?? 20;
  if (!Number.isInteger(n) || n < 1 || n > max) throw badInput('first', 'range', `must be between 1 and ${max}`);
  return n;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export const EMPTY_CONNECTION: Connection<never> = { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };

/**
 * One page, newest first, by keyset over (`column`, id): the query builder carries the filters;
 * this adds the cursor condition, the order and one row more than the page (is there a next?).
 */
export async function keysetPage<T extends { id: string }>(
  qb: SelectQueryBuilder<T>,
  options: { column: string; timeOf: (row: T) => Date; first?: number | null; after?: string | null; max?: number },
): Promise<Connection<T>> {
  const limit = pageSize(options.first, options.max);
  const idColumn = `${qb.alias}.id`;
  if (options.after) {
    const { at, id } = decodeCursor(options.after);
    qb.andWhere(`(${options.column}, ${idColumn}) < (:keysetAt, :keysetId)`, { keysetAt: at, keysetId: id });
  }
  const rows = await qb.orderBy(options.column, 'DESC').addOrderBy(idColumn, 'DESC').limit(limit + 1).getMany();
  const page = rows.slice(0, limit);
  const cursorOf = (row: T) => encodeCursor(options.timeOf(row), row.id);
  return {
    edges: page.map((node) => ({ cursor: cursorOf(node), node })),
    pageInfo: { hasNextPage: rows.length > limit, endCursor: page.length ? cursorOf(page[page.length - 1]) : null },
  };
}
