import type { SubgraphRuntime } from '../../../kit/module';
import type { Queryable } from '../../../kit/outbox';
import type { CaseEvent } from '../../../kit/messages/case-event';
import { blindInput, finalizeEvaluation, OPRF_SUITE, partyInput, type Blinded, type Evaluation } from '../../../kit/crypto/oprf';
import { normaliseIdentifier } from '../../../kit/rules';
import { readPartyRefKeys } from '../../../kit/keys';
import { openParty } from './party';

// The party reference of a case event (issue 17), made by the agency's outbox relay just before a
// batch goes to the index: the normalised identifier is blinded here, justice (the key holder)
// evaluates the blinded elements, the proof is checked against justice's published key, and the
// unblinded output is the reference. Neither the outbox row nor any message holds the number.
//
// Why at send time and not when the case is recorded: a case must be recorded while justice is
// down (one local transaction, no call to another owner inside it), and a reference made then
// would have to wait somewhere anyway. So the outbox row names the case only (`party.ref` null);
// the relay reads the party's identifier from the agency's own tables in its own transaction and
// adds the reference. If justice cannot evaluate, or its proof fails, nothing is sent and the batch
// is retried with backoff (kit/outbox.ts): nothing half-written, nothing lost. A re-send after a
// rotation of justice's key gets the reference under the new key for free.

interface PublishedKey { suite: string; keyId: string; publicKey: string }
const published = new WeakMap<SubgraphRuntime, PublishedKey>();

/**
 * Justice's OPRF public key PINNED in the key directory (HUB_PUBLIC_KEYS_FILE, kit/keys.ts), never one
 * justice hands out itself; the file is read again only when justice names a key id not yet known (a rotation).
 */
async function publishedKey(runtime: SubgraphRuntime, keyId?: string): Promise<PublishedKey> {
  const known = published.get(runtime);
  if (known && (keyId === undefined || known.keyId === keyId)) return known;
  const publicKey = keyId ? readPartyRefKeys(runtime.env.HUB_PUBLIC_KEYS_FILE!).get(keyId) : undefined;
  if (!keyId || !publicKey) throw new Error(`party references: justice evaluated under key ${String(keyId)}, which the key directory does not pin`);
  const key: PublishedKey = { suite: OPRF_SUITE, keyId, publicKey };
  published.set(runtime, key);
  return key;
}

/** The events with each party's reference, from the party as the agency now holds it. */
export async function withPartyRefs(runtime: SubgraphRuntime, tx: Queryable, events: CaseEvent[]): Promise<CaseEvent[]> {
  const caseIds = [...new Set(events.filter((e) => e.party).map((e) => e.caseId))];
  if (!caseIds.length) return events;
  const stored: { caseId: string; partyId: string; kind: string; identifier: string | null }[] = await tx.query(`
    SELECT c.id AS "caseId", p.id AS "partyId", p.kind, p.id_number AS identifier FROM enforcement_case c JOIN party p ON p.id = c.party_id
    WHERE c.id = ANY($1::uuid[])`, [caseIds]);
  // Sealed at rest (party.ts): opened here, in the agency's own process, only to be blinded.
  const parties = await Promise.all(stored.map(async (p) => ({ ...p, identifier: await openParty(runtime, p.partyId, 'id_number', p.identifier) })));
  // One blinded element per distinct party in the batch.
  const inputs = new Map<string, string>();
  const blinded = new Map<string, Blinded>();
  for (const p of parties) {
    if (!p.identifier) continue;
    const input = partyInput(p.kind, normaliseIdentifier(p.identifier));
    const id = input.toString('hex');
    inputs.set(p.caseId, id);
    if (!blinded.has(id)) blinded.set(id, blindInput(input));
  }
  const refs = new Map<string, string>();
  let keyId: string | null = null;
  if (blinded.size) {
    const items = [...blinded.values()];
    const answer = await runtime.send<Evaluation>('justice', 'party-refs', { blinded: items.map((b) => b.blinded) });
    const key = await publishedKey(runtime, answer.keyId);
    // Throws when the proof does not hold for the published key: the batch is not sent.
    const outputs = finalizeEvaluation(key.publicKey, items, answer);
    [...blinded.keys()].forEach((id, i) => refs.set(id, outputs[i]));
    keyId = key.keyId;
  }
  const kindOf = new Map(parties.map((p) => [p.caseId, p.kind]));
  return events.map((e) => {
    if (!e.party) return e;
    const input = inputs.get(e.caseId);
    const ref = input ? refs.get(input)! : null;
    return { ...e, party: { kind: kindOf.get(e.caseId) ?? e.party.kind, ref, refKey: ref ? keyId : null } };
  });
}
