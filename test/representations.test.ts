import { describe, expect, it } from 'vitest';
import { dedupeRepresentations } from '../gateway/representations';

describe('entity representations sent to a subgraph', () => {
  it('go once each, and the answers and errors come back at every original position', () => {
    const a = { __typename: 'Agency', code: 'MR-320706' };
    const b = { __typename: 'Agency', code: 'EE-320706' };
    const request: any = { query: 'q', variables: { representations: [a, b, { ...a }, a], other: 1 } };
    const spread = dedupeRepresentations(request)!;
    expect(request.variables.representations).toEqual([a, b]);
    expect(request.variables.other).toBe(1);
    const response = spread({
      data: { _entities: [{ name: 'MR' }, null] },
      errors: [{ message: 'boom', path: ['_entities', 1, 'name'] }, { message: 'other' }],
    } as any);
    expect(response.data!._entities).toEqual([{ name: 'MR' }, null, { name: 'MR' }, { name: 'MR' }]);
    expect(response.errors).toEqual([{ message: 'boom', path: ['_entities', 1, 'name'] }, { message: 'other' }]);
  });

  it('spreads an error on a repeated representation to each of its positions', () => {
    const a = { __typename: 'MarketRegulationCase', id: '1' };
    const request: any = { variables: { representations: [a, a] } };
    const response = dedupeRepresentations(request)!({ data: { _entities: [null] }, errors: [{ message: 'x', path: ['_entities', 0] }] } as any);
    expect(response.errors!.map((e) => e.path)).toEqual([['_entities', 0], ['_entities', 1]]);
  });

  it('leaves requests without repeats untouched', () => {
    const request: any = { variables: { representations: [{ id: 1 }, { id: 2 }] } };
    expect(dedupeRepresentations(request)).toBeNull();
    expect(dedupeRepresentations({ variables: {} } as any)).toBeNull();
  });
});
