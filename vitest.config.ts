import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // One embedded Postgres for the whole suite; each test file makes its own databases on it.
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-network-lockdown.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
