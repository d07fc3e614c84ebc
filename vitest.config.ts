import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Redis-backed suites use their own key prefixes, so files may run in parallel;
    // the machine has two cores.
    maxWorkers: 2,
  },
});
