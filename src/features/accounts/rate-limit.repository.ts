import { sql } from 'kysely';
import type { DbOrTx } from '../../db/connection.js';

/** The hits counted so far in the current window of a key, and when that window ends. */
export interface RateLimitCount {
  hits: number;
  windowEndsAt: string;
}

/**
 * Counts one hit against `key` in one statement (an upsert, atomic on both databases, so
 * instances sharing the database share the count): a key without a row, or whose window has
 * ended, starts a new window of `windowMs` from `now` with one hit; otherwise its hits go up by one.
 */
export async function countRateLimitHit(
  db: DbOrTx,
  key: string,
  now: Date,
  windowMs: number,
): Promise<RateLimitCount> {
  const at = now.toISOString();
  const endsAt = new Date(now.getTime() + windowMs).toISOString();
  const ended = sql<boolean>`rate_limit_windows.window_ends_at <= ${at}`;
  const row = await db
    .insertInto('rate_limit_windows')
    .values({ key, hits: 1, window_ends_at: endsAt })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        // Both read the row as it was before this update (SQL evaluates SET against the old row).
        hits: sql<number>`case when ${ended} then 1 else rate_limit_windows.hits + 1 end`,
        window_ends_at: sql<string>`case when ${ended} then excluded.window_ends_at else rate_limit_windows.window_ends_at end`,
      }),
    )
    .returning(['hits', 'window_ends_at'])
    .executeTakeFirstOrThrow();
  return { hits: Number(row.hits), windowEndsAt: row.window_ends_at };
}

/** Forgets the windows that ended before `now`: a later hit starts a new one anyway. */
export async function forgetEndedRateLimitWindows(db: DbOrTx, now: Date): Promise<void> {
  await db
    .deleteFrom('rate_limit_windows')
    .where('window_ends_at', '<=', now.toISOString())
    .execute();
}
