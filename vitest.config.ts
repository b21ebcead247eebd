import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql as Node loads it (package.json `main`, CommonJS): Vite would pick its `module` build,
    // and the hub run in the test's process (scripts/hub/in-process.ts) would then hold two graphql
    // instances, ours and the one @apollo/* require, which graphql refuses to mix.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Most files boot a whole hub (nine services, in the test's process unless a file needs processes); two cores run one file at a time best.
    fileParallelism: false,
    testTimeout: 60_000,
    // A hub boots in a beforeAll: its services get 240 s on a busy machine (scripts/hub/processes.ts).
    hookTimeout: 300_000,
  },
});
