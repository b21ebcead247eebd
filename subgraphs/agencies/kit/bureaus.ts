import type { SubgraphRuntime } from '../../../kit/module';

export interface Bureau { code: string; kind: string; region: string }

const TTL_MS = 60_000;

/** The directory is the justice bureau's; agencies look bureaus up and keep them briefly. */
export function bureauDirectory(runtime: SubgraphRuntime) {
  const cache = new Map<string, { at: number; bureau: Bureau | null }>();
  return async (code: string): Promise<Bureau | null> => {
    const hit = cache.get(code);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.bureau;
    const data = await runtime.call<{ agency: Bureau | null }>('justice', 'query($code: ID!) { agency(code: $code) { code kind region } }', { code });
    cache.set(code, { at: Date.now(), bureau: data.agency });
    return data.agency;
  };
}
