import { randomUUID } from 'node:crypto';
import type { EntitySchema } from 'typeorm';
import type { SubgraphContext } from '../../../kit/module';
import { badInput, forbidden } from '../../../kit/errors';
import {
  optionalText, requireAmount, requirePartyIdentifier, requirePastDate, requirePhone, requireRegion, requireText, withinJurisdiction, type PartyKind,
} from '../../../kit/rules';
import type { AgencyKind } from '../registry';
import type { Bureau } from '../../../kit/justice-client';
import { Party, type CaseRow } from './entities';
import { sealParty } from './party';
import { CASE_EVENTS } from './outbox';
import { enqueue } from '../../../kit/outbox';
import { checkOwnFieldCoherence, readOwnFields, type OwnField } from './fields';
import { caseEventOf, checkCaseCoherence, lifecycleOf, Violations, writeVersion } from './lifecycle';
import type { AgencyLoaders } from './loaders';
import { minorAt, PENALTY_KINDS } from '../../../kit/publication';
import { requireMay, requireScope } from '../../../kit/access';
import { caseRule } from '../../../kit/resources/case';

type Input = Record<string, any>;

/**
 * 处罚种类 (阳光执法): only a penalty has kinds. A fine and FINE go together. Left out on a penalty,
 * the kinds are what the record shows for sure: FINE when a fine is imposed, otherwise none (and a
 * penalty without kinds is not published: it might be a warning only).
 */
export function penaltyKinds(input: Input, actType: string, fineAmount: number | null): string[] {
  const given = input.penaltyKinds as string[] | null | undefined;
  if (given === null || given === undefined) return actType === 'ADMINISTRATIVE_PENALTY' && fineAmount ? ['FINE'] : [];
  if (actType !== 'ADMINISTRATIVE_PENALTY') throw badInput('input.penaltyKinds', 'penaltyOnly', 'apply to ADMINISTRATIVE_PENALTY cases only');
  if (!given.length) throw badInput('input.penaltyKinds', 'nonEmpty', 'must name at least one penalty kind when given');
  const kinds = [...new Set(given)].sort((a, b) => PENALTY_KINDS.findIndex(([k]) => k === a) - PENALTY_KINDS.findIndex(([k]) => k === b));
  if (kinds.includes('FINE') && !fineAmount) throw badInput('input.fineAmount', 'requiredWithFine', 'must state the fine (> 0) when penaltyKinds includes FINE');
  if (fineAmount && !kinds.includes('FINE')) throw badInput('input.penaltyKinds', 'fineListed', 'must include FINE when a fine is imposed');
  return kinds;
}

/** Checks every input rule before anything is written; the first broken rule is reported. */
function validate(input: Input, ownFields: OwnField[], bureau: Bureau, now: Date) {
  const region = requireRegion('input.region', input.region);
  if (!withinJurisdiction(bureau.region, region)) {
    throw badInput('input.region', 'jurisdiction', `must lie within the bureau's region ${bureau.region}`);
  }
  const partyKind = input.party.kind as PartyKind;
  // The agency's own fields: every broken rule of them at once, with the lifecycle's.
  const violations = new Violations();
  const own = readOwnFields(input, ownFields, now, violations);
  checkOwnFieldCoherence(ownFields, own, violations);
  const fineAmount = requireAmount('input.fineAmount', input.fineAmount);
  const decidedAt = requirePastDate('input.decidedAt', input.decidedAt, now);
  const idNumber = requirePartyIdentifier('input.party.idNumber', partyKind, input.party.idNumber, now);
  const lifecycle = lifecycleOf(input, now, violations);
  checkCaseCoherence({ actType: input.actType, decidedAt, fineAmount, ...lifecycle }, violations);
  violations.throwIfAny();
  return {
    lifecycle,
    caseNumber: requireText('input.caseNumber', input.caseNumber, 100),
    actType: input.actType as string,
    cause: requireText('input.cause', input.cause, 500),
    offenceCode: optionalText('input.offenceCode', input.offenceCode, 50),
    amountInvolved: requireAmount('input.amountInvolved', input.amountInvolved),
    fineAmount,
    decidedAt,
    region,
    facts: optionalText('input.facts', input.facts, 5000),
    legalBasis: optionalText('input.legalBasis', input.legalBasis, 1000),
    own,
    penaltyKinds: penaltyKinds(input, input.actType, fineAmount),
    // A party under 18 at the decision (its ID number says so) makes a minor's case, whatever the flag says.
    involvesMinor: input.involvesMinor === true || (partyKind === 'NATURAL_PERSON' && !!idNumber && minorAt(idNumber, decidedAt ?? now)),
    confidential: input.confidential === true,
    party: {
      kind: partyKind,
      name: requireText('input.party.name', input.party.name, 200),
      idNumber,
      phone: requirePhone('input.party.phone', input.party.phone),
      address: optionalText('input.party.address', input.party.address, 500),
    },
  };
}

/** 录入: records a case, its party and its outbox event in one transaction. */
export function recordCaseResolver(kind: AgencyKind, ownFields: OwnField[], Case: EntitySchema<CaseRow>,
  bureauOf: (ctx: SubgraphContext) => (code: string) => Promise<Bureau | null>, afterCommit: (ctx: SubgraphContext) => void) {
  return async (_: unknown, { input }: { input: Input }, ctx: SubgraphContext<AgencyLoaders>) => {
    const { identity, runtime } = ctx;
    // 录入: the bureau is the one the caller's org names, and case:write must cover it (the case
    // rule, kit/resources/case.ts); no role is named here.
    requireScope(identity, 'case:write', 'recording a case');
    if (!identity.org) throw forbidden('recording a case: the caller names no bureau (org)');
    const bureau = await bureauOf(ctx)(identity.org);
    if (!bureau || bureau.kind !== kind.kind) throw forbidden(`unit ${identity.org} is not a ${kind.label} bureau`);
    requireMay(identity, caseRule, 'record', { agencyCode: bureau.code, region: bureau.region });
    const now = runtime.now();
    const v = validate(input, ownFields, bureau, now);

    // Sealed at rest (party.ts): the row holds no plain personal value. Sealed before the
    // transaction opens: the current data key is looked up now and then on a connection of its own,
    // and transactions waiting for it while holding every pooled connection would wait for ever.
    const party = await sealParty(runtime, v.party);
    const saved = await runtime.db.transaction(async (tx) => {
      const taken = await tx.getRepository(Case).existsBy({ agencyCode: bureau.code, caseNumber: v.caseNumber } as any);
      if (taken) throw badInput('input.caseNumber', 'uniquePerBureau', `case number ${v.caseNumber} is already used by this bureau`);
      await tx.getRepository(Party).insert(party);
      const row = {
        id: randomUUID(), agencyCode: bureau.code, caseNumber: v.caseNumber, actType: v.actType, cause: v.cause,
        offenceCode: v.offenceCode, amountInvolved: v.amountInvolved, fineAmount: v.fineAmount, decidedAt: v.decidedAt,
        region: v.region, recordedAt: now, recordedBy: identity.sub, version: 1, partyId: party.id,
        facts: v.facts, legalBasis: v.legalBasis, penaltyKinds: v.penaltyKinds, involvesMinor: v.involvesMinor, confidential: v.confidential,
        ...v.lifecycle, ...v.own,
      } as CaseRow;
      await tx.getRepository(Case).insert(row as any);
      await writeVersion(tx, row.id, { at: now, by: identity.sub, reason: '录入', changedFields: [], correction: false });
      const event = caseEventOf(kind, ownFields, row, party);
      await enqueue(tx, CASE_EVENTS, [event]);
      return row;
    }).catch((error) => {
      // Two officers racing for the same number: the constraint decides, the client hears why.
      if (error?.code === '23505' && String(error?.constraint) === 'case_number_unique_per_bureau') {
        throw badInput('input.caseNumber', 'uniquePerBureau', `case number ${v.caseNumber} is already used by this bureau`);
      }
      throw error;
    });
    afterCommit(ctx);
    return saved;
  };
}
