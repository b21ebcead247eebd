import { randomUUID } from 'node:crypto';
import type { SubgraphContext } from '../../kit/module';
import { badInput, notFound } from '../../kit/errors';
import { covers, may, requireMay, requireScope } from '../../kit/access';
import { optionalText, requireText } from '../../kit/rules';
import { supervisionMatterRule } from './resources/supervision-matter';
import { SupervisionMatter, type SupervisionMatterRow } from './entities';
import { justiceClient } from '../../kit/justice-client';
import type { ProcuratorateLoaders } from './loaders';
import { guardedUpdate, selectListOf, wrongState } from '../../kit/guarded-update';
import { nudgeOutbox } from '../../kit/outbox';
import { CASE_STATE_OUTBOX, reportSupervisionState } from './case-state';

type Ctx = SubgraphContext<ProcuratorateLoaders>;
interface SupervisionInput { kind: string; summary: string; notes?: string | null }

/** The matter if the caller reads it (resources/supervision-matter.ts), else null. */
export const visible = (ctx: Ctx, row: SupervisionMatterRow | null) => (row && may(ctx.identity, supervisionMatterRule, 'read', row) ? row : null);

/** 检察监督: the procuratorate opens a matter on an indexed case in its jurisdiction, and closes it. */
export const supervisionMutations = {
  async openSupervision(_: unknown, { caseId, input }: { caseId: string; input: SupervisionInput }, ctx: Ctx) {
    const { identity } = ctx;
    requireScope(identity, supervisionMatterRule.actions.open.scope, 'open a supervision matter');
    const summary = requireText('input.summary', input.summary, 2000);
    const notes = optionalText('input.notes', input.notes, 20000);
    const indexed = await justiceClient(ctx.runtime).case(caseId);
    if (!indexed) throw badInput('caseId', 'exists', `no case ${caseId} in the case index`);
    // The matter belongs to the case's region and to the caller's procuratorate.
    const place = { procuratorateCode: identity.org ?? '', region: indexed.region };
    if (!covers(identity, supervisionMatterRule.actions.open.scope, supervisionMatterRule.place(place))) {
      throw badInput('caseId', 'jurisdiction', `the case lies outside the jurisdiction of procuratorate ${identity.org} (region ${identity.region})`);
    }
    requireMay(identity, supervisionMatterRule, 'open', place);
    const row: SupervisionMatterRow = {
      id: randomUUID(), caseId: indexed.id, kind: input.kind, status: 'OPEN', summary, notes,
      procuratorateCode: place.procuratorateCode, region: indexed.region, openedBy: identity.sub, openedAt: ctx.runtime.now(), closedBy: null, closedAt: null,
    };
    // The matter and its state for the case index commit together.
    await ctx.runtime.db.transaction(async (tx) => {
      await tx.getRepository(SupervisionMatter).insert(row);
      await reportSupervisionState(tx, row, row.openedAt);
    });
    nudgeOutbox(ctx.runtime, CASE_STATE_OUTBOX);
    return row;
  },

  async closeSupervision(_: unknown, { id }: { id: string }, ctx: Ctx) {
    requireScope(ctx.identity, supervisionMatterRule.actions.close.scope, 'close a supervision matter');
    const matter = await ctx.loaders.supervisionById.load(id);
    if (!matter) throw notFound('SupervisionMatter', id);
    // Only the procuratorate that opened a matter closes it.
    requireMay(ctx.identity, supervisionMatterRule, 'close', matter);
    const notOpen = (state: string) => `only an OPEN supervision matter can be closed; this one is ${state}`;
    if (matter.status !== 'OPEN') throw wrongState(notOpen(matter.status));
    // Closed concurrently: the guard answers as the check above does.
    const closed = await ctx.runtime.db.transaction(async (tx) => {
      const row = await guardedUpdate<SupervisionMatterRow>(tx, {
        table: 'supervision_matter', id: matter.id, expect: { status: 'OPEN' }, returning: selectListOf(ctx.runtime.db, SupervisionMatter),
        set: { status: 'CLOSED', closed_at: ctx.runtime.now(), closed_by: ctx.identity.sub },
      }, { type: 'SupervisionMatter', conflict: () => notOpen('closed already') });
      await reportSupervisionState(tx, row, ctx.runtime.now());
      return row;
    });
    nudgeOutbox(ctx.runtime, CASE_STATE_OUTBOX);
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
    (await ctx.loaders.supervisionByCaseId.load(c.id)).filter((row) => may(ctx.identity, supervisionMatterRule, 'read', row)),
};

export const supervisionMatterFields = {
  __resolveReference: async (ref: { id: string }, ctx: Ctx) => visible(ctx, await ctx.loaders.supervisionById.load(ref.id)),
  case: (row: SupervisionMatterRow) => ({ __typename: 'EnforcementCase', id: row.caseId }),
  /** Internal notes: the procuratorate that opened the matter (supervision:notes@unit), nobody else, not even the justice bureau. */
  notes: (row: SupervisionMatterRow, _: unknown, ctx: Ctx) => {
    if (row.notes === null) return null;
    const allowed = may(ctx.identity, supervisionMatterRule, 'readNotes', row);
    ctx.releases.push({ coordinate: 'SupervisionMatter.notes', entityId: row.id, decision: allowed ? 'full' : 'denied' });
    return allowed ? row.notes : null;
  },
};
