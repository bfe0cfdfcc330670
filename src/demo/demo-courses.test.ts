import { afterEach, beforeEach, expect, it } from 'vitest';
import { courseProblems } from '../domain/courses.js';
import { loadSampleCatalogue } from '../features/qualifications/qualification.service.js';
import { forEachDatabase } from '../../test/support/databases.js';
import { createTestApp, type TestApp } from '../../test/support/test-app.js';
import { demoAccountId, loadDemoData } from './demo-data.js';

forEachDatabase('demo courses', (kind) => {
  let t: TestApp;

  beforeEach(async () => {
    t = await createTestApp(kind);
    await loadSampleCatalogue(t.db);
    await loadDemoData(t.db, t.clock, 'Demo-Password-7');
  });
  afterEach(() => t.close());

  const snapshot = async () => ({
    courses: await t.db.selectFrom('courses').selectAll().orderBy('id').execute(),
    units: await t.db
      .selectFrom('course_units')
      .selectAll()
      .orderBy('course_id')
      .orderBy('unit_id')
      .execute(),
    team: await t.db
      .selectFrom('course_team')
      .selectAll()
      .orderBy('course_id')
      .orderBy('account_id')
      .execute(),
  });

  it('has courses in each state, and loading the demo again changes nothing', async () => {
    const first = await snapshot();
    const statuses = new Set(first.courses.map((c) => c.status));
    expect([...statuses].sort()).toEqual(['archived', 'confirmed', 'draft']);
    await loadDemoData(t.db, t.clock, 'Demo-Password-7');
    expect(await snapshot()).toEqual(first);
  });

  it('gives Demo Courselead a course in every subject they lead that has a qualification, each confirmed one complete', async () => {
    const led = await t.db
      .selectFrom('claims')
      .select('subject_id')
      .where('claimant_id', '=', demoAccountId('courselead'))
      .where('status', '=', 'approved')
      .where('role', '=', 'course_leader')
      .execute();
    const withQualification = new Set(
      (await t.db.selectFrom('qualifications').select('subject_id').execute()).map(
        (q) => q.subject_id,
      ),
    );
    const courses = await t.db
      .selectFrom('courses')
      .innerJoin('course_team', 'course_team.course_id', 'courses.id')
      .select(['courses.id', 'courses.subject_id', 'courses.status', 'courses.qualification_id'])
      .where('course_team.account_id', '=', demoAccountId('courselead'))
      .where('course_team.role', '=', 'course_leader')
      .execute();
    const subjects = led.map((l) => l.subject_id).filter((s) => withQualification.has(s));
    expect(subjects.length).toBeGreaterThanOrEqual(5);
    for (const subject of subjects)
      expect(
        courses.some((c) => c.subject_id === subject),
        subject,
      ).toBe(true);

    for (const course of courses.filter((c) => c.status !== 'draft')) {
      const units = await t.db
        .selectFrom('units')
        .select(['id', 'number', 'title', 'mandatory', 'glh'])
        .where('qualification_id', '=', course.qualification_id)
        .execute();
      const { glh } = await t.db
        .selectFrom('qualifications')
        .select('glh')
        .where('id', '=', course.qualification_id)
        .executeTakeFirstOrThrow();
      const chosen = await t.db
        .selectFrom('course_units')
        .select('unit_id')
        .where('course_id', '=', course.id)
        .execute();
      const problems = courseProblems(
        { glh, units: units.map((u) => ({ ...u, mandatory: u.mandatory === 1 })) },
        chosen.map((c) => c.unit_id),
      );
      expect(problems, course.id).toEqual([]);
    }
  });
});
