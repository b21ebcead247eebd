import { defineConfig } from 'vitest/config';

/**
 * Files whose hub changes what the test process holds for every later file: an agency learnt at
 * run time joins the registry (subgraphs/agencies/registry.ts learnAgencyKind) and a deployment's
 * offence mappings join the screening's (subgraphs/procuratorate/screening.ts). Each runs in a
 * fresh module graph of its own.
 */
const CHANGES_PROCESS_STATE = ['test/agency-external.test.ts', 'test/agency-kinds-learning.test.ts'];

export default defineConfig({
  resolve: {
    // graphql as Node loads it (package.json `main`, CommonJS): Vite would pick its `module` build,
    // and the hub run in the test's process (scripts/hub/in-process.ts) would then hold two graphql
    // instances, ours and the one @apollo/* require, which graphql refuses to mix.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    // Most files boot a whole hub (nine services, in the test's process unless a file needs processes); two cores run one file at a time best.
    fileParallelism: false,
    testTimeout: 60_000,
    // A hub boots in a beforeAll: its services get 240 s on a busy machine (scripts/hub/processes.ts).
    hookTimeout: 300_000,
    projects: [
      {
        extends: true,
        // The other files share one module graph: the hub's modules (Apollo, TypeORM, graphql, the
        // subgraphs) are loaded once for the run instead of once per file, about 1.5 s a file. Every
        // file still boots its own hub on fresh databases, and a hub's state is its own
        // (per service since the hub runs in the test's process).
        test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: CHANGES_PROCESS_STATE, isolate: false },
      },
      { extends: true, test: { name: 'own', include: CHANGES_PROCESS_STATE } },
    ],
  },
});
