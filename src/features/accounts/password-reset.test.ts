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
import {
  Agent,
  createTestApp,
  csrfFromHtml,
  signedIn,
  type TestApp,
} from '../../../test/support/test-app.js';
import { RESET_LINK_MS, SET_PASSWORD_LINK_MS } from './account.service.js';

const NEW_PASSWORD = 'Brand-New-Secret-42';
const LINK = /http:\/\/localhost:3000\/password\/reset\?token=([A-Za-z0-9_-]+)/;

forEachDatabase('forgotten password pages', (kind) => {
  let t: TestApp;
  let centre: BuiltCentre;
  let person: BuiltAccount;

  beforeEach(async () => {
    t = await createTestApp(kind);
    centre = await buildCentre(t.db);
    person = await buildAccount(t.db, centre, { first: 'Mary', last: 'Somerville' });
  });
  afterEach(() => t.close());

  const audit = (action: string) =>
    t.db.selectFrom('audit_events').selectAll().where('action', '=', action).execute();
  const outbox = () => t.db.selectFrom('outbox').selectAll().execute();

  /** Asks for a reset link on the page, as a person would. */
  async function askForReset(username: string, agent = new Agent(t.app)) {
    const page = await agent.get(paths.forgottenPassword);
    expect(page.statusCode).toBe(200);
    agent.csrfToken = csrfFromHtml(page.body);
    return agent.form(paths.forgottenPassword, { username });
  }

  /** The token in the one reset email queued for this username. */
  async function tokenSentTo(username: string): Promise<string> {
    const emails = (await outbox()).filter((e) => e.to_address === username);
    expect(emails).toHaveLength(1);
    const token = LINK.exec(emails[0]?.body_text ?? '')?.[1];
    expect(token).toBeTruthy();
    return token as string;
  }

  /** Opens the link and posts the new password (twice), as a person would. */
  async function useLink(
    token: string,
    password = NEW_PASSWORD,
    confirmPassword = password,
    agent = new Agent(t.app),
  ) {
    const page = await agent.get(`${paths.resetPassword}?token=${token}`);
    if (page.statusCode === 200) agent.csrfToken = csrfFromHtml(page.body);
    else await agent.refreshCsrf();
    return {
      page,
      response: await agent.form(paths.resetPassword, { token, password, confirmPassword }),
    };
  }

  const canSignIn = async (password: string) =>
    (await new Agent(t.app).signIn(person.username, password)).statusCode;

  it('emails a one-time link for a known username, in the outbox, and audits the request', async () => {
    const response = await askForReset(person.username);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Check your email');
    const emails = await outbox();
    expect(emails).toHaveLength(1);
    expect(emails[0]?.to_address).toBe(person.username);
    expect(emails[0]?.subject).toBe('Reset your myBTEC password');
    expect(emails[0]?.sent_at).toBeNull();
    expect(emails[0]?.body_text).toMatch(LINK);
    expect(emails[0]?.body_text).toContain('Dear Mary');
    const events = await audit('password.reset_requested');
    expect(events).toHaveLength(1);
    expect(events[0]?.target_id).toBe(person.id);
  });

  it('answers an unknown username with the same page and status, and queues nothing', async () => {
    const known = await askForReset(person.username);
    const unknown = await askForReset('nobody@test.example');
    expect(unknown.statusCode).toBe(known.statusCode);
    const normalise = (body: string, username: string) =>
      body
        .replaceAll(username, 'USERNAME')
        .replace(/nonce="[^"]*"/g, 'nonce=""')
        .replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""');
    expect(normalise(unknown.body, 'nobody@test.example')).toBe(
      normalise(known.body, person.username),
    );
    expect(await outbox()).toHaveLength(1);
    expect(await t.db.selectFrom('password_resets').select('token_hash').execute()).toHaveLength(1);
    expect(await audit('password.reset_requested')).toHaveLength(2);
  });

  it('sets a new password from the link: the old one is refused and the new one accepted; audited', async () => {
    await askForReset(person.username);
    const token = await tokenSentTo(person.username);
    const { page, response } = await useLink(token);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Choose a new password');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`${paths.login}?passwordChanged=1`);

    expect(await canSignIn(PASSWORD)).toBe(401);
    expect(await canSignIn(NEW_PASSWORD)).toBe(303);
    const events = await audit('password.reset');
    expect(events).toHaveLength(1);
    expect(events[0]?.target_id).toBe(person.id);
    expect(events[0]?.actor_id).toBe(person.id);
  });

  it('works once: a second use is refused', async () => {
    await askForReset(person.username);
    const token = await tokenSentTo(person.username);
    expect((await useLink(token)).response.statusCode).toBe(303);

    const { page, response } = await useLink(token, 'Another-Password-99');
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('expired or has already been used');
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('expired or has already been used');
    expect(await canSignIn('Another-Password-99')).toBe(401);
    expect(await canSignIn(NEW_PASSWORD)).toBe(303);
    expect(await audit('password.reset')).toHaveLength(1);
  });

  it('expires after one hour', async () => {
    await askForReset(person.username);
    const token = await tokenSentTo(person.username);
    expect(RESET_LINK_MS).toBe(60 * 60_000);
    t.clock.advance(61 * 60_000);
    const { page, response } = await useLink(token);
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('expired or has already been used');
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('expired or has already been used');
    expect(await canSignIn(NEW_PASSWORD)).toBe(401);
    expect(await canSignIn(PASSWORD)).toBe(303);
    expect(await audit('password.reset')).toHaveLength(0);
  });

  it('still works just inside the hour', async () => {
    await askForReset(person.username);
    const token = await tokenSentTo(person.username);
    t.clock.advance(59 * 60_000);
    expect((await useLink(token)).response.statusCode).toBe(303);
  });

  it('clears a lockout and ends the sessions signed in with the old password', async () => {
    const elsewhere = await signedIn(t.app, person.username);
    expect((await elsewhere.get(paths.home)).statusCode).toBe(200);
    for (const wrong of ['wrong-1', 'wrong-2', 'wrong-3']) await canSignIn(wrong);
    expect(await canSignIn(PASSWORD)).toBe(423);

    await askForReset(person.username);
    const token = await tokenSentTo(person.username);
    expect((await useLink(token)).response.statusCode).toBe(303);

    const row = await t.db
      .selectFrom('accounts')
      .select(['failed_logins', 'locked_until'])
      .where('id', '=', person.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ failed_logins: 0, locked_until: null });
    expect(
      await t.db.selectFrom('sessions').select('id').where('account_id', '=', person.id).execute(),
    ).toHaveLength(0);
    const home = await elsewhere.get(paths.home);
    expect(home.statusCode).toBe(303);
    expect(home.headers.location).toBe(paths.login);
    expect(await canSignIn(NEW_PASSWORD)).toBe(303);
  });

  it('answers 400 with the error summary when the passwords do not match or are too short, and keeps the link', async () => {
    await askForReset(person.username);
    const token = await tokenSentTo(person.username);

    const mismatch = (await useLink(token, NEW_PASSWORD, `${NEW_PASSWORD}x`)).response;
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.body).toContain('There is a problem');
    expect(mismatch.body).toContain('href="#confirmPassword"');
    expect(mismatch.body).toContain('The passwords do not match');

    const short = (await useLink(token, 'short')).response;
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('There is a problem');
    expect(short.body).toContain('href="#password"');
    expect(short.body).toContain('Password must be 10 characters or more');

    expect(await canSignIn(PASSWORD)).toBe(303);
    expect((await useLink(token)).response.statusCode).toBe(303);
  });

  it('answers 400 with the error summary for a username that is not an email address', async () => {
    const response = await askForReset('not an email');
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('There is a problem');
    expect(response.body).toContain('href="#username"');
    expect(await outbox()).toHaveLength(0);
  });

  it('answers 400 for a link without a token or with a made-up one', async () => {
    expect((await new Agent(t.app).get(paths.resetPassword)).statusCode).toBe(400);
    const { page, response } = await useLink('made-up-token');
    expect(page.statusCode).toBe(400);
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('expired or has already been used');
  });

  it('refuses both forms posted without their CSRF token (403)', async () => {
    const agent = new Agent(t.app);
    await agent.get(paths.forgottenPassword);
    const ask = await agent.form(
      paths.forgottenPassword,
      { username: person.username },
      { csrf: false },
    );
    expect(ask.statusCode).toBe(403);
    expect(await outbox()).toHaveLength(0);
    expect(await audit('password.reset_requested')).toHaveLength(0);

    await askForReset(person.username);
    const token = await tokenSentTo(person.username);
    const other = new Agent(t.app);
    await other.get(`${paths.resetPassword}?token=${token}`);
    const set = await other.form(
      paths.resetPassword,
      { token, password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
      { csrf: false },
    );
    expect(set.statusCode).toBe(403);
    expect(await canSignIn(PASSWORD)).toBe(303);
    expect(await audit('password.reset')).toHaveLength(0);
  });
});

forEachDatabase('the set-password link of a new account', (kind) => {
  let t: TestApp;
  const NEW_USERNAME = 'ada.lovelace@test.example';
  const DAY = 24 * 60 * 60_000;

  beforeEach(async () => {
    t = await createTestApp(kind);
    const centre = await buildCentre(t.db);
    const eo = await buildAccount(t.db, centre, { examsOfficer: true, mybtecAccess: false });
    // The Examinations Officer creates the account without a password: myBTEC emails the link.
    const officer = await signedIn(t.app, eo.username);
    const created = await officer.api('POST', paths.api.adminAccounts, {
      username: NEW_USERNAME,
      firstName: 'Ada',
      lastName: 'Lovelace',
      mybtecAccess: true,
    });
    expect(created.statusCode).toBe(201);
  });
  afterEach(() => t.close());

  const audit = (action: string) =>
    t.db.selectFrom('audit_events').selectAll().where('action', '=', action).execute();
  const newAccount = () =>
    t.db
      .selectFrom('accounts')
      .selectAll()
      .where('username', '=', NEW_USERNAME)
      .executeTakeFirstOrThrow();

  async function linkToken(): Promise<string> {
    const emails = await t.db
      .selectFrom('outbox')
      .selectAll()
      .where('to_address', '=', NEW_USERNAME)
      .execute();
    expect(emails).toHaveLength(1);
    expect(emails[0]?.subject).toBe('Your new myBTEC account');
    expect(emails[0]?.body_text).toContain('within 7 days');
    const token = LINK.exec(emails[0]?.body_text ?? '')?.[1];
    expect(token).toBeTruthy();
    return token as string;
  }

  async function useLink(token: string, password = NEW_PASSWORD) {
    const agent = new Agent(t.app);
    const page = await agent.get(`${paths.resetPassword}?token=${token}`);
    if (page.statusCode === 200) agent.csrfToken = csrfFromHtml(page.body);
    else await agent.refreshCsrf();
    return {
      page,
      response: await agent.form(paths.resetPassword, {
        token,
        password,
        confirmPassword: password,
      }),
    };
  }

  const canSignIn = async (password: string) =>
    (await new Agent(t.app).signIn(NEW_USERNAME, password)).statusCode;

  it('sets the first password of the account: it can then sign in; audited as password.set', async () => {
    expect((await newAccount()).password_hash).toBeNull();
    expect(await canSignIn(NEW_PASSWORD)).toBe(401);
    const { page, response } = await useLink(await linkToken());
    expect(page.statusCode).toBe(200);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`${paths.login}?passwordChanged=1`);

    const account = await newAccount();
    expect(account.password_hash).not.toBeNull();
    expect(await canSignIn(NEW_PASSWORD)).toBe(303);
    const events = await audit('password.set');
    expect(events).toHaveLength(1);
    expect(events[0]?.target_id).toBe(account.id);
    expect(events[0]?.actor_id).toBe(account.id);
    expect(await audit('password.reset')).toHaveLength(0);
  });

  it('works once: a second use is refused and the first password stays', async () => {
    const token = await linkToken();
    expect((await useLink(token)).response.statusCode).toBe(303);
    const { page, response } = await useLink(token, 'Another-Password-99');
    expect(page.statusCode).toBe(400);
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('expired or has already been used');
    expect(await canSignIn('Another-Password-99')).toBe(401);
    expect(await canSignIn(NEW_PASSWORD)).toBe(303);
    expect(await audit('password.set')).toHaveLength(1);
  });

  it('still works just inside 7 days', async () => {
    const token = await linkToken();
    expect(SET_PASSWORD_LINK_MS).toBe(7 * DAY);
    t.clock.advance(7 * DAY - 60_000);
    expect((await useLink(token)).response.statusCode).toBe(303);
    expect(await canSignIn(NEW_PASSWORD)).toBe(303);
  });

  it('expires after 7 days: refused, no password set, nothing audited', async () => {
    const token = await linkToken();
    t.clock.advance(7 * DAY);
    const { page, response } = await useLink(token);
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('expired or has already been used');
    expect(response.statusCode).toBe(400);
    expect((await newAccount()).password_hash).toBeNull();
    expect(await canSignIn(NEW_PASSWORD)).toBe(401);
    expect(await audit('password.set')).toHaveLength(0);
  });
});
