import type { Kysely } from 'kysely';

/*
 * Wrong passwords for usernames that have no account are counted too, so that three of them lock
 * the name for an hour exactly as they would lock an account: the answers to log-in attempts must
 * not tell which usernames exist.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration works on the untyped schema
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('unknown_login_failures')
    .addColumn('username', 'text', (c) => c.primaryKey())
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('unknown_login_failures_updated')
    .on('unknown_login_failures')
    .column('updated_at')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration works on the untyped schema
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('unknown_login_failures').execute();
}
