import { createHmac } from 'node:crypto';
import type { SubgraphRuntime } from '../kit/module';
import { normaliseIdentifier } from '../kit/rules';
import { AGENCY_KIND_BY_CASE_TYPE } from '../agencies/registry';

/** What an agency's outbox sends the index when a case is recorded or changed. */
export interface CaseEvent {
  eventId: string;
  caseId: string;
  caseType: string;
  version: number;
  agencyCode: string;
  caseNumber: string;
  actType: string;
  cause: string;
  offenceCode: string | null;
  amountInvolved: number | null;
  fineAmount: number | null;
  decidedAt: string | null;
  region: string;
  recordedAt: string;
  party: { kind: string; identifier: string | null } | null;
  figures: Record<string, number | null>;
}

/** Keyed hash of a party's normalised identifier: the index matches parties without holding numbers. */
export function partyKey(secret: string, kind: string, identifier: string): string {
  return createHmac('sha256', secret).update(`${kind}:${normaliseIdentifier(identifier)}`).digest('hex');
}

/**
 * Applies a batch of outbox events in one transaction. Idempotent: an event already applied is
 * skipped, and an older version never overwrites a newer one, so retries and reordering are safe.
 */
export async function applyCaseEvents(runtime: SubgraphRuntime, body: unknown): Promise<{ applied: number; skipped: number }> {
  const events = (body as { events?: CaseEvent[] })?.events;
  if (!Array.isArray(events)) throw new Error('events must be an array');
  const secret = runtime.env.PARTY_KEY_SECRET!;
  const rows = events.map((e) => {
    const kind = AGENCY_KIND_BY_CASE_TYPE.get(e.caseType);
    if (!kind) throw new Error(`unknown case type ${e.caseType}`);
    const { party, ...rest } = e;
    return { ...rest, partyKind: party?.kind ?? null, partyKey: party?.identifier ? partyKey(secret, party.kind, party.identifier) : null };
  });
  return runtime.db.transaction(async (tx) => {
    const fresh: { event_id: string }[] = await tx.query(
      `INSERT INTO applied_event (event_id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id`,
      [rows.map((r) => r.eventId)]);
    const freshIds = new Set(fresh.map((r) => r.event_id));
    // Within one batch only the newest version of a case counts (one row may be written once).
    const newest = new Map<string, (typeof rows)[number]>();
    for (const r of rows.filter((r) => freshIds.has(r.eventId))) {
      if ((newest.get(r.caseId)?.version ?? -1) < r.version) newest.set(r.caseId, r);
    }
    const toApply = [...newest.values()];
    if (toApply.length) {
      await tx.query(`
        INSERT INTO case_index (id, case_type, agency_code, case_number, act_type, cause, offence_code, amount_involved,
          fine_amount, decided_at, region, recorded_at, party_kind, party_key, figures, source_version)
        SELECT x."caseId", x."caseType", x."agencyCode", x."caseNumber", x."actType", x.cause, x."offenceCode", x."amountInvolved",
          x."fineAmount", x."decidedAt", x.region, x."recordedAt", x."partyKind", x."partyKey", coalesce(x.figures, '{}'), x.version
        FROM jsonb_to_recordset($1::jsonb) AS x("caseId" uuid, "caseType" text, "agencyCode" text, "caseNumber" text, "actType" text,
          cause text, "offenceCode" text, "amountInvolved" numeric, "fineAmount" numeric, "decidedAt" timestamptz, region text,
          "recordedAt" timestamptz, "partyKind" text, "partyKey" text, figures jsonb, version int)
        ON CONFLICT (id) DO UPDATE SET case_number = excluded.case_number, act_type = excluded.act_type, cause = excluded.cause,
          offence_code = excluded.offence_code, amount_involved = excluded.amount_involved, fine_amount = excluded.fine_amount,
          decided_at = excluded.decided_at, region = excluded.region, party_kind = excluded.party_kind,
          party_key = excluded.party_key, figures = excluded.figures, source_version = excluded.source_version, indexed_at = now()
        WHERE case_index.source_version < excluded.source_version`, [JSON.stringify(toApply)]);
    }
    return { applied: freshIds.size, skipped: rows.length - freshIds.size };
  });
}
