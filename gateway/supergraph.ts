import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SUPERGRAPH_PATH = fileURLToPath(new URL('../schema/supergraph.graphql', import.meta.url));

export function readSupergraph(): string {
  return readFileSync(SUPERGRAPH_PATH, 'utf8');
}

/**
 * The subgraphs the gateway routes to, read from the supergraph's own manifest
 * (`enum join__Graph { JUSTICE @join__graph(name: "justice", url: …) … }`): the gateway needs
 * their names, never their code. Their URLs come from SUBGRAPH_<NAME>_URL.
 */
export function subgraphNames(sdl: string = readSupergraph()): string[] {
  const manifest = /enum\s+join__Graph\s*\{([^}]*)\}/.exec(sdl);
  if (!manifest) throw new Error('the supergraph has no join__Graph manifest');
  return [...manifest[1].matchAll(/@join__graph\(\s*name:\s*"([^"]+)"/g)].map((m) => m[1]);
}
