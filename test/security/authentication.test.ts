/*
 * Authentication (OWASP ASVS 4 V2; SPEC §7): rate limits per address and per account, no account
 * enumeration through log-in or password reset, reset links stored hashed and usable once.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/db/connection.js';
import {
  MAX_RESET_EMAILS,
  RESET_EMAIL_WINDOW_MS,
} from '../../src/features/accounts/account.service.js';
import { hashPassword, verifyPassword } from '../../src/features/accounts/password.js';
import { createMailWorker } from '../../src/features/notifications/mail-worker.js';
import type { Mailer } from '../../src/features/notifications/mailer.js';
import { paths } from '../../src/paths.js';
import { forEachDatabase } from '../support/databases.js';
import {
  buildAccount,
  buildCentre,
  PASSWORD,
  type BuiltAccount,
  type BuiltCentre,
} from '../support/factories.js';
import { Agent, createTestApp, csrfFromHtml, type TestApp } from '../support/test-app.js';

const LINK = /\/password\/reset\?token=([A-Za-z0-9_-]+)/;
const NEW_PASSWORD = 'A-New-Password-2027';

/** The page as any visitor would see it: without its nonce, CSRF token and the username typed. */
function normalised(response: LightMyRequestResponse, username: string): string {
  return response.body
    .replace(/nonce-[0-9a-f]+|nonce="[0-9a-f]+"/g, 'NONCE')
    .replace(/name="_csrf" value="[^"]+"/g, 'CSRF')
    .split(username)
    .join('USERNAME');
}

/** A visitor from one address: keeps its cookies and CSRF token. */
async function visitor(app: FastifyInstance, address = '192.0.2.10'): Promise<Agent> {
  const agent = new Agent(app);
  const original = agent.request.bind(agent);
  agent.request = (options) => original({ remoteAddress: address, ...options });
  const page = await agent.get(paths.login);
  agent.csrfToken = csrfFromHtml(page.body);
  return agent;
}

forEachDatabase('authentication', (kind) => {
  let t: TestApp;
  let centre: BuiltCentre;
  let person: BuiltAccount;

  beforeEach(async () => {
    t = await createTestApp(kind);
    centre = await buildCentre(t.db);
    person = await buildAccount(t.db, centre, { first: 'Ada', last: 'Lovelace' });
  });
  afterEach(() => t.close());

  const resetEmails = (to: string) =>
    t.db
      .selectFrom('outbox')
      .selectAll()
      .where('to_address', '=', to)
      .where('subject', '=', 'Reset your myBTEC password')
      .execute();
  const audit = (action: string) =>
    t.db.selectFrom('audit_events').selectAll().where('action', '=', action).execute();
  const askForReset = (agent: Agent, username: string) =>
    agent.form(paths.forgottenPassword, { username });

  describe('rate limits per address (RATE_LIMIT_PER_MINUTE)', () => {
    let limited: TestApp;
    beforeEach(async () => {
      limited = await createTestApp(kind, { rateLimitPerMinute: 5 });
    });
    afterEach(() => limited.close());

    it.each([
      ['the log-in page', paths.login, 'form'],
      ['the log-in API', paths.api.session, 'api'],
      ['the forgotten password page', paths.forgottenPassword, 'form'],
      ['the reset password page', paths.resetPassword, 'form'],
    ] as const)(
      'answers 429 rate_limited on %s after the limit, for that address only',
      async (_name, url, how) => {
        const agent = await visitor(limited.app);
        const attempt = (a: Agent) =>
          how === 'api'
            ? a.api('POST', url, { username: 'nobody@test.example', password: 'wrong-password' })
            : a.form(url, { username: 'nobody@test.example', password: 'wrong', token: 'x' });
        for (let i = 0; i < 5; i += 1) expect((await attempt(agent)).statusCode).not.toBe(429);
        const refused = await attempt(agent);
        expect(refused.statusCode).toBe(429);
        if (how === 'api')
          expect(refused.json()).toEqual({
            error: {
              code: 'rate_limited',
              message: 'There have been too many attempts. Wait a minute and try again.',
            },
          });
        else expect(refused.body).toContain('Too many attempts');
        // Another address is not affected.
        const other = await visitor(limited.app, '192.0.2.99');
        expect((await attempt(other)).statusCode).not.toBe(429);
      },
    );

    it('is not lifted by a forged X-Forwarded-For behind HTTPS, and counts the address the proxy saw', async () => {
      const secure = await createTestApp(kind, { rateLimitPerMinute: 3, secureCookies: true });
      try {
        // The proxy on this machine (127.0.0.1) appends the address it saw: 203.0.113.7.
        const attempt = (forged: string, seen = '203.0.113.7') =>
          secure.app.inject({
            method: 'POST',
            url: paths.api.session,
            remoteAddress: '127.0.0.1',
            headers: {
              'content-type': 'application/json',
              'x-forwarded-for': `${forged}, ${seen}`,
              'x-forwarded-proto': 'https',
            },
            // A username per attempt: three wrong passwords for one name would lock it.
            payload: JSON.stringify({
              username: `nobody.${forged}@test.example`,
              password: 'wrong',
            }),
          });
        for (let i = 0; i < 3; i += 1)
          expect((await attempt(`198.51.100.${i}`)).statusCode).toBe(401);
        expect((await attempt('198.51.100.200')).statusCode).toBe(429);
        expect((await attempt('198.51.100.201', '203.0.113.8')).statusCode).toBe(401);
        const recorded = await secure.db
          .selectFrom('audit_events')
          .select('ip')
          .where('action', '=', 'login.failed')
          .execute();
        expect(new Set(recorded.map((r) => r.ip))).toEqual(new Set(['203.0.113.7', '203.0.113.8']));
      } finally {
        await secure.close();
      }
    });

    it('believes no X-Forwarded-For at all over plain HTTP', async () => {
      const agent = await visitor(limited.app, '192.0.2.50');
      const attempt = (forged: string) =>
        agent.request({
          method: 'POST',
          url: paths.api.session,
          headers: { 'content-type': 'application/json', 'x-forwarded-for': forged },
          payload: JSON.stringify({ username: 'nobody@test.example', password: 'wrong' }),
        });
      for (let i = 0; i < 5; i += 1) await attempt(`198.51.100.${i}`);
      expect((await attempt('198.51.100.99')).statusCode).toBe(429);
    });

    it('is one budget for two instances on one database, kept until the window ends by the clock', async () => {
      // A second instance with its own connection to the same database (the same SQLite file, or
      // the same PostgreSQL schema), as another process would have.
      const second =
        kind === 'sqlite'
          ? openDatabase({
              kind: 'sqlite',
              file: (
                await sql<{
                  file: string;
                }>`select file from pragma_database_list where name = 'main'`.execute(limited.db)
              ).rows[0]!.file,
            })
          : openDatabase({
              kind: 'postgres',
              url: process.env.TEST_DATABASE_URL as string,
              schema: (
                await sql<{ schema: string }>`select current_schema() as schema`.execute(limited.db)
              ).rows[0]!.schema,
              poolSize: 2,
            });
      const other = await buildApp({
        config: {
          baseUrl: 'http://localhost:3000',
          sessionSecret: 'test-secret-that-is-at-least-32-characters-long',
          secureCookies: false,
          production: false,
          rateLimitPerMinute: 5,
          smtpUrl: undefined,
        },
        db: second.db,
        dbKind: kind,
        clock: limited.clock,
      });
      try {
        // A username per attempt: three wrong passwords for one name would lock it.
        let n = 0;
        const attempt = (app: FastifyInstance) =>
          app.inject({
            method: 'POST',
            url: paths.api.session,
            remoteAddress: '192.0.2.77',
            headers: { 'content-type': 'application/json' },
            payload: JSON.stringify({
              username: `nobody.${(n += 1)}@test.example`,
              password: 'wrong',
            }),
          });
        const answers = [];
        for (const app of [limited.app, other, limited.app, other, limited.app])
          answers.push(await attempt(app));
        expect(answers.map((a) => a.statusCode)).toEqual([401, 401, 401, 401, 401]);
        expect(answers.map((a) => a.headers['x-ratelimit-remaining'])).toEqual([
          '4',
          '3',
          '2',
          '1',
          '0',
        ]);
        // The sixth attempt, on either instance, is over the limit of five.
        for (const app of [other, limited.app]) {
          const refused = await attempt(app);
          expect(refused.statusCode).toBe(429);
          expect(refused.json()).toEqual({
            error: {
              code: 'rate_limited',
              message: 'There have been too many attempts. Wait a minute and try again.',
            },
          });
          expect(refused.headers['retry-after']).toBe('60');
        }
        // Still limited just before the minute is over; a new window once it is.
        limited.clock.advance(59_000);
        expect((await attempt(other)).statusCode).toBe(429);
        limited.clock.advance(1_000);
        expect((await attempt(other)).statusCode).toBe(401);
        expect((await attempt(limited.app)).headers['x-ratelimit-remaining']).toBe('3');
      } finally {
        await other.close();
        await second.close();
      }
    });
  });

  describe('wrong passwords per account (the lockout of SPEC §7)', () => {
    it('locks the account after three wrong passwords from three addresses and two instances', async () => {
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
        clock: t.clock,
      });
      try {
        const attempt = (app: FastifyInstance, address: string, password: string) =>
          app.inject({
            method: 'POST',
            url: paths.api.session,
            remoteAddress: address,
            headers: { 'content-type': 'application/json' },
            payload: JSON.stringify({ username: person.username, password }),
          });
        expect((await attempt(t.app, '192.0.2.1', 'Wrong-1-password')).statusCode).toBe(401);
        expect((await attempt(second, '192.0.2.2', 'Wrong-2-password')).statusCode).toBe(401);
        expect((await attempt(t.app, '192.0.2.3', 'Wrong-3-password')).statusCode).toBe(423);
        // Locked for everyone, everywhere, even with the right password.
        expect((await attempt(second, '198.51.100.9', PASSWORD)).statusCode).toBe(423);
      } finally {
        await second.close();
      }
    });

    it('keeps passwords as salted argon2id hashes only', async () => {
      const row = await t.db
        .selectFrom('accounts')
        .select('password_hash')
        .where('id', '=', person.id)
        .executeTakeFirstOrThrow();
      expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
      expect(row.password_hash).not.toContain(PASSWORD);
      // The same password hashed twice gives two hashes: each has a salt of its own.
      const [a, b] = await Promise.all([hashPassword(PASSWORD), hashPassword(PASSWORD)]);
      expect(a).not.toBe(b);
      expect(await verifyPassword(a, PASSWORD)).toBe(true);
      expect(await verifyPassword(b, 'correct-horse-7')).toBe(false);
    });
  });

  describe('password reset emails per account', () => {
    it(`sends at most ${MAX_RESET_EMAILS} an hour per account, from any address, answering the same every time`, async () => {
      const pages: string[] = [];
      for (let i = 0; i < MAX_RESET_EMAILS + 3; i += 1) {
        const agent = await visitor(t.app, `192.0.2.${i + 1}`);
        const response = await askForReset(agent, person.username);
        expect(response.statusCode).toBe(200);
        pages.push(normalised(response, person.username));
        t.clock.advance(60_000);
      }
      expect(new Set(pages).size).toBe(1);
      expect(await resetEmails(person.username)).toHaveLength(MAX_RESET_EMAILS);
      expect(await audit('password.reset_requested')).toHaveLength(MAX_RESET_EMAILS);
      expect(await audit('password.reset_throttled')).toHaveLength(3);

      // An hour after the first, one more may go.
      t.clock.advance(RESET_EMAIL_WINDOW_MS - (MAX_RESET_EMAILS + 3) * 60_000 + 1);
      await askForReset(await visitor(t.app), person.username);
      expect(await resetEmails(person.username)).toHaveLength(MAX_RESET_EMAILS + 1);
    });

    it('holds across instances: the count is in the database', async () => {
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
        clock: t.clock,
      });
      try {
        for (let i = 0; i < 3; i += 1) {
          await askForReset(await visitor(t.app), person.username);
          await askForReset(await visitor(second), person.username);
        }
        expect(await resetEmails(person.username)).toHaveLength(MAX_RESET_EMAILS);
      } finally {
        await second.close();
      }
    });

    it('holds when many requests arrive at the same moment', async () => {
      const agents = await Promise.all(
        Array.from({ length: 10 }, (_, i) => visitor(t.app, `192.0.2.${i + 1}`)),
      );
      const responses = await Promise.all(agents.map((a) => askForReset(a, person.username)));
      expect(responses.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
      expect(await resetEmails(person.username)).toHaveLength(MAX_RESET_EMAILS);
    });

    it("counts each account on its own: one person's limit does not stop another's email", async () => {
      const other = await buildAccount(t.db, centre);
      for (let i = 0; i < MAX_RESET_EMAILS + 1; i += 1)
        await askForReset(await visitor(t.app), person.username);
      await askForReset(await visitor(t.app), other.username);
      expect(await resetEmails(other.username)).toHaveLength(1);
    });
  });

  describe('no account enumeration', () => {
    it('answers a wrong password and an unknown username alike, on the page and the API', async () => {
      const agent = await visitor(t.app);
      const wrong = await agent.form(paths.login, {
        username: person.username,
        password: 'Wrong-password-1',
      });
      const unknown = await agent.form(paths.login, {
        username: 'nobody.here@test.example',
        password: 'Wrong-password-1',
      });
      expect(wrong.statusCode).toBe(401);
      expect(unknown.statusCode).toBe(401);
      expect(normalised(unknown, 'nobody.here@test.example')).toBe(
        normalised(wrong, person.username),
      );
      const apiWrong = await agent.api('POST', paths.api.session, {
        username: person.username,
        password: 'Wrong-password-2',
      });
      const apiUnknown = await agent.api('POST', paths.api.session, {
        username: 'nobody.here@test.example',
        password: 'Wrong-password-2',
      });
      expect(apiWrong.statusCode).toBe(401);
      expect(apiUnknown.statusCode).toBe(401);
      expect(apiUnknown.json()).toEqual(apiWrong.json());
      expect(apiWrong.headers['set-cookie']).toEqual(apiUnknown.headers['set-cookie']);
    });

    it('answers a known username, an unknown one and a throttled one alike on the forgotten password page', async () => {
      const known = normalised(
        await askForReset(await visitor(t.app), person.username),
        person.username,
      );
      const unknown = normalised(
        await askForReset(await visitor(t.app), 'nobody.here@test.example'),
        'nobody.here@test.example',
      );
      for (let i = 0; i < MAX_RESET_EMAILS; i += 1)
        await askForReset(await visitor(t.app), person.username);
      const throttled = normalised(
        await askForReset(await visitor(t.app), person.username),
        person.username,
      );
      expect(unknown).toBe(known);
      expect(throttled).toBe(known);
    });

    it('answers an account without a password yet like any other wrong password', async () => {
      const noPassword = await buildAccount(t.db, centre, { password: null });
      const agent = await visitor(t.app);
      const response = await agent.api('POST', paths.api.session, {
        username: noPassword.username,
        password: PASSWORD,
      });
      expect(response.statusCode).toBe(401);
      expect((response.json() as { error: { code: string } }).error.code).toBe(
        'invalid_credentials',
      );
    });

    // SPEC §7 asks the locked message to say "locked, until when": so an unknown username is
    // counted and locked too, or the 423 would tell which usernames exist.
    it('answers wrong passwords for an unknown username exactly like for a known one, lock included', async () => {
      const agent = await visitor(t.app);
      const unknown = 'nobody.here@test.example';
      const answer = async (username: string, password: string) => {
        const response = await agent.api('POST', paths.api.session, { username, password });
        return { status: response.statusCode, body: response.body };
      };
      const attempts = async (username: string) => {
        const answers = [];
        for (let i = 0; i < 3; i += 1) answers.push(await answer(username, `Wrong-${i}-xx`));
        // While locked, even the right password of the known account is refused alike.
        answers.push(await answer(username, PASSWORD));
        return answers;
      };
      const forUnknown = await attempts(unknown);
      const forKnown = await attempts(person.username);
      expect(forUnknown.map((a) => a.status)).toEqual([401, 401, 423, 423]);
      expect(forUnknown).toEqual(forKnown);
      expect(await audit('login.locked')).toHaveLength(2);

      // An hour later both are unlocked: the unknown name answers 401 again, the account logs in.
      t.clock.advance(60 * 60_000 + 1);
      expect((await answer(unknown, PASSWORD)).status).toBe(401);
      expect((await answer(person.username, PASSWORD)).status).toBe(200);
    });
  });

  describe('reset links', () => {
    async function tokenFor(username: string): Promise<string> {
      await askForReset(await visitor(t.app), username);
      const emails = await resetEmails(username);
      const token = LINK.exec(emails.at(-1)?.body_text ?? '')?.[1];
      expect(token).toBeTruthy();
      return token as string;
    }
    const useLink = async (token: string, agent?: Agent) =>
      (agent ?? (await visitor(t.app))).form(paths.resetPassword, {
        token,
        password: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      });

    it('keeps only a SHA-256 hash of the token in the database once the email is sent, never the token', async () => {
      const token = await tokenFor(person.username);
      const rows = await t.db.selectFrom('password_resets').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]?.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
      // 32 random bytes: 43 base64url characters.
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

      const delivered: string[] = [];
      const mailer: Mailer = {
        send: (email) => {
          delivered.push(email.text);
          return Promise.resolve();
        },
        close: () => undefined,
      };
      const worker = createMailWorker({
        db: t.db,
        kind,
        mailer,
        clock: t.clock,
        from: 'myBTEC <no-reply@mybtec.test>',
        log: pino({ level: 'silent' }),
      });
      expect((await worker.runOnce()).sent).toBeGreaterThan(0);
      expect(delivered.some((text) => text.includes(token))).toBe(true);

      // Every table, the outbox included.
      const tables = await t.db.introspection.getTables({ withInternalKyselyTables: true });
      expect(tables.map((table) => table.name)).toEqual(
        expect.arrayContaining(['outbox', 'password_resets', 'audit_events', 'sessions']),
      );
      for (const table of tables) {
        const all = await sql`select * from ${sql.table(table.name)}`.execute(t.db);
        expect(JSON.stringify(all.rows), table.name).not.toContain(token);
      }
    });

    it('works once, even when used from several connections at the same moment', async () => {
      const token = await tokenFor(person.username);
      const agents = await Promise.all(
        Array.from({ length: 6 }, (_, i) => visitor(t.app, `192.0.2.${i + 1}`)),
      );
      const responses = await Promise.all(agents.map((agent) => useLink(token, agent)));
      const statuses = responses.map((r) => r.statusCode).sort();
      expect(statuses).toEqual([303, 400, 400, 400, 400, 400]);
      expect(await audit('password.reset')).toHaveLength(1);
      expect((await useLink(token)).statusCode).toBe(400);
    });

    it('is refused after it expires, and an older link stays usable until its own expiry', async () => {
      const first = await tokenFor(person.username);
      t.clock.advance(30 * 60_000);
      const second = await tokenFor(person.username);
      t.clock.advance(30 * 60_000);
      expect((await useLink(first)).statusCode).toBe(400);
      expect((await useLink(second)).statusCode).toBe(303);
    });

    it('refuses a token that differs by one character', async () => {
      const token = await tokenFor(person.username);
      const other = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
      expect((await useLink(other)).statusCode).toBe(400);
      expect((await useLink(token)).statusCode).toBe(303);
    });
  });
});
