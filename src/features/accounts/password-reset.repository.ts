import type { DbOrTx } from '../../db/connection.js';

/** A one-time link to set a password, as stored: only the SHA-256 of its token. */
export interface PasswordLink {
  tokenHash: string;
  accountId: string;
  purpose: 'reset' | 'set';
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
}

export async function insertPasswordLink(db: DbOrTx, link: Omit<PasswordLink, 'usedAt'>) {
  await db
    .insertInto('password_resets')
    .values({
      token_hash: link.tokenHash,
      account_id: link.accountId,
      purpose: link.purpose,
      created_at: link.createdAt,
      expires_at: link.expiresAt,
      used_at: null,
    })
    .execute();
}

/**
 * The link with this token hash; with `lock`, the row is locked until the transaction ends, so
 * that two uses at the same moment are decided one after the other.
 */
export async function findPasswordLink(
  db: DbOrTx,
  tokenHash: string,
  options: { lock?: boolean } = {},
): Promise<PasswordLink | undefined> {
  let query = db.selectFrom('password_resets').selectAll().where('token_hash', '=', tokenHash);
  if (options.lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return (
    row && {
      tokenHash: row.token_hash,
      accountId: row.account_id,
      purpose: row.purpose === 'set' ? 'set' : 'reset',
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      usedAt: row.used_at,
    }
  );
}

/** Marks the link used; false when it was used already (nothing changed). */
export async function markPasswordLinkUsed(
  db: DbOrTx,
  tokenHash: string,
  usedAt: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('password_resets')
    .set({ used_at: usedAt.toISOString() })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** How many reset links (not set-password links) this account was sent after `since`. */
export async function countResetLinksSince(
  db: DbOrTx,
  accountId: string,
  since: Date,
): Promise<number> {
  const recent = await db
    .selectFrom('password_resets')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('account_id', '=', accountId)
    .where('purpose', '=', 'reset')
    .where('created_at', '>', since.toISOString())
    .executeTakeFirstOrThrow();
  return Number(recent.n);
}
