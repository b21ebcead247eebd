// Workflows as data (kit/flow.ts): the mutations ask the flow which states a step starts from,
// and the diagrams in docs/supervision-at-work.md are drawn from the same declarations.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defineFlow, stateDiagram } from '../kit/flow';
import { FLOWS } from '../subgraphs/flows';
import { SUPERVISION_DOC, withFlows } from '../scripts/flows-doc';

const flow = defineFlow<'OPEN' | 'DONE' | 'DROPPED', 'open' | 'finish' | 'drop'>({
  noun: 'matter', title: 't',
  states: { OPEN: '开', DONE: '完', DROPPED: '撤' },
  steps: { open: { from: [], to: ['OPEN'], by: 'openIt' }, finish: { from: ['OPEN'], to: ['DONE'], by: 'finishIt', within: 'filingOrder' }, drop: { from: ['OPEN', 'DONE'], to: ['DROPPED'], by: 'dropIt' } },
});

describe('a flow', () => {
  it('refuses a step from a state it does not start from, as BAD_USER_INPUT on id naming both states', () => {
    expect(() => flow.requireFrom('finish', { id: 'm1', status: 'OPEN' }, 'finishing')).not.toThrow();
    let error: any;
    try { flow.requireFrom('finish', { id: 'm1', status: 'DROPPED' }, 'finishing'); } catch (e) { error = e; }
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', rule: 'transition' });
    expect(error.message).toBe('id: finishing needs a matter that is OPEN; matter m1 is DROPPED');
  });

  it('refuses to lead a step to a state it does not declare, and a declaration naming an unknown state', () => {
    expect(flow.to('drop', 'DROPPED')).toBe('DROPPED');
    expect(() => flow.to('finish', 'DROPPED')).toThrow(/does not lead to DROPPED/);
    expect(() => defineFlow<'A', 'go'>({ noun: 'x', title: 'x', states: { A: 'a' }, steps: { go: { from: ['B' as 'A'], to: ['A'], by: 'go' } } })).toThrow(/unknown state B/);
  });

  it('draws every step as an arrow with its mutation and period', () => {
    expect(stateDiagram(flow).split('\n')).toEqual([
      'stateDiagram-v2', '  OPEN: OPEN 开', '  DONE: DONE 完', '  DROPPED: DROPPED 撤',
      '  [*] --> OPEN: openIt', '  OPEN --> DONE: finishIt (filingOrder)', '  OPEN --> DROPPED: dropIt', '  DONE --> DROPPED: dropIt',
    ]);
  });

  it('every flow of the hub reaches each of its states by some step', () => {
    for (const f of FLOWS) {
      const reached = new Set(Object.values(f.steps).flatMap((s) => s.to));
      expect(Object.keys(f.states).filter((s) => !reached.has(s)), f.title).toEqual([]);
    }
  });
});

describe('docs/supervision-at-work.md', () => {
  it('shows the flows as `npm run docs` draws them from the code today', () => {
    // Stale? Run `npm run docs` and commit docs/supervision-at-work.md.
    const document = readFileSync(SUPERVISION_DOC, 'utf8');
    expect(document).toBe(withFlows(document));
  });
});
