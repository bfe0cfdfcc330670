import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Tx } from '../../db/connection.js';
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

const QUAL = 'q-business-l3-ext-cert';
const MANDATORY = [
  'u-business-l3-ext-cert-1',
  'u-business-l3-ext-cert-2',
  'u-business-l3-ext-cert-3',
];
const OPTIONAL = 'u-business-l3-ext-cert-4';

interface CourseJson {
  id: string;
  status: string;
  title: string;
  academicYear: string;
  startDate: string;
  endDate: string;
  unitIds: string[];
  leaders: { id: string; name: string }[];
  members: { id: string; name: string; role: string }[];
  clonedFromId?: string;
}
interface ErrorJson {
  error: { code: string; message: string; fields?: Record<string, string> };
}

forEachDatabase('courses API', (kind) => {
  let t: TestApp;
  let centre: BuiltCentre;
  let other: BuiltCentre;
  let qn: BuiltAccount;
  let liv: BuiltAccount;
  let leader: BuiltAccount; // approved Course Leader, Business, site 0
  let otherLeader: BuiltAccount; // approved Course Leader, Business, site 0
  let pendingLeader: BuiltAccount; // pending Course Leader claim, Business
  let teacher: BuiltAccount; // approved Teacher, Business
  let sportLeader: BuiltAccount; // approved Course Leader, Sport
  let stranger: BuiltAccount;

  beforeEach(async () => {
    t = await createTestApp(kind);
    await loadSampleCatalogue(t.db);
    centre = await buildCentre(t.db, { sites: 2 });
    other = await buildCentre(t.db);
    qn = await buildAccount(t.db, centre, { first: 'Quinn', last: 'Nominee' });
    liv = await buildAccount(t.db, centre, { first: 'Liv', last: 'Lead' });
    leader = await buildAccount(t.db, centre, { first: 'Cora', last: 'Leader' });
    otherLeader = await buildAccount(t.db, centre, { first: 'Otto', last: 'Other' });
    pendingLeader = await buildAccount(t.db, centre, { first: 'Penny', last: 'Pending' });
    teacher = await buildAccount(t.db, centre, { first: 'Tess', last: 'Teacher' });
    sportLeader = await buildAccount(t.db, centre, { first: 'Spike', last: 'Sport' });
    stranger = await buildAccount(t.db, other, { first: 'Sam', last: 'Stranger' });
    await makeQualityNominee(t.db, qn, centre.siteIds[0]);
    await buildClaim(t.db, { account: liv, subjectId: 'business', role: 'lead_internal_verifier' });
    await buildClaim(t.db, { account: leader, subjectId: 'business', role: 'course_leader' });
    await buildClaim(t.db, { account: otherLeader, subjectId: 'business', role: 'course_leader' });
    await buildClaim(t.db, {
      account: pendingLeader,
      subjectId: 'business',
      role: 'course_leader',
      status: 'pending',
    });
    await buildClaim(t.db, { account: teacher, subjectId: 'business', role: 'teacher' });
    await buildClaim(t.db, { account: sportLeader, subjectId: 'sport', role: 'course_leader' });
  });
  afterEach(() => t.close());

  const as = (person: BuiltAccount) => signedIn(t.app, person.username);
  const site0 = () => centre.siteIds[0] as string;
  const url = (template: string, id: string) => template.replace(':id', id);
  const newCourse = (overrides: Record<string, unknown> = {}) => ({
    siteId: site0(),
    subjectId: 'business',
    qualificationId: QUAL,
    title: 'Business Extended Certificate',
    academicYear: '2026/27',
    startDate: '2026-09-01',
    endDate: '2027-07-16',
    unitIds: [...MANDATORY, OPTIONAL],
    ...overrides,
  });
  const create = async (agent: Agent, overrides: Record<string, unknown> = {}) =>
    agent.api('POST', paths.api.courses, newCourse(overrides));
  const created = async (agent: Agent, overrides: Record<string, unknown> = {}) => {
    const response = await create(agent, overrides);
    expect(response.statusCode).toBe(201);
    return (response.json() as { course: CourseJson }).course;
  };
  const auditOf = (action: string) =>
    t.db.selectFrom('audit_events').selectAll().where('action', '=', action).execute();
  /** The one audit row of that action: who, on what, and its details. */
  const onlyAudit = async (action: string) => {
    const rows = await auditOf(action);
    expect(rows).toHaveLength(1);
    const row = rows[0] as (typeof rows)[number];
    return {
      actor: row.actor_id,
      target: `${row.target_type}:${row.target_id ?? ''}`,
      place: `${row.site_id ?? ''}:${row.subject_id ?? ''}`,
      details: JSON.parse(row.details) as Record<string, unknown>,
    };
  };
  const mailTo = (person: BuiltAccount) =>
    t.db
      .selectFrom('outbox')
      .select(['subject', 'body_text'])
      .where('to_address', '=', person.username)
      .orderBy('created_at')
      .execute();
  const teamOf = async (courseId: string) =>
    Object.fromEntries(
      (
        await t.db
          .selectFrom('course_team')
          .select(['account_id', 'role'])
          .where('course_id', '=', courseId)
          .execute()
      ).map((r) => [r.account_id, r.role]),
    );
  const revoke = (person: BuiltAccount) =>
    t.db
      .updateTable('claims')
      .set({ status: 'revoked' })
      .where('claimant_id', '=', person.id)
      .execute();
  const putTeam = async (who: BuiltAccount, courseId: string, body: Record<string, unknown>) =>
    (await as(who)).api('PUT', url(paths.api.courseTeam, courseId), body);
  const errorOf = (response: { json(): unknown }) => (response.json() as ErrorJson).error;
  /**
   * Sends the request while this test holds the course's row lock; once the request waits for that
   * lock, changes the course and lets it go. The request must act on the course as changed.
   */
  const whileLocked = async <T>(
    courseId: string,
    send: () => Promise<T>,
    change: (trx: Tx) => Promise<unknown>,
  ): Promise<T> => {
    let sent: Promise<T> | undefined;
    let settled = false;
    await t.db.transaction().execute(async (trx) => {
      await trx.selectFrom('courses').select('id').where('id', '=', courseId).forUpdate().execute();
      sent = send();
      void sent.finally(() => (settled = true));
      for (let blocked = false; !blocked && !settled;) {
        const waiting = await sql<{ pid: number }>`
          select pid from pg_stat_activity where pg_backend_pid() = any(pg_blocking_pids(pid))
        `.execute(trx);
        blocked = waiting.rows.length > 0;
      }
      await change(trx);
    });
    return (await sent) as T;
  };

  describe('creating', () => {
    it('lets an approved Course Leader create a draft they lead, with its audit row', async () => {
      const course = await created(await as(leader));
      expect(course).toMatchObject({
        status: 'draft',
        academicYear: '2026/27',
        unitIds: [...MANDATORY, OPTIONAL],
        leaders: [{ id: leader.id, name: 'Cora Leader' }],
        members: [],
      });
      const row = await t.db
        .selectFrom('courses')
        .selectAll()
        .where('id', '=', course.id)
        .executeTakeFirstOrThrow();
      expect(row.status).toBe('draft');
      expect(await onlyAudit('course.created')).toEqual({
        actor: leader.id,
        target: `course:${course.id}`,
        place: `${site0()}:business`,
        details: {
          title: 'Business Extended Certificate',
          qualificationId: QUAL,
          unitIds: [...MANDATORY, OPTIONAL],
        },
      });
    });

    it('lets a pending Course Leader create a draft', async () => {
      expect((await create(await as(pendingLeader))).statusCode).toBe(201);
    });

    it.each([
      ['a Teacher', () => teacher, 'forbidden', 403],
      ['a Course Leader of another subject', () => sportLeader, 'forbidden', 403],
    ])('refuses %s', async (_name, who, code, status) => {
      const response = await create(await as(who()));
      expect(response.statusCode).toBe(status);
      expect(errorOf(response).code).toBe(code);
      expect(errorOf(response).message).toContain('Business');
      expect(await auditOf('course.created')).toHaveLength(0);
    });

    it('refuses a Course Leader at another site of the centre, and answers not_found for another centre', async () => {
      const elsewhere = await create(await as(leader), { siteId: centre.siteIds[1] });
      expect(errorOf(elsewhere).code).toBe('forbidden');
      const foreign = await create(await as(leader), { siteId: other.siteIds[0] });
      expect(foreign.statusCode).toBe(404);
      expect(errorOf(foreign).code).toBe('not_found');
    });

    it('answers invalid_input with fields for bad dates, year, qualification and units', async () => {
      const response = await create(await as(leader), {
        academicYear: '2026-27',
        startDate: '2026-02-30',
        endDate: '2025-01-01',
        qualificationId: 'q-sport-l3-ext-cert',
        title: ' ',
      });
      expect(response.statusCode).toBe(400);
      expect(Object.keys(errorOf(response).fields ?? {}).sort()).toEqual([
        'academicYear',
        'qualificationId',
        'startDate',
        'title',
      ]);
      const units = await create(await as(leader), { unitIds: ['u-sport-l3-ext-cert-1'] });
      expect(errorOf(units).fields).toHaveProperty('unitIds');
      const order = await create(await as(leader), {
        startDate: '2027-09-01',
        endDate: '2027-01-01',
      });
      expect(errorOf(order).fields?.endDate).toBe('The end date must be after the start date');
      const unknown = await (
        await as(leader)
      ).api('POST', paths.api.courses, { ...newCourse(), colour: 'red' });
      expect(errorOf(unknown).fields).toHaveProperty('colour');
    });
  });

  describe('confirming', () => {
    it('says exactly what is missing, then confirms once it is fixed', async () => {
      const agent = await as(leader);
      const course = await created(agent, { unitIds: [MANDATORY[0], MANDATORY[1], OPTIONAL] });
      const refused = await agent.api('POST', url(paths.api.courseConfirm, course.id));
      expect(refused.statusCode).toBe(400);
      expect(errorOf(refused).code).toBe('course_incomplete');
      expect(errorOf(refused).message).toContain(
        'Unit 3: Personal and Business Finance is mandatory',
      );
      expect(errorOf(refused).message).toContain('120 more guided learning hours are needed');

      const fixed = await agent.api('PATCH', url(paths.api.course, course.id), {
        unitIds: [...MANDATORY, OPTIONAL],
      });
      expect(fixed.statusCode).toBe(200);
      const confirmed = await agent.api('POST', url(paths.api.courseConfirm, course.id));
      expect(confirmed.statusCode).toBe(200);
      expect((confirmed.json() as { course: CourseJson }).course.status).toBe('confirmed');
      expect(await onlyAudit('course.confirmed')).toEqual({
        actor: leader.id,
        target: `course:${course.id}`,
        place: `${site0()}:business`,
        details: {},
      });
      const again = await agent.api('POST', url(paths.api.courseConfirm, course.id));
      expect(again.statusCode).toBe(409);
    });

    it('checks the role before the content: a pending Course Leader gets role_not_approved, even for an incomplete course', async () => {
      const agent = await as(pendingLeader);
      const course = await created(agent, { unitIds: [] });
      const response = await agent.api('POST', url(paths.api.courseConfirm, course.id));
      expect(response.statusCode).toBe(403);
      expect(errorOf(response).code).toBe('role_not_approved');
      expect(errorOf(response).message).toContain('Liv Lead');
    });

    it('refuses a Course Leader confirming a course led by someone else; the LIV and QN may', async () => {
      const course = await created(await as(otherLeader));
      const refused = await (await as(leader)).api('POST', url(paths.api.courseConfirm, course.id));
      expect(errorOf(refused).code).toBe('forbidden');
      expect(
        (await (await as(liv)).api('POST', url(paths.api.courseConfirm, course.id))).statusCode,
      ).toBe(200);
      const second = await created(await as(otherLeader));
      expect(
        (await (await as(qn)).api('POST', url(paths.api.courseConfirm, second.id))).statusCode,
      ).toBe(200);
    });

    it('lets exactly one of two concurrent confirmations win', async () => {
      const course = await created(await as(leader));
      const [a, b] = await Promise.all([as(leader), as(liv)]);
      const responses = await Promise.all([
        a.api('POST', url(paths.api.courseConfirm, course.id)),
        b.api('POST', url(paths.api.courseConfirm, course.id)),
      ]);
      expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 409]);
      expect(await auditOf('course.confirmed')).toHaveLength(1);
    });
  });

  describe('editing, deleting, archiving, cloning', () => {
    it('edits a draft but not a confirmed course', async () => {
      const agent = await as(leader);
      const course = await created(agent);
      const edited = await agent.api('PATCH', url(paths.api.course, course.id), {
        title: 'Renamed',
      });
      expect((edited.json() as { course: CourseJson }).course.title).toBe('Renamed');
      expect(await onlyAudit('course.updated')).toEqual({
        actor: leader.id,
        target: `course:${course.id}`,
        place: `${site0()}:business`,
        details: { changes: { title: 'Renamed' } },
      });
      await agent.api('POST', url(paths.api.courseConfirm, course.id));
      const refused = await agent.api('PATCH', url(paths.api.course, course.id), {
        title: 'Again',
      });
      expect(refused.statusCode).toBe(409);
    });

    it('deletes a draft, and archives a confirmed course instead of destroying it', async () => {
      const agent = await as(leader);
      const draft = await created(agent);
      expect((await agent.api('DELETE', url(paths.api.course, draft.id))).statusCode).toBe(204);
      expect(
        await t.db.selectFrom('courses').select('id').where('id', '=', draft.id).execute(),
      ).toHaveLength(0);
      expect(
        await t.db
          .selectFrom('course_units')
          .select('unit_id')
          .where('course_id', '=', draft.id)
          .execute(),
      ).toHaveLength(0);

      const confirmed = await created(agent);
      await agent.api('POST', url(paths.api.courseConfirm, confirmed.id));
      expect((await agent.api('DELETE', url(paths.api.course, confirmed.id))).statusCode).toBe(204);
      const row = await t.db
        .selectFrom('courses')
        .select('status')
        .where('id', '=', confirmed.id)
        .executeTakeFirstOrThrow();
      expect(row.status).toBe('archived');
      expect(await auditOf('course.deleted')).toHaveLength(1);
      expect(await auditOf('course.archived')).toHaveLength(1);
      expect((await agent.api('DELETE', url(paths.api.course, confirmed.id))).statusCode).toBe(409);
    });

    it('records who deleted and who archived which course', async () => {
      const agent = await as(leader);
      const draft = await created(agent);
      await agent.api('DELETE', url(paths.api.course, draft.id));
      expect(await onlyAudit('course.deleted')).toEqual({
        actor: leader.id,
        target: `course:${draft.id}`,
        place: `${site0()}:business`,
        details: { title: 'Business Extended Certificate' },
      });
      const confirmed = await created(agent);
      await agent.api('POST', url(paths.api.courseConfirm, confirmed.id));
      await (await as(liv)).api('DELETE', url(paths.api.course, confirmed.id));
      expect(await onlyAudit('course.archived')).toMatchObject({
        actor: liv.id,
        target: `course:${confirmed.id}`,
      });
    });

    it('refuses to delete a draft that has assignment briefs, saying why, and changes nothing', async () => {
      const agent = await as(leader);
      const draft = await created(agent);
      const brief = await agent.api('POST', paths.api.briefs, {
        courseId: draft.id,
        unitId: OPTIONAL,
        title: 'Planning a charity event',
        criteria: ['A.P1'],
        scenario: 'You work for an events company.',
        tasks: [{ title: 'Research', description: 'Explore types of events.', criteria: ['A.P1'] }],
        evidence: 'A report.',
        issueDate: '2026-10-05',
        handInDate: '2026-11-20',
      });
      expect(brief.statusCode, brief.body).toBe(201);
      for (const who of [leader, liv]) {
        const refused = await (await as(who)).api('DELETE', url(paths.api.course, draft.id));
        expect(refused.statusCode).toBe(409);
        expect(errorOf(refused)).toEqual({
          code: 'conflict',
          message:
            'This course has assignment briefs, so it cannot be deleted. Confirm it, then archive it instead.',
        });
      }
      expect(
        (
          await t.db
            .selectFrom('courses')
            .select('status')
            .where('id', '=', draft.id)
            .executeTakeFirst()
        )?.status,
      ).toBe('draft');
      expect(await auditOf('course.deleted')).toHaveLength(0);
      // Once confirmed, it is archived as usual.
      await agent.api('POST', url(paths.api.courseConfirm, draft.id));
      expect((await agent.api('DELETE', url(paths.api.course, draft.id))).statusCode).toBe(204);
    });

    // SQLite has one writer, so nothing can come between; PostgreSQL lets another transaction in.
    it.skipIf(kind !== 'postgres')(
      'decides between deleting and archiving on the course as locked: confirmed meanwhile, a pending leader may not archive it',
      async () => {
        const pending = await as(pendingLeader);
        const draft = await created(pending);
        const response = await whileLocked(
          draft.id,
          () => pending.api('DELETE', url(paths.api.course, draft.id)),
          (trx) =>
            trx
              .updateTable('courses')
              .set({ status: 'confirmed' })
              .where('id', '=', draft.id)
              .execute(),
        );
        expect(response.statusCode).toBe(403);
        expect(errorOf(response).code).toBe('role_not_approved');
        const row = await t.db
          .selectFrom('courses')
          .select('status')
          .where('id', '=', draft.id)
          .executeTakeFirstOrThrow();
        expect(row.status).toBe('confirmed');
        expect(await auditOf('course.archived')).toHaveLength(0);
      },
    );

    it('needs an approved role to archive, but a pending Course Leader may delete their draft', async () => {
      const pending = await as(pendingLeader);
      const draft = await created(pending);
      expect((await pending.api('DELETE', url(paths.api.course, draft.id))).statusCode).toBe(204);
      const toArchive = await created(pending);
      expect(
        (await (await as(liv)).api('POST', url(paths.api.courseConfirm, toArchive.id))).statusCode,
      ).toBe(200);
      const refused = await pending.api('DELETE', url(paths.api.course, toArchive.id));
      expect(errorOf(refused).code).toBe('role_not_approved');
      const row = await t.db
        .selectFrom('courses')
        .select('status')
        .where('id', '=', toArchive.id)
        .executeTakeFirstOrThrow();
      expect(row.status).toBe('confirmed');
    });

    it('clones a course into a new draft for the next academic year', async () => {
      const agent = await as(leader);
      const course = await created(agent);
      await agent.api('POST', url(paths.api.courseConfirm, course.id));
      const response = await agent.api('POST', url(paths.api.courseClone, course.id));
      expect(response.statusCode).toBe(201);
      const copy = (response.json() as { course: CourseJson }).course;
      expect(copy).toMatchObject({
        status: 'draft',
        academicYear: '2027/28',
        startDate: '2027-09-01',
        endDate: '2028-07-16',
        unitIds: course.unitIds,
        clonedFromId: course.id,
      });
      expect(copy.id).not.toBe(course.id);
      expect(await onlyAudit('course.cloned')).toEqual({
        actor: leader.id,
        target: `course:${copy.id}`,
        place: `${site0()}:business`,
        details: { from: course.id, team: { [leader.id]: 'course_leader' }, dropped: [] },
      });
    });

    it('clones for the LIV with the same leaders and the members who still hold their role, and emails them', async () => {
      const assessor = await buildAccount(t.db, centre, { first: 'Asa', last: 'Assessor' });
      await buildClaim(t.db, { account: assessor, subjectId: 'business', role: 'assessor' });
      const course = await created(await as(leader));
      const team = await putTeam(leader, course.id, {
        members: [
          { accountId: teacher.id, role: 'teacher' },
          { accountId: assessor.id, role: 'assessor' },
        ],
      });
      expect(team.statusCode).toBe(200);
      await revoke(assessor);
      const before = {
        leader: (await mailTo(leader)).length,
        teacher: (await mailTo(teacher)).length,
      };

      const response = await (await as(liv)).api('POST', url(paths.api.courseClone, course.id));
      expect(response.statusCode).toBe(201);
      const copy = (response.json() as { course: CourseJson }).course;
      expect(copy.leaders.map((l) => l.id)).toEqual([leader.id]); // the LIV does not become one
      expect(await teamOf(copy.id)).toEqual({
        [leader.id]: 'course_leader',
        [teacher.id]: 'teacher',
      });
      expect((await onlyAudit('course.cloned')).details).toEqual({
        from: course.id,
        team: { [leader.id]: 'course_leader', [teacher.id]: 'teacher' },
        dropped: [assessor.id],
      });
      const leaderMail = (await mailTo(leader)).slice(before.leader);
      const teacherMail = (await mailTo(teacher)).slice(before.teacher);
      expect(leaderMail.map((m) => m.subject)).toEqual([
        'You have been added to the course Business Extended Certificate',
      ]);
      expect(leaderMail[0]?.body_text).toContain('(Business, 2027/28) as Course Leader');
      expect(teacherMail[0]?.body_text).toContain('as Teacher');
      expect(await mailTo(assessor)).toHaveLength(1); // the first time only, not for the copy
    });

    it('makes the person cloning its leader when no leader of the course still holds the role', async () => {
      const course = await created(await as(otherLeader));
      await revoke(otherLeader);
      const response = await (await as(liv)).api('POST', url(paths.api.courseClone, course.id));
      expect(response.statusCode).toBe(201);
      const copy = (response.json() as { course: CourseJson }).course;
      expect(copy.leaders.map((l) => l.id)).toEqual([liv.id]);
      expect((await onlyAudit('course.cloned')).details).toMatchObject({
        dropped: [otherLeader.id],
      });
    });
  });

  describe('leaders and team', () => {
    it('lets the LIV add a Course Leader (who gets an email) but refuses a Course Leader changing leaders', async () => {
      const course = await created(await as(leader));
      const byLeader = await (
        await as(leader)
      ).api('PUT', url(paths.api.courseTeam, course.id), {
        leaderIds: [leader.id, otherLeader.id],
      });
      expect(errorOf(byLeader).code).toBe('forbidden');
      const byLiv = await (
        await as(liv)
      ).api('PUT', url(paths.api.courseTeam, course.id), {
        leaderIds: [leader.id, otherLeader.id],
      });
      expect(byLiv.statusCode).toBe(200);
      expect(
        (byLiv.json() as { course: CourseJson }).course.leaders.map((l) => l.id).sort(),
      ).toEqual([leader.id, otherLeader.id].sort());
      const mail = await t.db
        .selectFrom('outbox')
        .selectAll()
        .where('to_address', '=', otherLeader.username)
        .execute();
      expect(mail[0]?.subject).toBe(
        'You have been added to the course Business Extended Certificate',
      );
      expect(await auditOf('course.team_changed')).toHaveLength(1);
      // Sending the leaders unchanged is allowed to the leader.
      const unchanged = await (
        await as(leader)
      ).api('PUT', url(paths.api.courseTeam, course.id), {
        leaderIds: [otherLeader.id, leader.id],
        members: [{ accountId: teacher.id, role: 'teacher' }],
      });
      expect(unchanged.statusCode).toBe(200);
    });

    it('lets the LIV add a Teacher to a course whose leader holds only a pending claim', async () => {
      const course = await created(await as(pendingLeader));
      const response = await putTeam(liv, course.id, {
        members: [{ accountId: teacher.id, role: 'teacher' }],
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(await teamOf(course.id)).toEqual({
        [pendingLeader.id]: 'course_leader',
        [teacher.id]: 'teacher',
      });
      // Sending the pending leader back unchanged is no change to check either.
      const again = await putTeam(liv, course.id, {
        leaderIds: [pendingLeader.id],
        members: [
          { accountId: teacher.id, role: 'teacher' },
          { accountId: otherLeader.id, role: 'internal_verifier' },
        ],
      });
      expect(again.statusCode, again.body).toBe(200);
      // Making them leader anew is checked: the claim is still pending.
      const other = await created(await as(leader));
      const refused = await putTeam(liv, other.id, { leaderIds: [leader.id, pendingLeader.id] });
      expect(errorOf(refused).fields?.['leaderIds.1']).toContain(
        'Penny Pending cannot be added as Course Leader',
      );
    });

    it('keeps a member whose role was taken back while the team changes around them, but checks a new role', async () => {
      const course = await created(await as(leader));
      await putTeam(leader, course.id, { members: [{ accountId: teacher.id, role: 'teacher' }] });
      await revoke(teacher);
      const kept = await putTeam(leader, course.id, {
        members: [
          { accountId: teacher.id, role: 'teacher' },
          { accountId: otherLeader.id, role: 'assessor' },
        ],
      });
      expect(kept.statusCode, kept.body).toBe(200);
      expect(await teamOf(course.id)).toEqual({
        [leader.id]: 'course_leader',
        [teacher.id]: 'teacher',
        [otherLeader.id]: 'assessor',
      });
      const moved = await putTeam(leader, course.id, {
        members: [
          { accountId: teacher.id, role: 'assessor' },
          { accountId: otherLeader.id, role: 'assessor' },
        ],
      });
      expect(moved.statusCode).toBe(400);
      expect(errorOf(moved).fields?.['members.0']).toBe(
        'Tess Teacher cannot be added as Assessor: they must be an approved Assessor or above in Business',
      );
    });

    it('emails whoever is removed, and records who changed what', async () => {
      const course = await created(await as(leader));
      await putTeam(leader, course.id, { members: [{ accountId: teacher.id, role: 'teacher' }] });
      const response = await putTeam(liv, course.id, {
        leaderIds: [otherLeader.id],
        members: [],
      });
      expect(response.statusCode).toBe(200);
      const [removedMail] = (await mailTo(teacher)).slice(1);
      expect(removedMail?.subject).toBe(
        'You have been removed from the course Business Extended Certificate',
      );
      expect(removedMail?.body_text).toContain(
        'Liv Lead has removed you from the course Business Extended Certificate (Business, 2026/27).',
      );
      expect((await mailTo(leader)).map((m) => m.subject)).toEqual([
        'You have been removed from the course Business Extended Certificate',
      ]);
      const rows = await auditOf('course.team_changed');
      expect(rows).toHaveLength(2);
      const last = rows.find((r) => r.actor_id === liv.id);
      expect(last).toMatchObject({
        target_type: 'course',
        target_id: course.id,
        site_id: site0(),
        subject_id: 'business',
      });
      expect(JSON.parse(last?.details ?? '{}')).toEqual({
        added: { [otherLeader.id]: 'course_leader' },
        removed: expect.arrayContaining([leader.id, teacher.id]) as unknown,
      });
    });

    it.skipIf(kind !== 'postgres')(
      'takes the leaders a team change leaves out from the course as locked, not as read before',
      async () => {
        const course = await created(await as(leader));
        const agent = await as(leader);
        const response = await whileLocked(
          course.id,
          () =>
            agent.api('PUT', url(paths.api.courseTeam, course.id), {
              members: [{ accountId: teacher.id, role: 'teacher' }],
            }),
          // Meanwhile the LIV adds a second leader.
          (trx) =>
            trx
              .insertInto('course_team')
              .values({ course_id: course.id, account_id: otherLeader.id, role: 'course_leader' })
              .execute(),
        );
        expect(response.statusCode, response.body).toBe(200);
        expect(await teamOf(course.id)).toEqual({
          [leader.id]: 'course_leader',
          [otherLeader.id]: 'course_leader',
          [teacher.id]: 'teacher',
        });
      },
    );

    it('lets the QN change the leaders; a pending LIV gets role_not_approved', async () => {
      const course = await created(await as(leader));
      const byQn = await putTeam(qn, course.id, { leaderIds: [otherLeader.id] });
      expect(byQn.statusCode).toBe(200);
      expect(await teamOf(course.id)).toEqual({ [otherLeader.id]: 'course_leader' });

      const pendingLiv = await buildAccount(t.db, centre, { first: 'Lee', last: 'Later' });
      await buildClaim(t.db, {
        account: pendingLiv,
        subjectId: 'business',
        role: 'lead_internal_verifier',
        status: 'pending',
      });
      const refused = await putTeam(pendingLiv, course.id, { leaderIds: [leader.id] });
      expect(refused.statusCode).toBe(403);
      expect(errorOf(refused).code).toBe('role_not_approved');
      expect(errorOf(refused).message).toContain(
        'Your claim to be a Lead Internal Verifier in Business has not been approved yet: adding or removing Course Leaders needs an approved role',
      );
      expect(await teamOf(course.id)).toEqual({ [otherLeader.id]: 'course_leader' });
    });

    it('needs an approved role to change the team: a pending leader of the course gets role_not_approved', async () => {
      const pendingCourse = await created(await as(pendingLeader));
      const refused = await putTeam(pendingLeader, pendingCourse.id, {
        members: [{ accountId: teacher.id, role: 'teacher' }],
      });
      expect(refused.statusCode).toBe(403);
      expect(errorOf(refused).code).toBe('role_not_approved');
      expect(errorOf(refused).message).toContain('Liv Lead');
      expect(await teamOf(pendingCourse.id)).toEqual({ [pendingLeader.id]: 'course_leader' });
      // Sending the team unchanged is only reading it.
      expect((await putTeam(pendingLeader, pendingCourse.id, {})).statusCode).toBe(200);

      const approvedCourse = await created(await as(leader));
      const allowed = await putTeam(leader, approvedCourse.id, {
        members: [{ accountId: teacher.id, role: 'teacher' }],
      });
      expect(allowed.statusCode).toBe(200);
    });

    it('refuses people whose approved role is too junior, or who are only pending', async () => {
      const course = await created(await as(leader));
      const response = await (
        await as(liv)
      ).api('PUT', url(paths.api.courseTeam, course.id), {
        leaderIds: [leader.id, pendingLeader.id],
        members: [
          { accountId: teacher.id, role: 'assessor' },
          { accountId: stranger.id, role: 'teacher' },
        ],
      });
      expect(response.statusCode).toBe(400);
      const fields = errorOf(response).fields ?? {};
      expect(fields['leaderIds.1']).toContain('Penny Pending cannot be added as Course Leader');
      expect(fields['members.0']).toBe(
        'Tess Teacher cannot be added as Assessor: they must be an approved Assessor or above in Business',
      );
      expect(fields['members.1']).toBe('Choose people of your centre');
      const row = await t.db
        .selectFrom('course_team')
        .select('account_id')
        .where('course_id', '=', course.id)
        .execute();
      expect(row.map((r) => r.account_id)).toEqual([leader.id]);
    });

    it('lets a team member see the course read-only; someone not on it sees nothing', async () => {
      const course = await created(await as(leader));
      await (
        await as(leader)
      ).api('PUT', url(paths.api.courseTeam, course.id), {
        members: [{ accountId: teacher.id, role: 'teacher' }],
      });
      const asTeacher = await as(teacher);
      expect((await asTeacher.get(url(paths.api.course, course.id))).statusCode).toBe(200);
      const list = (await asTeacher.get(paths.api.courses)).json() as { courses: CourseJson[] };
      expect(list.courses.map((c) => c.id)).toEqual([course.id]);
      expect(
        errorOf(
          await asTeacher.api('PATCH', url(paths.api.course, course.id), { title: 'Mine now' }),
        ).code,
      ).toBe('forbidden');
      expect(
        errorOf(await asTeacher.api('POST', url(paths.api.courseConfirm, course.id))).code,
      ).toBe('forbidden');

      const outsider = await as(sportLeader);
      expect((await outsider.get(url(paths.api.course, course.id))).statusCode).toBe(403);
      expect(
        ((await outsider.get(paths.api.courses)).json() as { courses: unknown[] }).courses,
      ).toEqual([]);
      const foreign = await as(stranger);
      expect((await foreign.get(url(paths.api.course, course.id))).statusCode).toBe(404);
    });

    it('lists every course of the subject for the LIV, with filters', async () => {
      await created(await as(leader));
      await created(await as(otherLeader), {
        academicYear: '2025/26',
        startDate: '2025-09-01',
        endDate: '2026-07-16',
      });
      const all = (await (await as(liv)).get(paths.api.courses)).json() as {
        courses: CourseJson[];
      };
      expect(all.courses).toHaveLength(2);
      const filtered = (
        await (await as(liv)).get(`${paths.api.courses}?academicYear=2025%2F26`)
      ).json() as { courses: CourseJson[] };
      expect(filtered.courses).toHaveLength(1);
      const bad = await (await as(liv)).get(`${paths.api.courses}?status=finished`);
      expect(bad.statusCode).toBe(400);
      const first = all.courses.find((c) => c.academicYear === '2026/27') as CourseJson;
      await (await as(liv)).api('POST', url(paths.api.courseConfirm, first.id));
      const confirmed = (
        await (await as(liv)).get(`${paths.api.courses}?status=confirmed`)
      ).json() as { courses: CourseJson[] };
      expect(confirmed.courses.map((c) => c.id)).toEqual([first.id]);
      const drafts = (await (await as(liv)).get(`${paths.api.courses}?status=draft`)).json() as {
        courses: CourseJson[];
      };
      expect(drafts.courses.map((c) => c.academicYear)).toEqual(['2025/26']);
      const business = (
        await (await as(qn)).get(`${paths.api.courses}?subjectId=business`)
      ).json() as { courses: CourseJson[] };
      expect(business.courses).toHaveLength(2);
      const sport = (await (await as(qn)).get(`${paths.api.courses}?subjectId=sport`)).json() as {
        courses: CourseJson[];
      };
      expect(sport.courses).toEqual([]);
    });
  });
});
