import type { Clock } from '../../clock.js';
import type { Db, DbOrTx, Tx } from '../../db/connection.js';
import { buildActor, type Actor } from '../../domain/actor.js';
import {
  briefProblems,
  briefTransition,
  CHECKLIST_ITEMS,
  courseTakesBriefChanges,
  courseTakesNewBriefs,
  type BriefStatus,
  type ChecklistItem,
} from '../../domain/briefs.js';
import {
  mayAssessBrief,
  maySendBriefTo,
  type Action,
  type Target,
} from '../../domain/permissions.js';
import { AppError, Conflict, InvalidInput, NotFound } from '../../errors.js';
import { recordTeamAudit } from '../audit/audit.repository.js';
import { findCourse, listCandidateCourses, type Course } from '../courses/course.repository.js';
import { queueEmail } from '../notifications/outbox.repository.js';
import { subjectCatalogue } from '../organisation/organisation.repository.js';
import { createAuthoriser } from '../role-claims/authorise.js';
import {
  changeBriefStatus,
  contactOf,
  findBrief,
  insertBrief,
  insertVerification,
  insertVersion,
  listCandidateBriefs,
  unitOfCourse,
  updateVersion,
  briefLabels,
  personNames,
  subjectTeam,
  type Brief,
  type BriefVersionContent,
  type PersonRef,
  type TeamPerson,
} from './brief.repository.js';

export type BriefInput = Omit<BriefVersionContent, 'aims' | 'sources' | 'assessorId'> & {
  aims?: string[];
  sources?: string;
  assessorId?: string | null;
};

export interface VerificationInput {
  approve: boolean;
  checklist: Partial<Record<ChecklistItem, boolean>>;
  comments?: Partial<Record<ChecklistItem, string>>;
  feedback: string;
  actionRequired?: string;
  targetDate?: string | null;
}

/** The content as it is stored: titles trimmed, codes without repeats, optional parts filled in. */
function normalised(input: BriefInput): BriefVersionContent {
  return {
    title: input.title.trim(),
    aims: [...new Set(input.aims ?? [])],
    criteria: [...new Set(input.criteria)],
    scenario: input.scenario,
    tasks: input.tasks.map((task) => ({
      title: task.title.trim(),
      description: task.description,
      criteria: [...new Set(task.criteria)],
    })),
    evidence: input.evidence,
    sources: input.sources ?? '',
    issueDate: input.issueDate,
    handInDate: input.handInDate,
    assessorId: input.assessorId ?? null,
  };
}

/** Whether two contents say the same thing, field by field (key order aside). */
function sameContent(a: BriefVersionContent, b: BriefVersionContent): boolean {
  const canonical = (c: BriefVersionContent) =>
    JSON.stringify([
      c.title,
      c.aims,
      c.criteria,
      c.scenario,
      c.tasks.map((task) => [task.title, task.description, task.criteria]),
      c.evidence,
      c.sources,
      c.issueDate,
      c.handInDate,
      c.assessorId,
    ]);
  return canonical(a) === canonical(b);
}

/**
 * Someone of the subject's team as an actor of that site and subject only (their approved role
 * there, or Quality Nominee of the site), for `src/domain` to judge them as an assessor or IV.
 */
function teamActor(
  person: TeamPerson,
  scope: { centreId: string; siteId: string; subjectId: string },
): Actor {
  return buildActor({
    accountId: person.id,
    name: person.name,
    centreId: scope.centreId,
    qnSiteIds: person.qualityNominee ? [scope.siteId] : [],
    grants: person.role
      ? [
          {
            siteId: scope.siteId,
            subjectId: scope.subjectId,
            role: person.role,
            status: 'approved',
          },
        ]
      : [],
  });
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const validDate = (value: string) =>
  ISO_DATE.test(value) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;

export type BriefService = ReturnType<typeof createBriefService>;

/**
 * Assignment briefs and their internal verification (SPEC §6). Every version and every IV record
 * is kept; who may do what is `decide()`'s; every change writes its audit row and emails in the
 * same transaction.
 */
export function createBriefService(deps: {
  db: Db;
  clock: Clock;
  baseUrl: string;
  /** The person's roles; inside a transaction, read through it. */
  loadActor: (
    person: { id: string; name: string; centreId: string },
    trx?: DbOrTx,
  ) => Promise<Actor>;
}) {
  const { db, clock, baseUrl } = deps;
  const authorise = createAuthoriser(db);
  const catalogue = subjectCatalogue(db);
  const subjects = catalogue.all;
  const subjectName = catalogue.name;
  const link = (id: string) => `${baseUrl}/assignments/${id}`;

  async function targetOf(
    brief: Pick<
      Brief,
      'centreId' | 'siteId' | 'subjectId' | 'author' | 'iv' | 'status' | 'verifications'
    >,
    course?: Course,
  ): Promise<Target> {
    return {
      centreId: brief.centreId,
      siteId: brief.siteId,
      subjectId: brief.subjectId,
      subjectName: await subjectName(brief.subjectId),
      briefAuthorId: brief.author.id,
      briefApproved: brief.status === 'approved',
      ...(brief.iv ? { briefIvId: brief.iv.id } : {}),
      briefVerifierIds: brief.verifications.map((record) => record.verifier.id),
      ...(course
        ? {
            courseLeaderIds: course.leaders.map((p) => p.id),
            courseMemberIds: course.members.map((p) => p.id),
          }
        : {}),
    };
  }

  function audit(
    trx: Tx,
    actor: Actor,
    action: string,
    brief: { id: string; siteId: string; subjectId: string },
    details: Record<string, unknown>,
    ip: string,
  ) {
    return recordTeamAudit(trx, {
      at: clock.now(),
      actor,
      action,
      target: { type: 'brief', ...brief },
      ip,
      details,
    });
  }

  async function courseInCentre(actor: Actor, courseId: string): Promise<Course> {
    const course = await findCourse(db, courseId);
    if (!course || course.centreId !== actor.centreId) throw new NotFound();
    return course;
  }

  /** What is wrong with some content for a brief of this course and unit, read through `conn`. */
  async function checkContent(
    conn: DbOrTx,
    course: Course,
    unitId: string,
    input: BriefInput,
  ): Promise<{ content: BriefVersionContent; problems: Record<string, string> }> {
    const unit = await unitOfCourse(conn, course.id, unitId);
    const problems: Record<string, string> = {};
    if (!unit) problems.unitId = 'Select a unit of this course';
    if (!validDate(input.issueDate))
      problems.issueDate = 'Enter a real issue date, like 2026-10-05';
    if (!validDate(input.handInDate))
      problems.handInDate = 'Enter a real hand-in date, like 2026-11-20';
    const content = normalised(input);
    if (unit) {
      const unknownAims = content.aims.filter((aim) => !unit.aims.includes(aim));
      if (unknownAims.length > 0)
        problems.aims = `${unknownAims.join(', ')} ${unknownAims.length === 1 ? 'is not a learning aim' : 'are not learning aims'} of this unit`;
      for (const [field, message] of Object.entries(briefProblems(content, unit.criteria)))
        problems[field] ??= message;
    }
    if (content.assessorId) {
      const person = (await subjectTeam(conn, course)).find((p) => p.id === content.assessorId);
      if (!person || !mayAssessBrief(teamActor(person, course), course)) {
        problems.assessorId =
          'The assessor must hold an approved Assessor role or above in this subject';
      }
    }
    // With an unreadable issue date, "hand-in must be after the issue date" would only confuse.
    if (problems.issueDate && validDate(input.handInDate)) delete problems.handInDate;
    return { content, problems };
  }

  /** Refuses a new brief for an archived course. */
  function takesNewBriefs(course: Course): void {
    if (!courseTakesNewBriefs(course.status))
      throw new Conflict(
        `${course.title} has been archived: new assignment briefs cannot be written for an archived course.`,
      );
  }

  /**
   * Why the existing briefs of this course can no longer change (edited, sent or verified): its
   * course is archived. Nothing when they still can.
   */
  function unchangeableBecause(course: Course): string | undefined {
    return courseTakesBriefChanges(course.status)
      ? undefined
      : `${course.title} has been archived: its assignment briefs can be read but no longer changed.`;
  }

  /** Refuses any change to a brief of an archived course. */
  function takesBriefChanges(course: Course): void {
    const reason = unchangeableBecause(course);
    if (reason) throw new Conflict(reason);
  }

  async function create(
    actor: Actor,
    input: BriefInput & { courseId: string; unitId: string },
    ip: string,
  ): Promise<Brief> {
    const course = await courseInCentre(actor, input.courseId);
    await authorise(actor, 'brief.create', {
      centreId: course.centreId,
      siteId: course.siteId,
      subjectId: course.subjectId,
      subjectName: await subjectName(course.subjectId),
    });
    takesNewBriefs(course);
    const { content, problems } = await checkContent(db, course, input.unitId, input);
    if (Object.keys(problems).length > 0) throw new InvalidInput(problems);
    const now = clock.now();
    const id = await db.transaction().execute(async (trx) => {
      const briefId = await insertBrief(
        trx,
        {
          centreId: course.centreId,
          siteId: course.siteId,
          subjectId: course.subjectId,
          courseId: course.id,
          unitId: input.unitId,
          authorId: actor.accountId,
        },
        content,
        now,
      );
      await audit(
        trx,
        actor,
        'brief.created',
        { id: briefId, siteId: course.siteId, subjectId: course.subjectId },
        { title: content.title, courseId: course.id, unitId: input.unitId },
        ip,
      );
      return briefId;
    });
    return (await findBrief(db, id)) as Brief;
  }

  async function loadFor(
    actor: Actor,
    id: string,
    action: Action,
    trx: Db | Tx = db,
    lock = false,
  ): Promise<{ brief: Brief; course: Course }> {
    const brief = await findBrief(trx, id, { lock });
    if (!brief || brief.centreId !== actor.centreId) throw new NotFound();
    // Locked too when the brief is: the course cannot be archived while one of its briefs changes.
    const course = await findCourse(trx, brief.courseId, { lock });
    if (!course) throw new NotFound();
    await authorise(actor, action, await targetOf(brief, course), trx);
    return { brief, course };
  }

  async function get(actor: Actor, id: string): Promise<Brief> {
    await subjects();
    return (await loadFor(actor, id, 'brief.view')).brief;
  }

  /**
   * Editing a draft changes it; editing a returned or approved brief makes the next version. An
   * edit that changes nothing saves nothing (an approved brief stays approved). Permission, then
   * state (the course not archived, the brief not awaiting verification), then content, all read
   * under the brief's and its course's row locks.
   */
  async function update(
    actor: Actor,
    id: string,
    changes: Partial<BriefInput>,
    ip: string,
  ): Promise<Brief> {
    await subjects();
    await db.transaction().execute(async (trx) => {
      const { brief: locked, course } = await loadFor(actor, id, 'brief.edit', trx, true);
      takesBriefChanges(course);
      const next = briefTransition(locked.status, 'edit');
      if (!next)
        throw new Conflict(
          'This brief is awaiting verification: it cannot be changed until the Internal Verifier has answered.',
        );
      const input: BriefInput = { ...locked.current, ...changes };
      const { content, problems } = await checkContent(trx, course, locked.unitId, input);
      if (Object.keys(problems).length > 0) throw new InvalidInput(problems);
      if (sameContent(content, normalised(locked.current))) return;
      const now = clock.now();
      if (next.newVersion) {
        await insertVersion(trx, id, locked.version + 1, content, actor.accountId, now);
        if (
          !(await changeBriefStatus(
            trx,
            id,
            locked.status,
            { status: next.to, version: locked.version + 1, ivId: null },
            now,
          ))
        )
          throw new Conflict('This brief has just been changed by someone else.');
      } else {
        await updateVersion(trx, id, locked.version, content, now);
        await changeBriefStatus(trx, id, locked.status, { status: next.to }, now);
      }
      await audit(
        trx,
        actor,
        'brief.updated',
        locked,
        {
          version: next.newVersion ? locked.version + 1 : locked.version,
          newVersion: next.newVersion,
        },
        ip,
      );
    });
    return (await findBrief(db, id)) as Brief;
  }

  /**
   * Sends a draft to an Internal Verifier of the subject (never its author) who can sign in; needs
   * an approved role. Permission, then state (the course not archived, the brief a draft), then the
   * IV chosen, all under the brief's and its course's row locks.
   */
  async function submit(actor: Actor, id: string, ivId: string, ip: string): Promise<Brief> {
    await subjects();
    await db.transaction().execute(async (trx) => {
      const { brief: locked, course } = await loadFor(actor, id, 'brief.submit', trx, true);
      takesBriefChanges(course);
      const next = briefTransition(locked.status, 'submit');
      if (!next)
        throw new Conflict(
          `This brief is ${locked.status.replace('_', ' ')}: only a draft can be sent for verification. Edit it first.`,
        );
      const iv = ivId === '' ? undefined : await contactOf(trx, ivId);
      const ivActor =
        iv &&
        (await deps.loadActor({ id: iv.id, name: iv.first_name, centreId: iv.centre_id }, trx));
      if (!iv || !ivActor || !maySendBriefTo(ivActor, iv.canSignIn, await targetOf(locked))) {
        throw new InvalidInput({
          ivId: `Choose an Internal Verifier of ${await subjectName(locked.subjectId)} other than the author, who can sign in to myBTEC`,
        });
      }
      const now = clock.now();
      if (!(await changeBriefStatus(trx, id, locked.status, { status: next.to, ivId }, now)))
        throw new Conflict('This brief has just been changed by someone else.');
      await audit(trx, actor, 'brief.submitted', locked, { version: locked.version, ivId }, ip);
      await queueEmail(
        trx,
        {
          to: iv.username,
          subject: `Assignment brief to verify: ${locked.current.title}`,
          text: `Dear ${iv.first_name},\n\n${actor.name} has sent you the assignment brief "${locked.current.title}" (version ${locked.version}) to verify.\n\nVerify it in myBTEC:\n${link(id)}\n\nmyBTEC`,
        },
        now,
      );
    });
    return (await findBrief(db, id)) as Brief;
  }

  async function verify(
    actor: Actor,
    id: string,
    input: VerificationInput,
    ip: string,
  ): Promise<Brief> {
    await subjects();
    const problems: Record<string, string> = {};
    for (const item of CHECKLIST_ITEMS)
      if (typeof input.checklist[item] !== 'boolean')
        problems[`checklist.${item}`] = 'Answer yes or no';
    if (!input.approve && input.feedback.trim() === '')
      problems.feedback = 'Give feedback so the author knows what to change';
    if (input.targetDate && !validDate(input.targetDate))
      problems.targetDate = 'Enter a real target date, like 2026-10-12';
    await db.transaction().execute(async (trx) => {
      const { brief, course } = await loadFor(actor, id, 'brief.verify', trx, true);
      takesBriefChanges(course);
      const next = briefTransition(brief.status, input.approve ? 'approve' : 'return');
      if (!next)
        throw new Conflict(
          `This brief is not awaiting verification (it is ${brief.status.replace('_', ' ')}).`,
        );
      if (Object.keys(problems).length > 0) throw new InvalidInput(problems);
      const now = clock.now();
      if (!(await changeBriefStatus(trx, id, brief.status, { status: next.to }, now)))
        throw new Conflict('This brief has just been verified by someone else.');
      await insertVerification(
        trx,
        {
          briefId: id,
          version: brief.version,
          verifier: { id: actor.accountId, name: actor.name },
          approved: input.approve,
          checklist: input.checklist,
          comments: input.comments ?? {},
          feedback: input.feedback,
          actionRequired: input.actionRequired ?? '',
          targetDate: input.targetDate ?? null,
        },
        now,
      );
      await audit(
        trx,
        actor,
        input.approve ? 'brief.approved' : 'brief.returned',
        brief,
        { version: brief.version },
        ip,
      );
      const author = await contactOf(trx, brief.author.id);
      if (author) {
        await queueEmail(
          trx,
          {
            to: author.username,
            subject: `Your assignment brief has been ${input.approve ? 'approved' : 'returned'}: ${brief.current.title}`,
            text:
              `Dear ${author.first_name},\n\n${actor.name} has ${input.approve ? 'approved' : 'returned'} your assignment brief "${brief.current.title}" (version ${brief.version}).` +
              (input.feedback.trim() ? `\n\nFeedback: ${input.feedback.trim()}` : '') +
              (input.actionRequired?.trim()
                ? `\n\nAction required: ${input.actionRequired.trim()}${input.targetDate ? ` by ${input.targetDate}` : ''}`
                : '') +
              `\n\n${input.approve ? 'The course team can now view it.' : 'Edit it and send it again.'}\n\n${link(id)}\n\nmyBTEC`,
          },
          now,
        );
      }
    });
    return (await findBrief(db, id)) as Brief;
  }

  async function list(
    actor: Actor,
    filter: { courseId?: string; status?: BriefStatus },
  ): Promise<Brief[]> {
    await subjects();
    if (filter.courseId) await courseInCentre(actor, filter.courseId);
    const teams = [...new Set([...actor.approved.keys(), ...actor.pending.keys()])].map((key) => {
      const [siteId = '', subjectId = ''] = key.split(':');
      return { siteId, subjectId };
    });
    const candidates = await listCandidateBriefs(
      db,
      {
        centreId: actor.centreId,
        accountId: actor.accountId,
        qnSiteIds: [...actor.qnSiteIds],
        teams,
      },
      filter,
    );
    const courses = new Map<string, Course | undefined>();
    const visible: Brief[] = [];
    for (const brief of candidates) {
      if (!courses.has(brief.courseId))
        courses.set(brief.courseId, await findCourse(db, brief.courseId));
      try {
        await authorise(actor, 'brief.view', await targetOf(brief, courses.get(brief.courseId)));
        visible.push(brief);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
      }
    }
    return visible;
  }

  async function may(actor: Actor, action: Action, brief: Brief): Promise<boolean> {
    try {
      await authorise(actor, action, await targetOf(brief, await findCourse(db, brief.courseId)));
      return true;
    } catch (error) {
      if (error instanceof AppError) return false;
      throw error;
    }
  }

  /** The courses the actor may write a brief for (archived ones aside); with none, why not. */
  async function creatableCourses(
    actor: Actor,
  ): Promise<{ courses: Course[]; refusal?: AppError }> {
    await subjects();
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
      {},
    );
    const courses: Course[] = [];
    let refusal: AppError | undefined;
    for (const course of candidates.filter((c) => courseTakesNewBriefs(c.status))) {
      try {
        await authorise(actor, 'brief.create', {
          centreId: course.centreId,
          siteId: course.siteId,
          subjectId: course.subjectId,
          subjectName: await subjectName(course.subjectId),
        });
        courses.push(course);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        refusal ??= error;
      }
    }
    return courses.length === 0 && refusal ? { courses, refusal } : { courses };
  }

  /** The course a new brief is for, if the actor may write one for it. */
  async function courseForNewBrief(actor: Actor, courseId: string): Promise<Course> {
    const course = await courseInCentre(actor, courseId);
    await authorise(actor, 'brief.create', {
      centreId: course.centreId,
      siteId: course.siteId,
      subjectId: course.subjectId,
      subjectName: await subjectName(course.subjectId),
    });
    takesNewBriefs(course);
    return course;
  }

  /** A brief with its course and subject name, for its pages: the same permission as `get`. */
  async function read(
    actor: Actor,
    id: string,
  ): Promise<{ brief: Brief; course: Course; subjectName: string }> {
    await subjects();
    const { brief, course } = await loadFor(actor, id, 'brief.view');
    return { brief, course, subjectName: await subjectName(brief.subjectId) };
  }

  /** Who can be named as the assessor of a course's brief (as `checkContent` will accept). */
  async function assessorChoices(course: Course): Promise<PersonRef[]> {
    const team = await subjectTeam(db, course);
    return team
      .filter((p) => mayAssessBrief(teamActor(p, course), course))
      .map(({ id: personId, name }) => ({ id: personId, name }));
  }

  /** Whom a brief can be sent to (as `submit` will accept): see `maySendBriefTo`. */
  async function verifierChoices(brief: Brief): Promise<PersonRef[]> {
    const [team, target] = await Promise.all([subjectTeam(db, brief), targetOf(brief)]);
    return team
      .filter((p) => maySendBriefTo(teamActor(p, brief), p.canSignIn, target))
      .map(({ id: personId, name }) => ({ id: personId, name }));
  }

  /** Course titles and unit numbers and titles of some briefs, for lists. */
  function labels(shown: readonly Brief[]) {
    return briefLabels(
      db,
      [...new Set(shown.map((b) => b.courseId))],
      [...new Set(shown.map((b) => b.unitId))],
    );
  }

  /**
   * What is wrong with some content for a brief of this course and unit, saving nothing: for a
   * page that found problems of its own and shows the service's alongside.
   */
  async function problemsWith(
    actor: Actor,
    courseId: string,
    unitId: string,
    input: BriefInput,
  ): Promise<Record<string, string>> {
    const course = await courseInCentre(actor, courseId);
    return (await checkContent(db, course, unitId, input)).problems;
  }

  /** Refuses, with the sentence `decide()` gives, unless the actor may do the action on the brief. */
  async function authoriseOn(actor: Actor, action: Action, brief: Brief): Promise<void> {
    await subjects();
    await authorise(actor, action, await targetOf(brief, await findCourse(db, brief.courseId)));
  }

  /** The names of everyone a brief's versions name (editors and assessors), by id. */
  function namesIn(brief: Brief): Promise<Map<string, string>> {
    return personNames(db, [
      brief.author.id,
      ...brief.versions.flatMap((v) => [v.createdBy, ...(v.assessorId ? [v.assessorId] : [])]),
    ]);
  }

  return {
    create,
    get,
    update,
    submit,
    verify,
    list,
    may,
    creatableCourses,
    courseForNewBrief,
    read,
    assessorChoices,
    verifierChoices,
    unchangeableBecause,
    takesBriefChanges,
    labels,
    problemsWith,
    authoriseOn,
    namesIn,
  };
}
