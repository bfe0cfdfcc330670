import { sql } from 'kysely';
import type { DbOrTx } from '../../db/connection.js';
import type { CourseRow } from '../../db/schema.js';
import { COURSE_STATUSES, type CourseMemberRole, type CourseStatus } from '../../domain/courses.js';
import { isRole, rankOf, type Role } from '../../domain/roles.js';
import { newId } from '../../lib/ids.js';

export interface PersonRef {
  id: string;
  name: string;
}

export interface Course {
  id: string;
  centreId: string;
  siteId: string;
  subjectId: string;
  qualificationId: string;
  title: string;
  academicYear: string;
  startDate: string;
  endDate: string;
  status: CourseStatus;
  unitIds: string[];
  leaders: PersonRef[];
  members: (PersonRef & { role: CourseMemberRole })[];
  createdAt: string;
  updatedAt: string;
  confirmedAt: string | null;
  clonedFromId: string | null;
}

export interface CourseFields {
  title: string;
  academicYear: string;
  startDate: string;
  endDate: string;
}

const fullName = sql<string>`accounts.first_name || ' ' || accounts.last_name`;

function isStatus(value: string): value is CourseStatus {
  return (COURSE_STATUSES as readonly string[]).includes(value);
}

/** Courses with their units and team, in three queries whatever their number. */
async function hydrate(db: DbOrTx, rows: CourseRow[]): Promise<Course[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [units, team] = await Promise.all([
    db
      .selectFrom('course_units')
      .innerJoin('units', 'units.id', 'course_units.unit_id')
      .select(['course_units.course_id', 'course_units.unit_id'])
      .where('course_units.course_id', 'in', ids)
      .orderBy('units.sort_order')
      .execute(),
    db
      .selectFrom('course_team')
      .innerJoin('accounts', 'accounts.id', 'course_team.account_id')
      .select([
        'course_team.course_id',
        'course_team.account_id',
        'course_team.role',
        fullName.as('name'),
      ])
      .where('course_team.course_id', 'in', ids)
      .orderBy('accounts.last_name')
      .orderBy('accounts.first_name')
      .execute(),
  ]);
  return rows.map((row) => {
    if (!isStatus(row.status)) throw new Error(`course ${row.id} has an unknown status`);
    const mine = team.filter((t) => t.course_id === row.id);
    return {
      id: row.id,
      centreId: row.centre_id,
      siteId: row.site_id,
      subjectId: row.subject_id,
      qualificationId: row.qualification_id,
      title: row.title,
      academicYear: row.academic_year,
      startDate: row.start_date,
      endDate: row.end_date,
      status: row.status,
      unitIds: units.filter((u) => u.course_id === row.id).map((u) => u.unit_id),
      leaders: mine
        .filter((t) => t.role === 'course_leader')
        .map((t) => ({ id: t.account_id, name: t.name })),
      members: mine
        .filter((t) => t.role !== 'course_leader')
        .map((t) => ({ id: t.account_id, name: t.name, role: t.role as CourseMemberRole })),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      confirmedAt: row.confirmed_at,
      clonedFromId: row.cloned_from_id,
    };
  });
}

export async function findCourse(
  db: DbOrTx,
  id: string,
  options: { lock?: boolean } = {},
): Promise<Course | undefined> {
  let query = db.selectFrom('courses').selectAll().where('id', '=', id);
  if (options.lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? (await hydrate(db, [row]))[0] : undefined;
}

/**
 * Courses an actor might see: at sites where they are QN, in teams where they hold a role, or on
 * whose team they are. `decide()` has the last word on each.
 */
export async function listCandidateCourses(
  db: DbOrTx,
  scope: {
    centreId: string;
    accountId: string;
    qnSiteIds: readonly string[];
    teams: readonly { siteId: string; subjectId: string }[];
  },
  filter: { subjectId?: string; status?: CourseStatus; academicYear?: string },
): Promise<Course[]> {
  let query = db
    .selectFrom('courses')
    .selectAll()
    .where('centre_id', '=', scope.centreId)
    .where((eb) =>
      eb.or([
        eb(
          'id',
          'in',
          eb
            .selectFrom('course_team')
            .select('course_id')
            .where('account_id', '=', scope.accountId),
        ),
        ...(scope.qnSiteIds.length > 0 ? [eb('site_id', 'in', scope.qnSiteIds)] : []),
        ...scope.teams.map((team) =>
          eb.and([eb('site_id', '=', team.siteId), eb('subject_id', '=', team.subjectId)]),
        ),
      ]),
    );
  if (filter.subjectId) query = query.where('subject_id', '=', filter.subjectId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.academicYear) query = query.where('academic_year', '=', filter.academicYear);
  const rows = await query.orderBy('academic_year', 'desc').orderBy('title').limit(500).execute();
  return hydrate(db, rows);
}

export async function insertCourse(
  db: DbOrTx,
  course: CourseFields & {
    centreId: string;
    siteId: string;
    subjectId: string;
    qualificationId: string;
    createdById: string;
    clonedFromId?: string | null;
  },
  now: Date,
): Promise<string> {
  const id = newId();
  await db
    .insertInto('courses')
    .values({
      id,
      centre_id: course.centreId,
      site_id: course.siteId,
      subject_id: course.subjectId,
      qualification_id: course.qualificationId,
      title: course.title,
      academic_year: course.academicYear,
      start_date: course.startDate,
      end_date: course.endDate,
      status: 'draft',
      created_by_id: course.createdById,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
      confirmed_at: null,
      cloned_from_id: course.clonedFromId ?? null,
    })
    .execute();
  return id;
}

export async function updateCourseFields(
  db: DbOrTx,
  id: string,
  fields: Partial<CourseFields>,
  now: Date,
): Promise<void> {
  await db
    .updateTable('courses')
    .set({
      ...(fields.title !== undefined ? { title: fields.title } : {}),
      ...(fields.academicYear !== undefined ? { academic_year: fields.academicYear } : {}),
      ...(fields.startDate !== undefined ? { start_date: fields.startDate } : {}),
      ...(fields.endDate !== undefined ? { end_date: fields.endDate } : {}),
      updated_at: now.toISOString(),
    })
    .where('id', '=', id)
    .execute();
}

export async function setCourseUnits(
  db: DbOrTx,
  courseId: string,
  unitIds: readonly string[],
): Promise<void> {
  await db.deleteFrom('course_units').where('course_id', '=', courseId).execute();
  if (unitIds.length > 0) {
    await db
      .insertInto('course_units')
      .values(unitIds.map((unitId) => ({ course_id: courseId, unit_id: unitId })))
      .execute();
  }
}

export async function setCourseTeam(
  db: DbOrTx,
  courseId: string,
  team: readonly { accountId: string; role: string }[],
): Promise<void> {
  await db.deleteFrom('course_team').where('course_id', '=', courseId).execute();
  if (team.length > 0) {
    await db
      .insertInto('course_team')
      .values(team.map((t) => ({ course_id: courseId, account_id: t.accountId, role: t.role })))
      .execute();
  }
}

/** Moves a course on only if it is still in the expected status; says whether this call did. */
export async function changeCourseStatus(
  db: DbOrTx,
  id: string,
  from: CourseStatus,
  to: CourseStatus,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('courses')
    .set({
      status: to,
      updated_at: now.toISOString(),
      ...(to === 'confirmed' ? { confirmed_at: now.toISOString() } : {}),
    })
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Only a draft is destroyed; its units and team go with it (on delete cascade). */
export async function deleteDraftCourse(db: DbOrTx, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('courses')
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** How many assignment briefs are written for the course (they keep it from being deleted). */
export async function countBriefsOfCourse(db: DbOrTx, courseId: string): Promise<number> {
  const row = await db
    .selectFrom('briefs')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('course_id', '=', courseId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** People of the centre with their username, for emails and for the team pickers. */
export async function peopleOfCentre(db: DbOrTx, centreId: string, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('accounts')
    .select(['id', 'username', 'first_name', fullName.as('name')])
    .where('centre_id', '=', centreId)
    .where('id', 'in', ids)
    .execute();
}

/** Someone who may be put on a course of a site and subject: their approved role there, or QN. */
export interface EligiblePerson {
  id: string;
  name: string;
  /** The approved role in that subject at that site; a Quality Nominee of the site has none. */
  role: Role | null;
  qualityNominee: boolean;
}

/**
 * The people of the centre who hold an approved role in the subject at the site, and the site's
 * Quality Nominees (of the site, or of the whole centre), by last name. A person with two approved
 * claims there (which should not happen) counts with the senior one.
 */
export async function eligiblePeople(
  db: DbOrTx,
  scope: { centreId: string; siteId: string; subjectId: string },
): Promise<EligiblePerson[]> {
  const [claims, nominees] = await Promise.all([
    db
      .selectFrom('claims')
      .innerJoin('accounts', 'accounts.id', 'claims.claimant_id')
      .select([
        'accounts.id as id',
        'accounts.first_name as first',
        'accounts.last_name as last',
        'claims.role as role',
      ])
      .where('claims.centre_id', '=', scope.centreId)
      .where('accounts.centre_id', '=', scope.centreId)
      .where('claims.site_id', '=', scope.siteId)
      .where('claims.subject_id', '=', scope.subjectId)
      .where('claims.status', '=', 'approved')
      .execute(),
    db
      .selectFrom('accounts')
      .select(['id', 'first_name as first', 'last_name as last'])
      .where('centre_id', '=', scope.centreId)
      .where((eb) =>
        eb.or([
          eb(
            'id',
            'in',
            eb
              .selectFrom('sites')
              .select('quality_nominee_id')
              .where('id', '=', scope.siteId)
              .where('quality_nominee_id', 'is not', null)
              .$narrowType<{ quality_nominee_id: string }>(),
          ),
          eb(
            'id',
            'in',
            eb
              .selectFrom('centres')
              .select('quality_nominee_id')
              .where('id', '=', scope.centreId)
              .where('quality_nominee_id', 'is not', null)
              .$narrowType<{ quality_nominee_id: string }>(),
          ),
        ]),
      )
      .execute(),
  ]);
  const people = new Map<string, EligiblePerson & { first: string; last: string }>();
  for (const row of claims) {
    if (!isRole(row.role)) continue;
    const held = people.get(row.id);
    if (held?.role && rankOf(held.role) >= rankOf(row.role)) continue;
    people.set(row.id, {
      id: row.id,
      name: `${row.first} ${row.last}`,
      first: row.first,
      last: row.last,
      role: row.role,
      qualityNominee: false,
    });
  }
  for (const row of nominees) {
    const held = people.get(row.id);
    people.set(row.id, {
      id: row.id,
      name: `${row.first} ${row.last}`,
      first: row.first,
      last: row.last,
      role: held?.role ?? null,
      qualityNominee: true,
    });
  }
  return [...people.values()]
    .sort((a, b) => a.last.localeCompare(b.last) || a.first.localeCompare(b.first))
    .map(({ id, name, role, qualityNominee }) => ({ id, name, role, qualityNominee }));
}
