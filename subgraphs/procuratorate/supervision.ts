import { randomUUID } from 'node:crypto';
import type { SubgraphContext } from '../kit/module';
import { badInput, forbidden, notFound } from '../kit/errors';
import { requireText, withinJurisdiction } from '../kit/rules';
import { mayRead, requireProcurator } from './access';
import { SupervisionMatter, type SupervisionMatterRow } from './entities';
import { lookUpCase } from './justice';
import type { ProcuratorateLoaders } from './loaders';
import { guardedUpdate } from './store';
import { optionalText } from './text';

type Ctx = SubgraphContext<ProcuratorateLoaders>;
interface SupervisionInput { kind: string; summary: string; notes?: string | null }

const visible = (ctx: Ctx, row: SupervisionMatterRow | null) => (row && mayRead(ctx.identity, row) ? row : null);

/** 检察监督: the procuratorate opens a matter on an indexed case in its jurisdiction, and closes it. */
export const supervisionMutations = {
  async openSupervision(_: unknown, { caseId, input }: { caseId: string; input: SupervisionInput }, ctx: Ctx) {
    const me = requireProcurator(ctx.identity, 'open a supervision matter');
    const summary = requireText('input.summary', input.summary, 2000);
    const notes = optionalText('input.notes', input.notes, 20000);
    const indexed = await lookUpCase(ctx.runtime, caseId);
    if (!indexed) throw badInput('caseId', 'exists', `no case ${caseId} in the case index`);
    if (!withinJurisdiction(me.region, indexed.region)) {
      throw badInput('caseId', 'jurisdiction', `the case lies outside the jurisdiction of procuratorate ${me.org} (region ${me.region})`);
    }
    const row: SupervisionMatterRow = {
      id: randomUUID(), caseId: indexed.id, kind: input.kind, status: 'OPEN', summary, notes,
      procuratorateCode: me.org, region: indexed.region, openedBy: me.sub, openedAt: new Date(), closedBy: null, closedAt: null,
    };
    await ctx.runtime.db.getRepository(SupervisionMatter).insert(row);
    return row;
  },

  async closeSupervision(_: unknown, { id }: { id: string }, ctx: Ctx) {
    const me = requireProcurator(ctx.identity, 'close a supervision matter');
    const matter = await ctx.loaders.supervisionById.load(id);
    if (!matter) throw notFound('SupervisionMatter', id);
    if (matter.procuratorateCode !== me.org) throw forbidden('only the procuratorate that opened a supervision matter closes it');
    const transition = () => badInput('id', 'transition', `only an OPEN supervision matter can be closed; this one is ${matter.status === 'OPEN' ? 'closed already' : matter.status}`);
    if (matter.status !== 'OPEN') throw transition();
    const closed = await guardedUpdate(ctx.runtime.db, SupervisionMatter,
      `UPDATE supervision_matter SET status = 'CLOSED', closed_at = now(), closed_by = $2 WHERE id = $1 AND status = 'OPEN' RETURNING *`,
      [matter.id, me.sub]);
    if (!closed) throw transition(); // closed concurrently
    return closed;
  },
};

export const supervisionQueries = {
  supervisionMatter: async (_: unknown, { id }: { id: string }, ctx: Ctx) => visible(ctx, await ctx.loaders.supervisionById.load(id)),
};

/** The procuratorate's field on every case of the index (an @interfaceObject contribution). */
export const enforcementCaseFields = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  supervision: async (c: { id: string }, _: unknown, ctx: Ctx) =>
    (await ctx.loaders.supervisionByCaseId.load(c.id)).filter((row) => mayRead(ctx.identity, row)),
};

export const supervisionMatterFields = {
  __resolveReference: async (ref: { id: string }, ctx: Ctx) => visible(ctx, await ctx.loaders.supervisionById.load(ref.id)),
  case: (row: SupervisionMatterRow) => ({ __typename: 'EnforcementCase', id: row.caseId }),
  /** Internal notes: the procuratorate that opened the matter, nobody else (not even the justice bureau). */
  notes: (row: SupervisionMatterRow, _: unknown, ctx: Ctx) => {
    if (row.notes === null) return null;
    const allowed = ctx.identity.role === 'procurator' && ctx.identity.org === row.procuratorateCode;
    ctx.releases.push({ coordinate: 'SupervisionMatter.notes', entityId: row.id, decision: allowed ? 'full' : 'denied' });
    return allowed ? row.notes : null;
  },
};
