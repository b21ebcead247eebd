// What the transfer tests ask of every answer: no error, the refusal's fields and rules, a notice in
// someone's inbox. `hub` is read when called (the hub starts in beforeAll).
import { expect } from 'vitest';
import { eventually, type Caller, type TestHub } from './hub';

const INBOX = `{ inbox(first: 100) { edges { node { kind title subjectId } } } }`;

export function answers(hub: () => TestHub) {
  /** The data of an answer that must have no error. */
  async function ok(query: string, variables: Record<string, unknown> | undefined, caller: Caller): Promise<any> {
    const { data, errors } = await hub().graphql(query, variables, caller);
    expect(errors).toBeUndefined();
    return data;
  }
  /** A BAD_USER_INPUT refusal as [field, rule] pairs: input rules all at once (extensions.violations); a step from the wrong state alone. */
  const violations = (result: { errors?: readonly any[] }): [string, string][] => {
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const extensions = result.errors![0].extensions!;
    return extensions.violations ? (extensions.violations as any[]).map((v) => [v.field, v.rule]) : [[extensions.field, extensions.rule]];
  };
  /** The notice of `kind` about `id` in the caller's inbox, once the outbox has delivered it. */
  const inboxHas = (caller: Caller, kind: string, id: string) => eventually(async () =>
    (await ok(INBOX, undefined, caller)).inbox.edges.map((e: any) => e.node).find((n: any) => n.kind === kind && n.subjectId === id), 10_000,
  `${kind} for ${id} in the inbox of ${caller.org}`);
  return { ok, violations, inboxHas };
}
