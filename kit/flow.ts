import { wrongState } from './guarded-update';
import type { DeadlineKey } from './deadlines';

// A workflow as data: its states and the steps between them. The mutations ask the flow which
// states a step starts from (so the rule is written once, here), and `npm run docs` draws the
// same declaration as a state diagram in docs/supervision-at-work.md — the picture cannot drift
// from what the code enforces.

export interface FlowStep<S extends string> {
  /** The states the step may start from; empty for the step that creates the record. */
  from: readonly S[];
  /** The states it may lead to. */
  to: readonly S[];
  /** The mutation (or message) that takes the step, shown on the arrow. */
  by: string;
  /** The statutory period the step must be taken within, if any (schema/deadlines.json). */
  within?: DeadlineKey;
}

export interface FlowDeclaration<S extends string, K extends string> {
  /** The record, in the words of the error messages: "transfer", "request", "matter". */
  noun: string;
  /** The heading of its diagram, with the Chinese term. */
  title: string;
  /** Each state with its Chinese name. */
  states: Record<S, string>;
  steps: Record<K, FlowStep<S>>;
}

export interface Flow<S extends string, K extends string> extends FlowDeclaration<S, K> {
  /**
   * Refuses the step unless the record is in a state it starts from: BAD_USER_INPUT on `id`,
   * rule `transition` (kit/guarded-update.ts), naming the states it needs and the one it is in.
   */
  requireFrom(step: K, record: { id: string; status: S }, what: string): void;
  /** The state the step leads to, refusing (as a bug, not a client error) one the flow does not allow. */
  to(step: K, state: S): S;
}

export function defineFlow<S extends string, K extends string>(declaration: FlowDeclaration<S, K>): Flow<S, K> {
  for (const [key, step] of Object.entries(declaration.steps) as [K, FlowStep<S>][]) {
    for (const state of [...step.from, ...step.to]) {
      if (!(state in declaration.states)) throw new Error(`flow ${declaration.noun}: step ${key} names the unknown state ${state}`);
    }
  }
  return {
    ...declaration,
    requireFrom(step, record, what) {
      const from = declaration.steps[step].from;
      if (!from.includes(record.status)) {
        throw wrongState(`${what} needs a ${declaration.noun} that is ${from.join(' or ')}; ${declaration.noun} ${record.id} is ${record.status}`);
      }
    },
    to(step, state) {
      if (!declaration.steps[step].to.includes(state)) throw new Error(`flow ${declaration.noun}: step ${String(step)} does not lead to ${state}`);
      return state;
    },
  };
}

/** The flow as a Mermaid state diagram: one arrow per step and target, labelled with the mutation and its period. */
export function stateDiagram(flow: FlowDeclaration<string, string>, periodText: (key: DeadlineKey) => string = (key) => key): string {
  const lines = ['stateDiagram-v2'];
  for (const [state, name] of Object.entries(flow.states)) lines.push(`  ${state}: ${state} ${name}`);
  for (const step of Object.values(flow.steps)) {
    const label = step.within ? `${step.by} (${periodText(step.within)})` : step.by;
    for (const to of step.to) {
      for (const from of step.from.length ? step.from : ['[*]']) lines.push(`  ${from} --> ${to}: ${label}`);
    }
  }
  return lines.join('\n');
}
