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

function headingsOf(html: string): string[] {
  return [...html.matchAll(/<h1[^>]*>([\s\S]*?)<\/h1>/g)].map((m) =>
    (m[1] ?? '').replace(/<[^>]+>/g, '').trim(),
  );
}

forEachDatabase('home, help, links, feedback and the pages to come', (kind) => {
  let t: TestApp;
  let centre: BuiltCentre;
  let otherCentre: BuiltCentre;
  let qn: BuiltAccount;
  let mainTeacher: BuiltAccount;
  let northTeacher: BuiltAccount;
  let stranger: BuiltAccount;

  beforeEach(async () => {
    t = await createTestApp(kind);
    centre = await buildCentre(t.db, { sites: 2 });
    otherCentre = await buildCentre(t.db);
    qn = await buildAccount(t.db, centre, { first: 'Quinn', last: 'Nominee' });
    mainTeacher = await buildAccount(t.db, centre, { first: 'Mia', last: 'Main' });
    northTeacher = await buildAccount(t.db, centre, { first: 'Ned', last: 'North', siteIndex: 1 });
    stranger = await buildAccount(t.db, otherCentre, { first: 'Sam', last: 'Stranger' });
    await t.db
      .updateTable('sites')
      .set({ quality_nominee_id: qn.id })
      .where('id', '=', centre.siteIds[0] as string)
      .execute();
  });
  afterEach(() => t.close());

  const audit = (action: string) =>
    t.db.selectFrom('audit_events').selectAll().where('action', '=', action).execute();
  const feedbackRows = () =>
    t.db.selectFrom('feedback').selectAll().orderBy('created_at').execute();

  const signedInPages = [
    paths.home,
    paths.links,
    paths.feedback,
    paths.feedbackReceived,
    paths.courses,
    paths.assignments,
  ];

  describe('who may reach them', () => {
    it('sends a signed-out visitor to log in, except for Help, which anyone may read', async () => {
      const visitor = new Agent(t.app);
      for (const url of signedInPages) {
        const response = await visitor.get(url);
        expect(response.statusCode, url).toBe(303);
        expect(response.headers.location, url).toBe(paths.login);
      }
      const post = await visitor.form(paths.feedback, { message: 'Hello' }, { csrf: false });
      expect(post.statusCode).toBe(303);
      expect(post.headers.location).toBe(paths.login);
      const help = await visitor.get(paths.help);
      expect(help.statusCode).toBe(200);
      expect(headingsOf(help.body)).toEqual(['Help with myBTEC']);
      expect(await feedbackRows()).toHaveLength(0);
    });

    it('refuses a person without myBTEC access, and tells them to contact the Examinations Officer', async () => {
      const officer = await buildAccount(t.db, centre, { examsOfficer: true, mybtecAccess: false });
      const agent = await signedIn(t.app, officer.username);
      for (const url of signedInPages) {
        const response = await agent.get(url);
        expect(response.statusCode, url).toBe(403);
        expect(response.body).toContain('Contact your Examinations Officer');
      }
      expect((await agent.form(paths.feedback, { message: 'Hello' })).statusCode).toBe(403);
      expect(await feedbackRows()).toHaveLength(0);
      expect((await agent.get(paths.help)).statusCode).toBe(200);
    });

    it('shows every page with exactly one heading', async () => {
      const agent = await signedIn(t.app, qn.username);
      for (const url of [...signedInPages, paths.help]) {
        const response = await agent.get(url);
        expect(response.statusCode, url).toBe(200);
        expect(headingsOf(response.body), url).toHaveLength(1);
      }
    });
  });

  describe('the content pages', () => {
    it('welcomes the person and points to Claim roles and User role approval', async () => {
      const agent = await signedIn(t.app, mainTeacher.username);
      const home = await agent.get(paths.home);
      expect(headingsOf(home.body)).toEqual(['Welcome to myBTEC']);
      expect(home.body).toContain('To get started you need to set up your user profile');
      expect(home.body).toContain(`href="${paths.claimRoles}"`);
      expect(home.body).toContain(`href="${paths.approvals}"`);
      expect(home.body).not.toContain(`href="${paths.feedbackReceived}"`);
    });

    it('tells a Quality Nominee they need not claim roles, and where their feedback is', async () => {
      const agent = await signedIn(t.app, qn.username);
      const home = await agent.get(paths.home);
      expect(home.body).toContain('you do not need to claim any roles');
      expect(home.body).toContain(`href="${paths.feedbackReceived}"`);
    });

    it("answers the guide's questions, with the roles at a glance as a table with row and column headers", async () => {
      const help = await new Agent(t.app).get(paths.help);
      const body = help.body;
      expect(body).toContain('How do I get a username and password?');
      expect(body).toContain('Examinations Officer');
      expect(body).toContain('three times in a row');
      expect(body).toContain('for one hour');
      expect(body).toContain('learner data');
      expect(body).toContain('Quality Nominee (QN)');
      expect(body).toContain('Lead Internal Verifier (LIV)');
      expect(body).toContain('that role and every role beneath it');
      expect(body).toContain('Can I use myBTEC before my role is approved?');
      expect(body).toContain(
        '<caption class="govuk-table__caption govuk-table__caption--m">Roles in myBTEC at a glance</caption>',
      );
      for (const role of [
        'Quality Nominee',
        'Lead Internal Verifier',
        'Course Leader',
        'Internal Verifier',
        'Assessor',
        'Teacher',
      ]) {
        expect(body).toContain(`<th scope="row" class="govuk-table__header">${role}</th>`);
      }
      for (const column of ['myBTEC role', 'Approve role claims', 'Courses', 'Assignment briefs']) {
        expect(body).toContain(`<th scope="col" class="govuk-table__header">${column}</th>`);
      }
      expect(body).toContain('View assignment briefs only: cannot create or approve them');
    });

    it('lists useful links, including the BTEC qualifications pages', async () => {
      const agent = await signedIn(t.app, mainTeacher.username);
      const links = await agent.get(paths.links);
      expect(links.body).toContain('BTEC qualifications');
      expect(links.body).toContain('href="https://qualifications.pearson.com/');
      expect(links.body).toContain('href="https://www.btec.co.uk/myBTEC"');
    });
  });

  describe('sending feedback', () => {
    it('shows a form with a character count of 2000', async () => {
      const agent = await signedIn(t.app, mainTeacher.username);
      const page = await agent.get(paths.feedback);
      expect(page.body).toContain('data-module="govuk-character-count"');
      expect(page.body).toContain('data-maxlength="2000"');
      expect(page.body).toContain('<textarea');
      expect(page.body).toContain('name="_csrf"');
    });

    it('refuses feedback posted without a CSRF token', async () => {
      const agent = await signedIn(t.app, mainTeacher.username);
      const response = await agent.form(paths.feedback, { message: 'Hello' }, { csrf: false });
      expect(response.statusCode).toBe(403);
      expect(await feedbackRows()).toHaveLength(0);
      expect(await audit('feedback.sent')).toHaveLength(0);
    });

    it('answers 400 with the error summary for empty feedback, or feedback over 2000 characters, keeping what was typed', async () => {
      const agent = await signedIn(t.app, mainTeacher.username);
      const empty = await agent.form(paths.feedback, { message: '   ' });
      expect(empty.statusCode).toBe(400);
      expect(empty.body).toContain('There is a problem');
      expect(empty.body).toContain('href="#message"');
      expect(empty.body).toContain('Enter your feedback');

      const long = 'x'.repeat(2001);
      const tooLong = await agent.form(paths.feedback, { message: long });
      expect(tooLong.statusCode).toBe(400);
      expect(tooLong.body).toContain('Your feedback must be 2000 characters or fewer');
      expect(tooLong.body).toContain(long);
      expect(await feedbackRows()).toHaveLength(0);
      expect(await audit('feedback.sent')).toHaveLength(0);
    });

    it('counts a new line once, as the character count does, though the browser sends two characters', async () => {
      const agent = await signedIn(t.app, mainTeacher.username);
      const message = `${'x'.repeat(999)}\r\n${'y'.repeat(1000)}`;
      const response = await agent.form(paths.feedback, { message });
      expect(response.statusCode).toBe(303);
      const [row] = await feedbackRows();
      expect(row?.message).toHaveLength(2000);
      expect(row?.message).toContain('x\ny');
    });

    it('keeps the feedback against the home site and centre, with its audit row, and confirms it', async () => {
      const agent = await signedIn(t.app, northTeacher.username);
      const response = await agent.form(paths.feedback, {
        message: '  The claim screen is clear.  ',
      });
      expect(response.statusCode).toBe(303);
      const confirmation = await agent.get(String(response.headers.location));
      expect(confirmation.statusCode).toBe(200);
      expect(headingsOf(confirmation.body)).toEqual(['Feedback sent']);

      const rows = await feedbackRows();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        account_id: northTeacher.id,
        centre_id: centre.id,
        site_id: centre.siteIds[1],
        message: 'The claim screen is clear.',
        created_at: t.clock.now().toISOString(),
      });
      const events = await audit('feedback.sent');
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        actor_id: northTeacher.id,
        target_type: 'feedback',
        target_id: rows[0]?.id,
        centre_id: centre.id,
        site_id: centre.siteIds[1],
      });
      expect(await t.db.selectFrom('outbox').selectAll().execute()).toHaveLength(0);
    });
  });

  describe('reading feedback', () => {
    async function send(account: BuiltAccount, message: string): Promise<void> {
      const agent = await signedIn(t.app, account.username);
      expect((await agent.form(paths.feedback, { message })).statusCode).toBe(303);
    }

    it('refuses anyone who is not a Quality Nominee, saying only the Quality Nominee can read feedback', async () => {
      const agent = await signedIn(t.app, mainTeacher.username);
      const response = await agent.get(paths.feedbackReceived);
      expect(response.statusCode).toBe(403);
      expect(response.body).toContain('Only the Quality Nominee can read feedback');
    });

    it('shows a site Quality Nominee the feedback from their site only, newest first', async () => {
      await send(mainTeacher, 'First from the main site');
      t.clock.advance(60_000);
      await send(northTeacher, 'From the north site');
      t.clock.advance(60_000);
      await send(mainTeacher, 'Second from the main site');
      t.clock.advance(60_000);
      await send(stranger, 'From another centre');

      const agent = await signedIn(t.app, qn.username);
      const page = await agent.get(paths.feedbackReceived);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Mia Main');
      expect(page.body).not.toContain('From the north site');
      expect(page.body).not.toContain('From another centre');
      const second = page.body.indexOf('Second from the main site');
      const first = page.body.indexOf('First from the main site');
      expect(second).toBeGreaterThan(-1);
      expect(first).toBeGreaterThan(second);
    });

    it('shows a centre-wide Quality Nominee the feedback of every site of the centre, and no other centre', async () => {
      await t.db
        .updateTable('centres')
        .set({ quality_nominee_id: mainTeacher.id })
        .where('id', '=', centre.id)
        .execute();
      await send(northTeacher, 'From the north site');
      await send(stranger, 'From another centre');
      const agent = await signedIn(t.app, mainTeacher.username);
      const page = await agent.get(paths.feedbackReceived);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('From the north site');
      expect(page.body).not.toContain('From another centre');
    });

    it('escapes what people typed', async () => {
      await send(mainTeacher, '<script>alert(1)</script>');
      const agent = await signedIn(t.app, qn.username);
      const page = await agent.get(paths.feedbackReceived);
      expect(page.body).not.toContain('<script>alert(1)</script>');
      expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    });
  });
});
