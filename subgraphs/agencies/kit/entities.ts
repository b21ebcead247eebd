import { EntitySchema, type EntitySchemaColumnOptions } from 'typeorm';
import { numericColumn } from '../../../kit/database';
import { columnSqlType, type OwnField } from './fields';

/**
 * A party as stored: name, idNumber, phone and address hold sealed values (party.ts, kit/at-rest.ts),
 * opened only when released, and NULL once erased at the end of their retention period;
 * idNumberIndex is the number's keyed blind index.
 */
export interface PartyRow { id: string; kind: string; /** null once erased (kit/retention.ts) */ name: string | null; idNumber: string | null; phone: string | null; address: string | null; idNumberIndex?: string | null }
export interface CaseRow {
  id: string; agencyCode: string; caseNumber: string; actType: string; cause: string; offenceCode: string | null;
  amountInvolved: number | null; fineAmount: number | null; decidedAt: Date | null; region: string;
  recordedAt: Date; recordedBy: string; facts: string | null; legalBasis: string | null; version: number; partyId: string;
  /** 阳光执法: penalty kinds (行政处罚法 第九条), minors involved, state or trade secrets involved. */
  penaltyKinds: string[]; involvesMinor: boolean; confidential: boolean;
  /** The lifecycle (lifecycle-migration.ts): 违法行为发生时, 违法所得, 公私财产损失, 罚缴, 执行. */
  conductAt: Date | null; illegalGain: number | null; economicLoss: number | null; paidAmount: number | null; paidAt: Date | null;
  enforcementStatus: string | null; courtApplicationAt: Date | null; [own: string]: unknown;
}

const numeric: Partial<EntitySchemaColumnOptions> = numericColumn;

export const Party = new EntitySchema<PartyRow>({
  name: 'Party', tableName: 'party',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    kind: { type: 'text' },
    name: { type: 'text', nullable: true },
    idNumber: { name: 'id_number', type: 'text', nullable: true },
    phone: { type: 'text', nullable: true },
    address: { type: 'text', nullable: true },
    idNumberIndex: { name: 'id_number_index', type: 'text', nullable: true },
  },
});

/** The case table: common columns from the kit, own columns from the agency's declaration. */
export function caseEntity(ownFields: OwnField[]) {
  const own = Object.fromEntries(ownFields.map((f): [string, EntitySchemaColumnOptions] =>
    [f.name, f.type === 'amount' || f.type === 'quantity' ? ({ ...numeric, name: f.column } as EntitySchemaColumnOptions)
      : { name: f.column, type: columnSqlType(f) as EntitySchemaColumnOptions['type'], nullable: true }]));
  return new EntitySchema<CaseRow>({
    name: 'EnforcementCase', tableName: 'enforcement_case',
    columns: {
      id: { type: 'uuid', primary: true },
      agencyCode: { name: 'agency_code', type: 'text' },
      caseNumber: { name: 'case_number', type: 'text' },
      actType: { name: 'act_type', type: 'text' },
      cause: { type: 'text' },
      offenceCode: { name: 'offence_code', type: 'text', nullable: true },
      amountInvolved: { ...numeric, name: 'amount_involved' } as EntitySchemaColumnOptions,
      fineAmount: { ...numeric, name: 'fine_amount' } as EntitySchemaColumnOptions,
      decidedAt: { name: 'decided_at', type: 'timestamptz', nullable: true },
      facts: { type: 'text', nullable: true },
      legalBasis: { name: 'legal_basis', type: 'text', nullable: true },
      region: { type: 'text' },
      recordedAt: { name: 'recorded_at', type: 'timestamptz' },
      recordedBy: { name: 'recorded_by', type: 'text' },
      version: { type: 'int' },
      partyId: { name: 'party_id', type: 'uuid' },
      penaltyKinds: { name: 'penalty_kinds', type: 'text', array: true, default: () => "'{}'" },
      involvesMinor: { name: 'involves_minor', type: 'boolean', default: false },
      confidential: { name: 'confidential', type: 'boolean', default: false },
      conductAt: { name: 'conduct_at', type: 'timestamptz', nullable: true },
      illegalGain: { ...numeric, name: 'illegal_gain' } as EntitySchemaColumnOptions,
      economicLoss: { ...numeric, name: 'economic_loss' } as EntitySchemaColumnOptions,
      paidAmount: { ...numeric, name: 'paid_amount' } as EntitySchemaColumnOptions,
      paidAt: { name: 'paid_at', type: 'timestamptz', nullable: true },
      enforcementStatus: { name: 'enforcement_status', type: 'text', nullable: true },
      courtApplicationAt: { name: 'court_application_at', type: 'timestamptz', nullable: true },
      ...own,
    },
  });
}
