import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 240_000,
    // Integration suites start servers and databases; keep the 2-core machines unhurried.
    maxWorkers: 2,
    globalSetup: ['test/global-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'suites',
          include: ['test/**/*.test.ts', 'edge/**/*.test.ts', 'origin/**/*.test.ts', 'shared/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['test/reliability/**'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        // The reliability suites kill and restart database processes of their own and bound how
        // long recovery may take: they run after the others, one file at a time, so their bounds
        // measure recovery rather than how busy two cores were with other suites.
        extends: true,
        test: {
          name: 'reliability',
          include: ['test/reliability/**/*.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
