import type { DataSource, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import type { PreparedStatement } from './database';

// The rows of an entity whose column holds one of some values, hydrated exactly as TypeORM's
// `find({ where: { column: In(values) }, order })` hydrates them (the driver's own conversion and
// the column's transformer, into the entity's own kind of object), from a statement text made once
// per process. A loader's find built the same SELECT anew on every request (find options, query
// builder, alias escaping): a tenth of a subgraph's CPU on the unified case query
// (bench/results/subgraph-cpu-2026-11-28.md). One statement, as before; `= ANY($1)` keeps its text
// the same whatever the number of values, so it is a named prepared statement: each connection
// parses and plans it once, not on every request (the database's own share of a read).
// Its column list is explicit, so a column added later by a migration leaves it valid.

export type RowOrder<T> = Partial<Record<keyof T & string, 'ASC' | 'DESC'>>;

interface Shape {
  /** The prepared statement's name: one per text in this process (names are per connection, texts differ per shape). */
  name: string;
  sql: string;
  metadata: EntityMetadata;
  columns: ColumnMetadata[];
}

const shapes = new WeakMap<DataSource, Map<unknown, Map<string, Shape>>>();
let shapesMade = 0;

/**
 * The statement for `entity` by `property`. Only a plain entity qualifies (no relations, no
 * inheritance, no soft delete, no virtual columns): there, find selects every selectable column
 * and nothing else, which is what this reads; anything else is refused rather than read otherwise.
 */
function shapeOf<T>(db: DataSource, entity: EntityTarget<T>, property: string, order: RowOrder<T>): Shape {
  let byEntity = shapes.get(db);
  if (!byEntity) shapes.set(db, (byEntity = new Map()));
  let byKey = byEntity.get(entity);
  if (!byKey) byEntity.set(entity, (byKey = new Map()));
  const key = `${property}|${Object.entries(order).map(([p, d]) => `${p} ${d}`).join(',')}`;
  const known = byKey.get(key);
  if (known) return known;
  const metadata = db.getMetadata(entity);
  if (metadata.relations.length || metadata.discriminatorColumn || metadata.childEntityMetadatas.length || metadata.deleteDateColumn
    || metadata.columns.some((c) => c.isVirtual || c.isVirtualProperty || c.embeddedMetadata)) {
    throw new Error(`rows: ${metadata.name} is not a plain entity; read it with its repository`);
  }
  const columnOf = (name: string) => {
    const column = metadata.findColumnWithPropertyPath(name);
    if (!column) throw new Error(`rows: ${metadata.name} has no column ${name}`);
    return column;
  };
  const escape = (name: string) => db.driver.escape(name);
  const columns = metadata.columns.filter((c) => c.isSelect);
  const table = metadata.schema ? `${escape(metadata.schema)}.${escape(metadata.tableName)}` : escape(metadata.tableName);
  const orderBy = Object.entries(order).map(([p, d]) => `${escape(columnOf(p).databaseName)} ${d === 'DESC' ? 'DESC' : 'ASC'}`);
  const shape: Shape = {
    name: `rows_where_in_${++shapesMade}`,
    sql: `SELECT ${columns.map((c) => escape(c.databaseName)).join(', ')} FROM ${table} WHERE ${escape(columnOf(property).databaseName)} = ANY($1)${orderBy.length ? ` ORDER BY ${orderBy.join(', ')}` : ''}`,
    metadata,
    columns,
  };
  byKey.set(key, shape);
  return shape;
}

/** The rows of `entity` whose `property` is one of `values` (none: no statement), in `order` if given. */
export async function rowsWhereIn<T extends ObjectLiteral>(db: DataSource, entity: EntityTarget<T>, property: keyof T & string, values: readonly unknown[], order: RowOrder<T> = {}): Promise<T[]> {
  const shape = shapeOf(db, entity, property, order);
  if (!values.length) return [];
  // A statement config ({ name, text }) where TypeORM expects a text: it hands it to pg as it is,
  // and kit/database.ts counts, logs and traces either form. A fresh object each time: pg keeps
  // the values on the config it is given.
  const statement: PreparedStatement = { name: shape.name, text: shape.sql };
  const raw: Record<string, unknown>[] = await db.query(statement as unknown as string, [values]);
  return raw.map((row) => {
    const entityRow = shape.metadata.create(undefined, { fromDeserializer: true }) as T;
    for (const column of shape.columns) {
      const value = row[column.databaseName];
      if (value !== undefined) column.setEntityValue(entityRow, db.driver.prepareHydratedValue(value, column));
    }
    return entityRow;
  });
}
