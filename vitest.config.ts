import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**', 'e2e/**'],
    allowOnly: false,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
