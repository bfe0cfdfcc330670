import type { DbOrTx } from '../../db/connection.js';

/** The count of wrong passwords in a row and the lock, of an account or of an unknown username. */
export interface LoginFailures {
  failedLogins: number;
  lockedUntil: string | null;
}

/** An account's count and lock, its row locked until the transaction ends (one log-in at a time). */
export async function lockAccountLoginFailures(
  db: DbOrTx,
  accountId: string,
): Promise<LoginFailures> {
  const row = await db
    .selectFrom('accounts')
    .select(['failed_logins', 'locked_until'])
    .where('id', '=', accountId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return { failedLogins: row.failed_logins, lockedUntil: row.locked_until };
}

/** Forgets the unknown usernames without a wrong password since `before`. */
export async function forgetUnknownUsernames(db: DbOrTx, before: Date): Promise<void> {
  await db
    .deleteFrom('unknown_login_failures')
    .where('updated_at', '<', before.toISOString())
    .execute();
}

/**
 * The count and lock of a username without an account (a row made for it if there is none yet),
 * its row locked until the transaction ends.
 */
export async function lockUnknownUsernameFailures(
  db: DbOrTx,
  username: string,
  now: Date,
): Promise<LoginFailures> {
  await db
    .insertInto('unknown_login_failures')
    .values({ username, failed_logins: 0, locked_until: null, updated_at: now.toISOString() })
    .onConflict((oc) => oc.column('username').doNothing())
    .execute();
  const row = await db
    .selectFrom('unknown_login_failures')
    .select(['failed_logins', 'locked_until'])
    .where('username', '=', username)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return { failedLogins: row.failed_logins, lockedUntil: row.locked_until };
}

export async function setUnknownUsernameFailures(
  db: DbOrTx,
  username: string,
  failures: LoginFailures,
  now: Date,
): Promise<void> {
  await db
    .updateTable('unknown_login_failures')
    .set({
      failed_logins: failures.failedLogins,
      locked_until: failures.lockedUntil,
      updated_at: now.toISOString(),
    })
    .where('username', '=', username)
    .execute();
}
