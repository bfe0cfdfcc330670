import type { Db } from '../../db/connection.js';
import { REMOVED_ONCE_SENT } from './one-time-links.js';
import { listOutbox } from './outbox.repository.js';

export interface QueuedEmail {
  id: string;
  to: string;
  subject: string;
  text: string;
  createdAt: string;
  sentAt: string | null;
  attempts: number;
  /** A one-time link was taken out of the stored text once sent (it is still in the .eml file). */
  linkRemoved: boolean;
}

/** What the development mail page shows: the newest emails, delivered or waiting. */
export function createOutboxService(deps: { db: Db }) {
  return {
    async recent(limit = 100): Promise<QueuedEmail[]> {
      return (await listOutbox(deps.db, limit)).map((row) => ({
        id: row.id,
        to: row.to_address,
        subject: row.subject,
        text: row.body_text,
        createdAt: row.created_at,
        sentAt: row.sent_at,
        attempts: row.attempts,
        linkRemoved: row.body_text.includes(REMOVED_ONCE_SENT),
      }));
    },
  };
}

export type OutboxService = ReturnType<typeof createOutboxService>;
