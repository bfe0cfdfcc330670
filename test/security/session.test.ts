/*
 * Sessions, cookies and headers (OWASP ASVS 4 V3, V7.4, V14.4; SPEC §7): server-side sessions with
 * idle (30 minutes) and absolute (12 hours) timeouts measured with the injected clock, log-out that ends
 * the server-side session, a new session id at sign-in, cookies HttpOnly + SameSite=Lax (+ Secure
 * behind HTTPS), security headers, an append-only audit log, and errors that reveal nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { FixedClock } from '../../src/clock.js';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../../src/http/guard.js';
import { paths } from '../../src/paths.js';
import { forEachDatabase } from '../support/databases.js';
import {
  buildAccount,
  buildCentre,
  PASSWORD,
  type BuiltAccount,
  type BuiltCentre,
} from '../support/factories.js';
import { Agent, createTestApp, signedIn, type TestApp } from '../support/test-app.js';

const MINUTE = 60_000;

forEachDatabase('sessions, cookies and headers', (kind) => {
  let t: TestApp;
  let centre: BuiltCentre;
  let person: BuiltAccount;

  beforeEach(async () => {
    t = await createTestApp(kind);
    centre = await buildCentre(t.db);
    person = await buildAccount(t.db, centre, { first: 'Grace', last: 'Hopper' });
  });
  afterEach(() => t.close());

  const sessionRows = () =>
    t.db.selectFrom('sessions').selectAll().where('account_id', '=', person.id).execute();
  /** Signed in through the API, with the CSRF token an API client would read. */
  async function apiClient(): Promise<Agent> {
    const agent = new Agent(t.app);
    expect(
      (
        await agent.api('POST', paths.api.session, {
          username: person.username,
          password: PASSWORD,
        })
      ).statusCode,
    ).toBe(200);
    agent.csrfToken = (
      (await agent.get(paths.api.session)).json() as { csrfToken: string }
    ).csrfToken;
    return agent;
  }
  const me = async (agent: Agent) => (await agent.get(paths.api.me)).statusCode;

  describe('timeouts (injected clock)', () => {
    it(`signs out after ${SESSION_IDLE_MS / MINUTE} minutes without a request, and removes the session row`, async () => {
      expect(SESSION_IDLE_MS).toBe(30 * MINUTE);
      const agent = await apiClient();
      t.clock.advance(SESSION_IDLE_MS - 1000);
      expect(await me(agent)).toBe(200);
      // Activity moves the idle deadline on.
      t.clock.advance(SESSION_IDLE_MS - 1000);
      expect(await me(agent)).toBe(200);
      t.clock.advance(SESSION_IDLE_MS);
      const response = await agent.get(paths.api.me);
      expect(response.statusCode).toBe(401);
      expect((response.json() as { error: { code: string } }).error.code).toBe('unauthenticated');
      expect(await sessionRows()).toHaveLength(0);
    });

    it(`signs out ${SESSION_ABSOLUTE_MS / 3_600_000} hours after sign-in however busy the session is`, async () => {
      expect(SESSION_ABSOLUTE_MS).toBe(12 * 60 * MINUTE);
      const agent = await apiClient();
      let elapsed = 0;
      while (elapsed + 25 * MINUTE < SESSION_ABSOLUTE_MS) {
        t.clock.advance(25 * MINUTE);
        elapsed += 25 * MINUTE;
        expect(await me(agent), `after ${elapsed / MINUTE} minutes`).toBe(200);
      }
      t.clock.advance(SESSION_ABSOLUTE_MS - elapsed);
      expect(await me(agent)).toBe(401);
      expect(await sessionRows()).toHaveLength(0);
    });

    it('signs out a page session too, sending the person to log in', async () => {
      const agent = await signedIn(t.app, person.username);
      t.clock.advance(SESSION_IDLE_MS);
      const home = await agent.get(paths.home);
      expect(home.statusCode).toBe(303);
      expect(home.headers.location).toBe(paths.login);
    });

    it('refuses a state-changing call from a timed-out session even with its old CSRF token', async () => {
      const agent = await apiClient();
      t.clock.advance(SESSION_IDLE_MS);
      const response = await agent.api('POST', paths.api.termsAccept);
      expect(response.statusCode).toBe(401);
    });

    it('keeps the idle limit across instances and restarts: the session lives in the database', async () => {
      const agent = await apiClient();
      const clock = new FixedClock(t.clock.now());
      const second = await buildApp({
        config: {
          baseUrl: 'http://localhost:3000',
          sessionSecret: 'test-secret-that-is-at-least-32-characters-long',
          secureCookies: false,
          production: false,
          rateLimitPerMinute: 0,
          smtpUrl: undefined,
        },
        db: t.db,
        dbKind: t.database.kind,
        clock,
      });
      try {
        const elsewhere = new Agent(second);
        // The same cookie, presented to the other instance.
        Object.assign(elsewhere, { cookies: (agent as unknown as { cookies: unknown }).cookies });
        clock.advance(SESSION_IDLE_MS - MINUTE);
        expect((await elsewhere.get(paths.api.me)).statusCode).toBe(200);
        clock.advance(SESSION_IDLE_MS);
        expect((await elsewhere.get(paths.api.me)).statusCode).toBe(401);
      } finally {
        await second.close();
      }
    });
  });

  describe('log-out and session ids', () => {
    it('ends the server-side session: the old cookie is worth nothing afterwards', async () => {
      const agent = await apiClient();
      const cookie = (agent as unknown as { cookies: Map<string, string> }).cookies.get(
        'mybtec_session',
      );
      expect(await sessionRows()).toHaveLength(1);
      expect((await agent.api('DELETE', paths.api.session)).statusCode).toBe(204);
      expect(await sessionRows()).toHaveLength(0);
      // Replaying the cookie as it was before log-out.
      const replay = await t.app.inject({
        method: 'GET',
        url: paths.api.me,
        headers: { cookie: `mybtec_session=${cookie}` },
      });
      expect(replay.statusCode).toBe(401);
    });

    it('ends only the session logged out of, not the person’s other sessions', async () => {
      const first = await apiClient();
      const second = await apiClient();
      expect(await sessionRows()).toHaveLength(2);
      await first.api('DELETE', paths.api.session);
      expect(await me(first)).toBe(401);
      expect(await me(second)).toBe(200);
    });

    it('gives a new session id at sign-in: a session id planted before is not signed in', async () => {
      const agent = new Agent(t.app);
      await agent.refreshCsrf();
      const planted = (agent as unknown as { cookies: Map<string, string> }).cookies.get(
        'mybtec_session',
      );
      expect(planted).toBeTruthy();
      await agent.form(paths.login, { username: person.username, password: PASSWORD });
      const after = (agent as unknown as { cookies: Map<string, string> }).cookies.get(
        'mybtec_session',
      );
      expect(after).not.toBe(planted);
      const victim = await t.app.inject({
        method: 'GET',
        url: paths.api.me,
        headers: { cookie: `mybtec_session=${planted}` },
      });
      expect(victim.statusCode).toBe(401);
      expect(await me(agent)).toBe(200);
    });

    it('uses session ids of at least 128 random bits, signed, and never puts them in an address', async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 5; i += 1) {
        const agent = await apiClient();
        const cookie = decodeURIComponent(
          (agent as unknown as { cookies: Map<string, string> }).cookies.get('mybtec_session') ??
            '',
        );
        const [id = '', signature = ''] = cookie.split('.');
        expect(id).toMatch(/^[A-Za-z0-9_-]{22,}$/);
        expect(signature.length).toBeGreaterThan(20);
        ids.add(id);
        const home = await agent.get(paths.login);
        expect(String(home.headers.location ?? '')).not.toContain(id);
      }
      expect(ids.size).toBe(5);
      const rows = await t.db.selectFrom('sessions').select('id').execute();
      for (const row of rows) expect(row.id.length).toBeGreaterThanOrEqual(22);
    });

    it('refuses a tampered session cookie', async () => {
      const agent = await apiClient();
      const cookie = (agent as unknown as { cookies: Map<string, string> }).cookies.get(
        'mybtec_session',
      ) as string;
      const [id = '', signature = ''] = decodeURIComponent(cookie).split('.');
      for (const forged of [
        `${id}x.${signature}`,
        `${id}.${signature.slice(0, -2)}AA`,
        id,
        'anything',
      ]) {
        const response = await t.app.inject({
          method: 'GET',
          url: paths.api.me,
          headers: { cookie: `mybtec_session=${encodeURIComponent(forged)}` },
        });
        expect(response.statusCode, forged).toBe(401);
      }
    });

    it('signs out at once someone whose myBTEC access is removed', async () => {
      const agent = await apiClient();
      await t.db
        .updateTable('accounts')
        .set({ mybtec_access: 0 })
        .where('id', '=', person.id)
        .execute();
      const response = await agent.get(paths.api.me);
      expect(response.statusCode).toBe(403);
      expect((response.json() as { error: { code: string } }).error.code).toBe('no_mybtec_access');
    });

    it('keeps no password and no secret in the session row', async () => {
      await apiClient();
      const [row] = await sessionRows();
      expect(row?.data).not.toContain(PASSWORD);
      expect(Object.keys(JSON.parse(row?.data ?? '{}') as object).sort()).toEqual(
        expect.arrayContaining(['accountId', 'lastSeenAt', 'signedInAt']),
      );
    });
  });

  describe('cookies', () => {
    it('sets the session cookie HttpOnly, SameSite=Lax, for the whole site, without Secure over HTTP', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: paths.api.session,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ username: person.username, password: PASSWORD }),
      });
      const cookie = response.cookies.find((c) => c.name === 'mybtec_session');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
      expect(cookie?.secure).toBeFalsy();
      // A browser session cookie: no lifetime of its own (the server decides when it ends).
      expect(cookie?.maxAge).toBeUndefined();
      expect(cookie?.expires).toBeUndefined();
      expect(response.cookies.map((c) => c.name)).toEqual(['mybtec_session']);
    });

    it('adds Secure (and HSTS) when BASE_URL is https, behind the proxy that terminates TLS', async () => {
      const secure = await createTestApp(kind, {
        secureCookies: true,
        baseUrl: 'https://mybtec.example',
      });
      try {
        const someone = await buildAccount(secure.db, await buildCentre(secure.db));
        const response = await secure.app.inject({
          method: 'POST',
          url: paths.api.session,
          remoteAddress: '127.0.0.1',
          headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
          payload: JSON.stringify({ username: someone.username, password: PASSWORD }),
        });
        expect(response.statusCode).toBe(200);
        const cookie = response.cookies.find((c) => c.name === 'mybtec_session');
        expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: true, path: '/' });
        expect(String(response.headers['strict-transport-security'])).toMatch(/max-age=\d+/);
        const csp = String(response.headers['content-security-policy']);
        expect(csp).toContain('upgrade-insecure-requests');
        // Over plain HTTP the secure cookie is never sent out.
        const plain = await secure.app.inject({
          method: 'POST',
          url: paths.api.session,
          remoteAddress: '198.51.100.4',
          headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
          payload: JSON.stringify({ username: someone.username, password: PASSWORD }),
        });
        expect(plain.cookies.find((c) => c.name === 'mybtec_session')).toBeUndefined();
      } finally {
        await secure.close();
      }
    });
  });

  describe('headers', () => {
    it('sends the security headers on pages and on the API', async () => {
      const agent = await signedIn(t.app, person.username);
      for (const url of [
        paths.login,
        paths.home,
        paths.api.me,
        paths.api.session,
        '/no-such-page',
      ]) {
        const response = await agent.get(url);
        const headers = response.headers;
        if (response.statusCode !== 303)
          expect(headers['content-type'], url).toMatch(/;\s*charset=utf-8$/i);
        expect(headers['x-content-type-options'], url).toBe('nosniff');
        expect(headers['x-frame-options'], url).toBe('SAMEORIGIN');
        expect(headers['referrer-policy'], url).toBe('no-referrer');
        expect(headers['cross-origin-opener-policy'], url).toBe('same-origin');
        const csp = String(headers['content-security-policy']);
        expect(csp, url).toContain("default-src 'self'");
        expect(csp, url).toContain("frame-ancestors 'none'");
        expect(csp, url).toContain("object-src 'none'");
        expect(csp, url).toContain("form-action 'self'");
        expect(csp, url).not.toContain("'unsafe-inline'");
        expect(csp, url).not.toContain("'unsafe-eval'");
        expect(headers['strict-transport-security'], url).toBeUndefined();
        expect(headers['x-powered-by'], url).toBeUndefined();
      }
    });

    it('lets no cache keep what a signed-in person sees, on pages and in the API', async () => {
      const agent = await signedIn(t.app, person.username);
      for (const url of [
        paths.home,
        paths.claimRoles,
        paths.help,
        paths.api.me,
        paths.api.claims,
      ]) {
        const response = await agent.get(url);
        expect(response.statusCode, url).toBe(200);
        expect(response.headers['cache-control'], url).toBe('no-store');
      }
    });

    it('answers API errors as JSON that no cache keeps', async () => {
      const response = await new Agent(t.app).get(paths.api.me);
      expect(response.statusCode).toBe(401);
      expect(response.headers['content-type']).toMatch(/^application\/json; charset=utf-8/);
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it('reveals nothing of an unexpected failure: a generic sentence, no stack, no detail', async () => {
      const app = await buildApp({
        config: {
          baseUrl: 'http://localhost:3000',
          sessionSecret: 'test-secret-that-is-at-least-32-characters-long',
          secureCookies: false,
          production: true,
          rateLimitPerMinute: 0,
          smtpUrl: undefined,
        },
        db: t.db,
        dbKind: t.database.kind,
        clock: t.clock,
      });
      app.get('/api/v1/explode', { config: { access: 'public' } }, () => {
        throw new Error('secret detail: password=hunter2 at /srv/db.ts:12');
      });
      app.get('/explode', { config: { access: 'public' } }, () => {
        throw new Error('secret detail: password=hunter2 at /srv/db.ts:12');
      });
      try {
        const api = await app.inject({ method: 'GET', url: '/api/v1/explode' });
        expect(api.statusCode).toBe(500);
        expect(api.json()).toEqual({
          error: {
            code: 'internal_error',
            message: 'Sorry, there is a problem with the service. Try again later.',
          },
        });
        const page = await app.inject({ method: 'GET', url: '/explode' });
        expect(page.statusCode).toBe(500);
        expect(page.body).not.toContain('hunter2');
        expect(page.body).not.toContain('db.ts');
      } finally {
        await app.close();
      }
    });

    it('lists no directory of the static files', async () => {
      for (const url of [
        '/assets/app/',
        '/assets/govuk/',
        '/assets/',
        '/assets/app/../../package.json',
      ]) {
        const response = await t.app.inject({ method: 'GET', url });
        expect(response.statusCode, url).toBe(404);
      }
    });

    it('has no development mail page in production', async () => {
      const production = await createTestApp(kind, { production: true });
      try {
        expect(
          (await production.app.inject({ method: 'GET', url: paths.devMail })).statusCode,
        ).toBe(404);
      } finally {
        await production.close();
      }
      const smtp = await createTestApp(kind, { smtpUrl: 'smtp://127.0.0.1:1' });
      try {
        expect((await smtp.app.inject({ method: 'GET', url: paths.devMail })).statusCode).toBe(404);
      } finally {
        await smtp.close();
      }
    });
  });

  describe('the audit log', () => {
    it('records the security events and refuses to change or delete them', async () => {
      const agent = new Agent(t.app);
      await agent.signIn(person.username, 'Wrong-password-1');
      await agent.signIn(person.username, 'Wrong-password-2');
      await agent.signIn(person.username, 'Wrong-password-3');
      t.clock.advance(61 * MINUTE);
      await agent.signIn(person.username);
      await agent.form(paths.logout, {});
      const actions = (
        await t.db.selectFrom('audit_events').select(['action', 'ip']).orderBy('at').execute()
      ).map((e) => e.action);
      expect(actions).toEqual([
        'login.failed',
        'login.failed',
        'login.locked',
        'login.succeeded',
        'logout',
      ]);
      await expect(
        t.db.updateTable('audit_events').set({ action: 'nothing' }).execute(),
      ).rejects.toThrow(/append-only/);
      await expect(t.db.deleteFrom('audit_events').execute()).rejects.toThrow(/append-only/);
      expect(await t.db.selectFrom('audit_events').select('id').execute()).toHaveLength(5);
    });
  });
});
