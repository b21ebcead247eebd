import type { SubgraphContext } from '../../kit/module';
import { maskAddress, maskIdNumber, maskPhone, releasePersonal, type Owner } from '../../kit/personal-data';
import type { PartyRow } from './entities';

type OwnedParty = PartyRow & { owner: Owner };

/** 当事人: personal values pass the row-level rules; name and kind are part of the case. */
export const partyResolvers = {
  idNumber: (p: OwnedParty, _: unknown, ctx: SubgraphContext) => releasePersonal(ctx, 'Party.idNumber', p.owner, p.idNumber, maskIdNumber),
  phone: (p: OwnedParty, _: unknown, ctx: SubgraphContext) => releasePersonal(ctx, 'Party.phone', p.owner, p.phone, maskPhone),
  address: (p: OwnedParty, _: unknown, ctx: SubgraphContext) => releasePersonal(ctx, 'Party.address', p.owner, p.address, maskAddress),
};
