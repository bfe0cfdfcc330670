import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**', 'e2e/**'],
    allowOnly: false,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default leaves one of two cores idle; these tests wait on databases much of the
    // time, so three workers keep both cores busy (measured: see the commit).
    maxWorkers: 3,
  },
});
