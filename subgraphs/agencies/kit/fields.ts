import { badInput } from '../../../kit/errors';
import { optionalText, requireAmount, requireQuantity, Violations } from '../../../kit/rules';

// A field of an agency's own case type (its 专业字段), declared once in the agency's folder: the
// kit derives from it the SDL (case type, record and update inputs, an enum of its own), the
// column of enforcement_case, the input rules and what the index hears (figures, attributes).

interface FieldBase {
  name: string; // GraphQL name
  column: string; // column of enforcement_case, added by the agency's own migration
  label: string; // Chinese term
}

/** One value of an enum field: its GraphQL name and its Chinese term. */
export interface EnumValue { value: string; label: string }

/**
 * A number recorded with a category (e.g. 亩 of farmland of one category, 刑法 第三百四十二条): the
 * index hears it under the figure its category names, so a threshold that counts one category
 * (永久基本农田 five 亩, other 耕地 ten 亩) reads that category's figure only. A category not
 * listed sends no figure.
 */
export interface CategoryFigures { field: string; figures: Record<string, string> }

export type OwnField =
  | (FieldBase & { type: 'text' })
  /** amount: yuan; quantity: tonnes, 亩, multiples; integer: a count (persons). */
  | (FieldBase & { type: 'amount' | 'quantity' | 'integer'; byCategory?: CategoryFigures })
  /** The values are the field's own; the SDL enum is named with the agency's prefix. */
  | (FieldBase & { type: 'enum'; values: EnumValue[] })
  /** A calendar date in China Standard Time, 'YYYY-MM-DD' (e.g. 事故发生日期). */
  | (FieldBase & { type: 'date' })
  | (FieldBase & { type: 'boolean' });

export type OwnFieldType = OwnField['type'];
export const OWN_FIELD_TYPES: OwnFieldType[] = ['text', 'amount', 'quantity', 'integer', 'enum', 'date', 'boolean'];

type NumericField = Extract<OwnField, { type: 'amount' | 'quantity' | 'integer' }>;

/** The prefix of the agency's own GraphQL types: `EmergencyManagementCase` → `EmergencyManagement`. */
export const typePrefix = (caseType: string) => caseType.replace(/Case$/, '');

/** `accidentLevel` of EmergencyManagement → `EmergencyManagementAccidentLevel`. */
export const enumTypeName = (prefix: string, f: Pick<OwnField, 'name'>) => `${prefix}${f.name[0].toUpperCase()}${f.name.slice(1)}`;

export function graphqlType(f: OwnField, prefix: string): string {
  switch (f.type) {
    case 'text': return 'String';
    case 'amount': case 'quantity': return 'Float';
    case 'integer': return 'Int';
    case 'enum': return enumTypeName(prefix, f);
    // A date travels as 'YYYY-MM-DD' text: a calendar day has no time and no zone to convert.
    case 'date': return 'String';
    case 'boolean': return 'Boolean';
  }
}

/** The SDL enums of an agency's enum fields. */
export function ownEnumsSdl(prefix: string, fields: OwnField[]): string {
  return fields.flatMap((f) => (f.type === 'enum'
    ? [`"""${f.label}"""\nenum ${enumTypeName(prefix, f)} {\n${f.values.map((v) => `  "${v.label}"\n  ${v.value}`).join('\n')}\n}`]
    : [])).join('\n\n');
}

/** The column type of an own field (the agency's migration adds it; the scaffold writes it). */
export function columnSqlType(f: Pick<OwnField, 'type'>): string {
  switch (f.type) {
    case 'text': case 'enum': return 'text';
    case 'amount': case 'quantity': return 'numeric';
    case 'integer': return 'integer';
    case 'date': return 'date';
    case 'boolean': return 'boolean';
  }
}

const isNumeric = (f: OwnField): f is NumericField => f.type === 'amount' || f.type === 'quantity' || f.type === 'integer';

/** Numeric own fields travel to the index as figures, for the prosecution-threshold rules. */
export const isFigure = (f: OwnField) => isNumeric(f);

/** The figures the agency's cases tell the index (the registry's `figures`). */
export function figureNames(fields: OwnField[]): string[] {
  return fields.filter(isNumeric).flatMap((f) => (f.byCategory ? Object.values(f.byCategory.figures) : [f.name]));
}

/** The text the agency's cases tell the index (the registry's `attributes`): its text and enum fields. */
export function attributeNames(fields: OwnField[]): string[] {
  return fields.filter((f) => f.type === 'text' || f.type === 'enum').map((f) => f.name);
}

/** The figures of one case, as the index hears them. */
export function figuresOf(fields: OwnField[], row: Record<string, unknown>): Record<string, number | null> {
  const figures: Record<string, number | null> = {};
  for (const f of fields.filter(isNumeric)) {
    const value = (row[f.name] as number | null | undefined) ?? null;
    if (!f.byCategory) { figures[f.name] = value; continue; }
    const category = row[f.byCategory.field] as string | null | undefined;
    for (const [value_, figure] of Object.entries(f.byCategory.figures)) figures[figure] = category === value_ ? value : null;
  }
  return figures;
}

/** The text fields of one case, as the index hears them (an enum as its value's name). */
export function attributesOf(fields: OwnField[], row: Record<string, unknown>): Record<string, string | null> {
  return Object.fromEntries(attributeNames(fields).map((name) => [name, (row[name] as string | null | undefined) ?? null]));
}

/** The largest count an integer field takes (persons in one case): beyond it the figure is a typo. */
export const MAX_COUNT = 1_000_000;
const CST_OFFSET_MS = 8 * 3_600_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Today's date in China Standard Time (UTC+8, no daylight saving), 'YYYY-MM-DD'. */
export const cstToday = (now: Date) => new Date(now.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);

/** A calendar date 'YYYY-MM-DD' that exists, from 1949-10-01, not after today (China Standard Time). */
export function requireCstDate(field: string, value: unknown, now: Date): string | null {
  if (value === null || value === undefined) return null;
  const match = typeof value === 'string' ? DATE.exec(value) : null;
  const [y, m, d] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  const day = new Date(Date.UTC(y, m - 1, d));
  if (!match || day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d || (value as string) < '1949-10-01') {
    throw badInput(field, 'date', "must be a calendar date 'YYYY-MM-DD' (China Standard Time)");
  }
  if ((value as string) > cstToday(now)) throw badInput(field, 'notInFuture', 'must not be after today (China Standard Time)');
  return value as string;
}

/** A count: a whole number, not negative, at most MAX_COUNT. */
export function requireCount(field: string, value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw badInput(field, 'integer', 'must be a whole number');
  if (value < 0) throw badInput(field, 'nonNegative', 'must be a non-negative count');
  if (value > MAX_COUNT) throw badInput(field, 'max', `must be at most ${MAX_COUNT}`);
  return value;
}

/** Reads one own field of an input: its value, or BAD_USER_INPUT naming `input.<name>` and the rule. */
export function readOwnField(f: OwnField, value: unknown, now: Date): unknown {
  const field = `input.${f.name}`;
  switch (f.type) {
    case 'text': return optionalText(field, value, 500);
    case 'amount': return requireAmount(field, value as number | null | undefined);
    case 'quantity': return requireQuantity(field, value as number | null | undefined);
    case 'integer': return requireCount(field, value);
    case 'date': return requireCstDate(field, value, now);
    case 'enum':
      if (value === null || value === undefined) return null;
      if (!f.values.some((v) => v.value === value)) throw badInput(field, 'enumValue', `must be one of ${f.values.map((v) => v.value).join(', ')}`);
      return value;
    case 'boolean':
      if (value === null || value === undefined) return null;
      if (typeof value !== 'boolean') throw badInput(field, 'boolean', 'must be true or false');
      return value;
  }
}

/**
 * Reads the own fields of an input, every broken rule into `v` (the caller throws them all at
 * once). `only` limits it to the fields an update names.
 */
export function readOwnFields(input: Record<string, unknown>, fields: OwnField[], now: Date, v: Violations,
  only: (name: string) => boolean = () => true): Record<string, unknown> {
  return Object.fromEntries(fields.filter((f) => only(f.name)).map((f) => [f.name, v.check(() => readOwnField(f, input[f.name], now), null)]));
}

/**
 * Rules between own fields: a number recorded by category needs its category (e.g. 亩 of farmland
 * without saying which land cannot be judged against 刑法 第三百四十二条's figures).
 */
export function checkOwnFieldCoherence(fields: OwnField[], c: Record<string, unknown>, v: Violations): void {
  for (const f of fields.filter(isNumeric)) {
    if (f.byCategory && c[f.name] !== null && c[f.name] !== undefined && (c[f.byCategory.field] ?? null) === null) {
      v.add(`input.${f.byCategory.field}`, 'requiredWith', `must be stated when ${f.name} is`);
    }
  }
}

/** What is wrong with a list of own-field declarations (names, columns, enum values, categories); empty when nothing. */
export function ownFieldProblems(fields: OwnField[]): string[] {
  const problems: string[] = [];
  const seen = (what: string, list: string[]) => list.filter((x, i) => list.indexOf(x) !== i).forEach((x) => problems.push(`${what} ${x} is declared twice`));
  seen('field', fields.map((f) => f.name));
  seen('column', fields.map((f) => f.column));
  for (const f of fields) {
    if (!/^[a-z][A-Za-z0-9]*$/.test(f.name)) problems.push(`field ${f.name}: a GraphQL name in lowerCamelCase`);
    if (!/^[a-z][a-z0-9_]*$/.test(f.column)) problems.push(`field ${f.name}: column ${f.column} is not snake_case`);
    if (!OWN_FIELD_TYPES.includes(f.type)) problems.push(`field ${f.name}: type ${f.type} is none of ${OWN_FIELD_TYPES.join(', ')}`);
    if (f.type === 'enum') {
      if (!f.values?.length) problems.push(`field ${f.name}: an enum lists its values`);
      for (const v of f.values ?? []) if (!/^[A-Z][A-Z0-9_]*$/.test(v.value)) problems.push(`field ${f.name}: value ${v.value} is not UPPER_SNAKE_CASE`);
      seen(`field ${f.name}: value`, (f.values ?? []).map((v) => v.value));
    }
    if (isNumeric(f) && f.byCategory) {
      const category = fields.find((c) => c.name === f.byCategory!.field);
      if (category?.type !== 'enum') problems.push(`field ${f.name}: its category ${f.byCategory.field} is not an enum field of the agency`);
      else for (const value of Object.keys(f.byCategory.figures)) {
        if (!category.values.some((v) => v.value === value)) problems.push(`field ${f.name}: category ${value} is no value of ${category.name}`);
      }
    }
  }
  return problems;
}
