import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHECKLIST_ITEMS } from '../../domain/briefs.js';
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

const pages = paths.briefPages;
const UNIT = 'u-business-l3-ext-cert-4';

/** The text of every <h1>, so a test can say there is exactly one. */
function headingsOf(html: string): string[] {
  return [...html.matchAll(/<h1[^>]*>([\s\S]*?)<\/h1>/g)].map((m) =>
    (m[1] ?? '').replace(/<[^>]+>/g, '').trim(),
  );
}

/** What a person reads: tags removed, a few entities decoded, whitespace collapsed. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** The links of the error summary, in order. */
function summaryLinks(html: string): string[] {
  const summary = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/href="#([^"]+)"/g)].map((m) => m[1] ?? '');
}

const allYes = Object.fromEntries(CHECKLIST_ITEMS.map((item) => [`checklist-${item}`, 'yes']));

forEachDatabase('Assignments pages', (kind) => {
  let t: TestApp;
  let centre: BuiltCentre;
  let other: BuiltCentre;
  let liv: BuiltAccount;
  let leader: BuiltAccount;
  let iv: BuiltAccount;
  let assessor: BuiltAccount;
  let pendingAssessor: BuiltAccount;
  let teacher: BuiltAccount;
  let stranger: BuiltAccount;
  let courseId: string;

  beforeEach(async () => {
    t = await createTestApp(kind);
    await loadSampleCatalogue(t.db);
    centre = await buildCentre(t.db);
    other = await buildCentre(t.db);
    const qn = await buildAccount(t.db, centre, { first: 'Quinn', last: 'Nominee' });
    liv = await buildAccount(t.db, centre, { first: 'Liv', last: 'Lead' });
    leader = await buildAccount(t.db, centre, { first: 'Cora', last: 'Leader' });
    iv = await buildAccount(t.db, centre, { first: 'Ivy', last: 'Verifier' });
    assessor = await buildAccount(t.db, centre, { first: 'Asa', last: 'Assessor' });
    pendingAssessor = await buildAccount(t.db, centre, { first: 'Penny', last: 'Pending' });
    teacher = await buildAccount(t.db, centre, { first: 'Tess', last: 'Teacher' });
    stranger = await buildAccount(t.db, other, { first: 'Sam', last: 'Stranger' });
    await makeQualityNominee(t.db, qn, centre.siteIds[0]);
    await buildClaim(t.db, { account: liv, subjectId: 'business', role: 'lead_internal_verifier' });
    await buildClaim(t.db, { account: leader, subjectId: 'business', role: 'course_leader' });
    await buildClaim(t.db, { account: iv, subjectId: 'business', role: 'internal_verifier' });
    await buildClaim(t.db, { account: assessor, subjectId: 'business', role: 'assessor' });
    await buildClaim(t.db, {
      account: pendingAssessor,
      subjectId: 'business',
      role: 'assessor',
      status: 'pending',
    });
    await buildClaim(t.db, { account: teacher, subjectId: 'business', role: 'teacher' });
    const course = await (
      await signedIn(t.app, leader.username)
    ).api('POST', paths.api.courses, {
      siteId: centre.siteIds[0],
      subjectId: 'business',
      qualificationId: 'q-business-l3-ext-cert',
      title: 'Business 2026/27',
      academicYear: '2026/27',
      startDate: '2026-09-01',
      endDate: '2027-07-16',
      unitIds: [
        'u-business-l3-ext-cert-1',
        'u-business-l3-ext-cert-2',
        'u-business-l3-ext-cert-3',
        UNIT,
      ],
    });
    courseId = (course.json() as { course: { id: string } }).course.id;
  });
  afterEach(() => t.close());

  const as = (person: BuiltAccount) => signedIn(t.app, person.username);
  const builderForm = (overrides: Record<string, string | string[]> = {}) => ({
    courseId,
    unitId: UNIT,
    title: 'Planning a charity event',
    aims: ['A', 'B'],
    criteria: ['A.P1', 'B.P2', 'AB.M1'],
    scenario: 'You work for an events company planning a charity dinner.',
    task1Title: 'Research',
    task1Description: 'Explore types of events.',
    task1Criteria: ['A.P1', 'AB.M1'],
    task2Title: 'Plan',
    task2Description: 'Plan the dinner.',
    task2Criteria: ['B.P2'],
    evidence: 'A report and a plan.',
    sources: '',
    'issueDate-day': '5',
    'issueDate-month': '10',
    'issueDate-year': '2026',
    'handInDate-day': '20',
    'handInDate-month': '11',
    'handInDate-year': '2026',
    assessorId: '',
    ...overrides,
  });
  const briefRow = (id: string) =>
    t.db.selectFrom('briefs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const auditOf = (action: string) =>
    t.db.selectFrom('audit_events').selectAll().where('action', '=', action).execute();
  const mailTo = (person: BuiltAccount) =>
    t.db.selectFrom('outbox').selectAll().where('to_address', '=', person.username).execute();
  /** Creates a brief through the builder and returns its id (from the redirect). */
  const createBrief = async (agent: Agent, overrides: Record<string, string | string[]> = {}) => {
    const response = await agent.form(pages.create, builderForm(overrides));
    expect(response.statusCode, response.body.slice(0, 2000)).toBe(303);
    const location = String(response.headers.location);
    expect(location).toMatch(/^\/assignments\/[^/]+$/);
    return decodeURIComponent(location.slice('/assignments/'.length));
  };
  const send = (agent: Agent, id: string, to: BuiltAccount) =>
    agent.form(pages.send(id), { ivId: to.id });
  const verifyForm = (decision: 'approve' | 'return', feedback = '') => ({
    ...allYes,
    'comment-timeframe_appropriate': 'Six weeks is right',
    decision,
    feedback,
    actionRequired: decision === 'return' ? 'Add a clearer deadline to task 2' : '',
    'targetDate-day': decision === 'return' ? '12' : '',
    'targetDate-month': decision === 'return' ? '10' : '',
    'targetDate-year': decision === 'return' ? '2026' : '',
  });

  describe('who may reach them', () => {
    it('sends a signed-out visitor to log in from every Assignments page', async () => {
      const id = await createBrief(await as(assessor));
      const visitor = new Agent(t.app);
      for (const url of [
        paths.assignments,
        pages.create,
        pages.brief(id),
        pages.edit(id),
        pages.version(id, 1),
        pages.print(id),
        pages.pdf(id),
      ]) {
        const response = await visitor.get(url);
        expect(response.statusCode, url).toBe(303);
        expect(response.headers.location, url).toBe(paths.login);
      }
      const post = await visitor.form(pages.create, builderForm(), { csrf: false });
      expect(post.headers.location).toBe(paths.login);
    });

    it('shows a Teacher a 403 page that says why when they try to create a brief', async () => {
      const agent = await as(teacher);
      const list = await agent.get(paths.assignments);
      expect(list.statusCode).toBe(200);
      expect(list.body).not.toContain('Create an assignment brief');
      for (const url of [pages.create, `${pages.create}?course=${courseId}&unit=${UNIT}`]) {
        const page = await agent.get(url);
        expect(page.statusCode, url).toBe(403);
        expect(headingsOf(page.body)).toEqual(['You cannot do this']);
        expect(textOf(page.body)).toContain(
          'Only an Assessor or above in Business can create assignment briefs',
        );
      }
      const post = await agent.form(pages.create, builderForm());
      expect(post.statusCode).toBe(403);
      expect(await t.db.selectFrom('briefs').select('id').execute()).toHaveLength(0);
    });

    it("answers 404 for another centre's brief, its print page and its PDF", async () => {
      const id = await createBrief(await as(assessor));
      const agent = await as(stranger);
      for (const url of [pages.brief(id), pages.print(id), pages.pdf(id), pages.edit(id)]) {
        const response = await agent.get(url);
        expect(response.statusCode, url).toBe(404);
        expect(response.body).not.toContain('Planning a charity event');
      }
      expect((await agent.form(pages.send(id), { ivId: iv.id })).statusCode).toBe(404);
    });

    it('refuses a Teacher a draft brief of the course team they are not on', async () => {
      const id = await createBrief(await as(assessor));
      const page = await (await as(teacher)).get(pages.brief(id));
      expect(page.statusCode).toBe(403);
    });

    it('refuses every form without its CSRF token', async () => {
      const author = await as(assessor);
      const id = await createBrief(author);
      const create = await author.form(pages.create, builderForm(), { csrf: false });
      expect(create.statusCode).toBe(403);
      expect(textOf(create.body)).toContain('This form has expired or did not come from myBTEC');
      const edit = await author.form(pages.edit(id), builderForm(), { csrf: false });
      expect(edit.statusCode).toBe(403);
      const sent = await author.form(pages.send(id), { ivId: iv.id }, { csrf: false });
      expect(sent.statusCode).toBe(403);
      expect((await briefRow(id)).status).toBe('draft');
      await send(author, id, iv);
      const verify = await (
        await as(iv)
      ).form(pages.verify(id), verifyForm('approve'), { csrf: false });
      expect(verify.statusCode).toBe(403);
      expect((await briefRow(id)).status).toBe('awaiting_verification');
      expect(await t.db.selectFrom('brief_verifications').select('id').execute()).toHaveLength(0);
    });
  });

  describe('the Assignments list', () => {
    it('groups briefs by status, with "Awaiting my verification" and "My drafts", and Create for those who may', async () => {
      const author = await as(assessor);
      const sent = await createBrief(author, { title: 'Sent brief' });
      await createBrief(author, { title: 'Still a draft' });
      await send(author, sent, iv);

      const mine = await author.get(paths.assignments);
      expect(mine.statusCode).toBe(200);
      expect(headingsOf(mine.body)).toEqual(['Assignments']);
      expect(mine.body).toContain(`href="${pages.create}"`);
      const drafts = /<h2[^>]*>My drafts<\/h2>([\s\S]*?)<h2/.exec(mine.body)?.[1] ?? '';
      expect(drafts).toContain('Still a draft');
      expect(drafts).not.toContain('Sent brief');
      expect(textOf(mine.body)).toContain('Awaiting verification (1)');
      expect(textOf(mine.body)).toContain('Draft (1)');

      const verifier = await (await as(iv)).get(paths.assignments);
      const awaiting =
        /<h2[^>]*>Awaiting my verification<\/h2>([\s\S]*?)<h2/.exec(verifier.body)?.[1] ?? '';
      expect(awaiting).toContain('Sent brief');
      expect(verifier.body).not.toContain('Still a draft');
    });
  });

  describe('the brief builder', () => {
    it('leads from the course to the unit to the builder, showing the unit aims and criteria with their text', async () => {
      const agent = await as(assessor);
      const start = await agent.get(pages.create);
      expect(start.statusCode).toBe(200);
      expect(headingsOf(start.body)).toEqual(['Which course is this assignment for?']);
      expect(start.body).toContain(`value="${courseId}"`);
      const noCourse = await agent.get(`${pages.create}?course=`);
      expect(noCourse.statusCode).toBe(400);
      expect(noCourse.body).toContain('Select the course this assignment is for');

      const unit = await agent.get(`${pages.create}?course=${courseId}`);
      expect(headingsOf(unit.body)).toEqual(['Which unit is this assignment for?']);
      expect(textOf(unit.body)).toContain('Unit 4: Managing an Event');
      const noUnit = await agent.get(`${pages.create}?course=${courseId}&unit=`);
      expect(noUnit.statusCode).toBe(400);
      expect(noUnit.body).toContain('Select the unit this assignment is for');

      const builder = await agent.get(`${pages.create}?course=${courseId}&unit=${UNIT}`);
      expect(builder.statusCode).toBe(200);
      expect(headingsOf(builder.body)).toEqual(['Create an assignment brief']);
      const text = textOf(builder.body);
      expect(text).toContain('A: Explore the role of an event organiser');
      expect(text).toContain('A.P1 Explain the role and skills of an event organiser.');
      // One hand-in date and tasks without dates: no interim deadline can be set.
      expect(text).toContain(
        'Tasks have no dates of their own, so there are no interim deadlines.',
      );
      expect(builder.body).not.toMatch(/name="task\d+(Date|Deadline)/);
      expect(builder.body).toContain('name="_csrf"');
      for (const n of [1, 2, 3, 4, 5, 6]) expect(builder.body).toContain(`id="task${n}Title"`);
      // Every control has a label or a legend; the assessors are the approved Assessors or above.
      expect(builder.body).toContain('<label class="govuk-label" for="task1Title">');
      expect(text).toContain('Criteria task 1 addresses');
      expect(builder.body).toMatch(/<option value="[^"]+">Asa Assessor<\/option>/);
      expect(builder.body).not.toContain('Penny Pending');
      expect(builder.body).not.toContain('Tess Teacher');
    });

    it('does not offer an archived course, and answers its builder with 409 saying why', async () => {
      await t.db
        .updateTable('courses')
        .set({ status: 'archived' })
        .where('id', '=', courseId)
        .execute();
      const agent = await as(assessor);
      const start = await agent.get(pages.create);
      expect(start.body).not.toContain(`value="${courseId}"`);
      for (const response of [
        await agent.get(`${pages.create}?course=${courseId}&unit=${UNIT}`),
        await agent.form(pages.create, builderForm()),
      ]) {
        expect(response.statusCode).toBe(409);
        expect(textOf(response.body)).toContain(
          'Business 2026/27 has been archived: new assignment briefs cannot be written for an archived course.',
        );
      }
      expect(await t.db.selectFrom('briefs').select('id').execute()).toHaveLength(0);
    });

    it('answers bad input with 400, the error summary and each message by its field (tasks too), keeping what was typed', async () => {
      const agent = await as(assessor);
      const response = await agent.form(
        pages.create,
        builderForm({
          title: '',
          criteria: ['A.P1', 'B.P2', 'AB.M1', 'CD.D1'],
          task2Criteria: ['B.P2', 'D.P4'],
          task3Description: 'A task with no title',
          'handInDate-day': '1',
          'handInDate-month': '10',
          'issueDate-month': '',
        }),
      );
      expect(response.statusCode).toBe(400);
      expect(headingsOf(response.body)).toEqual(['Create an assignment brief']);
      expect(response.body).toContain('There is a problem');
      expect(summaryLinks(response.body)).toEqual([
        'title',
        'tasks',
        'task2Criteria',
        'task3Title',
        'task3Criteria',
        'issueDate',
      ]);
      const text = textOf(response.body);
      expect(text).toContain('Enter a title for the assignment');
      expect(text).toContain(
        'No task addresses CD.D1: every targeted criterion must be covered by a task',
      );
      expect(text).toContain('Task 2 addresses D.P4, which the assignment does not target');
      expect(text).toContain('Enter a title for task 3');
      expect(text).toContain('Issue date must include a month');
      expect(response.body).toMatch(/id="task2Criteria-error"/);
      expect(response.body).toContain('A task with no title');
      expect(response.body).toContain('value="Research"');
      expect(await t.db.selectFrom('briefs').select('id').execute()).toHaveLength(0);

      const late = await agent.form(
        pages.create,
        builderForm({ 'handInDate-day': '1', 'handInDate-month': '10' }),
      );
      expect(late.statusCode).toBe(400);
      expect(summaryLinks(late.body)).toEqual(['handInDate']);
      expect(textOf(late.body)).toContain('The hand-in date must be after the issue date');
    });

    it('ignores empty task blocks, saves a draft (version 1, audited) and shows its page', async () => {
      const agent = await as(assessor);
      const id = await createBrief(
        agent,
        builderForm({
          task1Title: '',
          task1Description: '',
          task1Criteria: [],
          task4Title: 'Research',
          task4Description: 'Explore types of events.',
          task4Criteria: ['A.P1', 'AB.M1'],
          assessorId: assessor.id,
        }),
      );
      const row = await briefRow(id);
      expect(row).toMatchObject({ status: 'draft', version: 1, author_id: assessor.id });
      const version = await t.db
        .selectFrom('brief_versions')
        .selectAll()
        .where('brief_id', '=', id)
        .executeTakeFirstOrThrow();
      const content = JSON.parse(version.content) as { tasks: { title: string }[] };
      expect(content.tasks.map((task) => task.title)).toEqual(['Plan', 'Research']);
      expect(await auditOf('brief.created')).toHaveLength(1);

      const page = await agent.get(pages.brief(id));
      expect(page.statusCode).toBe(200);
      expect(headingsOf(page.body)).toEqual(['Planning a charity event']);
      const text = textOf(page.body);
      expect(text).toContain('The assignment brief has been saved as a draft');
      expect(text).toContain('Draft');
      expect(text).toContain('Unit 4: Managing an Event');
      expect(text).toContain('Task 1: Plan');
      expect(text).toContain('Assessor Asa Assessor');
      // Its author may edit and send it, not verify it.
      expect(page.body).toContain(`href="${pages.edit(id)}"`);
      expect(page.body).toContain(`action="${pages.send(id)}"`);
      expect(page.body).not.toContain(`action="${pages.verify(id)}"`);
    });

    it('edits a draft in place, and makes version 2 of a returned brief', async () => {
      const author = await as(assessor);
      const id = await createBrief(author);
      const edit = await author.get(pages.edit(id));
      expect(edit.statusCode).toBe(200);
      expect(headingsOf(edit.body)).toEqual(['Edit assignment brief']);
      expect(edit.body).toContain('value="Planning a charity event"');
      expect(/<input[^>]*id="issueDate"[^>]*>/.exec(edit.body)?.[0]).toContain('value="5"');
      const saved = await author.form(pages.edit(id), builderForm({ title: 'Charity dinner' }));
      expect(saved.statusCode).toBe(303);
      expect(await briefRow(id)).toMatchObject({ version: 1, status: 'draft' });

      await send(author, id, iv);
      const whileSent = await author.get(pages.edit(id));
      expect(whileSent.statusCode).toBe(409);
      await (await as(iv)).form(pages.verify(id), verifyForm('return', 'Be clearer'));
      const again = await author.get(pages.edit(id));
      expect(textOf(again.body)).toContain('Saving your changes makes version 2');
      const v2 = await author.form(pages.edit(id), builderForm({ title: 'Charity dinner v2' }));
      expect(v2.statusCode).toBe(303);
      expect(await briefRow(id)).toMatchObject({ version: 2, status: 'draft' });
      const page = await author.get(pages.brief(id));
      expect(textOf(page.body)).toContain('Version 2 has been saved as a draft');
      const first = await author.get(pages.version(id, 1));
      expect(first.statusCode).toBe(200);
      expect(headingsOf(first.body)).toEqual(['Charity dinner']);
      expect(textOf(first.body)).toContain('This is an earlier version');
      expect(textOf(first.body)).toContain('returned by Ivy Verifier');
      expect((await author.get(pages.version(id, 9))).statusCode).toBe(404);
    });
  });

  describe('sending to an Internal Verifier', () => {
    it('sends a draft to the IV chosen: status, audit row and email', async () => {
      const author = await as(assessor);
      const id = await createBrief(author);
      const page = await author.get(pages.brief(id));
      const select = /<select[^>]*name="ivId"[\s\S]*?<\/select>/.exec(page.body)?.[0] ?? '';
      expect(select).toContain('Ivy Verifier');
      expect(select).toContain('Liv Lead');
      expect(select).not.toContain('Asa Assessor');

      const none = await author.form(pages.send(id), { ivId: '' });
      expect(none.statusCode).toBe(400);
      expect(summaryLinks(none.body)).toEqual(['ivId']);
      expect(textOf(none.body)).toContain('Select the Internal Verifier to send this brief to');
      const self = await author.form(pages.send(id), { ivId: assessor.id });
      expect(self.statusCode).toBe(400);

      const sent = await send(author, id, iv);
      expect(sent.statusCode).toBe(303);
      expect(sent.headers.location).toBe(pages.brief(id));
      expect(await briefRow(id)).toMatchObject({ status: 'awaiting_verification', iv_id: iv.id });
      expect(await auditOf('brief.submitted')).toHaveLength(1);
      expect((await mailTo(iv))[0]?.subject).toBe(
        'Assignment brief to verify: Planning a charity event',
      );
      const after = await author.get(pages.brief(id));
      expect(textOf(after.body)).toContain('The brief has been sent to Ivy Verifier to verify');
      expect(after.body).not.toContain(`action="${pages.send(id)}"`);
      expect(after.body).not.toContain(`href="${pages.edit(id)}"`);
      const twice = await send(author, id, iv);
      expect(twice.statusCode).toBe(409);
    });

    it('does not offer an IV who cannot sign in to myBTEC, and refuses sending to them', async () => {
      const noAccess = await buildAccount(t.db, centre, {
        first: 'Nora',
        last: 'Noaccess',
        mybtecAccess: false,
      });
      await buildClaim(t.db, {
        account: noAccess,
        subjectId: 'business',
        role: 'internal_verifier',
      });
      const author = await as(assessor);
      const id = await createBrief(author);
      const page = await author.get(pages.brief(id));
      const select = /<select[^>]*name="ivId"[\s\S]*?<\/select>/.exec(page.body)?.[0] ?? '';
      expect(select).toContain('Ivy Verifier');
      expect(select).not.toContain('Nora Noaccess');
      const refused = await send(author, id, noAccess);
      expect(refused.statusCode).toBe(400);
      expect(summaryLinks(refused.body)).toEqual(['ivId']);
      expect(textOf(refused.body)).toContain(
        'Choose an Internal Verifier of Business other than the author, who can sign in to myBTEC',
      );
      expect((await briefRow(id)).status).toBe('draft');
    });

    it('does not offer sending to an Assessor whose role is still pending, and refuses it', async () => {
      const author = await as(pendingAssessor);
      const id = await createBrief(author);
      const page = await author.get(pages.brief(id));
      expect(page.body).not.toContain(`action="${pages.send(id)}"`);
      expect(textOf(page.body)).toContain('once your role in Business has been approved');
      const refused = await send(author, id, iv);
      expect(refused.statusCode).toBe(403);
      expect(textOf(refused.body)).toContain('has not been approved yet');
      expect((await briefRow(id)).status).toBe('draft');
    });
  });

  describe('verifying', () => {
    it('returns a brief with the checklist and feedback: IV record, audit row and email to the author', async () => {
      const author = await as(assessor);
      const id = await createBrief(author);
      await send(author, id, iv);
      const verifier = await as(iv);
      const page = await verifier.get(pages.brief(id));
      expect(page.body).toContain(`action="${pages.verify(id)}"`);
      expect(textOf(page.body)).toContain('Are the programme and unit details accurate?');
      expect(page.body).toContain('for="comment-details_accurate"');

      const response = await verifier.form(
        pages.verify(id),
        verifyForm('return', 'Task 2 needs a clearer deadline'),
      );
      expect(response.statusCode).toBe(303);
      expect((await briefRow(id)).status).toBe('returned');
      const records = await t.db
        .selectFrom('brief_verifications')
        .selectAll()
        .where('brief_id', '=', id)
        .execute();
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ version: 1, approved: 0, verifier_id: iv.id });
      const record = JSON.parse(records[0]?.record ?? '{}') as Record<string, unknown>;
      expect(record).toMatchObject({
        feedback: 'Task 2 needs a clearer deadline',
        actionRequired: 'Add a clearer deadline to task 2',
        targetDate: '2026-10-12',
        comments: { timeframe_appropriate: 'Six weeks is right' },
      });
      expect(await auditOf('brief.returned')).toHaveLength(1);
      expect((await mailTo(assessor))[0]?.body_text).toContain('Task 2 needs a clearer deadline');

      const shown = textOf((await author.get(pages.brief(id))).body);
      expect(shown).toContain('Version 1: returned by Ivy Verifier');
      expect(shown).toContain('Task 2 needs a clearer deadline');
      expect(shown).toContain('12 October 2026');
    });

    it('answers an incomplete verification with 400 and a message by each question', async () => {
      const author = await as(assessor);
      const id = await createBrief(author);
      await send(author, id, iv);
      const verifier = await as(iv);
      const response = await verifier.form(pages.verify(id), {
        'checklist-details_accurate': 'yes',
        decision: 'return',
        feedback: '',
        'targetDate-day': '31',
        'targetDate-month': '2',
        'targetDate-year': '2026',
      });
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('There is a problem');
      const links = summaryLinks(response.body);
      expect(links[0]).toBe('checklist-clear_deadlines');
      expect(links).toContain('feedback');
      expect(links).toContain('targetDate');
      expect(links).not.toContain('checklist-details_accurate');
      const text = textOf(response.body);
      expect(text).toContain('Select yes or no for “Are there clear deadlines for assessment?”');
      expect(text).toContain('Give feedback so the author knows what to change');
      expect(text).toContain('Target date must be a real date');
      const noDecision = await verifier.form(pages.verify(id), { ...allYes, feedback: '' });
      expect(noDecision.statusCode).toBe(400);
      expect(summaryLinks(noDecision.body)).toEqual(['decision']);
      expect((await briefRow(id)).status).toBe('awaiting_verification');
    });

    it('refuses the author verifying their own brief, and verifying twice', async () => {
      const author = await as(assessor);
      const id = await createBrief(author);
      await send(author, id, iv);
      const own = await author.form(pages.verify(id), verifyForm('approve'));
      expect(own.statusCode).toBe(403);
      const ownIncomplete = await author.form(pages.verify(id), {});
      expect(ownIncomplete.statusCode).toBe(403);
      expect(textOf(own.body)).toContain('You cannot approve a brief you wrote');
      const verifier = await as(iv);
      expect((await verifier.form(pages.verify(id), verifyForm('approve'))).statusCode).toBe(303);
      const twice = await verifier.form(pages.verify(id), verifyForm('approve'));
      expect(twice.statusCode).toBe(409);
      expect(headingsOf(twice.body)).toEqual(['This has already changed']);
      const approved = await verifier.get(pages.brief(id));
      expect(approved.body).not.toContain(`action="${pages.verify(id)}"`);
      expect((await auditOf('brief.approved')).length).toBe(1);
    });
  });

  describe('an IV writing briefs', () => {
    it('refuses an LIV approving a brief they wrote and sent to an IV, with the sentence they read', async () => {
      const author = await as(liv);
      const id = await createBrief(author);
      expect((await send(author, id, iv)).statusCode).toBe(303);
      const page = await author.get(pages.brief(id));
      expect(page.body).not.toContain(`action="${pages.verify(id)}"`);
      for (const form of [verifyForm('approve'), {}]) {
        const own = await author.form(pages.verify(id), form);
        expect(own.statusCode).toBe(403);
        expect(headingsOf(own.body)).toEqual(['You cannot do this']);
        expect(textOf(own.body)).toContain('You cannot approve a brief you wrote');
      }
      expect((await briefRow(id)).status).toBe('awaiting_verification');
      expect(await t.db.selectFrom('brief_verifications').select('id').execute()).toHaveLength(0);
    });

    it('lets the IV who returned a brief open it after the author amends it', async () => {
      const author = await as(assessor);
      const id = await createBrief(author);
      await send(author, id, iv);
      const verifier = await as(iv);
      await verifier.form(pages.verify(id), verifyForm('return', 'Be clearer'));
      await author.form(pages.edit(id), builderForm({ title: 'Charity dinner v2' }));
      expect(await briefRow(id)).toMatchObject({ version: 2, iv_id: null });
      const page = await verifier.get(pages.brief(id));
      expect(page.statusCode).toBe(200);
      expect(textOf(page.body)).toContain('Version 1: returned by Ivy Verifier');
      expect((await verifier.get(pages.version(id, 1))).statusCode).toBe(200);
      expect(page.body).not.toContain(`action="${pages.verify(id)}"`);
    });

    it('saves nothing when an approved brief is saved unchanged, and says so', async () => {
      const author = await as(assessor);
      const id = await createBrief(author);
      await send(author, id, iv);
      await (await as(iv)).form(pages.verify(id), verifyForm('approve'));
      const saved = await author.form(pages.edit(id), builderForm());
      expect(saved.statusCode).toBe(303);
      expect(await briefRow(id)).toMatchObject({ version: 1, status: 'approved' });
      const page = await author.get(pages.brief(id));
      expect(textOf(page.body)).toContain('You did not change anything, so nothing has been saved');
      expect(await auditOf('brief.updated')).toHaveLength(0);
    });
  });

  describe("an archived course's briefs", () => {
    it('can be read, printed and downloaded, but offer no Edit, Send or Verify, say why, and refuse them with 409', async () => {
      const author = await as(assessor);
      const draft = await createBrief(author);
      const sent = await createBrief(author);
      await send(author, sent, iv);
      const approved = await createBrief(author);
      await send(author, approved, iv);
      const verifier = await as(iv);
      expect((await verifier.form(pages.verify(approved), verifyForm('approve'))).statusCode).toBe(
        303,
      );
      await t.db
        .updateTable('courses')
        .set({ status: 'archived' })
        .where('id', '=', courseId)
        .execute();
      const sentence =
        'Business 2026/27 has been archived: its assignment briefs can be read but no longer changed.';

      for (const [agent, id] of [
        [author, draft],
        [author, approved],
        [verifier, sent],
      ] as const) {
        const page = await agent.get(pages.brief(id));
        expect(page.statusCode).toBe(200);
        expect(textOf(page.body)).toContain(sentence);
        expect(page.body).not.toContain(`href="${pages.edit(id)}"`);
        expect(page.body).not.toContain(`action="${pages.send(id)}"`);
        expect(page.body).not.toContain(`action="${pages.verify(id)}"`);
        expect(page.body).toContain(`href="${pages.print(id)}"`);
      }
      expect(textOf((await author.get(pages.brief(draft))).body)).not.toContain('once your role');

      for (const response of [
        await author.get(pages.edit(draft)),
        await author.form(pages.edit(draft), builderForm({ title: 'Charity dinner' })),
        await author.get(pages.edit(approved)),
        await send(author, draft, iv),
        await verifier.form(pages.verify(sent), verifyForm('approve')),
        // An incomplete answer is told the course is archived, not what to put right.
        await verifier.form(pages.verify(sent), {}),
      ]) {
        expect(response.statusCode).toBe(409);
        expect(textOf(response.body)).toContain(sentence);
      }
      expect(await briefRow(draft)).toMatchObject({ status: 'draft', version: 1 });
      expect(await briefRow(sent)).toMatchObject({ status: 'awaiting_verification' });
      expect(await briefRow(approved)).toMatchObject({ status: 'approved', version: 1 });
      expect(await auditOf('brief.updated')).toHaveLength(0);

      expect((await author.get(pages.version(approved, 1))).statusCode).toBe(200);
      expect((await author.get(pages.print(approved))).statusCode).toBe(200);
      const pdf = await author.get(pages.pdf(approved));
      expect(pdf.statusCode).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
    });
  });

  describe('print and PDF', () => {
    it('prints a brief with its IV record, and downloads it as a PDF', async () => {
      const author = await as(assessor);
      const id = await createBrief(author);
      await send(author, id, iv);
      await (await as(iv)).form(pages.verify(id), verifyForm('approve', 'Well written'));

      const print = await author.get(pages.print(id));
      expect(print.statusCode).toBe(200);
      expect(headingsOf(print.body)).toEqual(['Assignment brief: Planning a charity event']);
      const text = textOf(print.body);
      expect(text).toContain('Unit number and title Unit 4: Managing an Event');
      expect(text).toContain('Assignment brief internal verification');
      expect(text).toContain('Internal Verifier Ivy Verifier');
      expect(text).toContain('Well written');
      expect(print.body).toContain('src="/assets/app/briefs.mjs"');

      const pdf = await author.get(pages.pdf(id));
      expect(pdf.statusCode).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdf.headers['content-disposition']).toBe(
        'attachment; filename="assignment-brief-planning-a-charity-event-v1.pdf"',
      );
      expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.rawPayload.length).toBeGreaterThan(1000);
    });
  });
});
