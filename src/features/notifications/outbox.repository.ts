import { sql } from 'kysely';
import type { Db, DbOrTx } from '../../db/connection.js';
import type { OutboxRow } from '../../db/schema.js';
import { newId } from '../../lib/ids.js';

export interface Email {
  to: string;
  subject: string;
  text: string;
}

/** Queue an email in the caller's transaction: it is sent only if the change that caused it commits. */
export async function queueEmail(db: DbOrTx, email: Email, now: Date): Promise<string> {
  const id = newId();
  await db
    .insertInto('outbox')
    .values({
      id,
      created_at: now.toISOString(),
      to_address: email.to,
      subject: email.subject,
      body_text: email.text,
      attempts: 0,
      next_attempt_at: now.toISOString(),
      lease_until: null,
      sent_at: null,
      last_error: null,
    })
    .execute();
  return id;
}

/**
 * Takes up to `limit` due messages and leases them to this worker until `leaseUntil`, so that no
 * other worker (or instance) sends them meanwhile. PostgreSQL skips rows another worker has locked;
 * SQLite has one writer at a time, so the update itself is the lock.
 */
export async function leaseDueEmails(
  db: Db,
  kind: 'sqlite' | 'postgres',
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<OutboxRow[]> {
  const nowIso = now.toISOString();
  return db.transaction().execute(async (trx) => {
    let select = trx
      .selectFrom('outbox')
      .select('id')
      .where('sent_at', 'is', null)
      .where('next_attempt_at', '<=', nowIso)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', nowIso)]))
      .orderBy('next_attempt_at')
      .limit(limit);
    if (kind === 'postgres') select = select.forUpdate().skipLocked();
    const ids = (await select.execute()).map((r) => r.id);
    if (ids.length === 0) return [];
    return trx
      .updateTable('outbox')
      .set({ lease_until: leaseUntil.toISOString() })
      .where('id', 'in', ids)
      .returningAll()
      .execute();
  });
}

/**
 * Extends this worker's lease of one message just before it is sent, so that a batch sent one by
 * one through a slow server never outlives its lease. False when the lease is no longer this
 * worker's (it ran out and another worker took the message, or the message was sent): then this
 * worker must not send it.
 */
export async function renewLease(
  db: Db,
  id: string,
  heldUntil: string,
  leaseUntil: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ lease_until: leaseUntil.toISOString() })
    .where('id', '=', id)
    .where('lease_until', '=', heldUntil)
    .where('sent_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Marks a message sent and, in the same update, replaces its stored text (one-time links removed). */
export async function markSent(db: Db, id: string, now: Date, bodyText: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({
      sent_at: now.toISOString(),
      body_text: bodyText,
      lease_until: null,
      attempts: sql`attempts + 1`,
      last_error: null,
    })
    .where('id', '=', id)
    .execute();
}

export async function markFailed(
  db: Db,
  id: string,
  error: string,
  nextAttemptAt: Date,
): Promise<void> {
  await db
    .updateTable('outbox')
    .set({
      attempts: sql`attempts + 1`,
      last_error: error.slice(0, 1000),
      next_attempt_at: nextAttemptAt.toISOString(),
      lease_until: null,
    })
    .where('id', '=', id)
    .execute();
}

export async function listOutbox(db: DbOrTx, limit = 100): Promise<OutboxRow[]> {
  return db.selectFrom('outbox').selectAll().orderBy('created_at', 'desc').limit(limit).execute();
}
