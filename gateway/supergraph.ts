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

/**
 * `path` under a subgraph's base URL, keeping the base's own path: a subgraph behind an owner's
 * reverse proxy at `http://host:8080/agencies/emergency` answers at `…/agencies/emergency/graphql`
 * (`new URL('/graphql', base)` would drop the prefix and reach another service).
 */
export function subgraphEndpoint(base: string, path: 'graphql' | 'health'): string {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${path}`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

/**
 * Where the gateway sends a subgraph's fetches: the base URL it was configured with
 * (SUBGRAPH_<NAME>_URL), else, for a subgraph published to the registry after the gateway started,
 * the routing URL its publication put in the supergraph (`npm run schema:publish -- … --routing-url`).
 */
export function subgraphRoute(name: string, supergraphUrl: string | undefined, configured: Record<string, string | undefined>): string {
  const base = configured[name];
  return base ? subgraphEndpoint(base, 'graphql') : supergraphUrl ?? `http://${name}.unrouted.invalid/graphql`;
}

/** Each subgraph's base URL for health checks: the configured one, else its routing URL in the supergraph. */
export function subgraphBases(sdl: string, configured: Record<string, string | undefined>): Record<string, string> {
  const manifest = /enum\s+join__Graph\s*\{([^}]*)\}/.exec(sdl);
  const graphs = manifest ? [...manifest[1].matchAll(/@join__graph\(\s*name:\s*"([^"]+)"\s*,\s*url:\s*"([^"]*)"/g)] : [];
  return Object.fromEntries(graphs.map(([, name, url]) => [name, configured[name] ?? url.replace(/\/graphql$/, '')]));
}
