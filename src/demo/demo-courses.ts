import type { Clock } from '../clock.js';
import type { Db } from '../db/connection.js';
import type { CourseRole, CourseStatus } from '../domain/courses.js';
import { demoAccountId, DEMO_CENTRE } from './demo-data.js';

interface DemoCourse {
  id: string;
  subject: string;
  qualification: string;
  title: string;
  academicYear: string;
  startDate: string;
  endDate: string;
  status: CourseStatus;
  units: string[];
  team: { who: string; role: CourseRole }[];
}

const business = (n: number) => `u-business-l3-ext-cert-${n}`;
const science = (n: number) => `u-applied-science-l3-ext-cert-${n}`;

/**
 * Demo Courselead's courses at the main site (SPEC §9): a Business draft that still lacks an
 * optional unit's hours (so the course page shows what is missing), a confirmed Business course
 * with Demo Teacher on its team, and an Applied Science draft that is ready to confirm.
 */
const COURSES: DemoCourse[] = [
  {
    id: 'demo-course-business-draft',
    subject: 'business',
    qualification: 'q-business-l3-ext-cert',
    title: 'Business Extended Certificate 2026 intake',
    academicYear: '2026/27',
    startDate: '2026-09-07',
    endDate: '2027-07-16',
    status: 'draft',
    units: [business(1), business(2), business(3)],
    team: [{ who: 'courselead', role: 'course_leader' }],
  },
  {
    id: 'demo-course-business-confirmed',
    subject: 'business',
    qualification: 'q-business-l3-ext-cert',
    title: 'Business Extended Certificate 2025 intake',
    academicYear: '2025/26',
    startDate: '2025-09-08',
    endDate: '2026-07-17',
    status: 'confirmed',
    units: [business(1), business(2), business(3), business(4)],
    team: [
      { who: 'courselead', role: 'course_leader' },
      { who: 'teacher', role: 'teacher' },
    ],
  },
  {
    id: 'demo-course-applied-science-draft',
    subject: 'applied-science',
    qualification: 'q-applied-science-l3-ext-cert',
    title: 'Applied Science Extended Certificate',
    academicYear: '2026/27',
    startDate: '2026-09-07',
    endDate: '2027-07-16',
    status: 'draft',
    units: [science(1), science(2), science(3), science(8)],
    team: [{ who: 'courselead', role: 'course_leader' }],
  },
];

/**
 * Demo courses, added once: a course whose id exists is left as it is. Needs the sample
 * catalogue, which the server loads before the demo; without it there is nothing to build from.
 */
export async function loadDemoCourses(db: Db, clock: Clock): Promise<void> {
  const existing = new Set(
    (
      await db.selectFrom('courses').select('id').where('id', 'like', 'demo-course-%').execute()
    ).map((r) => r.id),
  );
  const missing = COURSES.filter((c) => !existing.has(c.id));
  if (missing.length === 0) return;
  const qualifications = new Set(
    (
      await db
        .selectFrom('qualifications')
        .select('id')
        .where(
          'id',
          'in',
          missing.map((c) => c.qualification),
        )
        .execute()
    ).map((r) => r.id),
  );
  const now = clock.now().toISOString();
  await db.transaction().execute(async (trx) => {
    for (const course of missing.filter((c) => qualifications.has(c.qualification))) {
      await trx
        .insertInto('courses')
        .values({
          id: course.id,
          centre_id: DEMO_CENTRE.id,
          site_id: 'site-99000',
          subject_id: course.subject,
          qualification_id: course.qualification,
          title: course.title,
          academic_year: course.academicYear,
          start_date: course.startDate,
          end_date: course.endDate,
          status: course.status,
          created_by_id: demoAccountId('courselead'),
          created_at: now,
          updated_at: now,
          confirmed_at: course.status === 'confirmed' ? now : null,
          cloned_from_id: null,
        })
        .execute();
      await trx
        .insertInto('course_units')
        .values(course.units.map((unitId) => ({ course_id: course.id, unit_id: unitId })))
        .execute();
      await trx
        .insertInto('course_team')
        .values(
          course.team.map((member) => ({
            course_id: course.id,
            account_id: demoAccountId(member.who),
            role: member.role,
          })),
        )
        .execute();
    }
  });
}
