import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { paths } from '../../paths.js';
import { loadSampleCatalogue } from '../qualifications/qualification.service.js';
import { forEachDatabase } from '../../../test/support/databases.js';
import {
  buildAccount,
  buildCentre,
  buildClaim,
  makeQualityNominee,
  type BuiltAccount,
  type BuiltCentre,
} from '../../../test/support/factories.js';
import { Agent, createTestApp, signedIn, type TestApp } from '../../../test/support/test-app.js';

const pages = paths.coursePages;
const QUAL = 'q-business-l3-ext-cert';
const UNIT = (n: number) => `u-business-l3-ext-cert-${n}`;
const MANDATORY = [UNIT(1), UNIT(2), UNIT(3)];

/** The text of every <h1>, so a test can say there is exactly one. */
function headingsOf(html: string): string[] {
  return [...html.matchAll(/<h1[^>]*>([\s\S]*?)<\/h1>/g)].map((m) =>
    (m[1] ?? '').replace(/<[^>]+>/g, '').trim(),
  );
}

/** What a person reads: tags removed, entities of apostrophes decoded, whitespace collapsed. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');
}

forEachDatabase('Courses pages', (kind) => {
  let t: TestApp;
  let centre: BuiltCentre;
  let other: BuiltCentre;
  let qn: BuiltAccount;
  let liv: BuiltAccount;
  let leader: BuiltAccount; // approved Course Leader, Business, main site
  let pendingLeader: BuiltAccount; // pending Course Leader claim, Business
  let teacher: BuiltAccount; // approved Teacher, Business
  let otherTeacher: BuiltAccount; // approved Teacher, Business, on no course
  let stranger: BuiltAccount; // Course Leader of another centre

  beforeEach(async () => {
    t = await createTestApp(kind);
    await loadSampleCatalogue(t.db);
    centre = await buildCentre(t.db, { sites: 2 });
    other = await buildCentre(t.db);
    qn = await buildAccount(t.db, centre, { first: 'Quinn', last: 'Nominee' });
    liv = await buildAccount(t.db, centre, { first: 'Liv', last: 'Lead' });
    leader = await buildAccount(t.db, centre, { first: 'Cora', last: 'Leader' });
    pendingLeader = await buildAccount(t.db, centre, { first: 'Penny', last: 'Pending' });
    teacher = await buildAccount(t.db, centre, { first: 'Tess', last: 'Teacher' });
    otherTeacher = await buildAccount(t.db, centre, { first: 'Otto', last: 'Outside' });
    stranger = await buildAccount(t.db, other, { first: 'Sam', last: 'Stranger' });
    await makeQualityNominee(t.db, qn, centre.siteIds[0]);
    await buildClaim(t.db, { account: liv, subjectId: 'business', role: 'lead_internal_verifier' });
    await buildClaim(t.db, { account: leader, subjectId: 'business', role: 'course_leader' });
    await buildClaim(t.db, {
      account: pendingLeader,
      subjectId: 'business',
      role: 'course_leader',
      status: 'pending',
    });
    await buildClaim(t.db, { account: teacher, subjectId: 'business', role: 'teacher' });
    await buildClaim(t.db, { account: otherTeacher, subjectId: 'business', role: 'teacher' });
    await buildClaim(t.db, { account: stranger, subjectId: 'business', role: 'course_leader' });
  });
  afterEach(() => t.close());

  const as = (person: BuiltAccount) => signedIn(t.app, person.username);
  const site0 = () => centre.siteIds[0] as string;
  const details = (overrides: Record<string, string | string[]> = {}) => ({
    site: site0(),
    subject: 'business',
    qualification: QUAL,
    title: 'Business Extended Certificate',
    academicYear: '2026/27',
    'startDate-day': '1',
    'startDate-month': '9',
    'startDate-year': '2026',
    'endDate-day': '16',
    'endDate-month': '7',
    'endDate-year': '2027',
    unitIds: [...MANDATORY, UNIT(4)],
    ...overrides,
  });
  /** Creates a course through the details form; answers its id. */
  const createThroughPage = async (
    agent: Agent,
    overrides: Record<string, string | string[]> = {},
  ) => {
    const response = await agent.form(pages.createDetails, details(overrides));
    expect(response.statusCode, response.body.slice(0, 2000)).toBe(303);
    const location = response.headers.location as string;
    expect(location).toMatch(/^\/courses\/[^/]+$/);
    return decodeURIComponent(location.slice('/courses/'.length));
  };
  const courseRow = (id: string) =>
    t.db.selectFrom('courses').selectAll().where('id', '=', id).executeTakeFirst();
  const auditOf = (action: string) =>
    t.db.selectFrom('audit_events').selectAll().where('action', '=', action).execute();
  const putOnTeam = async (courseId: string, person: BuiltAccount, role: string) => {
    await t.db
      .insertInto('course_team')
      .values({ course_id: courseId, account_id: person.id, role })
      .execute();
  };

  describe('who may reach them', () => {
    it('sends a signed-out visitor to log in', async () => {
      const visitor = new Agent(t.app);
      for (const url of [
        paths.courses,
        pages.create,
        pages.course('anything'),
        pages.team('anything'),
      ]) {
        const response = await visitor.get(url);
        expect(response.statusCode, url).toBe(303);
        expect(response.headers.location, url).toBe(paths.login);
      }
    });

    it('shows a Teacher not on the course a 403 page that says why', async () => {
      const id = await createThroughPage(await as(leader));
      const response = await (await as(otherTeacher)).get(pages.course(id));
      expect(response.statusCode).toBe(403);
      expect(headingsOf(response.body)).toEqual(['You cannot do this']);
      expect(response.body).toContain(
        'Only the team of this course or a Lead Internal Verifier in Business can view this course',
      );
    });

    it("answers 404 for another centre's course, and for its pages", async () => {
      const id = await createThroughPage(await as(leader));
      const foreign = await as(stranger);
      for (const url of [pages.course(id), pages.edit(id), pages.team(id), pages.remove(id)]) {
        expect((await foreign.get(url)).statusCode, url).toBe(404);
      }
      expect((await foreign.form(pages.confirm(id), {})).statusCode).toBe(404);
      expect((await courseRow(id))?.status).toBe('draft');
    });

    it('refuses forms posted without their CSRF token', async () => {
      const agent = await as(leader);
      const id = await createThroughPage(agent);
      const confirm = await agent.form(pages.confirm(id), {}, { csrf: false });
      expect(confirm.statusCode).toBe(403);
      expect((await courseRow(id))?.status).toBe('draft');
      const create = await agent.form(pages.createDetails, details(), { csrf: false });
      expect(create.statusCode).toBe(403);
      expect(await t.db.selectFrom('courses').select('id').execute()).toHaveLength(1);
    });

    it('does not offer Create a course to a Teacher, and refuses them the create screen', async () => {
      const agent = await as(teacher);
      const list = await agent.get(paths.courses);
      expect(list.statusCode).toBe(200);
      expect(headingsOf(list.body)).toEqual(['Courses']);
      expect(list.body).not.toContain('Create a course');
      expect((await agent.get(pages.create)).statusCode).toBe(403);
      const posted = await agent.form(pages.createDetails, details());
      expect(posted.statusCode).toBe(303); // not theirs to choose: back to the start, nothing made
      expect(posted.headers.location).toBe(pages.create);
      expect(await t.db.selectFrom('courses').select('id').execute()).toHaveLength(0);
    });
  });

  describe('creating a course', () => {
    it('goes from site and subject to qualification to details, and lands on the new course', async () => {
      const agent = await as(leader);
      const list = await agent.get(paths.courses);
      expect(list.body).toContain('Create a course');
      expect(list.body).toContain(`href="${pages.create}"`);

      const start = await agent.get(pages.create);
      expect(headingsOf(start.body)).toEqual(['Create a course']);
      const chosen = await agent.form(pages.create, { site: site0(), subject: 'business' });
      expect(chosen.statusCode).toBe(303);
      const qualificationPage = await agent.get(chosen.headers.location as string);
      expect(headingsOf(qualificationPage.body)).toEqual(['Choose the qualification']);
      expect(qualificationPage.body).toContain(
        'BTEC Level 3 National Extended Certificate in Business',
      );
      expect(qualificationPage.body).not.toContain('in Sport');

      const picked = await agent.form(pages.createQualification, {
        site: site0(),
        subject: 'business',
        qualification: QUAL,
      });
      expect(picked.statusCode).toBe(303);
      const form = await agent.get(picked.headers.location as string);
      expect(headingsOf(form.body)).toEqual(['Course details']);
      expect(form.body).toContain('Like 2026/27');
      // Mandatory units are chosen and marked; optional ones are not chosen.
      expect(form.body).toMatch(new RegExp(`value="${UNIT(3)}" checked`));
      expect(form.body).not.toMatch(new RegExp(`value="${UNIT(4)}" checked`));
      expect(textOf(form.body)).toContain('Mandatory – 120 guided learning hours');
      expect(textOf(form.body)).toContain('Optional – 60 guided learning hours');
      expect(textOf(form.body)).toContain('300 of 360 guided learning hours chosen');
      expect(form.body).toContain('src="/assets/app/courses.mjs"');

      const id = await createThroughPage(agent);
      const row = await courseRow(id);
      expect(row).toMatchObject({
        status: 'draft',
        start_date: '2026-09-01',
        end_date: '2027-07-16',
        academic_year: '2026/27',
      });
      expect(await auditOf('course.created')).toHaveLength(1);
      const page = await agent.get(pages.course(id));
      expect(headingsOf(page.body)).toEqual(['Business Extended Certificate']);
      expect(page.body).toContain('The course has been created as a draft.');
      expect(textOf(page.body)).toContain('1 September 2026');
      expect(textOf(page.body)).toContain('Cora Leader');
      expect(page.body).toContain('ready to be confirmed');
    });

    it('answers 400 with the error summary and a message by each wrong field, keeping what was typed', async () => {
      const agent = await as(leader);
      const response = await agent.form(
        pages.createDetails,
        details({
          title: ' ',
          academicYear: '2026-27',
          'startDate-month': '',
          'endDate-day': '30',
          'endDate-month': '2',
          unitIds: [UNIT(1), 'u-sport-l3-ext-cert-1'],
        }),
      );
      expect(response.statusCode).toBe(400);
      expect(headingsOf(response.body)).toEqual(['Course details']);
      expect(response.body).toContain('There is a problem');
      const text = textOf(response.body);
      for (const message of [
        'Enter a course title',
        'Enter the academic year like 2026/27',
        'Start date must include a month',
        'End date must be a real date',
        'Choose units of this qualification only',
      ])
        expect(text).toContain(message);
      for (const field of ['title', 'academicYear', 'startDate', 'endDate', 'unitIds'])
        expect(response.body).toContain(`href="#${field}"`);
      expect(response.body).toContain('id="startDate"'); // the summary's link lands on the day box
      expect(response.body).toContain('value="2026-27"');
      expect(textOf(response.body)).toContain('90 of 360 guided learning hours chosen');
      expect(await t.db.selectFrom('courses').select('id').execute()).toHaveLength(0);

      const order = await agent.form(
        pages.createDetails,
        details({ 'endDate-year': '2026', 'endDate-month': '1' }),
      );
      expect(order.statusCode).toBe(400);
      expect(order.body).toContain('The end date must be after the start date');
    });

    it('says which site and subject need choosing', async () => {
      const agent = await as(leader);
      const response = await agent.form(pages.create, {});
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('There is a problem');
      expect(response.body).toContain('Select the site where the course runs');
      expect(response.body).toContain('Select a subject area');
      const elsewhere = await agent.form(pages.create, {
        site: centre.siteIds[1] as string,
        subject: 'business',
      });
      expect(elsewhere.statusCode).toBe(400);
      expect(elsewhere.body).toContain(
        'Only a Course Leader or above in Business can create courses',
      );
    });
  });

  describe('confirming', () => {
    it('says exactly what is missing, then confirms once it is fixed', async () => {
      const agent = await as(leader);
      const id = await createThroughPage(agent, { unitIds: [UNIT(1), UNIT(2), UNIT(4)] });
      const page = await agent.get(pages.course(id));
      expect(page.body).toContain('What is missing');
      expect(page.body).toContain('Confirm course');

      const refused = await agent.form(pages.confirm(id), {});
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain('There is a problem');
      expect(textOf(refused.body)).toContain('Unit 3: Personal and Business Finance is mandatory');
      expect(textOf(refused.body)).toContain('120 more guided learning hours are needed');
      expect(refused.body).toContain('href="#problem-0"');
      expect(refused.body).toContain('id="problem-1"');
      expect((await courseRow(id))?.status).toBe('draft');

      const edit = await agent.get(pages.edit(id));
      expect(headingsOf(edit.body)).toEqual(['Edit course']);
      expect(edit.body).toContain('value="16"'); // the end date's day, as stored
      const fixed = await agent.form(pages.edit(id), {
        ...details(),
        unitIds: [...MANDATORY, UNIT(4)],
      });
      expect(fixed.statusCode).toBe(303);
      expect(fixed.headers.location).toBe(pages.course(id));
      expect(await auditOf('course.updated')).toHaveLength(1);

      const confirmed = await agent.form(pages.confirm(id), {});
      expect(confirmed.statusCode).toBe(303);
      expect((await courseRow(id))?.status).toBe('confirmed');
      expect(await auditOf('course.confirmed')).toHaveLength(1);
      const after = await agent.get(pages.course(id));
      expect(after.body).toContain('The course has been confirmed.');
      expect(after.body).not.toContain('Confirm course');
      expect(after.body).not.toContain(`href="${pages.edit(id)}"`);
      expect(after.body).toContain('Clone for next year');
      expect(after.body).toContain('Archive');
    });

    it('lets a pending Course Leader draft a course but says confirming needs an approved role', async () => {
      const agent = await as(pendingLeader);
      const id = await createThroughPage(agent);
      const page = await agent.get(pages.course(id));
      expect(page.body).not.toContain('Confirm course');
      expect(page.body).toContain('has not been approved yet');
      const refused = await agent.form(pages.confirm(id), {});
      expect(refused.statusCode).toBe(403);
      expect(textOf(refused.body)).toContain(
        'Your claim to be a Course Leader in Business has not been approved yet: confirming a course needs an approved role',
      );
      expect((await courseRow(id))?.status).toBe('draft');
    });

    it('shows a Teacher on the team the course read-only', async () => {
      const id = await createThroughPage(await as(leader));
      await putOnTeam(id, teacher, 'teacher');
      const agent = await as(teacher);
      const list = await agent.get(paths.courses);
      expect(list.body).toContain(`href="${pages.course(id)}"`);
      const page = await agent.get(pages.course(id));
      expect(page.statusCode).toBe(200);
      for (const hidden of ['Confirm course', 'Manage team', 'Clone for next year', 'Delete draft'])
        expect(page.body).not.toContain(hidden);
      expect(page.body).not.toContain(`href="${pages.edit(id)}"`);
      expect(page.body).toContain('You can see this course because you are on its team');
      expect((await agent.get(pages.edit(id))).statusCode).toBe(403);
      const refused = await agent.form(pages.confirm(id), {});
      expect(refused.statusCode).toBe(403);
      expect(textOf(refused.body)).toContain(
        'Only a Course Leader or above in Business can confirm this course',
      );
    });
  });

  describe('deleting, archiving and cloning', () => {
    it('asks before deleting a draft, then deletes it', async () => {
      const agent = await as(leader);
      const id = await createThroughPage(agent);
      const ask = await agent.get(pages.remove(id));
      expect(headingsOf(ask.body)).toEqual(['Are you sure you want to delete this draft course?']);
      const done = await agent.form(pages.remove(id), {});
      expect(done.headers.location).toBe(paths.courses);
      expect(await courseRow(id)).toBeUndefined();
      expect((await agent.get(paths.courses)).body).toContain('has been deleted');
    });

    it('archives a confirmed course instead of deleting it, and clones it as a new draft', async () => {
      const agent = await as(leader);
      const id = await createThroughPage(agent);
      await agent.form(pages.confirm(id), {});
      const ask = await agent.get(pages.remove(id));
      expect(headingsOf(ask.body)).toEqual(['Are you sure you want to archive this course?']);
      await agent.form(pages.remove(id), {});
      expect((await courseRow(id))?.status).toBe('archived');

      const cloned = await agent.form(pages.clone(id), {});
      expect(cloned.statusCode).toBe(303);
      const copyId = decodeURIComponent(
        (cloned.headers.location as string).slice('/courses/'.length),
      );
      expect(copyId).not.toBe(id);
      expect(await courseRow(copyId)).toMatchObject({
        status: 'draft',
        academic_year: '2027/28',
        cloned_from_id: id,
      });
      expect((await agent.get(pages.course(copyId))).body).toContain('This is a new draft');
    });

    it('says who was not copied to the team of a clone, as they no longer hold the role', async () => {
      const agent = await as(leader);
      const id = await createThroughPage(agent);
      await agent.form(pages.team(id), {
        [`member-${teacher.id}`]: 'teacher',
        [`member-${otherTeacher.id}`]: 'teacher',
      });
      await t.db
        .updateTable('claims')
        .set({ status: 'revoked' })
        .where('claimant_id', '=', otherTeacher.id)
        .execute();
      const cloned = await agent.form(pages.clone(id), {});
      expect(cloned.statusCode).toBe(303);
      const page = textOf((await agent.get(cloned.headers.location as string)).body);
      expect(page).toContain(
        'Not copied to its team, as they no longer hold the role in Business: Otto Outside (Teacher).',
      );
      expect(page).toContain('Tess Teacher');
    });

    it('does not delete a draft that has assignment briefs, and says why', async () => {
      const agent = await as(leader);
      const id = await createThroughPage(agent);
      const brief = await agent.api('POST', paths.api.briefs, {
        courseId: id,
        unitId: UNIT(4),
        title: 'Planning a charity event',
        criteria: ['A.P1'],
        scenario: 'You work for an events company.',
        tasks: [{ title: 'Research', description: 'Explore types of events.', criteria: ['A.P1'] }],
        evidence: 'A report.',
        issueDate: '2026-10-05',
        handInDate: '2026-11-20',
      });
      expect(brief.statusCode).toBe(201);
      const why =
        'This course has assignment briefs, so it cannot be deleted. Confirm it, then archive it instead.';
      const page = await agent.get(pages.course(id));
      expect(page.body).not.toContain('Delete draft');
      expect(textOf(page.body)).toContain(why);
      const ask = await agent.get(pages.remove(id));
      expect(ask.statusCode).toBe(409);
      expect(headingsOf(ask.body)).toEqual(['Business Extended Certificate']);
      expect(textOf(ask.body)).toContain(why);
      const posted = await agent.form(pages.remove(id), {});
      expect(posted.statusCode).toBe(409);
      expect(textOf(posted.body)).toContain(why);
      expect(posted.body).toContain('href="#course-actions"');
      expect((await courseRow(id))?.status).toBe('draft');
      expect(await auditOf('course.deleted')).toHaveLength(0);
    });
  });

  describe('refusals say why, as decide() gives it', () => {
    it('tells a Teacher on the team who may edit, and a pending leader what approval is missing', async () => {
      const id = await createThroughPage(await as(leader));
      await putOnTeam(id, teacher, 'teacher');
      const edit = await (await as(teacher)).get(pages.edit(id));
      expect(edit.statusCode).toBe(403);
      expect(textOf(edit.body)).toContain(
        'Only a Course Leader or above in Business can edit this course — ask Liv Lead, your Lead Internal Verifier',
      );

      const agent = await as(pendingLeader);
      const own = await createThroughPage(agent);
      const team = await agent.get(pages.team(own));
      expect(team.statusCode).toBe(403);
      expect(textOf(team.body)).toContain(
        'Your claim to be a Course Leader in Business has not been approved yet: adding or removing course team members needs an approved role — ask Liv Lead, your Lead Internal Verifier',
      );
      await (await as(liv)).form(pages.confirm(own), {});
      const archive = await agent.get(pages.remove(own));
      expect(archive.statusCode).toBe(403);
      expect(textOf(archive.body)).toContain(
        'has not been approved yet: archiving a course needs an approved role',
      );
    });
  });

  describe('the course team', () => {
    it('lets the Course Leader add a Teacher: the row, the audit and the email', async () => {
      const agent = await as(leader);
      const id = await createThroughPage(agent);
      const screen = await agent.get(pages.team(id));
      expect(headingsOf(screen.body)).toEqual(['Manage team']);
      // A Course Leader sees the leaders but may not change them.
      expect(screen.body).not.toContain('name="leaderIds"');
      expect(screen.body).toContain('Only the Lead Internal Verifier or the Quality Nominee');
      expect(screen.body).toContain(`id="member-${teacher.id}"`);

      const saved = await agent.form(pages.team(id), { [`member-${teacher.id}`]: 'teacher' });
      expect(saved.statusCode).toBe(303);
      expect(saved.headers.location).toBe(pages.course(id));
      const team = await t.db
        .selectFrom('course_team')
        .select(['account_id', 'role'])
        .where('course_id', '=', id)
        .execute();
      expect(team).toEqual(
        expect.arrayContaining([
          { account_id: leader.id, role: 'course_leader' },
          { account_id: teacher.id, role: 'teacher' },
        ]),
      );
      expect(team).toHaveLength(2);
      expect(await auditOf('course.team_changed')).toHaveLength(1);
      const mail = await t.db
        .selectFrom('outbox')
        .selectAll()
        .where('to_address', '=', teacher.username)
        .execute();
      expect(mail).toHaveLength(1);
      expect(mail[0]?.subject).toBe(
        'You have been added to the course Business Extended Certificate',
      );
      expect(textOf((await agent.get(pages.course(id))).body)).toContain('Tess Teacher Teacher');
    });

    it('refuses a role above the one a person holds, by their name', async () => {
      const agent = await as(leader);
      const id = await createThroughPage(agent);
      const response = await agent.form(pages.team(id), { [`member-${teacher.id}`]: 'assessor' });
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('There is a problem');
      expect(response.body).toContain(`href="#member-${teacher.id}"`);
      expect(textOf(response.body)).toContain(
        'Tess Teacher cannot be added as Assessor: they must be an approved Assessor or above in Business',
      );
      expect(await auditOf('course.team_changed')).toHaveLength(0);
    });

    it('lets the LIV change the Course Leaders', async () => {
      const id = await createThroughPage(await as(leader));
      const agent = await as(liv);
      const screen = await agent.get(pages.team(id));
      expect(screen.body).toContain('name="leaderIds"');
      expect(screen.body).toContain(`value="${liv.id}"`);
      expect(screen.body).not.toContain(`id="leader-${teacher.id}"`); // a Teacher cannot lead
      const none = await agent.form(pages.team(id), {});
      expect(none.statusCode).toBe(400);
      expect(none.body).toContain('A course needs at least one Course Leader');
      const saved = await agent.form(pages.team(id), { leaderIds: [leader.id, liv.id] });
      expect(saved.statusCode).toBe(303);
      const leaders = await t.db
        .selectFrom('course_team')
        .select('account_id')
        .where('course_id', '=', id)
        .where('role', '=', 'course_leader')
        .execute();
      expect(leaders.map((l) => l.account_id).sort()).toEqual([leader.id, liv.id].sort());
    });

    it('lets the LIV add a Teacher to a course whose leader holds only a pending claim', async () => {
      const id = await createThroughPage(await as(pendingLeader));
      const agent = await as(liv);
      const screen = await agent.get(pages.team(id));
      expect(screen.body).toContain(`id="leader-${pendingLeader.id}"`);
      const saved = await agent.form(pages.team(id), {
        leaderIds: [pendingLeader.id],
        [`member-${teacher.id}`]: 'teacher',
      });
      expect(saved.statusCode, textOf(saved.body).slice(0, 3000)).toBe(303);
      const team = await t.db
        .selectFrom('course_team')
        .select(['account_id', 'role'])
        .where('course_id', '=', id)
        .orderBy('role')
        .execute();
      expect(team).toEqual([
        { account_id: pendingLeader.id, role: 'course_leader' },
        { account_id: teacher.id, role: 'teacher' },
      ]);
    });

    it('refuses the team screen to a Teacher on the course', async () => {
      const id = await createThroughPage(await as(leader));
      await putOnTeam(id, teacher, 'teacher');
      const agent = await as(teacher);
      expect((await agent.get(pages.team(id))).statusCode).toBe(403);
      expect((await agent.form(pages.team(id), { [`member-${teacher.id}`]: '' })).statusCode).toBe(
        403,
      );
    });
  });

  describe('the list', () => {
    it('filters by subject, status and academic year', async () => {
      const agent = await as(liv);
      const a = await createThroughPage(agent, { title: 'First course' });
      await createThroughPage(agent, {
        title: 'Earlier course',
        academicYear: '2025/26',
        'startDate-year': '2025',
        'endDate-year': '2026',
      });
      await agent.form(pages.confirm(a), {});
      const all = await agent.get(paths.courses);
      expect(all.body).toContain('First course');
      expect(all.body).toContain('Earlier course');
      expect(all.body).toContain('Liv Lead');
      const confirmed = await agent.get(`${paths.courses}?status=confirmed`);
      expect(confirmed.body).toContain('First course');
      expect(confirmed.body).not.toContain('Earlier course');
      const year = await agent.get(`${paths.courses}?year=${encodeURIComponent('2025/26')}`);
      expect(year.body).not.toContain('First course');
      expect(year.body).toContain('Earlier course');
      const subject = await agent.get(`${paths.courses}?subject=sport`);
      expect(subject.body).toContain('No courses match this filter');
      const bad = await agent.get(`${paths.courses}?year=2025`);
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('Enter the academic year like 2026/27');
    });
  });
});
