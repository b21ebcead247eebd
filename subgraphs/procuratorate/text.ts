import { requireText } from '../../kit/rules';

/** An optional text input: absent or empty is null, otherwise the requireText rules apply. */
export function optionalText(field: string, value: unknown, max: number): string | null {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '') ? null : requireText(field, value, max);
}
