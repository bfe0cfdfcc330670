import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { Mailer } from './mailer.js';
import { withoutOneTimeTokens } from './one-time-links.js';
import { leaseDueEmails, markFailed, markSent, renewLease } from './outbox.repository.js';

const LEASE_MS = 2 * 60_000;
const BATCH = 20;

/** Retry after 30 s, 1 min, 2 min, … never waiting more than an hour between tries. */
export function backoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 60 * 60_000);
}

export interface MailWorker {
  /** Sends everything due now; resolves with how many were sent and how many failed. */
  runOnce(): Promise<{ sent: number; failed: number }>;
  start(intervalMs?: number): void;
  stop(): Promise<void>;
}

export function createMailWorker(deps: {
  db: Db;
  kind: 'sqlite' | 'postgres';
  mailer: Mailer;
  clock: Clock;
  from: string;
  log: FastifyBaseLogger;
}): MailWorker {
  const { db, kind, mailer, clock, from, log } = deps;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;

  async function runOnce(): Promise<{ sent: number; failed: number }> {
    let sent = 0;
    let failed = 0;
    for (;;) {
      const now = clock.now();
      const batch = await leaseDueEmails(db, kind, now, new Date(now.getTime() + LEASE_MS), BATCH);
      if (batch.length === 0) break;
      for (const row of batch) {
        const heldUntil = row.lease_until;
        if (
          !heldUntil ||
          !(await renewLease(db, row.id, heldUntil, new Date(clock.now().getTime() + LEASE_MS)))
        ) {
          log.warn({ emailId: row.id }, 'email lease lost before sending; another worker has it');
          continue;
        }
        try {
          await mailer.send({
            id: row.id,
            from,
            to: row.to_address,
            subject: row.subject,
            text: row.body_text,
          });
          await markSent(db, row.id, clock.now(), withoutOneTimeTokens(row.body_text));
          sent += 1;
        } catch (error) {
          failed += 1;
          const retryAt = new Date(clock.now().getTime() + backoffMs(row.attempts + 1));
          await markFailed(db, row.id, (error as Error).message, retryAt);
          log.warn(
            { emailId: row.id, attempts: row.attempts + 1, err: error },
            'email delivery failed; will retry',
          );
        }
      }
      if (stopped || batch.length < BATCH) break;
    }
    return { sent, failed };
  }

  function tick(intervalMs: number): void {
    running = runOnce()
      .catch((error: unknown) => log.error({ err: error }, 'mail worker run failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(() => tick(intervalMs), intervalMs).unref();
      });
  }

  return {
    runOnce,
    start(intervalMs = 2000) {
      stopped = false;
      tick(intervalMs);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
