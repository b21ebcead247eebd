// GraphQL Code Generator's configuration for this project (run: npm run codegen).
//
// `schema` is the API as clients see it: the hub publishes it as schema/api.graphql (checked for
// drift against the gateway's own API in the hub's tests). A project outside the hub's repository
// copies that file, or points at a development gateway's /graphql (introspection is on outside
// production). `onlyOperationTypes` keeps the output to the types the operations use, so a change
// elsewhere in the API does not touch this project's generated code.
import type { CodegenConfig } from '@graphql-codegen/cli';

export const SCHEMA = process.env.HUB_API_SCHEMA ?? '../../schema/api.graphql';
/** Where the generated code goes; the hub's drift check generates elsewhere and compares. */
const OUT = process.env.CODEGEN_OUT ?? 'src/gql/';

const config: CodegenConfig = {
  schema: SCHEMA,
  documents: ['src/**/*.ts', '!src/gql/**'],
  ignoreNoDocuments: false,
  generates: {
    [OUT]: {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        onlyOperationTypes: true,
        enumsAsTypes: true,
        useTypeImports: true,
        // The hub's one custom scalar (kit/scalars.ts): an ISO 8601 text with its offset on the wire.
        scalars: { DateTime: 'string' },
      },
    },
  },
};

export default config;
