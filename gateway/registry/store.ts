// The schema registry's table (schema_publication, in the gateway's own database): what the
// gateway reads to serve the newest published supergraph, and what `npm run schema:publish`
// appends to. The table's migration belongs to the owner of that database's schema
// (subgraphs/audit/migrations/1700000002000-SchemaRegistry.ts).
import { createHash } from 'node:crypto';
import type pg from 'pg';

/** One publication as stored. */
export interface Publication {
  version: number;
  subgraph: string;
  subgraphSdl: string;
  routingUrl: string | null;
  supergraphSdl: string;
  supergraphHash: string;
  publishedBy: string;
  publishedAt: Date;
}

/** Publications are serialised under this advisory lock: each one is checked against the one before. */
export const PUBLISH_LOCK = 0x5c4e3a01;

type Queryable = Pick<pg.Pool | pg.PoolClient | pg.Client, 'query'>;

export const supergraphHash = (sdl: string): string => createHash('sha256').update(sdl).digest('hex');

/** PostgreSQL's "relation does not exist": the registry's migration has not run yet (no publication either). */
const noTable = (error: unknown) => (error as { code?: string })?.code === '42P01';

const row = (r: Record<string, any>): Publication => ({
  version: Number(r.version), subgraph: r.subgraph, subgraphSdl: r.subgraph_sdl, routingUrl: r.routing_url,
  supergraphSdl: r.supergraph_sdl, supergraphHash: r.supergraph_hash, publishedBy: r.published_by, publishedAt: r.published_at,
});

/** The newest publication's version, or null when nothing was ever published. Cheap: polled. */
export async function latestVersion(db: Queryable): Promise<number | null> {
  try {
    const { rows } = await db.query('SELECT max(version) AS version FROM schema_publication');
    return rows[0]?.version == null ? null : Number(rows[0].version);
  } catch (error) {
    if (noTable(error)) return null;
    throw error;
  }
}

/** One publication by version (or the newest), null when there is none. */
export async function publication(db: Queryable, version?: number): Promise<Publication | null> {
  try {
    const { rows } = version === undefined
      ? await db.query('SELECT * FROM schema_publication ORDER BY version DESC LIMIT 1')
      : await db.query('SELECT * FROM schema_publication WHERE version = $1', [version]);
    return rows[0] ? row(rows[0]) : null;
  } catch (error) {
    if (noTable(error)) return null;
    throw error;
  }
}

/** The newest publications, newest first (a gateway starting falls back along them). */
export async function recentPublications(db: Queryable, limit: number): Promise<Publication[]> {
  try {
    const { rows } = await db.query('SELECT * FROM schema_publication ORDER BY version DESC LIMIT $1', [limit]);
    return rows.map(row);
  } catch (error) {
    if (noTable(error)) return [];
    throw error;
  }
}

/** The newest published SDL (and routing URL) of every subgraph ever published. */
export async function latestSubgraphs(db: Queryable): Promise<Map<string, { sdl: string; routingUrl: string | null; version: number }>> {
  try {
    const { rows } = await db.query(`SELECT DISTINCT ON (subgraph) subgraph, subgraph_sdl, routing_url, version
      FROM schema_publication ORDER BY subgraph, version DESC`);
    return new Map(rows.map((r) => [r.subgraph, { sdl: r.subgraph_sdl, routingUrl: r.routing_url, version: Number(r.version) }]));
  } catch (error) {
    if (noTable(error)) return new Map();
    throw error;
  }
}

export interface NewPublication {
  subgraph: string;
  subgraphSdl: string;
  routingUrl: string | null;
  supergraphSdl: string;
  changes: unknown;
  publishedBy: string;
}

/** Appends one publication; returns its version and the database's time of it. */
export async function appendPublication(db: Queryable, p: NewPublication): Promise<{ version: number; publishedAt: Date }> {
  const { rows } = await db.query(
    `INSERT INTO schema_publication (subgraph, subgraph_sdl, routing_url, supergraph_sdl, supergraph_hash, changes, published_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING version, published_at`,
    [p.subgraph, p.subgraphSdl, p.routingUrl, p.supergraphSdl, supergraphHash(p.supergraphSdl), JSON.stringify(p.changes), p.publishedBy],
  );
  return { version: Number(rows[0].version), publishedAt: rows[0].published_at };
}
