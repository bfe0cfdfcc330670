import { defineConfig } from 'vitest/config';

/**
 * `npm run test:stress`: the slower fault and crash tests (test/stress/*.stress.ts), kept out of
 * the default run. SQLite always; PostgreSQL too when TEST_DATABASE_URL is set.
 */
// Said loudly, as scripts/test.mjs does for `npm test`: a run on SQLite alone must not pass for both.
if (!process.env.TEST_DATABASE_URL)
  console.error(
    '!!! TEST_DATABASE_URL is not set: the stress tests run on SQLite only, NOT on PostgreSQL.',
  );

export default defineConfig({
  test: {
    include: ['test/stress/**/*.stress.ts'],
    allowOnly: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
