import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';

import { SUBGRAPHS } from '../subgraphs/index';
import { refusableNonNullFields } from '../subgraphs/kit/sdl-checks';

export const SUPERGRAPH_PATH = fileURLToPath(new URL('../schema/supergraph.graphql', import.meta.url));

/** Composes the subgraphs' SDL; the URLs are placeholders, the gateway is given real ones. */
export function composeSupergraph(): string {
  const result = composeServices(SUBGRAPHS.map((s) => ({
    name: s.name,
    url: `http://${s.name}.internal/graphql`,
    typeDefs: s.typeDefs,
  })));
  if (result.errors?.length) {
    throw new Error(`composition failed:\n${result.errors.map((e) => e.message).join('\n')}`);
  }
  const untruthful = refusableNonNullFields(result.supergraphSdl!);
  if (untruthful.length) throw new Error(`composition failed: fields some callers are refused must be nullable:\n${untruthful.join('\n')}`);
  return result.supergraphSdl!;
}

export function readSupergraph(): string {
  return readFileSync(SUPERGRAPH_PATH, 'utf8');
}

