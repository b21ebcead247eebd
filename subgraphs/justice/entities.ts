import { EntitySchema } from 'typeorm';
import { numericColumn } from '../../kit/database';

/** Who registered a directory entry and when (migration 1700000000800; null for older entries). */
export interface Registered { registeredBy: string | null; registeredByOrg: string | null; registeredAt: Date | null }
export interface AgencyRow extends Registered { code: string; name: string; kind: string; region: string; createdAt: Date }
export interface OfficerRow extends Registered { id: string; agencyCode: string; name: string; certificateNumber: string; category: string }
export interface PowerItemRow extends Registered { id: string; agencyCode: string; code: string; name: string; actType: string; legalBasis: string }
/** One case in the index (归集). Holds no raw personal data: the party is a keyed reference (an OPRF output, docs/party-references.md). */
export interface CaseIndexRow {
  id: string; caseType: string; agencyCode: string; caseNumber: string; actType: string; cause: string;
  offenceCode: string | null; amountInvolved: number | null; fineAmount: number | null; decidedAt: Date | null;
  region: string; recordedAt: Date; partyKind: string | null; partyKey: string | null;
  figures: Record<string, number | null>; sourceVersion: number; indexedAt: Date;
  /** 阳光执法 (migration 1700000000300): publishable is generated from the others. */
  legalBasis: string | null; penaltyKinds: string[]; involvesMinor: boolean; confidential: boolean; publishable: boolean;
}

const numeric = numericColumn;

const registeredColumns = {
  registeredBy: { name: 'registered_by', type: 'text', nullable: true },
  registeredByOrg: { name: 'registered_by_org', type: 'text', nullable: true },
  registeredAt: { name: 'registered_at', type: 'timestamptz', nullable: true },
} as const;

export const Agency = new EntitySchema<AgencyRow>({
  name: 'Agency', tableName: 'agency',
  columns: {
    code: { type: 'text', primary: true },
    name: { type: 'text' },
    kind: { type: 'text' },
    region: { type: 'text' },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
    ...registeredColumns,
  },
});

export const Officer = new EntitySchema<OfficerRow>({
  name: 'Officer', tableName: 'officer',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    agencyCode: { name: 'agency_code', type: 'text' },
    name: { type: 'text' },
    certificateNumber: { name: 'certificate_number', type: 'text', unique: true },
    category: { type: 'text' },
    ...registeredColumns,
  },
});

export const PowerItem = new EntitySchema<PowerItemRow>({
  name: 'PowerItem', tableName: 'power_item',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    agencyCode: { name: 'agency_code', type: 'text' },
    code: { type: 'text' },
    name: { type: 'text' },
    actType: { name: 'act_type', type: 'text' },
    legalBasis: { name: 'legal_basis', type: 'text' },
    ...registeredColumns,
  },
});

export const CaseIndex = new EntitySchema<CaseIndexRow>({
  name: 'CaseIndex', tableName: 'case_index',
  columns: {
    id: { type: 'uuid', primary: true },
    caseType: { name: 'case_type', type: 'text' },
    agencyCode: { name: 'agency_code', type: 'text' },
    caseNumber: { name: 'case_number', type: 'text' },
    actType: { name: 'act_type', type: 'text' },
    cause: { type: 'text' },
    offenceCode: { name: 'offence_code', type: 'text', nullable: true },
    amountInvolved: { ...numeric, name: 'amount_involved' },
    fineAmount: { ...numeric, name: 'fine_amount' },
    decidedAt: { name: 'decided_at', type: 'timestamptz', nullable: true },
    region: { type: 'text' },
    recordedAt: { name: 'recorded_at', type: 'timestamptz' },
    partyKind: { name: 'party_kind', type: 'text', nullable: true },
    partyKey: { name: 'party_key', type: 'text', nullable: true },
    figures: { type: 'jsonb' },
    sourceVersion: { name: 'source_version', type: 'int' },
    indexedAt: { name: 'indexed_at', type: 'timestamptz' },
    legalBasis: { name: 'legal_basis', type: 'text', nullable: true },
    penaltyKinds: { name: 'penalty_kinds', type: 'text', array: true },
    involvesMinor: { name: 'involves_minor', type: 'boolean' },
    confidential: { type: 'boolean' },
    publishable: { type: 'boolean', insert: false, update: false },
  },
});

export const entities = [Agency, Officer, PowerItem, CaseIndex];
