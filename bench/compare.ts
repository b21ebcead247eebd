// Do the gateways answer alike? The first answer of each target to each query is compared with
// the first target's: a faster gateway that leaves fields out is not faster at the same work.

/** The first path where two JSON values differ, with both values; null when they are equal. */
export function firstDifference(a: unknown, b: unknown, path = 'data'): string | null {
  if (a === b) return null;
  const show = (v: unknown) => (JSON.stringify(v) ?? 'undefined').slice(0, 80);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    return `${path}: ${show(a)} vs ${show(b)}`;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length !== b.length) return `${path}: ${a.length} items vs ${b.length}`;
  const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
  for (const key of keys) {
    const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
    if (found) return found;
  }
  return null;
}

export interface FirstAnswer { problem: string | null; data: unknown }

/** Compares every target's first answers with the reference target's, query by query. */
export function compareAnswers(answers: Record<string, Record<string, FirstAnswer>>, reference: string): Record<string, Record<string, string | null>> {
  const result: Record<string, Record<string, string | null>> = {};
  for (const [target, byQuery] of Object.entries(answers)) {
    if (target === reference) continue;
    result[target] = Object.fromEntries(Object.entries(byQuery).map(([query, answer]) =>
      [query, firstDifference(answers[reference]?.[query]?.data, answer.data)]));
  }
  return result;
}
