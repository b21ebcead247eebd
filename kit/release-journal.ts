import type { ApolloServerPlugin } from '@apollo/server';
import { inBackground } from './database';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import type { Identity } from './identity';
import type { Release } from './personal-data';
import type { SubgraphContext } from './module';
import { log } from './log';

// The local release journal: every personal or classified value a subgraph releases (or refuses),
// recorded in the owner's OWN database before the answer leaves. The gateway's audit log records
// what passes through the gateway; this records what leaves the place where the data is, so a
// release to a caller that never came through the gateway (a direct call with a stolen token) is
// on record too (个人信息保护法 第五十一条: 安全技术措施; 第五十五条: 事前评估并记录处理情况).
// Append-only: triggers refuse UPDATE, DELETE and TRUNCATE, whoever asks.

export const RELEASE_JOURNAL = 'release_journal';

/** A kit migration every subgraph gets (runtime.ts appends it to the module's own). */
export class KitReleaseJournal1700000000900 implements MigrationInterface {
  name = 'KitReleaseJournal1700000000900';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ${RELEASE_JOURNAL} (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT clock_timestamp(),
      coordinate text NOT NULL,
      entity_id text,
      decision text NOT NULL,
      caller_sub text NOT NULL,
      caller_role text NOT NULL,
      caller_org text,
      caller_region text,
      reason text,
      -- whose key vouched for the caller: 'gateway' (an end user) or the owner of a service identity
      signer text,
      trace_id text)`);
    await q.query(`CREATE INDEX ${RELEASE_JOURNAL}_entity ON ${RELEASE_JOURNAL} (entity_id, at)`);
    await q.query(`CREATE FUNCTION ${RELEASE_JOURNAL}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION '${RELEASE_JOURNAL} is append-only: % refused', TG_OP; END $$`);
    await q.query(`CREATE TRIGGER ${RELEASE_JOURNAL}_no_change BEFORE UPDATE OR DELETE ON ${RELEASE_JOURNAL}
      FOR EACH ROW EXECUTE FUNCTION ${RELEASE_JOURNAL}_append_only()`);
    await q.query(`CREATE TRIGGER ${RELEASE_JOURNAL}_no_truncate BEFORE TRUNCATE ON ${RELEASE_JOURNAL}
      FOR EACH STATEMENT EXECUTE FUNCTION ${RELEASE_JOURNAL}_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ${RELEASE_JOURNAL}`);
    await q.query(`DROP FUNCTION ${RELEASE_JOURNAL}_append_only()`);
  }
}

/** Appends one request's releases in one statement, off the request's statement count. */
export async function appendReleases(db: DataSource, identity: Identity, releases: readonly Release[]): Promise<void> {
  if (!releases.length) return;
  await inBackground(db, (runner) => runner.query(
    `INSERT INTO ${RELEASE_JOURNAL} (coordinate, entity_id, decision, caller_sub, caller_role, caller_org, caller_region, reason, signer, trace_id)
     SELECT r.coordinate, r.entity_id, r.decision, $4, $5, $6, $7, $8, $9, $10
     FROM unnest($1::text[], $2::text[], $3::text[]) AS r(coordinate, entity_id, decision)`,
    [releases.map((r) => r.coordinate), releases.map((r) => (r.entityId == null ? null : String(r.entityId))), releases.map((r) => r.decision),
      identity.sub, identity.role, identity.org ?? null, identity.region ?? null, identity.reason ?? null, identity.signer ?? null, identity.traceId ?? null]));
}

/**
 * Writes the request's releases to the journal before the response is sent. If the journal
 * cannot be written, nothing is released: the answer becomes an error without data.
 */
export function journalReleases(db: DataSource, owner: string): ApolloServerPlugin<SubgraphContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (!contextValue.releases?.length) return;
          try {
            await appendReleases(db, contextValue.identity, contextValue.releases);
          } catch (error) {
            log.error(`[${owner}] release journal not written`, error);
            if (response.body.kind === 'single') {
              response.body.singleResult = {
                errors: [{ message: 'The release could not be recorded; nothing was released', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
              };
            }
          }
        },
      };
    },
  };
}
