import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.js';
import type { Db } from '../db/connection.js';
import {
  AppError,
  Forbidden,
  InvalidInput,
  NoMybtecAccess,
  TermsNotAccepted,
  Unauthenticated,
} from '../errors.js';
import type { Actor } from '../domain/actor.js';
import { findSessionAccount, type Account } from '../features/accounts/account.repository.js';
import { TERMS_VERSION } from '../features/accounts/terms.js';
import { isApiPath } from '../paths.js';
import type { Access } from './context.js';

/** Signed out after this long without a request (ASVS 4 3.3.2, level 2: 30 minutes)… */
export const SESSION_IDLE_MS = 30 * 60_000;
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

/** Does the request carry a body (or say it has a type of body)? */
function hasBody(request: FastifyRequest): boolean {
  const { headers } = request;
  return (
    headers['content-type'] !== undefined ||
    headers['transfer-encoding'] !== undefined ||
    Number(headers['content-length'] ?? 0) > 0
  );
}

/** The sentence for a field holding the NUL character. */
export const NUL_MESSAGE = 'Remove the invisible control character (NUL) from this answer';

/**
 * The first field (`decisions.0.reason`, `id`, …) holding the NUL character, or undefined.
 * PostgreSQL cannot keep NUL in text, so it would fail there and be stored on SQLite; no answer
 * needs it. Walked without recursion: a body may be nested thousands of levels deep.
 */
export function fieldWithNul(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [item, path] = next;
    const at = (key: string | number) => (path === '' ? String(key) : `${path}.${key}`);
    if (typeof item === 'string') {
      if (item.includes('\u0000')) return path || 'body';
    } else if (Array.isArray(item)) {
      item.forEach((element, index) => stack.push([element, at(index)]));
    } else if (item !== null && typeof item === 'object') {
      for (const [key, element] of Object.entries(item)) {
        if (key.includes('\u0000')) return path || 'body';
        stack.push([element, at(key)]);
      }
    }
  }
  return undefined;
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

  // The API reads JSON only. A browser can post a form (or text/plain) to another site without
  // asking it first, but never application/json: so no page elsewhere can sign someone in to
  // myBTEC with its own account (login CSRF) or reach any other API call with a form.
  app.addHook('onRequest', async (request) => {
    if (!isApiPath(request.url) || !hasBody(request)) return;
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (mediaType !== 'application/json') {
      throw new AppError(415, 'invalid_input', 'Send the body as JSON (application/json).', {
        fields: {},
      });
    }
  });

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

  // What a signed-in person sees (learner data among it) is never kept by the browser or a proxy:
  // on a shared staff-room computer, Back after Log out must not show it again (ASVS 8.2.1).
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.account && !reply.hasHeader('cache-control')) {
      reply.header('cache-control', 'no-store');
    }
    done(null, payload);
  });

  // Last, once access and CSRF are settled: no text anywhere may hold the NUL character.
  app.addHook('preValidation', async (request) => {
    if (!request.routeOptions.url) return;
    const field =
      fieldWithNul(request.params) ?? fieldWithNul(request.query) ?? fieldWithNul(request.body);
    if (field !== undefined) throw new InvalidInput({ [field]: NUL_MESSAGE });
  });
}
