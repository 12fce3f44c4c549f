import { defineConfig } from 'vitest/config';

/**
 * Browser tests: one real server (embedded database, demo data, test clock)
 * started by the global setup, specs run one after another in one worker.
 */
export default defineConfig({
  test: {
    include: ['e2e/**/*.spec.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    maxWorkers: 1,
    pool: 'forks',
  },
});
