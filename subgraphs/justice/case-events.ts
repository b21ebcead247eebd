import type { SubgraphRuntime } from '../../kit/module';
import { enqueue, nudgeOutbox, type Channel, type Queryable } from '../../kit/outbox';
import { receiveOnce } from '../../kit/receive-once';
import { HttpError } from '../../kit/http';
import { CASE_EVENT, type CaseEvent } from '../../kit/messages/case-event';
import { INDEX_EVENT, PARTY_HISTORY_LIMIT, type IndexEvent, type PartyCase } from '../../kit/messages/index-event';
import type { Delivered } from '../../kit/messages/check';
import { AGENCY_KIND_BY_CASE_TYPE } from '../agencies/registry';
import { copyCasePlaceToStates } from './case-states';

/** The outbox whose index events go to the procuratorate (its `case-events` route). */
export const SUPERVISION_OUTBOX = 'supervision_outbox';
export const SUPERVISION_FEED: Channel<IndexEvent> = { to: 'procuratorate', route: 'case-events', table: SUPERVISION_OUTBOX, message: INDEX_EVENT };

/**
 * POST /internal/case-events (from the agencies): applies a batch of outbox events in one
 * transaction. Each event is applied once (kit/receive-once.ts), and an older version never
 * overwrites a newer one, so retries and reordering are safe.
 */
export async function applyCaseEvents(runtime: SubgraphRuntime, body: unknown, from: { owner: string }) {
  const result = await receiveOnce(runtime, CASE_EVENT, body, async (tx, fresh) => {
    const rows = fresh.map((e) => {
      const kind = AGENCY_KIND_BY_CASE_TYPE.get(e.caseType);
      if (!kind) throw new HttpError(400, `caseType: unknown case type ${e.caseType}`);
      // An agency indexes its own cases only: its key cannot write another owner's records.
      if (kind.name !== from.owner) throw new HttpError(403, `${from.owner} may not send events of ${e.caseType}`);
      // The party arrives as its keyed reference (an OPRF output under justice's key, made by the
      // agency with justice blind to the number: subgraphs/justice/party-refs.ts); stored as the
      // party key, with the id of the key that made it (a rotation re-keys by it).
      const { party, ...rest } = e;
      return { ...rest, partyKind: party?.kind ?? null, partyKey: party?.ref ?? null, partyKeyId: party?.ref ? party.refKey ?? null : null };
    });
    // Within one batch only the newest version of a case counts (one row may be written once).
    const newest = new Map<string, (typeof rows)[number]>();
    for (const r of rows) if ((newest.get(r.caseId)?.version ?? -1) < r.version) newest.set(r.caseId, r);
    const toApply = [...newest.values()];
    const written: { id: string }[] = await tx.query(`
      INSERT INTO case_index (id, case_type, agency_code, case_number, act_type, cause, offence_code, amount_involved,
        fine_amount, decided_at, region, recorded_at, party_kind, party_key, figures, source_version,
        legal_basis, penalty_kinds, involves_minor, confidential, attributes, conduct_at, party_key_id)
      SELECT x."caseId", x."caseType", x."agencyCode", x."caseNumber", x."actType", x.cause, x."offenceCode", x."amountInvolved",
        x."fineAmount", x."decidedAt", x.region, x."recordedAt", x."partyKind", x."partyKey", coalesce(x.figures, '{}'), x.version,
        x."legalBasis", coalesce(x."penaltyKinds", '{}'), coalesce(x."involvesMinor", false), coalesce(x."confidential", false),
        coalesce(x.attributes, '{}'), x."conductAt", x."partyKeyId"
      FROM jsonb_to_recordset($1::jsonb) AS x("caseId" uuid, "caseType" text, "agencyCode" text, "caseNumber" text, "actType" text,
        cause text, "offenceCode" text, "amountInvolved" numeric, "fineAmount" numeric, "decidedAt" timestamptz, region text,
        "recordedAt" timestamptz, "partyKind" text, "partyKey" text, figures jsonb, version int,
        "legalBasis" text, "penaltyKinds" text[], "involvesMinor" boolean, "confidential" boolean, attributes jsonb,
        "conductAt" timestamptz, "partyKeyId" text)
      ON CONFLICT (id) DO UPDATE SET case_number = excluded.case_number, act_type = excluded.act_type, cause = excluded.cause,
        offence_code = excluded.offence_code, amount_involved = excluded.amount_involved, fine_amount = excluded.fine_amount,
        decided_at = excluded.decided_at, region = excluded.region, party_kind = excluded.party_kind,
        party_key = excluded.party_key, figures = excluded.figures, source_version = excluded.source_version, indexed_at = now(),
        legal_basis = excluded.legal_basis, penalty_kinds = excluded.penalty_kinds, involves_minor = excluded.involves_minor,
        confidential = excluded.confidential, attributes = excluded.attributes, conduct_at = excluded.conduct_at,
        party_key_id = excluded.party_key_id
      -- A newer version, or the same version re-sent with a reference under another key (the
      -- re-keying of migration 1330 and of a key rotation: docs/architecture.md, "Party references").
      WHERE (case_index.source_version < excluded.source_version
          OR (case_index.source_version = excluded.source_version AND excluded.party_key_id IS NOT NULL
              AND case_index.party_key_id IS DISTINCT FROM excluded.party_key_id))
        AND case_index.case_type = excluded.case_type
      RETURNING id`, [JSON.stringify(toApply)]);
    // What changed the index goes on to the procuratorate, in the same transaction (outbox).
    const changed = new Set(written.map((w) => w.id));
    await copyCasePlaceToStates(tx, [...changed]);
    await forwardToSupervision(tx, toApply.filter((r) => changed.has(r.caseId)));
  });
  nudgeOutbox(runtime, SUPERVISION_OUTBOX);
  return result;
}

type AppliedRow = Omit<Delivered<CaseEvent>, 'party'> & { partyKind: string | null; partyKey: string | null };

/** One IndexEvent per applied row, with the party's history from the index, into the outbox. */
async function forwardToSupervision(tx: Queryable, applied: AppliedRow[]): Promise<void> {
  if (!applied.length) return;
  const keys = [...new Set(applied.map((r) => r.partyKey).filter((k): k is string => !!k))];
  const history: (PartyCase & { partyKey: string })[] = keys.length ? await tx.query(`
    SELECT h.id AS "caseId", h.case_type AS "caseType", h.agency_code AS "agencyCode", h.region, h.offence_code AS "offenceCode",
      h.act_type AS "actType", h.decided_at AS "decidedAt", h.party_key AS "partyKey"
    FROM (SELECT c.*, row_number() OVER (PARTITION BY c.party_key ORDER BY c.decided_at DESC NULLS LAST, c.id) AS n
          FROM case_index c WHERE c.party_key = ANY($1)) h
    WHERE h.n <= $2`, [keys, PARTY_HISTORY_LIMIT + 1]) : [];
  const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
  const events: IndexEvent[] = applied.map((r) => ({
    caseId: r.caseId, caseType: r.caseType, version: r.version, agencyCode: r.agencyCode, caseNumber: r.caseNumber, actType: r.actType,
    offenceCode: r.offenceCode, amountInvolved: r.amountInvolved, fineAmount: r.fineAmount, decidedAt: r.decidedAt,
    conductAt: r.conductAt ?? null, cause: r.cause, region: r.region, recordedAt: r.recordedAt, partyKind: r.partyKind, partyKey: r.partyKey,
    figures: r.figures ?? {}, attributes: r.attributes ?? {},
    partyCases: r.partyKey
      ? history.filter((h) => h.partyKey === r.partyKey && h.caseId !== r.caseId)
        .map(({ partyKey: _, ...h }) => ({ ...h, decidedAt: iso(h.decidedAt) }))
      : [],
  }));
  await enqueue(tx, SUPERVISION_FEED, events);
}
