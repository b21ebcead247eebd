// npm run compose: composes the supergraph from every subgraph's SDL into schema/supergraph.graphql.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { SUPERGRAPH_PATH } from '../gateway/supergraph';
import { refusableNonNullFields } from '../kit/sdl-checks';
import { SUBGRAPHS } from '../subgraphs/index';

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

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SUPERGRAPH_PATH, composeSupergraph());
  console.log(`wrote ${SUPERGRAPH_PATH}`);
}
