import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { paths } from '../../paths.js';
import { forEachDatabase } from '../../../test/support/databases.js';
import {
  buildAccount,
  buildCentre,
  type BuiltAccount,
  type BuiltCentre,
} from '../../../test/support/factories.js';
import { Agent, createTestApp, signedIn, type TestApp } from '../../../test/support/test-app.js';

/** One `<h1>` per page, as the layout promises. */
function headingsOf(html: string): string[] {
  return [...html.matchAll(/<h1[^>]*>([\s\S]*?)<\/h1>/g)].map((m) =>
    (m[1] ?? '').replace(/<[^>]+>/g, '').trim(),
  );
}

/** Follows a post/redirect/get answer to the page it points at. */
async function follow(
  agent: Agent,
  response: { statusCode: number; headers: Record<string, unknown> },
) {
  expect(response.statusCode).toBe(303);
  return agent.get(String(response.headers.location));
}

forEachDatabase('Examinations Officer pages', (kind) => {
  let t: TestApp;
  let centre: BuiltCentre;
  let otherCentre: BuiltCentre;
  let eo: BuiltAccount;
  let teacher: BuiltAccount;
  let stranger: BuiltAccount;
  let officer: Agent;

  beforeEach(async () => {
    t = await createTestApp(kind);
    centre = await buildCentre(t.db, { sites: 2 });
    otherCentre = await buildCentre(t.db);
    eo = await buildAccount(t.db, centre, {
      first: 'Eve',
      last: 'Officer',
      examsOfficer: true,
      mybtecAccess: false,
    });
    teacher = await buildAccount(t.db, centre, { first: 'Tom', last: 'Teacher' });
    stranger = await buildAccount(t.db, otherCentre, { first: 'Sam', last: 'Stranger' });
    officer = await signedIn(t.app, eo.username);
  });
  afterEach(() => t.close());

  const audit = (action: string) =>
    t.db.selectFrom('audit_events').selectAll().where('action', '=', action).execute();
  const outboxTo = (address: string) =>
    t.db.selectFrom('outbox').selectAll().where('to_address', '=', address).execute();
  const accountRow = (id: string) =>
    t.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const siteId = (index: number) => centre.siteIds[index] as string;

  const pages = () => [
    paths.admin.accounts,
    paths.admin.newAccount,
    paths.admin.account(teacher.id),
    paths.admin.sites,
    paths.admin.siteQualityNominee(siteId(0)),
    paths.admin.centreQualityNominee,
  ];
  const forms = (): { url: string; body: Record<string, string> }[] => [
    {
      url: paths.admin.newAccount,
      body: { firstName: 'A', lastName: 'B', username: 'a.b@test.example' },
    },
    {
      url: paths.admin.account(teacher.id),
      body: { firstName: 'Tom', lastName: 'Teacher', homeSiteId: siteId(0) },
    },
    { url: paths.admin.siteQualityNominee(siteId(0)), body: { accountId: teacher.id } },
    { url: paths.admin.centreQualityNominee, body: { accountId: teacher.id } },
  ];

  describe('who may reach them', () => {
    it('sends a signed-out visitor to log in, for every page and every form', async () => {
      const visitor = new Agent(t.app);
      for (const url of pages()) {
        const response = await visitor.get(url);
        expect(response.statusCode, url).toBe(303);
        expect(response.headers.location, url).toBe(paths.login);
      }
      for (const { url, body } of forms()) {
        const response = await visitor.form(url, body, { csrf: false });
        expect(response.statusCode, url).toBe(303);
        expect(response.headers.location, url).toBe(paths.login);
      }
    });

    it('refuses a signed-in person who is not an Examinations Officer, changing nothing', async () => {
      const agent = await signedIn(t.app, teacher.username);
      for (const url of pages()) {
        const response = await agent.get(url);
        expect(response.statusCode, url).toBe(403);
        expect(response.body).toContain('Only an Examinations Officer can manage accounts');
      }
      for (const { url, body } of forms()) {
        expect((await agent.form(url, body)).statusCode, url).toBe(403);
      }
      expect(await audit('account.created')).toHaveLength(0);
      expect(await audit('account.updated')).toHaveLength(0);
      expect(await audit('site.quality_nominee_set')).toHaveLength(0);
      expect(await audit('centre.quality_nominee_set')).toHaveLength(0);
    });

    it('lets an Examinations Officer without myBTEC access in, with one heading per page', async () => {
      for (const url of pages()) {
        const response = await officer.get(url);
        expect(response.statusCode, url).toBe(200);
        expect(headingsOf(response.body), url).toHaveLength(1);
      }
    });

    it('answers "not found" for an account or a site of another centre, and changes nothing', async () => {
      expect((await officer.get(paths.admin.account(stranger.id))).statusCode).toBe(404);
      expect(
        (await officer.get(paths.admin.siteQualityNominee(otherCentre.siteIds[0] as string)))
          .statusCode,
      ).toBe(404);
      expect((await officer.get(paths.admin.account('no-such-account'))).statusCode).toBe(404);

      const edit = await officer.form(paths.admin.account(stranger.id), {
        firstName: 'Taken',
        lastName: 'Over',
        homeSiteId: siteId(0),
      });
      expect(edit.statusCode).toBe(404);
      expect(edit.body).toContain('Page not found');
      expect((await accountRow(stranger.id)).first_name).toBe('Sam');

      const nominee = await officer.form(
        paths.admin.siteQualityNominee(otherCentre.siteIds[0] as string),
        { accountId: teacher.id },
      );
      expect(nominee.statusCode).toBe(404);
      const site = await t.db
        .selectFrom('sites')
        .selectAll()
        .where('id', '=', otherCentre.siteIds[0] as string)
        .executeTakeFirstOrThrow();
      expect(site.quality_nominee_id).toBeNull();
    });

    it('refuses every form posted without its CSRF token, changing nothing', async () => {
      for (const { url, body } of forms()) {
        const response = await officer.form(url, body, { csrf: false });
        expect(response.statusCode, url).toBe(403);
        expect(response.body).toContain('This form has expired or did not come from myBTEC');
      }
      expect(
        await t.db
          .selectFrom('accounts')
          .selectAll()
          .where('username', '=', 'a.b@test.example')
          .execute(),
      ).toHaveLength(0);
      expect(await audit('site.quality_nominee_set')).toHaveLength(0);
      expect(await audit('centre.quality_nominee_set')).toHaveLength(0);
    });
  });

  describe('the accounts list', () => {
    it('shows each account of the centre only, with home site, access, role, last login and a Change link', async () => {
      const page = await officer.get(paths.admin.accounts);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<h1 class="govuk-heading-l">Accounts</h1>');
      expect(page.body).toContain('govuk-table');
      for (const heading of [
        'Name',
        'Username',
        'Home site',
        'myBTEC access',
        'Examinations Officer',
        'Last login',
      ]) {
        expect(page.body).toContain(`>${heading}</th>`);
      }
      expect(page.body).toContain('Eve Officer');
      expect(page.body).toContain(teacher.username);
      expect(page.body).toContain(`href="${paths.admin.account(teacher.id)}"`);
      expect(page.body).toContain(`href="${paths.admin.newAccount}"`);
      expect(page.body).toContain('Create an account');
      expect(page.body).not.toContain('Sam Stranger');
      expect(page.body).toContain('Never');
    });
  });

  describe('creating an account', () => {
    it('shows the form with the sites of the centre as radios, the two ticks and the optional password', async () => {
      const page = await officer.get(paths.admin.newAccount);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Create an account');
      expect(page.body).toContain(`value="${siteId(0)}" checked`);
      expect(page.body).toContain(`value="${siteId(1)}"`);
      expect(page.body).not.toContain(`value="${otherCentre.siteIds[0]}"`);
      expect(page.body).toContain('myBTEC access');
      expect(page.body).toContain('Leave blank to email a link to set a password');
    });

    it('answers 400 with the error summary and each field message, keeping what was typed', async () => {
      const response = await officer.form(paths.admin.newAccount, {
        firstName: '',
        lastName: 'Smith',
        username: 'not-an-email',
        homeSiteId: siteId(1),
        mybtecAccess: 'yes',
        password: 'short',
      });
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('There is a problem');
      expect(response.body).toContain('href="#firstName"');
      expect(response.body).toContain('Enter the first name');
      expect(response.body).toContain(
        'Enter the username as an email address, like name@school.ac.uk',
      );
      expect(response.body).toContain('Password must be 10 characters or more');
      expect(response.body).toContain('value="Smith"');
      expect(response.body).toContain('value="not-an-email"');
      expect(response.body).toContain(`value="${siteId(1)}" checked`);
      expect(response.body).not.toContain('value="short"');
      expect(response.body).toContain('<title>Error: Create an account');
      expect(await audit('account.created')).toHaveLength(0);
    });

    it('refuses a username that is taken and a home site of another centre', async () => {
      const response = await officer.form(paths.admin.newAccount, {
        firstName: 'Twin',
        lastName: 'Teacher',
        username: teacher.username,
        homeSiteId: otherCentre.siteIds[0] as string,
      });
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('An account with this username already exists');
      expect(response.body).toContain('Select a site of your centre');
    });

    it('creates the account, emails a set-password link, and says so on the list', async () => {
      const response = await officer.form(paths.admin.newAccount, {
        firstName: 'Nia',
        lastName: 'Newcomer',
        username: 'Nia.Newcomer@Test.Example',
        homeSiteId: siteId(1),
        mybtecAccess: 'yes',
        password: '',
      });
      const list = await follow(officer, response);
      expect(list.statusCode).toBe(200);
      expect(list.body).toContain('govuk-notification-banner--success');
      expect(list.body).toContain('Account created for Nia Newcomer (nia.newcomer@test.example)');
      expect(list.body).toContain(
        'We have emailed nia.newcomer@test.example a link to set a password',
      );

      const row = await t.db
        .selectFrom('accounts')
        .selectAll()
        .where('username', '=', 'nia.newcomer@test.example')
        .executeTakeFirstOrThrow();
      expect(row.centre_id).toBe(centre.id);
      expect(row.home_site_id).toBe(siteId(1));
      expect(row.mybtec_access).toBe(1);
      expect(row.exams_officer).toBe(0);
      expect(row.password_hash).toBeNull();
      const created = await audit('account.created');
      expect(created).toHaveLength(1);
      expect(created[0]?.actor_id).toBe(eo.id);
      expect(created[0]?.target_id).toBe(row.id);
      const mail = await outboxTo('nia.newcomer@test.example');
      expect(mail).toHaveLength(1);
      expect(mail[0]?.subject).toBe('Your new myBTEC account');
      expect(mail[0]?.body_text).toContain('/password/reset?token=');
    });

    it('creates an Examinations Officer with an initial password and no email, and no myBTEC access when unticked', async () => {
      const response = await officer.form(paths.admin.newAccount, {
        firstName: 'Olu',
        lastName: 'Office',
        username: 'olu@test.example',
        homeSiteId: siteId(0),
        examsOfficer: 'yes',
        password: 'A-good-password-1',
      });
      const list = await follow(officer, response);
      expect(list.body).toContain('Account created for Olu Office');
      expect(list.body).not.toContain('We have emailed');
      const row = await t.db
        .selectFrom('accounts')
        .selectAll()
        .where('username', '=', 'olu@test.example')
        .executeTakeFirstOrThrow();
      expect(row.exams_officer).toBe(1);
      expect(row.mybtec_access).toBe(0);
      expect(row.password_hash).not.toBeNull();
      expect(await outboxTo('olu@test.example')).toHaveLength(0);
      expect(await audit('account.created')).toHaveLength(1);
    });
  });

  describe('changing an account', () => {
    it('shows the form filled in with the account as it is', async () => {
      const page = await officer.get(paths.admin.account(teacher.id));
      expect(page.statusCode).toBe(200);
      expect(headingsOf(page.body)).toEqual(['Change the account of Tom Teacher']);
      expect(page.body).toContain('value="Tom"');
      expect(page.body).toContain(`value="${siteId(0)}" checked`);
      expect(page.body).toMatch(
        /id="mybtecAccess" name="mybtecAccess" type="checkbox" value="yes" checked/,
      );
      expect(page.body).toMatch(
        /id="examsOfficer" name="examsOfficer" type="checkbox" value="yes"[^>]*>/,
      );
      expect(page.body).not.toMatch(
        /id="examsOfficer" name="examsOfficer" type="checkbox" value="yes" checked/,
      );
    });

    it('reads an unticked box (a field not sent at all) as no: removes myBTEC access and emails the person', async () => {
      const response = await officer.form(paths.admin.account(teacher.id), {
        firstName: 'Thomas',
        lastName: 'Teacher',
        homeSiteId: siteId(1),
      });
      const list = await follow(officer, response);
      expect(list.body).toContain('Changes to the account of Thomas Teacher saved');
      const row = await accountRow(teacher.id);
      expect(row.first_name).toBe('Thomas');
      expect(row.home_site_id).toBe(siteId(1));
      expect(row.mybtec_access).toBe(0);
      expect(row.exams_officer).toBe(0);
      const updated = await audit('account.updated');
      expect(updated).toHaveLength(1);
      expect(updated[0]?.target_id).toBe(teacher.id);
      expect(JSON.parse(updated[0]?.details ?? '{}')).toMatchObject({
        after: { firstName: 'Thomas', mybtecAccess: false },
      });
      const mail = await outboxTo(teacher.username);
      expect(mail).toHaveLength(1);
      expect(mail[0]?.subject).toBe('Your myBTEC access has been removed');
    });

    it('makes someone an Examinations Officer when the box is ticked', async () => {
      await follow(
        officer,
        await officer.form(paths.admin.account(teacher.id), {
          firstName: 'Tom',
          lastName: 'Teacher',
          homeSiteId: siteId(0),
          mybtecAccess: 'yes',
          examsOfficer: 'yes',
        }),
      );
      const row = await accountRow(teacher.id);
      expect(row.exams_officer).toBe(1);
      expect(row.mybtec_access).toBe(1);
      expect(await outboxTo(teacher.username)).toHaveLength(0);
    });

    it('answers 400 for an empty name, a site of another centre, or removing your own Examinations Officer role', async () => {
      const response = await officer.form(paths.admin.account(teacher.id), {
        firstName: '',
        lastName: 'Teacher',
        homeSiteId: otherCentre.siteIds[0] as string,
        mybtecAccess: 'yes',
      });
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('There is a problem');
      expect(response.body).toContain('Enter the first name');
      expect(response.body).toContain('Select a site of your centre');
      expect(response.body).toContain('value="Teacher"');

      const self = await officer.form(paths.admin.account(eo.id), {
        firstName: 'Eve',
        lastName: 'Officer',
        homeSiteId: siteId(0),
      });
      expect(self.statusCode).toBe(400);
      expect(self.body).toContain('href="#examsOfficer"');
      expect(self.body).toContain('You cannot remove your own Examinations Officer role');
      expect((await accountRow(eo.id)).exams_officer).toBe(1);
      expect(await audit('account.updated')).toHaveLength(0);
    });
  });

  describe('Quality Nominees', () => {
    it('lists each site with its Quality Nominee and the centre-wide one, each with a Change link', async () => {
      await t.db
        .updateTable('sites')
        .set({ quality_nominee_id: teacher.id })
        .where('id', '=', siteId(1))
        .execute();
      const page = await officer.get(paths.admin.sites);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Sites and Quality Nominees');
      expect(page.body).toContain('Tom Teacher');
      expect(page.body).toContain('None recorded');
      expect(page.body).toContain(`href="${paths.admin.siteQualityNominee(siteId(0))}"`);
      expect(page.body).toContain(`href="${paths.admin.siteQualityNominee(siteId(1))}"`);
      expect(page.body).toContain(`href="${paths.admin.centreQualityNominee}"`);
    });

    it('offers the accounts of the centre and "No Quality Nominee", with the current choice selected', async () => {
      await t.db
        .updateTable('sites')
        .set({ quality_nominee_id: teacher.id })
        .where('id', '=', siteId(0))
        .execute();
      const page = await officer.get(paths.admin.siteQualityNominee(siteId(0)));
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(`value="${teacher.id}" checked`);
      expect(page.body).toContain('No Quality Nominee');
      expect(page.body).not.toContain(stranger.id);
      const centrePage = await officer.get(paths.admin.centreQualityNominee);
      expect(centrePage.body).toContain('value="none" checked');
      expect(centrePage.body).toContain('covers every site of the centre');
    });

    it('records the Quality Nominee of a site, with its audit row and an email to the nominee', async () => {
      const response = await officer.form(paths.admin.siteQualityNominee(siteId(1)), {
        accountId: teacher.id,
      });
      const page = await follow(officer, response);
      expect(page.body).toContain('govuk-notification-banner--success');
      expect(page.body).toMatch(/Tom Teacher is now the Quality Nominee for site \S+ Site 2/);
      const site = await t.db
        .selectFrom('sites')
        .selectAll()
        .where('id', '=', siteId(1))
        .executeTakeFirstOrThrow();
      expect(site.quality_nominee_id).toBe(teacher.id);
      const events = await audit('site.quality_nominee_set');
      expect(events).toHaveLength(1);
      expect(events[0]?.site_id).toBe(siteId(1));
      expect(events[0]?.actor_id).toBe(eo.id);
      const mail = await outboxTo(teacher.username);
      expect(mail).toHaveLength(1);
      expect(mail[0]?.subject).toBe('You are now a Quality Nominee in myBTEC');

      const cleared = await follow(
        officer,
        await officer.form(paths.admin.siteQualityNominee(siteId(1)), { accountId: 'none' }),
      );
      expect(cleared.body).toContain('now has no Quality Nominee of its own');
      const after = await t.db
        .selectFrom('sites')
        .selectAll()
        .where('id', '=', siteId(1))
        .executeTakeFirstOrThrow();
      expect(after.quality_nominee_id).toBeNull();
      expect(await audit('site.quality_nominee_set')).toHaveLength(2);
    });

    it('records the centre-wide Quality Nominee, with its audit row and an email', async () => {
      const page = await follow(
        officer,
        await officer.form(paths.admin.centreQualityNominee, { accountId: teacher.id }),
      );
      expect(page.body).toContain('Tom Teacher is now the Quality Nominee for the whole centre');
      const row = await t.db
        .selectFrom('centres')
        .selectAll()
        .where('id', '=', centre.id)
        .executeTakeFirstOrThrow();
      expect(row.quality_nominee_id).toBe(teacher.id);
      expect(await audit('centre.quality_nominee_set')).toHaveLength(1);
      expect(await outboxTo(teacher.username)).toHaveLength(1);
    });

    it('answers 400 when nobody is chosen, or when the person is from another centre', async () => {
      const none = await officer.form(paths.admin.siteQualityNominee(siteId(0)), {});
      expect(none.statusCode).toBe(400);
      expect(none.body).toContain('There is a problem');
      expect(none.body).toContain('href="#accountId"');
      expect(none.body).toContain(
        'Select who is the Quality Nominee, or select No Quality Nominee',
      );

      const foreign = await officer.form(paths.admin.centreQualityNominee, {
        accountId: stranger.id,
      });
      expect(foreign.statusCode).toBe(400);
      expect(foreign.body).toContain('Select a person with an account in your centre');

      expect(await audit('site.quality_nominee_set')).toHaveLength(0);
      expect(await audit('centre.quality_nominee_set')).toHaveLength(0);
      expect(await t.db.selectFrom('outbox').selectAll().execute()).toHaveLength(0);
    });
  });
});
