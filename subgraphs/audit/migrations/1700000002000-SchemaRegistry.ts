import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hub's schema registry (no SaaS: a government intranet cannot reach one). Each row is one
 * publication (`npm run schema:publish`): the subgraph's SDL as published, the supergraph composed
 * with it, who published it and when, and what the check reported. The gateway serves the newest
 * row's supergraph (gateway/registry/watch.ts). It lives in the gateway's own database, whose
 * schema this module owns (the audit log's too).
 *
 * Append-only like audit_log (the same trigger function): a publication is never rewritten, so
 * who changed the graph and when stays on record; going back is publishing the older SDL again.
 */
export class SchemaRegistry1700000002000 implements MigrationInterface {
  name = 'SchemaRegistry1700000002000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE schema_publication (
      version bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      subgraph text NOT NULL CHECK (subgraph ~ '^[a-z][a-z0-9-]*$'),
      subgraph_sdl text NOT NULL,
      routing_url text,
      supergraph_sdl text NOT NULL,
      supergraph_hash text NOT NULL CHECK (supergraph_hash ~ '^[0-9a-f]{64}$'),
      changes jsonb NOT NULL,
      published_by text NOT NULL CHECK (length(published_by) BETWEEN 1 AND 200),
      published_at timestamptz NOT NULL DEFAULT now())`);
    // The newest SDL of each subgraph (the base of the next check).
    await q.query(`CREATE INDEX schema_publication_subgraph ON schema_publication (subgraph, version DESC)`);
    await q.query(`CREATE TRIGGER schema_publication_append_only_row BEFORE UPDATE OR DELETE ON schema_publication
      FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()`);
    await q.query(`CREATE TRIGGER schema_publication_no_truncate BEFORE TRUNCATE ON schema_publication
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE schema_publication`);
  }
}
