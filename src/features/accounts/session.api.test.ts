import { afterEach, beforeEach, expect, it } from 'vitest';
import { paths } from '../../paths.js';
import { forEachDatabase } from '../../../test/support/databases.js';
import {
  buildAccount,
  buildCentre,
  PASSWORD,
  type BuiltAccount,
  type BuiltCentre,
} from '../../../test/support/factories.js';
import { Agent, createTestApp, type TestApp } from '../../../test/support/test-app.js';
import { LOCK_MS } from './account.service.js';
import { TERMS_VERSION } from './terms.js';

interface ErrorBody {
  error: { code: string; message: string; fields?: Record<string, string>; lockedUntil?: string };
}

forEachDatabase('the session API', (kind) => {
  let t: TestApp;
  let centre: BuiltCentre;
  let person: BuiltAccount;

  beforeEach(async () => {
    t = await createTestApp(kind);
    centre = await buildCentre(t.db);
    person = await buildAccount(t.db, centre, { first: 'Grace', last: 'Hopper' });
  });
  afterEach(() => t.close());

  const audit = (action: string) =>
    t.db.selectFrom('audit_events').selectAll().where('action', '=', action).execute();
  const errorOf = (response: { json(): unknown }) => (response.json() as ErrorBody).error;

  /** Logs in through the API and fetches the CSRF token, as an API client would. */
  async function apiSignIn(username: string, password = PASSWORD): Promise<Agent> {
    const agent = new Agent(t.app);
    const response = await agent.api('POST', paths.api.session, { username, password });
    expect(response.statusCode).toBe(200);
    const session = await agent.get(paths.api.session);
    agent.csrfToken = (session.json() as { csrfToken: string }).csrfToken;
    return agent;
  }

  it('logs in: 200 with the user and a session cookie; GET answers the user, a CSRF token and the terms', async () => {
    const agent = new Agent(t.app);
    const response = await agent.api('POST', paths.api.session, {
      username: person.username,
      password: PASSWORD,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      user: { id: person.id, firstName: 'Grace', lastName: 'Hopper', username: person.username },
    });
    const cookie = response.cookies.find((c) => c.name === 'mybtec_session');
    expect(cookie?.value).toBeTruthy();
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');

    const session = await agent.get(paths.api.session);
    expect(session.statusCode).toBe(200);
    const body = session.json() as { user: unknown; csrfToken: string; termsAccepted: boolean };
    expect(body.user).toEqual({
      id: person.id,
      firstName: 'Grace',
      lastName: 'Hopper',
      username: person.username,
    });
    expect(typeof body.csrfToken).toBe('string');
    expect(body.csrfToken.length).toBeGreaterThan(10);
    expect(body.termsAccepted).toBe(true);

    const rows = await t.db
      .selectFrom('sessions')
      .select('id')
      .where('account_id', '=', person.id)
      .execute();
    expect(rows).toHaveLength(1);
    expect(await audit('login.succeeded')).toHaveLength(1);
  });

  it('answers 401 invalid_credentials alike for a wrong password and an unknown username', async () => {
    const wrong = await new Agent(t.app).api('POST', paths.api.session, {
      username: person.username,
      password: PASSWORD.toLowerCase(),
    });
    const unknown = await new Agent(t.app).api('POST', paths.api.session, {
      username: 'nobody@test.example',
      password: PASSWORD,
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(errorOf(wrong).code).toBe('invalid_credentials');
    expect(errorOf(unknown)).toEqual(errorOf(wrong));
    expect(errorOf(wrong).message).toBe(
      'The username or password is not right. Passwords are case sensitive.',
    );
    expect(wrong.cookies.find((c) => c.name === 'mybtec_session')).toBeUndefined();
    expect(await audit('login.failed')).toHaveLength(2);
  });

  it('answers 423 account_locked with lockedUntil after three wrong passwords, even for the right one', async () => {
    const agent = new Agent(t.app);
    for (const password of ['wrong-1', 'wrong-2']) {
      expect(
        (await agent.api('POST', paths.api.session, { username: person.username, password }))
          .statusCode,
      ).toBe(401);
    }
    const third = await agent.api('POST', paths.api.session, {
      username: person.username,
      password: 'wrong-3',
    });
    expect(third.statusCode).toBe(423);
    const lockedUntil = new Date(t.clock.now().getTime() + LOCK_MS).toISOString();
    expect(errorOf(third)).toMatchObject({ code: 'account_locked', lockedUntil });

    const right = await agent.api('POST', paths.api.session, {
      username: person.username,
      password: PASSWORD,
    });
    expect(right.statusCode).toBe(423);
    const error = errorOf(right);
    expect(error.code).toBe('account_locked');
    expect(error.lockedUntil).toBe(lockedUntil);
    expect(error.message).toContain('locked');

    t.clock.advance(LOCK_MS + 1000);
    expect(
      (
        await agent.api('POST', paths.api.session, {
          username: person.username,
          password: PASSWORD,
        })
      ).statusCode,
    ).toBe(200);
  });

  it('answers 403 no_mybtec_access for an account without myBTEC access', async () => {
    const noAccess = await buildAccount(t.db, centre, { mybtecAccess: false });
    const response = await new Agent(t.app).api('POST', paths.api.session, {
      username: noAccess.username,
      password: PASSWORD,
    });
    expect(response.statusCode).toBe(403);
    expect(errorOf(response).code).toBe('no_mybtec_access');
    expect(errorOf(response).message).toContain('Contact your Examinations Officer');
    expect(
      await t.db
        .selectFrom('sessions')
        .select('id')
        .where('account_id', '=', noAccess.id)
        .execute(),
    ).toHaveLength(0);
  });

  it.each([
    ['a missing password', { username: 'someone@test.example' }, ['password']],
    ['wrong types', { username: 42, password: true }, ['username', 'password']],
    [
      'an unknown field',
      { username: 'someone@test.example', password: 'x', remember: true },
      ['remember'],
    ],
    ['empty strings', { username: '', password: '' }, ['username', 'password']],
  ])('answers 400 invalid_input with fields for %s', async (_name, body, fields) => {
    const response = await new Agent(t.app).api('POST', paths.api.session, body);
    expect(response.statusCode).toBe(400);
    const error = errorOf(response);
    expect(error.code).toBe('invalid_input');
    for (const field of fields) expect(error.fields?.[field]).toBeTruthy();
    expect(await audit('login.failed')).toHaveLength(0);
  });

  it('answers 400 invalid_input for a body that is not JSON', async () => {
    const response = await new Agent(t.app).request({
      method: 'POST',
      url: paths.api.session,
      payload: '{"username": "a@b.c", "password": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).code).toBe('invalid_input');
  });

  it.each([
    [
      'application/x-www-form-urlencoded',
      (u: string) => `username=${encodeURIComponent(u)}&password=${PASSWORD}`,
    ],
    [
      'multipart/form-data; boundary=x',
      (u: string) =>
        `--x\r\nContent-Disposition: form-data; name="username"\r\n\r\n${u}\r\n--x\r\nContent-Disposition: form-data; name="password"\r\n\r\n${PASSWORD}\r\n--x--`,
    ],
    ['text/plain', (u: string) => JSON.stringify({ username: u, password: PASSWORD })],
  ])(
    'refuses a log-in sent as %s (what another site can post): 415 invalid_input, no cookie, no session',
    async (type, body) => {
      const response = await new Agent(t.app).request({
        method: 'POST',
        url: paths.api.session,
        payload: body(person.username),
        headers: { 'content-type': type, origin: 'https://elsewhere.example' },
      });
      expect(response.statusCode).toBe(415);
      expect(response.json()).toEqual({
        error: {
          code: 'invalid_input',
          message: 'Send the body as JSON (application/json).',
          fields: {},
        },
      });
      expect(response.cookies).toEqual([]);
      expect(response.headers['set-cookie']).toBeUndefined();
      expect(await t.db.selectFrom('sessions').selectAll().execute()).toHaveLength(0);
      expect(await audit('login.succeeded')).toHaveLength(0);
    },
  );

  it('refuses a form on any other API call too, with fields in the answer', async () => {
    const agent = await apiSignIn(person.username);
    const response = await agent.request({
      method: 'POST',
      url: paths.api.termsAccept,
      payload: `_csrf=${agent.csrfToken}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.statusCode).toBe(415);
    expect(errorOf(response)).toEqual({
      code: 'invalid_input',
      message: 'Send the body as JSON (application/json).',
      fields: {},
    });
  });

  it('answers 413 for a body over 1 MB', async () => {
    const response = await new Agent(t.app).request({
      method: 'POST',
      url: paths.api.session,
      payload: JSON.stringify({ username: 'a@b.c', password: 'x'.repeat(1024 * 1024 + 10) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(413);
    expect(errorOf(response).code).toBe('payload_too_large');
  });

  it('answers 401 unauthenticated to GET before log-in', async () => {
    const response = await new Agent(t.app).get(paths.api.session);
    expect(response.statusCode).toBe(401);
    expect(errorOf(response).code).toBe('unauthenticated');
  });

  it('accepts the terms: 403 csrf without the token, then 200 with it, the version stored and audited', async () => {
    const fresh = await buildAccount(t.db, centre, { termsAccepted: false, examsOfficer: true });
    const agent = await apiSignIn(fresh.username);
    expect(
      ((await agent.get(paths.api.session)).json() as { termsAccepted: boolean }).termsAccepted,
    ).toBe(false);

    // Nothing else is allowed before the terms: neither the API nor the pages.
    const sites = await agent.get(paths.api.adminSites);
    expect(sites.statusCode).toBe(403);
    expect(errorOf(sites).code).toBe('terms_not_accepted');
    const home = await agent.get(paths.home);
    expect(home.statusCode).toBe(303);
    expect(home.headers.location).toBe(paths.terms);

    const refused = await agent.api('POST', paths.api.termsAccept, undefined, { csrf: false });
    expect(refused.statusCode).toBe(403);
    expect(errorOf(refused).code).toBe('csrf');
    const unchanged = await t.db
      .selectFrom('accounts')
      .select('terms_version')
      .where('id', '=', fresh.id)
      .executeTakeFirstOrThrow();
    expect(unchanged.terms_version).toBeNull();

    const accepted = await agent.api('POST', paths.api.termsAccept);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toEqual({ termsAccepted: true, version: TERMS_VERSION });
    const row = await t.db
      .selectFrom('accounts')
      .select(['terms_version', 'terms_accepted_at'])
      .where('id', '=', fresh.id)
      .executeTakeFirstOrThrow();
    expect(row.terms_version).toBe(TERMS_VERSION);
    expect(row.terms_accepted_at).toBe(t.clock.now().toISOString());
    const events = await audit('terms.accepted');
    expect(events).toHaveLength(1);
    expect(events[0]?.actor_id).toBe(fresh.id);

    expect(
      ((await agent.get(paths.api.session)).json() as { termsAccepted: boolean }).termsAccepted,
    ).toBe(true);
    expect((await agent.get(paths.api.adminSites)).statusCode).toBe(200);
  });

  it('answers 401 to the terms and to log-out when signed out', async () => {
    const agent = new Agent(t.app);
    expect((await agent.api('POST', paths.api.termsAccept)).statusCode).toBe(401);
    expect((await agent.api('DELETE', paths.api.session)).statusCode).toBe(401);
  });

  it('logs out: 204, the session row is gone and GET answers 401 afterwards', async () => {
    const agent = await apiSignIn(person.username);
    expect(
      await t.db.selectFrom('sessions').select('id').where('account_id', '=', person.id).execute(),
    ).toHaveLength(1);

    const refused = await agent.api('DELETE', paths.api.session, undefined, { csrf: false });
    expect(refused.statusCode).toBe(403);
    expect(errorOf(refused).code).toBe('csrf');

    const out = await agent.api('DELETE', paths.api.session);
    expect(out.statusCode).toBe(204);
    expect(out.body).toBe('');
    expect(
      await t.db.selectFrom('sessions').select('id').where('account_id', '=', person.id).execute(),
    ).toHaveLength(0);
    expect(await audit('logout')).toHaveLength(1);

    const after = await agent.get(paths.api.session);
    expect(after.statusCode).toBe(401);
    expect(errorOf(after).code).toBe('unauthenticated');
  });

  it('publishes a valid OpenAPI 3 document that lists /api/v1/session', async () => {
    const response = await new Agent(t.app).get(paths.api.openapi);
    expect(response.statusCode).toBe(200);
    const doc = response.json() as {
      openapi: string;
      info: { title: string; version: string };
      paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
    };
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toBeTruthy();
    const session = doc.paths[paths.api.session];
    expect(Object.keys(session ?? {}).sort()).toEqual(['delete', 'get', 'post']);
    expect(Object.keys(session?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '423']),
    );
    expect(doc.paths[paths.api.termsAccept]?.post).toBeDefined();
    // Every API operation answers something documented; hidden routes are left out.
    for (const [route, operations] of Object.entries(doc.paths)) {
      if (!route.startsWith(paths.api.root)) continue;
      for (const operation of Object.values(operations))
        expect(Object.keys(operation.responses ?? {}).length).toBeGreaterThan(0);
    }
    expect(doc.paths[paths.health]).toBeUndefined();
    expect(doc.paths[paths.api.openapi]).toBeUndefined();
    // Every $ref points at something in the document.
    const refs = [...response.body.matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1] as string);
    for (const ref of refs) {
      const target = ref
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
      expect(target, ref).toBeDefined();
    }
  });
});
