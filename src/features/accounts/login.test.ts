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
  type TestApp,
} from '../../../test/support/test-app.js';
import { LOCK_MS } from './account.service.js';
import { TERMS_VERSION } from './terms.js';

forEachDatabase('signing in on the pages', (kind) => {
  let t: TestApp;
  let centre: BuiltCentre;
  let person: BuiltAccount;

  beforeEach(async () => {
    t = await createTestApp(kind);
    centre = await buildCentre(t.db);
    person = await buildAccount(t.db, centre, { first: 'Ada', last: 'Lovelace' });
  });
  afterEach(() => t.close());

  const audit = (action: string) =>
    t.db.selectFrom('audit_events').selectAll().where('action', '=', action).execute();

  it('signs in with the right password, records the login and shows the name and site in the header', async () => {
    const agent = new Agent(t.app);
    const response = await agent.signIn(person.username);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(paths.home);
    const home = await agent.get(paths.home);
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('Hello, Ada Lovelace (Site ');
    for (const link of [
      'Claim roles',
      'User role approval',
      'Help',
      'Feedback',
      'Log out',
      'Courses',
      'Assignments',
      'Links',
    ]) {
      expect(home.body).toContain(link);
    }
    const events = await audit('login.succeeded');
    expect(events).toHaveLength(1);
    expect(events[0]?.actor_id).toBe(person.id);
    const row = await t.db
      .selectFrom('accounts')
      .select('last_login_at')
      .where('id', '=', person.id)
      .executeTakeFirstOrThrow();
    expect(row.last_login_at).toBe(t.clock.now().toISOString());
  });

  it('gives a new session id at sign-in', async () => {
    const agent = new Agent(t.app);
    const page = await agent.get(paths.login);
    const before = page.cookies.find((c) => c.name === 'mybtec_session')?.value;
    agent.csrfToken = csrfFromHtml(page.body);
    const response = await agent.form(paths.login, {
      username: person.username,
      password: PASSWORD,
    });
    const after = response.cookies.find((c) => c.name === 'mybtec_session')?.value;
    expect(before).toBeTruthy();
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    const cookie = response.cookies.find((c) => c.name === 'mybtec_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
  });

  it('treats passwords as case sensitive and says the same for a wrong username and a wrong password', async () => {
    const agent = new Agent(t.app);
    const wrongCase = await agent.signIn(person.username, PASSWORD.toLowerCase());
    expect(wrongCase.statusCode).toBe(401);
    const unknown = await agent.signIn('nobody@test.example', PASSWORD);
    expect(unknown.statusCode).toBe(401);
    const message = 'The username or password is not right. Passwords are case sensitive.';
    expect(wrongCase.body).toContain(message);
    expect(unknown.body).toContain(message);
    expect(await audit('login.failed')).toHaveLength(2);
  });

  it('locks the account for one hour after three wrong passwords in a row, refusing even the right one', async () => {
    const agent = new Agent(t.app);
    await agent.signIn(person.username, 'wrong-1');
    await agent.signIn(person.username, 'wrong-2');
    const third = await agent.signIn(person.username, 'wrong-3');
    expect(third.statusCode).toBe(423);
    expect(third.body).toContain('Your account is locked after three wrong passwords in a row');
    expect(third.body).toContain('You can try again after 3 December 2026 at 10:00am');

    t.clock.advance(LOCK_MS - 1000);
    const stillLocked = await agent.signIn(person.username, PASSWORD);
    expect(stillLocked.statusCode).toBe(423);

    t.clock.advance(2000);
    const after = await agent.signIn(person.username, PASSWORD);
    expect(after.statusCode).toBe(303);
    expect(await audit('login.locked')).toHaveLength(1);
    expect(await audit('login.refused_locked')).toHaveLength(1);
  });

  it('resets the count of wrong passwords after a successful login', async () => {
    const agent = new Agent(t.app);
    await agent.signIn(person.username, 'wrong-1');
    await agent.signIn(person.username, 'wrong-2');
    expect((await agent.signIn(person.username)).statusCode).toBe(303);
    const other = new Agent(t.app);
    await other.signIn(person.username, 'wrong-3');
    await other.signIn(person.username, 'wrong-4');
    expect((await other.signIn(person.username)).statusCode).toBe(303);
  });

  it('refuses an account without myBTEC access and says to contact the Examinations Officer', async () => {
    const noAccess = await buildAccount(t.db, centre, { mybtecAccess: false });
    const response = await new Agent(t.app).signIn(noAccess.username);
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('Contact your Examinations Officer');
    expect(await audit('login.refused_no_access')).toHaveLength(1);
  });

  it('answers 400 with the error summary when the username or password is missing', async () => {
    const agent = new Agent(t.app);
    const page = await agent.get(paths.login);
    agent.csrfToken = csrfFromHtml(page.body);
    const response = await agent.form(paths.login, { username: '', password: '' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('There is a problem');
    expect(response.body).toContain('href="#username"');
    expect(response.body).toContain('Enter your username');
    expect(response.body).toContain('Enter your password');
  });

  it('refuses a login form posted without its CSRF token', async () => {
    const agent = new Agent(t.app);
    await agent.get(paths.login);
    const response = await agent.form(
      paths.login,
      { username: person.username, password: PASSWORD },
      { csrf: false },
    );
    expect(response.statusCode).toBe(403);
    expect(await audit('login.succeeded')).toHaveLength(0);
  });

  it('sends someone who has not accepted the terms to the terms first, and records the acceptance', async () => {
    const fresh = await buildAccount(t.db, centre, { termsAccepted: false });
    const agent = new Agent(t.app);
    const response = await agent.signIn(fresh.username);
    expect(response.headers.location).toBe(paths.terms);
    const home = await agent.get(paths.home);
    expect(home.statusCode).toBe(303);
    expect(home.headers.location).toBe(paths.terms);

    const terms = await agent.get(paths.terms);
    expect(terms.body).toContain('learner data');
    const refused = await agent.form(paths.terms, {});
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Select that you have read and accept the terms and conditions');

    const accepted = await agent.form(paths.terms, { accept: 'yes' });
    expect(accepted.statusCode).toBe(303);
    expect(accepted.headers.location).toBe(paths.home);
    const row = await t.db
      .selectFrom('accounts')
      .select('terms_version')
      .where('id', '=', fresh.id)
      .executeTakeFirstOrThrow();
    expect(row.terms_version).toBe(TERMS_VERSION);
    expect(await audit('terms.accepted')).toHaveLength(1);
    expect((await agent.get(paths.home)).statusCode).toBe(200);
  });

  it('logs out: the server-side session is gone and the old cookie no longer works', async () => {
    const agent = new Agent(t.app);
    await agent.signIn(person.username);
    const sessionsBefore = await t.db
      .selectFrom('sessions')
      .select('id')
      .where('account_id', '=', person.id)
      .execute();
    expect(sessionsBefore).toHaveLength(1);
    const out = await agent.form(paths.logout, {});
    expect(out.statusCode).toBe(303);
    const sessionsAfter = await t.db
      .selectFrom('sessions')
      .select('id')
      .where('account_id', '=', person.id)
      .execute();
    expect(sessionsAfter).toHaveLength(0);
    const home = await agent.get(paths.home);
    expect(home.statusCode).toBe(303);
    expect(home.headers.location).toBe(paths.login);
    expect(await audit('logout')).toHaveLength(1);
  });

  it('signs out a session left idle for half an hour, and keeps one idle for a little less', async () => {
    const agent = new Agent(t.app);
    await agent.signIn(person.username);
    t.clock.advance(29 * 60_000);
    expect((await agent.get(paths.home)).statusCode).toBe(200);
    t.clock.advance(30 * 60_000);
    const home = await agent.get(paths.home);
    expect(home.statusCode).toBe(303);
    expect(home.headers.location).toBe(paths.login);
  });

  it('sends a signed-out visitor to the login page', async () => {
    const response = await new Agent(t.app).get(paths.home);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(paths.login);
  });

  it('sets a nonce-based Content-Security-Policy and the other security headers', async () => {
    const response = await new Agent(t.app).get(paths.login);
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self' 'nonce-[0-9a-f]+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    const nonce = /'nonce-([0-9a-f]+)'/.exec(csp)?.[1];
    expect(response.body).toContain(`nonce="${nonce}"`);
  });
});
