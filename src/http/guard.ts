import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.js';
import type { Db } from '../db/connection.js';
import { NoMybtecAccess, Forbidden, TermsNotAccepted, Unauthenticated } from '../errors.js';
import type { Actor } from '../domain/actor.js';
import { findSessionAccount, type Account } from '../features/accounts/account.repository.js';
import { TERMS_VERSION } from '../features/accounts/terms.js';
import type { Access } from './context.js';

/** Signed out after this long without a request… */
export const SESSION_IDLE_MS = 60 * 60_000;
/** …and after this long whatever happens. */
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60_000;
/** Only record activity once a minute, so that reading pages does not write the session every time. */
const TOUCH_EVERY_MS = 60_000;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

async function loadAccount(request: FastifyRequest, db: Db, clock: Clock): Promise<void> {
  request.account = null;
  request.homeSiteNumber = null;
  const session = request.session;
  const accountId = session?.accountId;
  if (!accountId) return;
  const now = clock.now().getTime();
  const signedInAt = Date.parse(session.signedInAt ?? '');
  const lastSeenAt = Date.parse(session.lastSeenAt ?? '');
  if (!(now - signedInAt < SESSION_ABSOLUTE_MS) || !(now - lastSeenAt < SESSION_IDLE_MS)) {
    await session.destroy();
    return;
  }
  const found = await findSessionAccount(db, accountId);
  if (!found) {
    await session.destroy();
    return;
  }
  if (now - lastSeenAt >= TOUCH_EVERY_MS) session.lastSeenAt = new Date(now).toISOString();
  request.account = found.account;
  request.homeSiteNumber = found.homeSiteNumber;
}

/**
 * The one place where access is decided before a route runs: each route declares its `access`
 * (default `mybtec`), and here the session, the terms, myBTEC access and CSRF are checked.
 * What a signed-in person may do inside a route is for src/domain/ to decide.
 */
export function registerGuard(
  app: FastifyInstance,
  deps: { db: Db; clock: Clock; loadActor: (account: Account) => Promise<Actor> },
): void {
  app.decorateRequest('account', null);
  app.decorateRequest('actor', null);
  app.decorateRequest('homeSiteNumber', null);

  app.addHook('preValidation', async (request) => {
    const access: Access = request.is404
      ? 'public'
      : (request.routeOptions.config?.access ?? 'mybtec');
    await loadAccount(request, deps.db, deps.clock);
    if (access === 'public') return;
    const account = request.account;
    if (!account) throw new Unauthenticated();
    if (access === 'session') return;
    if (account.termsVersion !== TERMS_VERSION) throw new TermsNotAccepted();
    if (access === 'exams-officer') {
      if (!account.examsOfficer) {
        throw new Forbidden(
          'Only an Examinations Officer can manage accounts. Ask your Examinations Officer.',
        );
      }
      return;
    }
    if (!account.mybtecAccess) throw new NoMybtecAccess();
    request.actor = await deps.loadActor(account);
  });

  app.addHook('preValidation', (request, reply, done) => {
    if (
      SAFE_METHODS.has(request.method) ||
      request.routeOptions.config?.csrf === false ||
      !request.routeOptions.url
    ) {
      done();
      return;
    }
    app.csrfProtection(request, reply, done);
  });
}
