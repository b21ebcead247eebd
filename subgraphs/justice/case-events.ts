import { createHmac } from 'node:crypto';
import type { SubgraphRuntime } from '../../kit/module';
import { normaliseIdentifier } from '../../kit/rules';
import { enqueue, nudgeOutbox } from '../../kit/outbox';
import { HttpError } from '../../kit/http';
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
  /** 阳光执法; absent from events recorded before publication existed (then: not published). */
  legalBasis?: string | null;
  penaltyKinds?: string[] | null;
  involvesMinor?: boolean | null;
  confidential?: boolean | null;
  /** The agency's own non-personal text fields (e.g. pollutant), for the threshold rules. */
  attributes?: Record<string, string | null> | null;
}

/** The outbox table whose events go to the procuratorate (its `case-events` route). */
export const SUPERVISION_OUTBOX = 'supervision_outbox';

/** A case of the same party, any agency: what the repeat-offender rules count. */
export interface PartyCase {
  caseId: string; caseType: string; agencyCode: string; region: string; offenceCode: string | null; actType: string; decidedAt: string | null;
}

/**
 * What justice forwards to the procuratorate for every applied index event: the index row with
 * the party as its keyed hash only (never a name or number), and the party's other cases in the
 * index across every agency, so the procuratorate can apply the repeat-offender rules.
 */
export interface IndexEvent {
  caseId: string; caseType: string; version: number; agencyCode: string; caseNumber: string; actType: string;
  offenceCode: string | null; amountInvolved: number | null; fineAmount: number | null; decidedAt: string | null;
  region: string; recordedAt: string; partyKind: string | null; partyKey: string | null;
  figures: Record<string, number | null>; attributes: Record<string, string | null>;
  partyCases: PartyCase[];
}

/** How many of a party's other cases travel with an event, newest first. */
const PARTY_HISTORY_LIMIT = 100;

/** Keyed hash of a party's normalised identifier: the index matches parties without holding numbers. */
export function partyKey(secret: string, kind: string, identifier: string): string {
  return createHmac('sha256', secret).update(`${kind}:${normaliseIdentifier(identifier)}`).digest('hex');
}

/**
 * Applies a batch of outbox events in one transaction. Idempotent: an event already applied is
 * skipped, and an older version never overwrites a newer one, so retries and reordering are safe.
 */
export async function applyCaseEvents(runtime: SubgraphRuntime, body: unknown, from: { owner: string }): Promise<{ applied: number; skipped: number }> {
  const events = (body as { events?: CaseEvent[] })?.events;
  if (!Array.isArray(events)) throw new Error('events must be an array');
  const secret = runtime.env.PARTY_KEY_SECRET!;
  const rows = events.map((e) => {
    const kind = AGENCY_KIND_BY_CASE_TYPE.get(e.caseType);
    if (!kind) throw new Error(`unknown case type ${e.caseType}`);
    // An agency indexes its own cases only: its key cannot write another owner's records.
    if (kind.name !== from.owner) throw new HttpError(403, `${from.owner} may not send events of ${e.caseType}`);
    const { party, ...rest } = e;
    return { ...rest, partyKind: party?.kind ?? null, partyKey: party?.identifier ? partyKey(secret, party.kind, party.identifier) : null };
  });
  const result = await runtime.db.transaction(async (tx) => {
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
      const written: { id: string }[] = await tx.query(`
        INSERT INTO case_index (id, case_type, agency_code, case_number, act_type, cause, offence_code, amount_involved,
          fine_amount, decided_at, region, recorded_at, party_kind, party_key, figures, source_version,
          legal_basis, penalty_kinds, involves_minor, confidential, attributes)
        SELECT x."caseId", x."caseType", x."agencyCode", x."caseNumber", x."actType", x.cause, x."offenceCode", x."amountInvolved",
          x."fineAmount", x."decidedAt", x.region, x."recordedAt", x."partyKind", x."partyKey", coalesce(x.figures, '{}'), x.version,
          x."legalBasis", coalesce(x."penaltyKinds", '{}'), coalesce(x."involvesMinor", false), coalesce(x."confidential", false),
          coalesce(x.attributes, '{}')
        FROM jsonb_to_recordset($1::jsonb) AS x("caseId" uuid, "caseType" text, "agencyCode" text, "caseNumber" text, "actType" text,
          cause text, "offenceCode" text, "amountInvolved" numeric, "fineAmount" numeric, "decidedAt" timestamptz, region text,
          "recordedAt" timestamptz, "partyKind" text, "partyKey" text, figures jsonb, version int,
          "legalBasis" text, "penaltyKinds" text[], "involvesMinor" boolean, "confidential" boolean, attributes jsonb)
        ON CONFLICT (id) DO UPDATE SET case_number = excluded.case_number, act_type = excluded.act_type, cause = excluded.cause,
          offence_code = excluded.offence_code, amount_involved = excluded.amount_involved, fine_amount = excluded.fine_amount,
          decided_at = excluded.decided_at, region = excluded.region, party_kind = excluded.party_kind,
          party_key = excluded.party_key, figures = excluded.figures, source_version = excluded.source_version, indexed_at = now(),
          legal_basis = excluded.legal_basis, penalty_kinds = excluded.penalty_kinds, involves_minor = excluded.involves_minor,
          confidential = excluded.confidential, attributes = excluded.attributes
        WHERE case_index.source_version < excluded.source_version AND case_index.case_type = excluded.case_type
        RETURNING id`, [JSON.stringify(toApply)]);
      // What changed the index goes on to the procuratorate, in the same transaction (outbox).
      const changed = new Set(written.map((w) => w.id));
      await forwardToSupervision(tx, toApply.filter((r) => changed.has(r.caseId)));
    }
    return { applied: freshIds.size, skipped: rows.length - freshIds.size };
  });
  nudgeOutbox(runtime, SUPERVISION_OUTBOX);
  return result;
}

type AppliedRow = Omit<CaseEvent, 'party'> & { partyKind: string | null; partyKey: string | null };

/** One IndexEvent per applied row, with the party's history from the index, into the outbox. */
async function forwardToSupervision(tx: { query(sql: string, parameters?: unknown[]): Promise<any> }, applied: AppliedRow[]): Promise<void> {
  if (!applied.length) return;
  const keys = [...new Set(applied.map((r) => r.partyKey).filter((k): k is string => !!k))];
  const history: (PartyCase & { partyKey: string })[] = keys.length ? await tx.query(`
    SELECT h.id AS "caseId", h.case_type AS "caseType", h.agency_code AS "agencyCode", h.region, h.offence_code AS "offenceCode",
      h.act_type AS "actType", h.decided_at AS "decidedAt", h.party_key AS "partyKey"
    FROM (SELECT c.*, row_number() OVER (PARTITION BY c.party_key ORDER BY c.decided_at DESC NULLS LAST, c.id) AS n
          FROM case_index c WHERE c.party_key = ANY($1)) h
    WHERE h.n <= $2`, [keys, PARTY_HISTORY_LIMIT + 1]) : [];
  const events: IndexEvent[] = applied.map((r) => ({
    caseId: r.caseId, caseType: r.caseType, version: r.version, agencyCode: r.agencyCode, caseNumber: r.caseNumber, actType: r.actType,
    offenceCode: r.offenceCode, amountInvolved: r.amountInvolved, fineAmount: r.fineAmount, decidedAt: r.decidedAt,
    region: r.region, recordedAt: r.recordedAt, partyKind: r.partyKind, partyKey: r.partyKey,
    figures: r.figures ?? {}, attributes: r.attributes ?? {},
    partyCases: r.partyKey ? history.filter((h) => h.partyKey === r.partyKey && h.caseId !== r.caseId).map(({ partyKey: _, ...h }) => h) : [],
  }));
  await enqueue(tx, events, SUPERVISION_OUTBOX);
}
