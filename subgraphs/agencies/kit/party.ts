import type { SubgraphContext } from '../../../kit/module';
import { maskAddress, maskIdNumber, maskPhone, releasePersonal, type Owner } from '../../../kit/personal-data';
import type { PartyRow } from './entities';

type OwnedParty = PartyRow & { owner: Owner };

/**
 * 当事人: personal values pass the row-level rules (kit/resources/party.ts); name and kind are
 * part of the case, which the case rule already let the caller read. The name is still a
 * person's name: its release is recorded like the others (网络安全法 第21条).
 */
export const partyResolvers = {
  name: (p: OwnedParty, _: unknown, ctx: SubgraphContext) => {
    ctx.releases.push({ coordinate: 'Party.name', entityId: p.owner.entityId, decision: 'full' });
    return p.name;
  },
  idNumber: (p: OwnedParty, _: unknown, ctx: SubgraphContext) => releasePersonal(ctx, 'Party.idNumber', p.owner, p.idNumber, maskIdNumber),
  phone: (p: OwnedParty, _: unknown, ctx: SubgraphContext) => releasePersonal(ctx, 'Party.phone', p.owner, p.phone, maskPhone),
  address: (p: OwnedParty, _: unknown, ctx: SubgraphContext) => releasePersonal(ctx, 'Party.address', p.owner, p.address, maskAddress),
};
