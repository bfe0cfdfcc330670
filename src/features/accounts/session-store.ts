import type { SessionStore } from '@fastify/session';
import type { Session } from 'fastify';
import type { Clock } from '../../clock.js';
import type { Db, DbOrTx } from '../../db/connection.js';
import { prepared } from '../../db/prepared.js';

/** How long an unused session row is kept; the guard signs people out sooner (idle and absolute limits). */
const ROW_LIFETIME_MS = 12 * 60 * 60_000;

type Callback = (error?: unknown) => void;

/** Read on every request with a session cookie: compiled once. */
const sessionRow = prepared((db, id: string) =>
  db.selectFrom('sessions').select(['data', 'expires_at']).where('id', '=', id),
);

/** Signs the account out everywhere: every session of it is removed. */
export async function endSessionsOfAccount(db: DbOrTx, accountId: string): Promise<void> {
  await db.deleteFrom('sessions').where('account_id', '=', accountId).execute();
}

/**
 * @fastify/session's store, kept in our database so that any instance can serve any person.
 * Expired rows are never returned and are swept on write now and then.
 */
export function databaseSessionStore(db: Db, clock: Clock): SessionStore {
  let writes = 0;
  const run = (work: Promise<unknown>, callback: Callback) => {
    work.then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  };
  return {
    set(sessionId: string, session: unknown, callback: Callback) {
      const now = clock.now();
      const data = JSON.stringify(session);
      const accountId = (session as { accountId?: string }).accountId ?? null;
      const expires = new Date(now.getTime() + ROW_LIFETIME_MS).toISOString();
      writes += 1;
      const sweep =
        writes % 200 === 0
          ? db.deleteFrom('sessions').where('expires_at', '<', now.toISOString()).execute()
          : null;
      run(
        Promise.all([
          db
            .insertInto('sessions')
            .values({
              id: sessionId,
              account_id: accountId,
              data,
              created_at: now.toISOString(),
              expires_at: expires,
            })
            .onConflict((oc) =>
              oc.column('id').doUpdateSet({ data, account_id: accountId, expires_at: expires }),
            )
            .execute(),
          sweep,
        ]),
        callback,
      );
    },
    get(sessionId, callback) {
      sessionRow(db, sessionId).then(
        ([row]) => {
          if (!row || row.expires_at <= clock.now().toISOString()) return callback(null, null);
          callback(null, JSON.parse(row.data) as Session);
        },
        (error: unknown) => callback(error),
      );
    },
    destroy(sessionId: string, callback: Callback) {
      run(db.deleteFrom('sessions').where('id', '=', sessionId).execute(), callback);
    },
  };
}
