import type { Clock } from '../../clock.js';
import type { Db, Tx } from '../../db/connection.js';
import type { Actor } from '../../domain/actor.js';
import {
  courseProblems,
  courseRoleRefusal,
  isAcademicYear,
  keepsLeadingClone,
  nextAcademicYear,
  type CourseMemberRole,
  type CourseRole,
  type CourseStatus,
  type UnitInfo,
} from '../../domain/courses.js';
import type { Action, Target } from '../../domain/permissions.js';
import { roleName } from '../../domain/roles.js';
import { AppError, Conflict, InvalidInput, NotFound } from '../../errors.js';
import { recordTeamAudit } from '../audit/audit.repository.js';
import { queueEmail } from '../notifications/outbox.repository.js';
import { findSite, subjectCatalogue } from '../organisation/organisation.repository.js';
import { createAuthoriser } from '../role-claims/authorise.js';
import {
  changeCourseStatus,
  countBriefsOfCourse,
  deleteDraftCourse,
  eligiblePeople as eligiblePeopleOf,
  findCourse,
  insertCourse,
  listCandidateCourses,
  peopleOfCentre,
  setCourseTeam,
  setCourseUnits,
  updateCourseFields,
  type Course,
  type CourseFields,
  type EligiblePerson,
} from './course.repository.js';

/** A course cannot be confirmed: what is missing, each in a sentence. */
export class CourseIncomplete extends AppError {
  constructor(readonly problems: string[]) {
    super(
      400,
      'course_incomplete',
      `This course cannot be confirmed yet: ${problems.join('; ')}.`,
      { problems },
    );
  }
}

/** What the course service needs of the qualification catalogue. */
export interface QualificationLookup {
  find(
    id: string,
  ): Promise<
    { id: string; subjectId: string; title: string; glh: number; units: UnitInfo[] } | undefined
  >;
}

export interface NewCourseInput extends CourseFields {
  siteId: string;
  subjectId: string;
  qualificationId: string;
  unitIds?: string[];
}

export interface TeamInput {
  leaderIds?: string[];
  members?: { accountId: string; role: CourseMemberRole }[];
}

/** Someone on the course cloned who was not put on the copy, as they no longer hold the role. */
export interface DroppedMember {
  id: string;
  name: string;
  role: CourseRole;
}

const HAS_BRIEFS =
  'This course has assignment briefs, so it cannot be deleted. Confirm it, then archive it instead.';

const TITLE_MAX = 200;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function validDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Checks the fields that are given; returns the problems by field. */
function checkFields(
  fields: Partial<CourseFields>,
  existing?: CourseFields,
): Record<string, string> {
  const problems: Record<string, string> = {};
  if (fields.title !== undefined) {
    if (fields.title.trim() === '') problems.title = 'Enter a course title';
    else if (fields.title.length > TITLE_MAX)
      problems.title = `Course title must be ${TITLE_MAX} characters or fewer`;
  }
  if (fields.academicYear !== undefined && !isAcademicYear(fields.academicYear)) {
    problems.academicYear = 'Enter the academic year like 2026/27';
  }
  if (fields.startDate !== undefined && !validDate(fields.startDate))
    problems.startDate = 'Enter a real start date, like 2026-09-01';
  if (fields.endDate !== undefined && !validDate(fields.endDate))
    problems.endDate = 'Enter a real end date, like 2027-07-16';
  const start = fields.startDate ?? existing?.startDate;
  const end = fields.endDate ?? existing?.endDate;
  if (!problems.startDate && !problems.endDate && start && end && end <= start)
    problems.endDate = 'The end date must be after the start date';
  return problems;
}

function shiftYear(date: string): string {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCFullYear(next.getUTCFullYear() + 1);
  return next.toISOString().slice(0, 10);
}

export type CourseService = ReturnType<typeof createCourseService>;

/**
 * Courses (SPEC §5): create, edit, clone, delete or archive, confirm, and their leaders and team.
 * Every check of who may do it is `decide()`'s; every change writes its audit row (and emails) in
 * the same transaction.
 */
export function createCourseService(deps: {
  db: Db;
  clock: Clock;
  baseUrl: string;
  qualifications: QualificationLookup;
  /** The person's roles as they stand, read in the given transaction. */
  loadActor: (person: { id: string; name: string; centreId: string }, trx?: Tx) => Promise<Actor>;
}) {
  const { db, clock, qualifications } = deps;
  const authorise = createAuthoriser(db);
  const catalogue = subjectCatalogue(db);
  const subjects = catalogue.all;
  const subjectName = catalogue.name;

  async function targetOf(
    course: Pick<Course, 'centreId' | 'siteId' | 'subjectId' | 'leaders' | 'members'>,
  ): Promise<Target> {
    return {
      centreId: course.centreId,
      siteId: course.siteId,
      subjectId: course.subjectId,
      subjectName: await subjectName(course.subjectId),
      courseLeaderIds: course.leaders.map((p) => p.id),
      courseMemberIds: course.members.map((p) => p.id),
    };
  }

  function audit(
    trx: Tx,
    actor: Actor,
    action: string,
    course: { id: string; siteId: string; subjectId: string },
    details: Record<string, unknown>,
    ip: string,
  ) {
    return recordTeamAudit(trx, {
      at: clock.now(),
      actor,
      action,
      target: { type: 'course', ...course },
      ip,
      details,
    });
  }

  /** The course, if the actor may see it; another centre's is "not found". */
  async function get(actor: Actor, id: string): Promise<Course> {
    const course = await findCourse(db, id);
    if (!course || course.centreId !== actor.centreId) throw new NotFound();
    await authorise(actor, 'course.view', await targetOf(course));
    return course;
  }

  /**
   * Loads and locks the course inside a transaction, then asks whether the actor may act on it;
   * an action that depends on the course (delete or archive) is chosen from the locked row.
   */
  async function lockFor(
    trx: Tx,
    actor: Actor,
    id: string,
    action: Action | ((course: Course) => Action),
  ): Promise<Course> {
    const course = await findCourse(trx, id, { lock: true });
    if (!course || course.centreId !== actor.centreId) throw new NotFound();
    const chosen = typeof action === 'function' ? action(course) : action;
    await authorise(actor, chosen, await targetOf(course), trx);
    return course;
  }

  async function list(
    actor: Actor,
    filter: { subjectId?: string; status?: CourseStatus; academicYear?: string },
  ): Promise<Course[]> {
    const teams = [...new Set([...actor.approved.keys(), ...actor.pending.keys()])].map((key) => {
      const [siteId = '', subjectId = ''] = key.split(':');
      return { siteId, subjectId };
    });
    const candidates = await listCandidateCourses(
      db,
      {
        centreId: actor.centreId,
        accountId: actor.accountId,
        qnSiteIds: [...actor.qnSiteIds],
        teams,
      },
      filter,
    );
    const visible: Course[] = [];
    for (const course of candidates) {
      try {
        await authorise(actor, 'course.view', await targetOf(course));
        visible.push(course);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
      }
    }
    return visible;
  }

  async function qualificationFor(qualificationId: string, subjectId: string) {
    const qualification = await qualifications.find(qualificationId);
    if (!qualification || qualification.subjectId !== subjectId) return undefined;
    return qualification;
  }

  function checkUnits(
    unitIds: readonly string[],
    units: readonly UnitInfo[],
  ): Record<string, string> {
    const known = new Set(units.map((u) => u.id));
    const unknown = unitIds.filter((id) => !known.has(id));
    return unknown.length > 0 ? { unitIds: 'Choose units of this qualification only' } : {};
  }

  async function create(actor: Actor, input: NewCourseInput, ip: string): Promise<Course> {
    const site = await findSite(db, input.siteId);
    if (!site || site.centreId !== actor.centreId) throw new NotFound();
    const subject = (await subjects()).get(input.subjectId);
    if (!subject) throw new InvalidInput({ subjectId: 'Select a subject area' });
    await authorise(actor, 'course.create', {
      centreId: actor.centreId,
      siteId: site.id,
      subjectId: subject.id,
      subjectName: subject.name,
    });
    const qualification = await qualificationFor(input.qualificationId, subject.id);
    const problems = checkFields(input);
    if (!qualification) problems.qualificationId = `Select a ${subject.name} qualification`;
    const unitIds = [
      ...new Set(
        input.unitIds ?? qualification?.units.filter((u) => u.mandatory).map((u) => u.id) ?? [],
      ),
    ];
    if (qualification) Object.assign(problems, checkUnits(unitIds, qualification.units));
    if (Object.keys(problems).length > 0) throw new InvalidInput(problems);
    const now = clock.now();
    const id = await db.transaction().execute(async (trx) => {
      const courseId = await insertCourse(
        trx,
        {
          ...input,
          title: input.title.trim(),
          centreId: actor.centreId,
          siteId: site.id,
          subjectId: subject.id,
          createdById: actor.accountId,
        },
        now,
      );
      await setCourseUnits(trx, courseId, unitIds);
      await setCourseTeam(trx, courseId, [{ accountId: actor.accountId, role: 'course_leader' }]);
      await audit(
        trx,
        actor,
        'course.created',
        { id: courseId, siteId: site.id, subjectId: subject.id },
        { title: input.title.trim(), qualificationId: input.qualificationId, unitIds },
        ip,
      );
      return courseId;
    });
    return (await findCourse(db, id)) as Course;
  }

  async function update(
    actor: Actor,
    id: string,
    changes: Partial<CourseFields> & { unitIds?: string[] },
    ip: string,
  ): Promise<Course> {
    await subjects();
    const existing = await findCourse(db, id);
    if (!existing || existing.centreId !== actor.centreId) throw new NotFound();
    const qualification = await qualificationFor(existing.qualificationId, existing.subjectId);
    await db.transaction().execute(async (trx) => {
      const course = await lockFor(trx, actor, id, 'course.edit');
      if (course.status !== 'draft') {
        throw new Conflict(
          `This course is ${course.status}: only a draft can be edited. Clone it to make a new draft.`,
        );
      }
      const problems = checkFields(changes, course);
      const unitIds = changes.unitIds ? [...new Set(changes.unitIds)] : undefined;
      if (unitIds && qualification)
        Object.assign(problems, checkUnits(unitIds, qualification.units));
      if (Object.keys(problems).length > 0) throw new InvalidInput(problems);
      const now = clock.now();
      await updateCourseFields(
        trx,
        id,
        { ...changes, ...(changes.title !== undefined ? { title: changes.title.trim() } : {}) },
        now,
      );
      if (unitIds) await setCourseUnits(trx, id, unitIds);
      await audit(trx, actor, 'course.updated', course, { changes }, ip);
    });
    return (await findCourse(db, id)) as Course;
  }

  /** Confirming checks permission first, then the content (SPEC §10). */
  async function confirm(actor: Actor, id: string, ip: string): Promise<Course> {
    await subjects();
    const existing = await findCourse(db, id);
    if (!existing || existing.centreId !== actor.centreId) throw new NotFound();
    const qualification = await qualificationFor(existing.qualificationId, existing.subjectId);
    await db.transaction().execute(async (trx) => {
      const course = await lockFor(trx, actor, id, 'course.confirm');
      if (course.status !== 'draft') throw new Conflict(`This course is already ${course.status}.`);
      const problems = qualification
        ? courseProblems(qualification, course.unitIds)
        : ['its qualification is no longer in the catalogue'];
      if (problems.length > 0) throw new CourseIncomplete(problems);
      if (!(await changeCourseStatus(trx, id, 'draft', 'confirmed', clock.now())))
        throw new Conflict('This course has just been changed by someone else.');
      await audit(trx, actor, 'course.confirmed', course, {}, ip);
    });
    return (await findCourse(db, id)) as Course;
  }

  /** Deletes a draft, or archives a confirmed course (it is never destroyed). */
  async function remove(actor: Actor, id: string, ip: string): Promise<'deleted' | 'archived'> {
    await subjects();
    const existing = await findCourse(db, id);
    if (!existing || existing.centreId !== actor.centreId) throw new NotFound();
    return db.transaction().execute(async (trx) => {
      const course = await lockFor(trx, actor, id, (locked) =>
        locked.status === 'draft' ? 'course.delete' : 'course.archive',
      );
      if (course.status === 'archived') throw new Conflict('This course is already archived.');
      if (course.status === 'draft') {
        // Briefs keep their course (no cascade): deleting it would only fail at the database.
        if ((await countBriefsOfCourse(trx, id)) > 0) throw new Conflict(HAS_BRIEFS);
        await audit(trx, actor, 'course.deleted', course, { title: course.title }, ip);
        if (!(await deleteDraftCourse(trx, id)))
          throw new Conflict('This course has just been changed by someone else.');
        return 'deleted';
      }
      if (!(await changeCourseStatus(trx, id, 'confirmed', 'archived', clock.now())))
        throw new Conflict('This course has just been changed by someone else.');
      await audit(trx, actor, 'course.archived', course, {}, ip);
      return 'archived';
    });
  }

  /**
   * A new draft from an existing course, for the next academic year by default. Its leaders lead
   * the copy while they still hold a Course Leader claim there (else the person cloning leads it);
   * team members come along only while they still hold an approved role of their rank there, and
   * the others are answered as dropped. Everyone put on the copy but the actor gets an email.
   */
  async function clone(
    actor: Actor,
    id: string,
    ip: string,
  ): Promise<{ course: Course; dropped: DroppedMember[] }> {
    const source = await findCourse(db, id);
    if (!source || source.centreId !== actor.centreId) throw new NotFound();
    const name = await subjectName(source.subjectId);
    const result = await db.transaction().execute(async (trx) => {
      const course = await lockFor(trx, actor, id, 'course.clone');
      const now = clock.now();
      const roles = async (person: { id: string; name: string }) =>
        deps.loadActor({ id: person.id, name: person.name, centreId: course.centreId }, trx);
      const leaders: string[] = [];
      const dropped: DroppedMember[] = [];
      for (const leader of course.leaders) {
        if (keepsLeadingClone(await roles(leader), course.siteId, course.subjectId))
          leaders.push(leader.id);
        else dropped.push({ id: leader.id, name: leader.name, role: 'course_leader' });
      }
      if (leaders.length === 0) leaders.push(actor.accountId);
      const members: { accountId: string; role: CourseMemberRole }[] = [];
      for (const member of course.members.filter((m) => !leaders.includes(m.id))) {
        const refusal = courseRoleRefusal(
          await roles(member),
          course.siteId,
          course.subjectId,
          name,
          member.role,
        );
        if (refusal) dropped.push({ id: member.id, name: member.name, role: member.role });
        else members.push({ accountId: member.id, role: member.role });
      }
      const copy = {
        centreId: course.centreId,
        siteId: course.siteId,
        subjectId: course.subjectId,
        title: course.title,
        academicYear: nextAcademicYear(course.academicYear),
      };
      const copyId = await insertCourse(
        trx,
        {
          ...copy,
          qualificationId: course.qualificationId,
          startDate: shiftYear(course.startDate),
          endDate: shiftYear(course.endDate),
          createdById: actor.accountId,
          clonedFromId: course.id,
        },
        now,
      );
      await setCourseUnits(trx, copyId, course.unitIds);
      const team = [
        ...leaders.map((accountId) => ({ accountId, role: 'course_leader' as const })),
        ...members,
      ];
      await setCourseTeam(trx, copyId, team);
      await audit(
        trx,
        actor,
        'course.cloned',
        { id: copyId, siteId: course.siteId, subjectId: course.subjectId },
        {
          from: course.id,
          team: Object.fromEntries(team.map((t) => [t.accountId, t.role])),
          dropped: dropped.map((d) => d.id),
        },
        ip,
      );
      await emailTeamChanges(
        trx,
        actor,
        { id: copyId, ...copy },
        name,
        team.map((t) => [t.accountId, t.role]),
        [],
      );
      return { copyId, dropped };
    });
    return { course: (await findCourse(db, result.copyId)) as Course, dropped: result.dropped };
  }

  /** "You have been added to / removed from the course": to each person but the actor. */
  async function emailTeamChanges(
    trx: Tx,
    actor: Actor,
    course: { id: string; title: string; academicYear: string },
    subject: string,
    added: readonly (readonly [string, CourseRole])[],
    removed: readonly string[],
  ): Promise<void> {
    const contacts = new Map(
      (await peopleOfCentre(trx, actor.centreId, [...added.map(([a]) => a), ...removed])).map(
        (p) => [p.id, p],
      ),
    );
    const where = `${course.title} (${subject}, ${course.academicYear})`;
    for (const [accountId, role] of added) {
      const contact = contacts.get(accountId);
      if (!contact || accountId === actor.accountId) continue;
      await queueEmail(
        trx,
        {
          to: contact.username,
          subject: `You have been added to the course ${course.title}`,
          text: `Dear ${contact.first_name},\n\n${actor.name} has added you to the course ${where} as ${role === 'course_leader' ? 'Course Leader' : roleName(role)}.\n\nSee it in myBTEC under Courses:\n${deps.baseUrl}/courses/${course.id}\n\nmyBTEC`,
        },
        clock.now(),
      );
    }
    for (const accountId of removed) {
      const contact = contacts.get(accountId);
      if (!contact || accountId === actor.accountId) continue;
      await queueEmail(
        trx,
        {
          to: contact.username,
          subject: `You have been removed from the course ${course.title}`,
          text: `Dear ${contact.first_name},\n\n${actor.name} has removed you from the course ${where}. If you think this is a mistake, talk to them directly.\n\nmyBTEC`,
        },
        clock.now(),
      );
    }
  }

  /**
   * Sets the leaders (LIV or QN only, unless sent unchanged) and the team members (a leader of the
   * course, LIV or QN). Each person added, or given another role, must hold an approved role of
   * that rank in the subject; people kept as they were are not checked again (a leader on a
   * pending claim, or a member whose role was taken back since, does not block other changes).
   * Everything is read from the locked course.
   */
  async function setTeam(actor: Actor, id: string, input: TeamInput, ip: string): Promise<Course> {
    const existing = await findCourse(db, id);
    if (!existing || existing.centreId !== actor.centreId) throw new NotFound();
    // Read before the transaction: the subject catalogue is cached and may need the database.
    const name = await subjectName(existing.subjectId);

    await db.transaction().execute(async (trx) => {
      const course = await findCourse(trx, id, { lock: true });
      if (!course || course.centreId !== actor.centreId) throw new NotFound();
      const leaderIds = input.leaderIds
        ? [...new Set(input.leaderIds)]
        : course.leaders.map((l) => l.id);
      const members =
        input.members ?? course.members.map((m) => ({ accountId: m.id, role: m.role }));
      const target = await targetOf(course);
      const sameLeaders =
        JSON.stringify([...leaderIds].sort()) ===
        JSON.stringify(course.leaders.map((l) => l.id).sort());
      if (!sameLeaders) await authorise(actor, 'course.setLeaders', target, trx);
      const sameMembers =
        JSON.stringify(members.map((m) => `${m.accountId}:${m.role}`).sort()) ===
        JSON.stringify(course.members.map((m) => `${m.id}:${m.role}`).sort());
      if (!sameMembers) await authorise(actor, 'course.setMembers', target, trx);
      if (sameLeaders && sameMembers) await authorise(actor, 'course.view', target, trx);
      if (course.status === 'archived')
        throw new Conflict('This course is archived: its team can no longer change.');

      const before = new Map<string, CourseRole>([
        ...course.leaders.map((l) => [l.id, 'course_leader'] as const),
        ...course.members.map((m) => [m.id, m.role] as const),
      ]);
      const wanted: [string, CourseRole][] = [
        ...leaderIds.map((l) => [l, 'course_leader'] as [string, CourseRole]),
        ...members.map((m) => [m.accountId, m.role] as [string, CourseRole]),
      ];
      const problems = await teamProblems(
        trx,
        actor,
        course,
        name,
        leaderIds.length,
        wanted,
        before,
      );
      if (Object.keys(problems).length > 0) throw new InvalidInput(problems);
      if (sameLeaders && sameMembers) return;

      const after = new Map(wanted);
      await setCourseTeam(
        trx,
        id,
        [...after].map(([accountId, role]) => ({ accountId, role })),
      );
      const added = [...after].filter(([accountId, role]) => before.get(accountId) !== role);
      const removed = [...before.keys()].filter((accountId) => !after.has(accountId));
      await audit(
        trx,
        actor,
        'course.team_changed',
        course,
        { added: Object.fromEntries(added), removed },
        ip,
      );
      await emailTeamChanges(trx, actor, course, name, added, removed);
    });
    return (await findCourse(db, id)) as Course;
  }

  /**
   * What is wrong with the team asked for, by field (`leaderIds.0`, `members.2`): at least one
   * leader, people of the centre, each once, and each added or moved to another role holding it.
   */
  async function teamProblems(
    trx: Tx,
    actor: Actor,
    course: Course,
    subject: string,
    leaderCount: number,
    wanted: readonly (readonly [string, CourseRole])[],
    before: ReadonlyMap<string, CourseRole>,
  ): Promise<Record<string, string>> {
    const people = new Map(
      (
        await peopleOfCentre(
          trx,
          actor.centreId,
          wanted.map(([accountId]) => accountId),
        )
      ).map((p) => [p.id, p]),
    );
    const problems: Record<string, string> = {};
    if (leaderCount === 0) problems.leaderIds = 'A course needs at least one Course Leader';
    const seen = new Set<string>();
    for (const [index, [accountId, role]] of wanted.entries()) {
      const field = index < leaderCount ? `leaderIds.${index}` : `members.${index - leaderCount}`;
      const person = people.get(accountId);
      if (!person) {
        problems[field] = 'Choose people of your centre';
        continue;
      }
      if (seen.has(accountId)) {
        problems[field] = `${person.name} is on the course more than once`;
        continue;
      }
      seen.add(accountId);
      if (before.get(accountId) === role) continue;
      const refusal = courseRoleRefusal(
        await deps.loadActor({ id: person.id, name: person.name, centreId: actor.centreId }, trx),
        course.siteId,
        course.subjectId,
        subject,
        role,
      );
      if (refusal) problems[field] = refusal;
    }
    return problems;
  }

  /** Refuses, with `decide()`'s reason, what the actor may not do to the course (for the pages). */
  async function authoriseOn(actor: Actor, action: Action, course: Course): Promise<void> {
    await authorise(actor, action, await targetOf(course));
  }

  /** Why a draft cannot be deleted, if it cannot (for the page that asks before deleting). */
  async function deleteRefusal(course: Course): Promise<string | undefined> {
    if (course.status !== 'draft') return undefined;
    return (await countBriefsOfCourse(db, course.id)) > 0 ? HAS_BRIEFS : undefined;
  }

  /** What the screens need to explain and hide what the server would refuse. */
  async function may(actor: Actor, action: Action, course: Course): Promise<boolean> {
    try {
      await authorise(actor, action, await targetOf(course));
      return true;
    } catch (error) {
      if (error instanceof AppError) return false;
      throw error;
    }
  }

  /**
   * The people who could be put on this course (for the team screen): approved roles in its
   * subject at its site, and the site's Quality Nominees. Anyone who may see the course may ask.
   */
  async function eligiblePeople(actor: Actor, course: Course): Promise<EligiblePerson[]> {
    if (course.centreId !== actor.centreId) throw new NotFound();
    await authorise(actor, 'course.view', await targetOf(course));
    return eligiblePeopleOf(db, {
      centreId: course.centreId,
      siteId: course.siteId,
      subjectId: course.subjectId,
    });
  }

  return {
    list,
    get,
    eligiblePeople,
    create,
    update,
    confirm,
    remove,
    clone,
    setTeam,
    may,
    authoriseOn,
    deleteRefusal,
    problemsOf: async (course: Course) => {
      const qualification = await qualificationFor(course.qualificationId, course.subjectId);
      return qualification ? courseProblems(qualification, course.unitIds) : [];
    },
  };
}
