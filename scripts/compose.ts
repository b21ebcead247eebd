// npm run compose: composes the supergraph from every subgraph's SDL into schema/supergraph.graphql.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import type { DocumentNode } from 'graphql';
import { SUPERGRAPH_PATH } from '../gateway/supergraph';
import { refusableNonNullFields } from '../kit/sdl-checks';
import { SUBGRAPHS } from '../subgraphs/index';
import { checkRuleFields } from './rule-fields';

/** Composes the subgraphs' SDL (this repository's, or a registry's candidate set); the URLs are placeholders unless given, the gateway is given real ones. */
export function composeSupergraph(subgraphs: readonly { name: string; typeDefs: DocumentNode; url?: string }[] = SUBGRAPHS): string {
  const result = composeServices(subgraphs.map((s) => ({
    name: s.name,
    url: s.url ?? `http://${s.name}.internal/graphql`,
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
  // Rules and fields agree (scripts/rule-fields.ts): a threshold reading a field its agency does not record fails here.
  const { problems } = checkRuleFields();
  if (problems.length) throw new Error(`threshold rules and agency fields disagree:\n${problems.join('\n')}`);
  writeFileSync(SUPERGRAPH_PATH, composeSupergraph());
  console.log(`wrote ${SUPERGRAPH_PATH}`);
}
