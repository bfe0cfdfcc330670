import type { Kysely } from 'kysely';

/*
 * The per-address limits on log-in and password reset (@fastify/rate-limit) are counted here
 * rather than in each instance's memory, so several instances on one database share one budget.
 * One row per route and address: the hits in the current window and when the window ends.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration works on the untyped schema
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rate_limit_windows')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addColumn('window_ends_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('rate_limit_windows_ends')
    .on('rate_limit_windows')
    .column('window_ends_at')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration works on the untyped schema
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limit_windows').execute();
}
