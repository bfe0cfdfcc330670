import { sql } from 'kysely';
import type { Db } from '../../../src/db/connection.js';

/** Every table that holds what people do (sessions aside: reading pages touches them). */
export const DATA_TABLES = [
  'accounts',
  'audit_events',
  'brief_verifications',
  'brief_versions',
  'briefs',
  'centres',
  'claims',
  'course_team',
  'course_units',
  'courses',
  'feedback',
  'outbox',
  'password_resets',
  'sites',
] as const;

/** The number of rows in each data table, in one round trip. */
export async function rowCounts(db: Db): Promise<Record<string, number>> {
  const columns = sql.join(
    DATA_TABLES.map(
      (table) => sql`(select count(*) from ${sql.table(table)}) as ${sql.ref(table)}`,
    ),
  );
  const { rows } = await sql<Record<string, number | string>>`select ${columns}`.execute(db);
  const row = rows[0] ?? {};
  return Object.fromEntries(DATA_TABLES.map((table) => [table, Number(row[table])]));
}
