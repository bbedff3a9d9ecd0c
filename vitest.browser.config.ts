import { defineConfig } from 'vitest/config';

/** Browser tests: the hub started as the README says, driven by playwright-core in Debian's Chromium. */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One temporary directory per run, removed at the end (test/helpers/temp-root.ts).
    globalSetup: ['test/helpers/temp-root.ts'],
    pool: 'forks',
    maxWorkers: 1,
    passWithNoTests: true,
  },
});
