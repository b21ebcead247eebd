import type { EntitySchema } from 'typeorm';
import type { SubgraphContext } from '../../../kit/module';
import { badInput, notFound } from '../../../kit/errors';
import { enqueue } from '../../../kit/outbox';
import { may, requireMay, requireScope } from '../../../kit/access';
import { caseRule } from '../../../kit/resources/case';
import { optionalText, requireAmount, requirePastDate, requireText } from '../../../kit/rules';
import { isUuid } from '../../../kit/loaders';
import type { AgencyKind } from '../registry';
import { Party, type CaseRow, type PartyRow } from './entities';
import { checkOwnFieldCoherence, readOwnField, type OwnField } from './fields';
import type { AgencyLoaders } from './loaders';
import { CASE_EVENTS } from './outbox';
import { penaltyKinds } from './record';
import { caseEventOf, checkCaseCoherence, Violations, writeVersion, type Lifecycle } from './lifecycle';

type Input = Record<string, any>;

/**
 * 案件变更: the owning bureau carries its case through its lifecycle — the penalty decided after a
 * refused transfer (国务院令第310号 第十条: the agency still imposes the administrative penalty, on
 * the same case), the amounts it found, payment and enforcement — or corrects what it recorded.
 * Each change is a new version: the case row holds the latest, `case_version` keeps every one (a
 * correction too, marked as such), and the index hears the new version through the case outbox in
 * the same transaction. A field left out of the input is unchanged; null clears it.
 */
export function updateCaseResolver(kind: AgencyKind, ownFields: OwnField[], Case: EntitySchema<CaseRow>, afterCommit: (ctx: SubgraphContext) => void) {
  return async (_: unknown, { id, input }: { id: string; input: Input }, ctx: SubgraphContext<AgencyLoaders>) => {
    const { identity, runtime } = ctx;
    requireScope(identity, 'case:write', 'changing a case');
    const now = runtime.now();
    const saved = await runtime.db.transaction(async (tx) => {
      const row = isUuid(id) ? await tx.getRepository(Case).createQueryBuilder('c').setLock('pessimistic_write').where('c.id = :id', { id }).getOne() : null;
      // A case the caller may not read is no case at all; one it reads but does not own is forbidden.
      if (!row || !may(identity, caseRule, 'read', row)) throw notFound(kind.caseType, id);
      requireMay(identity, caseRule, 'record', row);
      if (input.expectedVersion !== null && input.expectedVersion !== undefined && input.expectedVersion !== row.version) {
        throw badInput('input.expectedVersion', 'stale', `the case is at version ${row.version}, not ${input.expectedVersion}: read it again`);
      }

      const v = new Violations();
      const has = (name: string) => Object.prototype.hasOwnProperty.call(input, name);
      const changes: Record<string, unknown> = {};
      const set = (name: string, read: () => unknown) => { if (has(name)) changes[name] = v.check(read, row[name]); };
      const reason = v.check(() => requireText('input.reason', input.reason, 1000), '');
      if (has('actType') && input.actType === null) v.add('input.actType', 'required', 'must not be null');
      else set('actType', () => input.actType);
      if (has('cause') && input.cause === null) v.add('input.cause', 'required', 'must not be null');
      else set('cause', () => requireText('input.cause', input.cause, 500));
      set('offenceCode', () => optionalText('input.offenceCode', input.offenceCode, 50));
      set('amountInvolved', () => requireAmount('input.amountInvolved', input.amountInvolved));
      set('fineAmount', () => requireAmount('input.fineAmount', input.fineAmount));
      set('decidedAt', () => requirePastDate('input.decidedAt', input.decidedAt, now));
      set('facts', () => optionalText('input.facts', input.facts, 5000));
      set('legalBasis', () => optionalText('input.legalBasis', input.legalBasis, 1000));
      for (const name of ['conductAt', 'paidAt', 'courtApplicationAt']) set(name, () => requirePastDate(`input.${name}`, input[name], now));
      for (const name of ['illegalGain', 'economicLoss', 'paidAmount']) set(name, () => requireAmount(`input.${name}`, input[name]));
      set('enforcementStatus', () => input.enforcementStatus ?? null);
      if (has('confidential')) changes.confidential = input.confidential === true;
      if (has('involvesMinor')) changes.involvesMinor = input.involvesMinor === true || row.involvesMinor;
      for (const f of ownFields) set(f.name, () => readOwnField(f, input[f.name], now));
      const next = { ...row, ...changes } as CaseRow & Lifecycle;
      checkOwnFieldCoherence(ownFields, next, v);
      // 处罚种类: given, or kept, or (a penalty newly decided with a fine) FINE; checked against the fine as on entry.
      const givenKinds = has('penaltyKinds') ? input.penaltyKinds : row.penaltyKinds.length ? row.penaltyKinds : null;
      next.penaltyKinds = v.check(() => penaltyKinds({ penaltyKinds: givenKinds }, next.actType, next.fineAmount), row.penaltyKinds);
      if (next.actType !== 'ADMINISTRATIVE_PENALTY' && !has('penaltyKinds')) next.penaltyKinds = [];
      checkCaseCoherence(next, v);
      v.throwIfAny();

      const changedFields = [...Object.keys(changes), 'penaltyKinds']
        .filter((name) => JSON.stringify(next[name] ?? null) !== JSON.stringify(row[name] ?? null))
        .filter((name, i, all) => all.indexOf(name) === i);
      if (!changedFields.length) throw badInput('input', 'noChange', 'changes nothing of the case');
      next.version = row.version + 1;
      const written = Object.fromEntries([...changedFields, 'version'].map((name) => [name, next[name]]));
      await tx.getRepository(Case).update({ id: row.id } as any, written as any);
      await writeVersion(tx, row.id, { at: now, by: identity.sub, reason, changedFields, correction: input.correction === true });
      const party = (await tx.getRepository(Party).findOneBy({ id: row.partyId })) as PartyRow;
      await enqueue(tx, CASE_EVENTS, [caseEventOf(kind, ownFields, next, party)]);
      return next;
    });
    afterCommit(ctx);
    ctx.loaders.caseById.clear(saved.id).prime(saved.id, saved);
    return saved;
  };
}

/** The lifecycle fields a version shows, from its snapshot (column names). */
const SNAPSHOT_COLUMNS: Record<string, string> = {
  actType: 'act_type', cause: 'cause', offenceCode: 'offence_code', amountInvolved: 'amount_involved', fineAmount: 'fine_amount',
  decidedAt: 'decided_at', penaltyKinds: 'penalty_kinds', conductAt: 'conduct_at', illegalGain: 'illegal_gain',
  economicLoss: 'economic_loss', paidAmount: 'paid_amount', paidAt: 'paid_at', enforcementStatus: 'enforcement_status',
  courtApplicationAt: 'court_application_at',
};

export interface CaseVersionRow {
  case_id: string; version: number; changed_at: Date; changed_by: string; reason: string; changed_fields: string[]; correction: boolean;
  snapshot: Record<string, unknown>;
}

/** The case's history, oldest first: one entry per version. */
export async function caseHistory(ctx: SubgraphContext, row: CaseRow) {
  const versions: CaseVersionRow[] = await ctx.runtime.db.query(
    `SELECT case_id, version, changed_at, changed_by, reason, changed_fields, correction, snapshot FROM case_version WHERE case_id = $1 ORDER BY version`, [row.id]);
  const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  return versions.map((h) => {
    const at = (name: string) => h.snapshot[SNAPSHOT_COLUMNS[name]] ?? null;
    return {
      version: h.version, changedAt: h.changed_at, changedBy: h.changed_by, reason: h.reason, correction: h.correction,
      changedFields: h.changed_fields,
      actType: at('actType'), cause: at('cause'), offenceCode: at('offenceCode'), decidedAt: at('decidedAt'), conductAt: at('conductAt'),
      penaltyKinds: at('penaltyKinds') ?? [], amountInvolved: numberOrNull(at('amountInvolved')), fineAmount: numberOrNull(at('fineAmount')),
      illegalGain: numberOrNull(at('illegalGain')), economicLoss: numberOrNull(at('economicLoss')), paidAmount: numberOrNull(at('paidAmount')),
      paidAt: at('paidAt'), enforcementStatus: at('enforcementStatus'), courtApplicationAt: at('courtApplicationAt'),
    };
  });
}
