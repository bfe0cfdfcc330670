import type { DbOrTx } from '../../db/connection.js';

/** One piece of feedback as the Quality Nominee reads it. */
export interface Feedback {
  id: string;
  message: string;
  createdAt: string;
  from: { id: string; name: string; username: string };
  site: { id: string; number: string; name: string };
}

export async function insertFeedback(
  db: DbOrTx,
  feedback: {
    id: string;
    accountId: string;
    centreId: string;
    siteId: string;
    message: string;
    createdAt: Date;
  },
): Promise<void> {
  await db
    .insertInto('feedback')
    .values({
      id: feedback.id,
      account_id: feedback.accountId,
      centre_id: feedback.centreId,
      site_id: feedback.siteId,
      message: feedback.message,
      created_at: feedback.createdAt.toISOString(),
    })
    .execute();
}

/** The feedback sent from these sites of the centre, newest first. */
export async function listFeedbackForSites(
  db: DbOrTx,
  filter: { centreId: string; siteIds: readonly string[]; limit?: number },
): Promise<Feedback[]> {
  if (filter.siteIds.length === 0) return [];
  const rows = await db
    .selectFrom('feedback')
    .innerJoin('accounts', 'accounts.id', 'feedback.account_id')
    .innerJoin('sites', 'sites.id', 'feedback.site_id')
    .select([
      'feedback.id as id',
      'feedback.message as message',
      'feedback.created_at as created_at',
      'accounts.id as account_id',
      'accounts.first_name as first_name',
      'accounts.last_name as last_name',
      'accounts.username as username',
      'sites.id as site_id',
      'sites.number as site_number',
      'sites.name as site_name',
    ])
    .where('feedback.centre_id', '=', filter.centreId)
    .where('feedback.site_id', 'in', filter.siteIds)
    .orderBy('feedback.created_at', 'desc')
    .orderBy('feedback.id', 'desc')
    .limit(filter.limit ?? 500)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    message: row.message,
    createdAt: row.created_at,
    from: {
      id: row.account_id,
      name: `${row.first_name} ${row.last_name}`,
      username: row.username,
    },
    site: { id: row.site_id, number: row.site_number, name: row.site_name },
  }));
}
