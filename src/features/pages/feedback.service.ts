import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import { Forbidden, InvalidInput } from '../../errors.js';
import { newId } from '../../lib/ids.js';
import type { Account } from '../accounts/account.repository.js';
import { recordAudit } from '../audit/audit.repository.js';
import { qualityNomineeSiteIds } from '../organisation/organisation.repository.js';
import { insertFeedback, listFeedbackForSites, type Feedback } from './feedback.repository.js';

export const FEEDBACK_MAX_LENGTH = 2000;

export type FeedbackService = ReturnType<typeof createFeedbackService>;

/** Browsers send a new line in a textarea as CR LF; count it once, as the character count does. */
export function normaliseMessage(message: string): string {
  return message.replace(/\r\n?/g, '\n').trim();
}

/**
 * Feedback about myBTEC from the people of a centre, kept against the sender's home site and read
 * by the Quality Nominee of that site (or the centre-wide one).
 */
export function createFeedbackService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  async function send(account: Account, message: string, ip: string): Promise<void> {
    const text = normaliseMessage(message);
    if (text === '') throw new InvalidInput({ message: 'Enter your feedback' });
    if (text.length > FEEDBACK_MAX_LENGTH) {
      throw new InvalidInput({
        message: `Your feedback must be ${FEEDBACK_MAX_LENGTH} characters or fewer`,
      });
    }
    const id = newId();
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      await insertFeedback(trx, {
        id,
        accountId: account.id,
        centreId: account.centreId,
        siteId: account.homeSiteId,
        message: text,
        createdAt: now,
      });
      await recordAudit(trx, {
        at: now,
        actor: { id: account.id, name: account.name },
        action: 'feedback.sent',
        target: { type: 'feedback', id },
        centreId: account.centreId,
        siteId: account.homeSiteId,
        ip,
        details: { length: text.length },
      });
    });
  }

  /** Is this person a Quality Nominee anywhere (so may read feedback)? */
  async function canRead(account: Account): Promise<boolean> {
    return (await qualityNomineeSiteIds(db, account.id, account.centreId)).length > 0;
  }

  async function received(account: Account): Promise<Feedback[]> {
    const siteIds = await qualityNomineeSiteIds(db, account.id, account.centreId);
    if (siteIds.length === 0) {
      throw new Forbidden(
        'Only the Quality Nominee can read feedback sent from their sites. Your Examinations Officer records who the Quality Nominee is.',
      );
    }
    return listFeedbackForSites(db, { centreId: account.centreId, siteIds });
  }

  return { send, canRead, received };
}
