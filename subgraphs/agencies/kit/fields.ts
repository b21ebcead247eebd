/** A field of an agency's own case type (its 专业字段), declared once in the agency's folder. */
export interface OwnField {
  name: string; // GraphQL name
  column: string; // column of enforcement_case, added by the agency's own migration
  type: 'text' | 'amount' | 'quantity';
  label: string; // Chinese term
}

export const graphqlType = (f: OwnField) => (f.type === 'text' ? 'String' : 'Float');

/** Numeric own fields travel to the index as figures, for the prosecution-threshold rules. */
export const isFigure = (f: OwnField) => f.type !== 'text';
