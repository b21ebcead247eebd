// The demo hub's clock: every subgraph's, moved together through the test-only route
// (POST /internal/clock, served only with HUB_TEST_CLOCK=1), forward only.
import { IDENTITY_HEADER, signServiceIdentity } from '../../kit/identity';
import { readSigningKey } from '../../kit/keys';

export interface DemoClock {
  /** The hub's now (the subgraphs agree to within the time the calls take). */
  now(): Promise<Date>;
  advance(ms: number): Promise<Date>;
}

/** Moves the clock of every subgraph by `ms`, speaking as an owner (the route takes any owner's service identity). */
export function hubClock(subgraphUrls: Record<string, string>, keys: { privateKey(name: string): string }): DemoClock {
  const key = readSigningKey(keys.privateKey('justice'), 'justice');
  // A service identity lives 60 s: each subgraph's is signed once per 30 s, not once per move.
  const identities = new Map<string, { token: Promise<string>; until: number }>();
  const identityFor = (name: string) => {
    const held = identities.get(name);
    if (held && held.until > Date.now()) return held.token;
    const token = key.then((k) => signServiceIdentity(k, name));
    identities.set(name, { token, until: Date.now() + 30_000 });
    return token;
  };
  const advance = async (ms: number) => {
    const answers = await Promise.all(Object.entries(subgraphUrls).map(async ([name, url]) => {
      const response = await fetch(`${url}/internal/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: await identityFor(name) },
        body: JSON.stringify({ advanceMs: ms }),
      });
      if (!response.ok) throw new Error(`demo: the clock of ${name} did not move (${response.status}): the hub must run with HUB_TEST_CLOCK=1`);
      return new Date(((await response.json()) as { now: string }).now);
    }));
    return new Date(Math.min(...answers.map((d) => d.getTime())));
  };
  return { advance, now: () => advance(0) };
}
