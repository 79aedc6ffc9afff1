import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'edge/**/*.test.ts', 'origin/**/*.test.ts', 'shared/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 240_000,
    // Integration suites start servers and databases; keep the 2-core machines unhurried.
    maxWorkers: 2,
    globalSetup: ['test/global-setup.ts'],
  },
});
