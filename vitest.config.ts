import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Each file boots a whole hub (six processes); two cores run one file at a time best.
    fileParallelism: false,
    testTimeout: 60_000,
    // A hub boots in a beforeAll: its services get 240 s on a busy machine (scripts/hub/processes.ts).
    hookTimeout: 300_000,
  },
});
