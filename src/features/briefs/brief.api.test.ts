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
import {
  createTestApp,
  signedIn,
  type Agent,
  type TestApp,
} from '../../../test/support/test-app.js';

const UNIT = 'u-business-l3-ext-cert-4';

interface BriefJson {
  id: string;
  status: string;
  version: number;
  title: string;
  author: { id: string; name: string };
  iv: { id: string; name: string } | null;
  versions: { version: number; title: string }[];
  verifications: {
    version: number;
    approved: boolean;
    feedback: string;
    verifier: { id: string };
  }[];
}
interface ErrorJson {
  error: { code: string; message: string; fields?: Record<string, string> };
}

const allYes = Object.fromEntries(CHECKLIST_ITEMS.map((item) => [item, true]));

forEachDatabase('assignment briefs API', (kind) => {
  let t: TestApp;
  let centre: BuiltCentre;
  let other: BuiltCentre;
  let qn: BuiltAccount;
  let liv: BuiltAccount;
  let leader: BuiltAccount;
  let iv: BuiltAccount;
  let sportIv: BuiltAccount;
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
    qn = await buildAccount(t.db, centre, { first: 'Quinn', last: 'Nominee' });
    liv = await buildAccount(t.db, centre, { first: 'Liv', last: 'Lead' });
    leader = await buildAccount(t.db, centre, { first: 'Cora', last: 'Leader' });
    iv = await buildAccount(t.db, centre, { first: 'Ivy', last: 'Verifier' });
    sportIv = await buildAccount(t.db, centre, { first: 'Spike', last: 'Sport' });
    assessor = await buildAccount(t.db, centre, { first: 'Asa', last: 'Assessor' });
    pendingAssessor = await buildAccount(t.db, centre, { first: 'Penny', last: 'Pending' });
    teacher = await buildAccount(t.db, centre, { first: 'Tess', last: 'Teacher' });
    stranger = await buildAccount(t.db, other, { first: 'Sam', last: 'Stranger' });
    await makeQualityNominee(t.db, qn, centre.siteIds[0]);
    await buildClaim(t.db, { account: liv, subjectId: 'business', role: 'lead_internal_verifier' });
    await buildClaim(t.db, { account: leader, subjectId: 'business', role: 'course_leader' });
    await buildClaim(t.db, { account: iv, subjectId: 'business', role: 'internal_verifier' });
    await buildClaim(t.db, { account: sportIv, subjectId: 'sport', role: 'internal_verifier' });
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
  const url = (template: string, id: string) => template.replace(':id', id);
  const briefBody = (overrides: Record<string, unknown> = {}) => ({
    courseId,
    unitId: UNIT,
    title: 'Planning a charity event',
    aims: ['A', 'B'],
    criteria: ['A.P1', 'B.P2', 'AB.M1'],
    scenario: 'You work for an events company planning a charity dinner.',
    tasks: [
      { title: 'Research', description: 'Explore types of events.', criteria: ['A.P1', 'AB.M1'] },
      { title: 'Plan', description: 'Plan the dinner.', criteria: ['B.P2'] },
    ],
    evidence: 'A report and a plan.',
    issueDate: '2026-10-05',
    handInDate: '2026-11-20',
    ...overrides,
  });
  const create = (agent: Agent, overrides: Record<string, unknown> = {}) =>
    agent.api('POST', paths.api.briefs, briefBody(overrides));
  const created = async (agent: Agent) => {
    const response = await create(agent);
    expect(response.statusCode).toBe(201);
    return (response.json() as { brief: BriefJson }).brief;
  };
  const errorOf = (response: { json(): unknown }) => (response.json() as ErrorJson).error;
  const auditOf = (action: string) =>
    t.db.selectFrom('audit_events').selectAll().where('action', '=', action).execute();
  const mailTo = (person: BuiltAccount) =>
    t.db.selectFrom('outbox').selectAll().where('to_address', '=', person.username).execute();
  const verify = (agent: Agent, id: string, approve: boolean, feedback = '') =>
    agent.api('POST', url(paths.api.briefVerification, id), {
      approve,
      checklist: allYes,
      feedback,
    });

  describe('creating', () => {
    it('lets an Assessor create a draft, version 1, with its audit row', async () => {
      const brief = await created(await as(assessor));
      expect(brief).toMatchObject({
        status: 'draft',
        version: 1,
        title: 'Planning a charity event',
        author: { id: assessor.id },
        iv: null,
      });
      expect(await auditOf('brief.created')).toHaveLength(1);
    });

    it('lets a pending Assessor draft, but refuses a Teacher and an IV of another subject', async () => {
      expect((await create(await as(pendingAssessor))).statusCode).toBe(201);
      const byTeacher = await create(await as(teacher));
      expect(byTeacher.statusCode).toBe(403);
      expect(errorOf(byTeacher).code).toBe('forbidden');
      expect(errorOf(byTeacher).message).toContain('Assessor');
      expect(errorOf(await create(await as(sportIv))).code).toBe('forbidden');
      expect((await create(await as(stranger))).statusCode).toBe(404);
    });

    it('validates the content: criteria of the unit, every criterion covered by a task, hand-in after issue', async () => {
      const response = await create(await as(assessor), {
        criteria: ['A.P1', 'B.P2', 'AB.M1', 'CD.D1'],
        handInDate: '2026-10-01',
        aims: ['Z'],
      });
      expect(response.statusCode).toBe(400);
      const fields = errorOf(response).fields ?? {};
      expect(fields.tasks).toBe(
        'No task addresses CD.D1: every targeted criterion must be covered by a task',
      );
      expect(fields.handInDate).toBe('The hand-in date must be after the issue date');
      expect(fields.aims).toBe('Z is not a learning aim of this unit');
      const wrongUnit = await create(await as(assessor), { unitId: 'u-business-l3-ext-cert-5' });
      expect(errorOf(wrongUnit).fields).toHaveProperty('unitId');
      const badShape = await (
        await as(assessor)
      ).api('POST', paths.api.briefs, { ...briefBody(), tasks: 'none', extra: 1 });
      expect(Object.keys(errorOf(badShape).fields ?? {}).sort()).toEqual(['extra', 'tasks']);
      // A task has no date of its own: one hand-in date, no interim deadline.
      const interim = await create(await as(assessor), {
        tasks: [
          {
            title: 'Research',
            description: '',
            criteria: ['A.P1', 'AB.M1'],
            deadline: '2026-10-20',
          },
          { title: 'Plan', description: '', criteria: ['B.P2'] },
        ],
      });
      expect(interim.statusCode).toBe(400);
      expect(Object.keys(errorOf(interim).fields ?? {})).toEqual(['tasks.0.deadline']);
      expect(await t.db.selectFrom('briefs').select('id').execute()).toHaveLength(0);
    });
  });

  describe('an archived course', () => {
    it('refuses a new brief for it with conflict, saying why, and saves nothing', async () => {
      await t.db
        .updateTable('courses')
        .set({ status: 'archived' })
        .where('id', '=', courseId)
        .execute();
      const response = await create(await as(assessor));
      expect(response.statusCode).toBe(409);
      expect(errorOf(response)).toEqual({
        code: 'conflict',
        message:
          'Business 2026/27 has been archived: new assignment briefs cannot be written for an archived course.',
      });
      // Permission comes first: a Teacher is still told their role does not allow it.
      expect(errorOf(await create(await as(teacher))).code).toBe('forbidden');
      expect(await t.db.selectFrom('briefs').select('id').execute()).toHaveLength(0);
      expect(await auditOf('brief.created')).toHaveLength(0);
    });

    it('keeps its briefs readable but refuses editing, sending and verifying them with conflict, saying why, changing nothing', async () => {
      const author = await as(assessor);
      const draft = await created(author);
      const sent = await created(author);
      await author.api('POST', url(paths.api.briefSubmit, sent.id), { ivId: iv.id });
      const approved = await created(author);
      await author.api('POST', url(paths.api.briefSubmit, approved.id), { ivId: iv.id });
      expect((await verify(await as(iv), approved.id, true)).statusCode).toBe(200);
      await t.db
        .updateTable('courses')
        .set({ status: 'archived' })
        .where('id', '=', courseId)
        .execute();
      const snapshot = async () => ({
        briefs: await t.db.selectFrom('briefs').selectAll().orderBy('id').execute(),
        versions: await t.db
          .selectFrom('brief_versions')
          .selectAll()
          .orderBy('brief_id')
          .orderBy('version')
          .execute(),
        records: await t.db.selectFrom('brief_verifications').selectAll().orderBy('id').execute(),
        audit: await t.db
          .selectFrom('audit_events')
          .select('id')
          .where('action', 'like', 'brief.%')
          .orderBy('id')
          .execute(),
        outbox: await t.db.selectFrom('outbox').select('id').orderBy('id').execute(),
      });
      const before = await snapshot();
      const archived = {
        code: 'conflict',
        message:
          'Business 2026/27 has been archived: its assignment briefs can be read but no longer changed.',
      };
      const refusals = [
        // Editing a draft, and an approved brief (which would otherwise start version 2).
        await author.api('PATCH', url(paths.api.brief, draft.id), { title: 'Amended' }),
        await author.api('PATCH', url(paths.api.brief, approved.id), { title: 'Amended' }),
        // The state is judged before the content: a bad edit is told the course is archived.
        await author.api('PATCH', url(paths.api.brief, draft.id), { title: '' }),
        await author.api('POST', url(paths.api.briefSubmit, draft.id), { ivId: iv.id }),
        await verify(await as(iv), sent.id, true),
        await verify(await as(iv), sent.id, false, 'Please add a task'),
        await (
          await as(iv)
        ).api('POST', url(paths.api.briefVerification, sent.id), {
          approve: false,
          checklist: {},
          feedback: '',
        }),
      ];
      for (const response of refusals) {
        expect(response.statusCode).toBe(409);
        expect(errorOf(response)).toEqual(archived);
      }
      // Permission comes first: someone who may not do it at all is told so, not that it is archived.
      const byTeacher = await (
        await as(teacher)
      ).api('PATCH', url(paths.api.brief, draft.id), { title: 'Amended' });
      expect(errorOf(byTeacher).code).toBe('forbidden');
      expect(errorOf(await verify(await as(sportIv), sent.id, true)).code).toBe('forbidden');
      expect(
        errorOf(
          await (
            await as(teacher)
          ).api('POST', url(paths.api.briefSubmit, draft.id), { ivId: iv.id }),
        ).code,
      ).toBe('forbidden');
      expect(await snapshot()).toEqual(before);
      // Every brief can still be read, with its versions and IV records.
      for (const brief of [draft, sent, approved]) {
        const read = await author.api('GET', url(paths.api.brief, brief.id));
        expect(read.statusCode).toBe(200);
      }
      const read = await author.api('GET', url(paths.api.brief, approved.id));
      expect((read.json() as { brief: BriefJson }).brief).toMatchObject({
        status: 'approved',
        verifications: [{ version: 1, approved: true, verifier: { id: iv.id } }],
      });
    });
  });

  describe('the verification cycle', () => {
    it('runs draft → sent → returned → amended (version 2) → sent → approved, keeping every version and IV record', async () => {
      const author = await as(assessor);
      const brief = await created(author);
      const sent = await author.api('POST', url(paths.api.briefSubmit, brief.id), { ivId: iv.id });
      expect(sent.statusCode).toBe(200);
      expect((sent.json() as { brief: BriefJson }).brief).toMatchObject({
        status: 'awaiting_verification',
        iv: { id: iv.id },
      });
      expect((await mailTo(iv))[0]?.subject).toBe(
        'Assignment brief to verify: Planning a charity event',
      );

      const locked = await author.api('PATCH', url(paths.api.brief, brief.id), {
        title: 'Sneaky change',
      });
      expect(locked.statusCode).toBe(409);

      const verifier = await as(iv);
      const returned = await verify(verifier, brief.id, false, 'Task 2 needs a clearer deadline');
      expect((returned.json() as { brief: BriefJson }).brief.status).toBe('returned');
      const feedbackMail = await mailTo(assessor);
      expect(feedbackMail[0]?.subject).toBe(
        'Your assignment brief has been returned: Planning a charity event',
      );
      expect(feedbackMail[0]?.body_text).toContain('Task 2 needs a clearer deadline');

      const amended = await author.api('PATCH', url(paths.api.brief, brief.id), {
        title: 'Planning a charity dinner',
      });
      expect((amended.json() as { brief: BriefJson }).brief).toMatchObject({
        status: 'draft',
        version: 2,
        title: 'Planning a charity dinner',
      });
      await author.api('POST', url(paths.api.briefSubmit, brief.id), { ivId: iv.id });
      const approved = await verify(verifier, brief.id, true, 'Clear deadlines now');
      const final = (approved.json() as { brief: BriefJson }).brief;
      const approvalMail = (await mailTo(assessor))[1];
      expect(approvalMail?.subject).toBe(
        'Your assignment brief has been approved: Planning a charity dinner',
      );
      expect(approvalMail?.body_text).toContain(
        'Ivy Verifier has approved your assignment brief "Planning a charity dinner" (version 2).',
      );
      expect(approvalMail?.body_text).toContain('Feedback: Clear deadlines now');
      expect(approvalMail?.body_text).toContain('The course team can now view it.');
      expect(final.status).toBe('approved');
      expect(final.versions.map((v) => [v.version, v.title])).toEqual([
        [1, 'Planning a charity event'],
        [2, 'Planning a charity dinner'],
      ]);
      expect(final.verifications.map((v) => [v.version, v.approved])).toEqual([
        [1, false],
        [2, true],
      ]);
      // Every change: who did it, to which brief, and which version it concerned.
      const trail = await t.db
        .selectFrom('audit_events')
        .selectAll()
        .where('target_type', '=', 'brief')
        .execute();
      const row = (action: string, actorId: string | null, target: string | null, v?: number) =>
        JSON.stringify({ action, actorId, target, version: v });
      expect(
        trail
          .map((event) =>
            row(
              event.action,
              event.actor_id,
              event.target_id,
              (JSON.parse(event.details) as { version?: number }).version,
            ),
          )
          .sort(),
      ).toEqual(
        [
          row('brief.created', assessor.id, brief.id),
          row('brief.submitted', assessor.id, brief.id, 1),
          row('brief.returned', iv.id, brief.id, 1),
          row('brief.updated', assessor.id, brief.id, 2),
          row('brief.submitted', assessor.id, brief.id, 2),
          row('brief.approved', iv.id, brief.id, 2),
        ].sort(),
      );
      expect(trail.every((row) => row.site_id === centre.siteIds[0])).toBe(true);
      expect(trail.every((row) => row.subject_id === 'business')).toBe(true);
      // Editing an approved brief makes the next version, to be verified again.
      const reopened = await author.api('PATCH', url(paths.api.brief, brief.id), {
        evidence: 'A report, a plan and a budget.',
      });
      expect((reopened.json() as { brief: BriefJson }).brief).toMatchObject({
        status: 'draft',
        version: 3,
      });
    });

    it('refuses the author verifying, an IV it was not sent to, and an IV of another subject; the LIV and QN may', async () => {
      const author = await as(assessor);
      const brief = await created(author);
      await author.api('POST', url(paths.api.briefSubmit, brief.id), { ivId: iv.id });
      expect(errorOf(await verify(author, brief.id, true)).code).toBe('forbidden');
      const otherIv = await buildAccount(t.db, centre, { first: 'Otto', last: 'Other' });
      await buildClaim(t.db, {
        account: otherIv,
        subjectId: 'business',
        role: 'internal_verifier',
      });
      expect(errorOf(await verify(await as(otherIv), brief.id, true)).code).toBe('forbidden');
      expect(errorOf(await verify(await as(sportIv), brief.id, true)).code).toBe('forbidden');
      expect((await verify(await as(liv), brief.id, true)).statusCode).toBe(200);
      expect((await verify(await as(qn), brief.id, true)).statusCode).toBe(409);
    });

    it('refuses sending to the author, to someone below IV, or by a pending Assessor (role_not_approved)', async () => {
      const author = await as(iv);
      const brief = await created(author);
      expect(
        errorOf(await author.api('POST', url(paths.api.briefSubmit, brief.id), { ivId: iv.id }))
          .fields,
      ).toHaveProperty('ivId');
      expect(
        errorOf(
          await author.api('POST', url(paths.api.briefSubmit, brief.id), { ivId: teacher.id }),
        ).fields,
      ).toHaveProperty('ivId');
      const pending = await as(pendingAssessor);
      const draft = (await create(pending)).json() as { brief: BriefJson };
      const refused = await pending.api('POST', url(paths.api.briefSubmit, draft.brief.id), {
        ivId: iv.id,
      });
      expect(refused.statusCode).toBe(403);
      expect(errorOf(refused).code).toBe('role_not_approved');
    });

    it('refuses an LIV approving a brief they wrote and sent to an IV, though their rank would allow it', async () => {
      const author = await as(liv);
      const brief = await created(author);
      const sent = await author.api('POST', url(paths.api.briefSubmit, brief.id), { ivId: iv.id });
      expect(sent.statusCode).toBe(200);
      const own = await verify(author, brief.id, true);
      expect(own.statusCode).toBe(403);
      expect(errorOf(own)).toEqual({
        code: 'forbidden',
        message: 'You cannot approve a brief you wrote',
      });
      expect(await t.db.selectFrom('brief_verifications').select('id').execute()).toHaveLength(0);
      expect((await verify(await as(iv), brief.id, true)).statusCode).toBe(200);
    });

    it('refuses sending to an IV of another subject, of another centre, or without myBTEC access (invalid_input on ivId)', async () => {
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
      await buildClaim(t.db, {
        account: stranger,
        subjectId: 'business',
        role: 'internal_verifier',
      });
      const author = await as(assessor);
      const brief = await created(author);
      for (const person of [sportIv, stranger, noAccess]) {
        const refused = await author.api('POST', url(paths.api.briefSubmit, brief.id), {
          ivId: person.id,
        });
        expect(refused.statusCode, person.username).toBe(400);
        expect(errorOf(refused).code, person.username).toBe('invalid_input');
        expect(errorOf(refused).fields?.ivId, person.username).toBe(
          'Choose an Internal Verifier of Business other than the author, who can sign in to myBTEC',
        );
      }
      const row = await t.db
        .selectFrom('briefs')
        .select(['status', 'iv_id'])
        .where('id', '=', brief.id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'draft', iv_id: null });
      expect(await auditOf('brief.submitted')).toHaveLength(0);
      expect(await t.db.selectFrom('outbox').select('id').execute()).toHaveLength(0);
    });

    it('answers conflict when verifying a draft that was never sent', async () => {
      const brief = await created(await as(assessor));
      const response = await verify(await as(liv), brief.id, true);
      expect(response.statusCode).toBe(409);
      expect(errorOf(response)).toEqual({
        code: 'conflict',
        message: 'This brief is not awaiting verification (it is draft).',
      });
      expect(await t.db.selectFrom('brief_verifications').select('id').execute()).toHaveLength(0);
    });

    it('answers conflict when verifying twice, and lets only one of two concurrent verifications win', async () => {
      const author = await as(assessor);
      const brief = await created(author);
      await author.api('POST', url(paths.api.briefSubmit, brief.id), { ivId: iv.id });
      const [a, b] = await Promise.all([as(iv), as(liv)]);
      const responses = await Promise.all([
        verify(a, brief.id, true),
        verify(b, brief.id, false, 'No'),
      ]);
      expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 409]);
      expect(await mailTo(assessor)).toHaveLength(1);
      const records = await t.db.selectFrom('brief_verifications').select('id').execute();
      expect(records).toHaveLength(1);
    });

    it('needs every checklist item answered, and feedback to return', async () => {
      const author = await as(assessor);
      const brief = await created(author);
      await author.api('POST', url(paths.api.briefSubmit, brief.id), { ivId: iv.id });
      const response = await (
        await as(iv)
      ).api('POST', url(paths.api.briefVerification, brief.id), {
        approve: false,
        checklist: { details_accurate: true },
        feedback: ' ',
      });
      expect(response.statusCode).toBe(400);
      const fields = errorOf(response).fields ?? {};
      expect(fields).toHaveProperty('feedback');
      expect(fields).toHaveProperty('checklist.fit_for_purpose');
      const row = await t.db
        .selectFrom('briefs')
        .select('status')
        .where('id', '=', brief.id)
        .executeTakeFirstOrThrow();
      expect(row.status).toBe('awaiting_verification');
    });
  });

  describe('editing', () => {
    const versionsOf = (id: string) =>
      t.db.selectFrom('brief_versions').select('version').where('brief_id', '=', id).execute();

    it('keeps an approved brief approved, with no new version, when an edit changes nothing', async () => {
      const author = await as(assessor);
      const brief = await created(author);
      await author.api('POST', url(paths.api.briefSubmit, brief.id), { ivId: iv.id });
      await verify(await as(iv), brief.id, true);
      for (const body of [
        {},
        { title: ' Planning a charity event ', criteria: ['A.P1', 'B.P2', 'AB.M1'] },
      ]) {
        const response = await author.api('PATCH', url(paths.api.brief, brief.id), body);
        expect(response.statusCode).toBe(200);
        expect((response.json() as { brief: BriefJson }).brief).toMatchObject({
          status: 'approved',
          version: 1,
          iv: { id: iv.id },
        });
      }
      expect(await versionsOf(brief.id)).toHaveLength(1);
      expect(await auditOf('brief.updated')).toHaveLength(0);
      const changed = await author.api('PATCH', url(paths.api.brief, brief.id), {
        title: 'Planning a charity dinner',
      });
      expect((changed.json() as { brief: BriefJson }).brief).toMatchObject({
        status: 'draft',
        version: 2,
      });
      expect(await versionsOf(brief.id)).toHaveLength(2);
    });

    it('answers conflict, not a content problem, when a brief awaiting verification is edited badly', async () => {
      const author = await as(assessor);
      const brief = await created(author);
      await author.api('POST', url(paths.api.briefSubmit, brief.id), { ivId: iv.id });
      const response = await author.api('PATCH', url(paths.api.brief, brief.id), {
        title: '',
        handInDate: '2026-01-01',
      });
      expect(response.statusCode).toBe(409);
      expect(errorOf(response)).toEqual({
        code: 'conflict',
        message:
          'This brief is awaiting verification: it cannot be changed until the Internal Verifier has answered.',
      });
      // Someone who may not edit it at all is told so first.
      const byOther = await (
        await as(teacher)
      ).api('PATCH', url(paths.api.brief, brief.id), { title: '' });
      expect(byOther.statusCode).toBe(403);
    });
  });

  describe('viewing', () => {
    it('lets the IV who returned a brief still read it once it is amended and no longer sent to them', async () => {
      const author = await as(assessor);
      const brief = await created(author);
      await author.api('POST', url(paths.api.briefSubmit, brief.id), { ivId: iv.id });
      const verifier = await as(iv);
      await verify(verifier, brief.id, false, 'Task 2 needs a clearer deadline');
      const amended = await author.api('PATCH', url(paths.api.brief, brief.id), {
        title: 'Planning a charity dinner',
      });
      expect((amended.json() as { brief: BriefJson }).brief).toMatchObject({
        version: 2,
        iv: null,
      });
      const read = await verifier.get(url(paths.api.brief, brief.id));
      expect(read.statusCode).toBe(200);
      expect((read.json() as { brief: BriefJson }).brief.verifications).toMatchObject([
        { version: 1, approved: false, feedback: 'Task 2 needs a clearer deadline' },
      ]);
      const listed = (await verifier.get(paths.api.briefs)).json() as { briefs: BriefJson[] };
      expect(listed.briefs.map((b) => b.id)).toEqual([brief.id]);
      // Another IV of the subject, who never had it, still may not.
      const otherIv = await buildAccount(t.db, centre, { first: 'Otto', last: 'Other' });
      await buildClaim(t.db, {
        account: otherIv,
        subjectId: 'business',
        role: 'internal_verifier',
      });
      expect((await (await as(otherIv)).get(url(paths.api.brief, brief.id))).statusCode).toBe(403);
    });

    it('lets the course team view an approved brief (not a draft), and nobody outside', async () => {
      const author = await as(assessor);
      const brief = await created(author);
      await (
        await as(leader)
      ).api('PUT', url(paths.api.courseTeam, courseId), {
        members: [{ accountId: teacher.id, role: 'teacher' }],
      });
      expect((await (await as(teacher)).get(url(paths.api.brief, brief.id))).statusCode).toBe(403);
      expect((await (await as(leader)).get(url(paths.api.brief, brief.id))).statusCode).toBe(200);
      await author.api('POST', url(paths.api.briefSubmit, brief.id), { ivId: iv.id });
      await verify(await as(iv), brief.id, true);
      expect((await (await as(teacher)).get(url(paths.api.brief, brief.id))).statusCode).toBe(200);
      const listed = (
        await (await as(teacher)).get(`${paths.api.briefs}?courseId=${courseId}`)
      ).json() as { briefs: BriefJson[] };
      expect(listed.briefs.map((b) => b.id)).toEqual([brief.id]);
      expect((await (await as(sportIv)).get(url(paths.api.brief, brief.id))).statusCode).toBe(403);
      expect((await (await as(stranger)).get(url(paths.api.brief, brief.id))).statusCode).toBe(404);
    });
  });
});
