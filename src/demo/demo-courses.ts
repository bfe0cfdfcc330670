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
const engineering = (n: number) => `u-engineering-l3-ext-cert-${n}`;
const ict = (n: number) => `u-ict-l12-first-award-${n}`;
const performing = (n: number) => `u-performing-arts-l12-tech-award-${n}`;

/**
 * Demo Courselead's courses at the main site (SPEC §9), a course in each state: in Business a
 * draft that still lacks an optional unit's hours (so the course page shows what is missing), a
 * confirmed course with Demo Teacher on its team (the one with the demo briefs) and last year's,
 * archived; an Applied Science draft ready to confirm; an Engineering draft missing a mandatory
 * unit; confirmed Performing Arts and Information and Creative Technology courses. The two other
 * subjects Demo Courselead leads in (Application of Science, Principles of Applied Science) have
 * no qualification in the sample catalogue, so no course can be built there.
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
  {
    id: 'demo-course-business-archived',
    subject: 'business',
    qualification: 'q-business-l3-ext-cert',
    title: 'Business Extended Certificate 2024 intake',
    academicYear: '2024/25',
    startDate: '2024-09-09',
    endDate: '2025-07-18',
    status: 'archived',
    units: [business(1), business(2), business(3), business(5)],
    team: [
      { who: 'courselead', role: 'course_leader' },
      { who: 'teacher', role: 'teacher' },
    ],
  },
  {
    id: 'demo-course-engineering-draft',
    subject: 'engineering',
    qualification: 'q-engineering-l3-ext-cert',
    title: 'Engineering Extended Certificate',
    academicYear: '2026/27',
    startDate: '2026-09-07',
    endDate: '2027-07-16',
    status: 'draft',
    units: [engineering(1), engineering(2), engineering(10)],
    team: [{ who: 'courselead', role: 'course_leader' }],
  },
  {
    id: 'demo-course-performing-arts-confirmed',
    subject: 'performing-arts',
    qualification: 'q-performing-arts-l12-tech-award',
    title: 'Performing Arts Tech Award',
    academicYear: '2026/27',
    startDate: '2026-09-07',
    endDate: '2027-07-16',
    status: 'confirmed',
    units: [performing(1), performing(2), performing(3)],
    team: [{ who: 'courselead', role: 'course_leader' }],
  },
  {
    id: 'demo-course-ict-confirmed',
    subject: 'information-and-creative-technology',
    qualification: 'q-ict-l12-first-award',
    title: 'Information and Creative Technology First Award',
    academicYear: '2026/27',
    startDate: '2026-09-07',
    endDate: '2027-07-16',
    status: 'confirmed',
    units: [ict(1), ict(3), ict(2), ict(6)],
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
          confirmed_at: course.status === 'draft' ? null : now,
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
