import { randomUUID } from 'node:crypto';
import type { SubgraphContext, SubgraphRuntime } from '../../../kit/module';
import { maskAddress, maskIdNumber, maskPhone, releaseSealed, type Owner } from '../../../kit/personal-data';
import { atRest, type SealedTable } from '../../../kit/at-rest';
import { normaliseIdentifier } from '../../../kit/rules';
import type { ErasureRule } from '../../../kit/retention';
import type { PartyRow } from './entities';

type OwnedParty = PartyRow & { owner: Owner };

// 当事人 at rest (issue 16): name, ID number or credit code, phone and address are sealed with the
// agency's data key (kit/at-rest.ts), each bound to its column and the party's row; the ID
// number's keyed blind index (`id_number_index`) serves exact-match lookups, never the number.
// 个人信息保护法 第51条. Only this subgraph opens them: at a release below, after the row rule,
// and in the relay that blinds the number for justice (party-ref.ts).

/** What the agency seals in `party`; the start-up pass (kit/at-rest.ts sealAtRest) seals older rows. */
export const PARTY_AT_REST: SealedTable = {
  table: 'party', idColumn: 'id', columns: ['name', 'id_number', 'phone', 'address'],
  indexes: [{ column: 'id_number', into: 'id_number_index', purpose: 'party.id_number', normalise: normaliseIdentifier }],
};

/**
 * 个人信息保护法 第47条: a natural person's name, number, phone and address are erased when the
 * period of schema/retention.json `party` has passed since the decision of the party's latest
 * case (else its recording). The case stays whole; the party stays its kind and keyed blind index.
 */
export const PARTY_ERASURE: ErasureRule = {
  dataClass: 'party', table: 'party', idColumn: 'id',
  startedBy: `t.kind = 'NATURAL_PERSON' AND (SELECT max(coalesce(c.decided_at, c.recorded_at)) FROM enforcement_case c WHERE c.party_id = t.id) <= $1`,
};

/** What Party.name shows once the name was erased (Party.name is non-null in the graph). */
export const ERASED_NAME = '（保存期限届满，个人信息已删除）';

const place = (id: string, column: string) => ({ table: 'party', column, rowId: id });

/** A new party row as stored: its id chosen here (the associated data names it), every personal value sealed. */
export async function sealParty(runtime: SubgraphRuntime, party: Omit<PartyRow, 'id' | 'idNumberIndex'>): Promise<PartyRow> {
  const at = atRest(runtime);
  const id = randomUUID();
  return {
    id, kind: party.kind,
    name: await at.seal(place(id, 'name'), party.name),
    idNumber: await at.seal(place(id, 'id_number'), party.idNumber),
    phone: await at.seal(place(id, 'phone'), party.phone),
    address: await at.seal(place(id, 'address'), party.address),
    idNumberIndex: await at.index('party.id_number', party.idNumber === null ? null : normaliseIdentifier(party.idNumber)),
  };
}

/** A stored party's value, opened (the owner's own use: a release, the relay). */
export const openParty = (runtime: SubgraphRuntime, id: string, column: 'name' | 'id_number' | 'phone' | 'address', sealed: string | null) =>
  atRest(runtime).open(place(id, column), sealed);

/**
 * 当事人: personal values pass the row-level rules (kit/resources/party.ts); name and kind are
 * part of the case, which the case rule already let the caller read. The name is still a
 * person's name: its release is recorded like the others (网络安全法 第21条).
 */
export const partyResolvers = {
  name: (p: OwnedParty, _: unknown, ctx: SubgraphContext) => {
    if (p.name === null) return ERASED_NAME;
    ctx.releases.push({ coordinate: 'Party.name', entityId: p.owner.entityId, decision: 'full' });
    return openParty(ctx.runtime, p.id, 'name', p.name);
  },
  idNumber: (p: OwnedParty, _: unknown, ctx: SubgraphContext) =>
    releaseSealed(ctx, 'Party.idNumber', p.owner, p.idNumber, (v) => openParty(ctx.runtime, p.id, 'id_number', v), maskIdNumber),
  phone: (p: OwnedParty, _: unknown, ctx: SubgraphContext) =>
    releaseSealed(ctx, 'Party.phone', p.owner, p.phone, (v) => openParty(ctx.runtime, p.id, 'phone', v), maskPhone),
  address: (p: OwnedParty, _: unknown, ctx: SubgraphContext) =>
    releaseSealed(ctx, 'Party.address', p.owner, p.address, (v) => openParty(ctx.runtime, p.id, 'address', v), maskAddress),
};
