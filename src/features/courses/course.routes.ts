import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../domain/actor.js';
import {
  COURSE_MEMBER_ROLES,
  COURSE_STATUSES,
  courseRolesFor,
  heldRank,
  isAcademicYear,
  type CourseMemberRole,
  type CourseStatus,
} from '../../domain/courses.js';
import { decide, type Action } from '../../domain/permissions.js';
import { roleName } from '../../domain/roles.js';
import { AppError, Conflict, Forbidden, InvalidInput } from '../../errors.js';
import { asForm, list, text, type FormBody } from '../../http/forms.js';
import { formatCalendarDate } from '../../lib/dates.js';
import { render } from '../../http/views.js';
import { paths } from '../../paths.js';
import type { Site, Subject } from '../organisation/organisation.repository.js';
import type {
  Qualification,
  QualificationService,
} from '../qualifications/qualification.service.js';
import type { RoleClaimService } from '../role-claims/role-claim.service.js';
import type { Course, EligiblePerson } from './course.repository.js';
import { CourseIncomplete, type CourseService } from './course.service.js';

const pages = paths.coursePages;

const STATUS_TEXT: Record<CourseStatus, string> = {
  draft: 'Draft',
  confirmed: 'Confirmed',
  archived: 'Archived',
};
const STATUS_TAG: Record<CourseStatus, string> = {
  draft: 'govuk-tag--yellow',
  confirmed: 'govuk-tag--green',
  archived: 'govuk-tag--grey',
};
const MEMBER_ROLE_NAME: Record<CourseMemberRole, string> = {
  internal_verifier: 'Internal Verifier',
  assessor: 'Assessor',
  teacher: 'Teacher',
};

/** The order of the course form's fields, so the error summary reads top to bottom. */
const FORM_FIELDS = ['title', 'academicYear', 'startDate', 'endDate', 'unitIds'];

function isStatus(value: string): value is CourseStatus {
  return (COURSE_STATUSES as readonly string[]).includes(value);
}

function isMemberRole(value: string): value is CourseMemberRole {
  return (COURSE_MEMBER_ROLES as readonly string[]).includes(value);
}

function ordered(errors: Record<string, string>, order: readonly string[]): Record<string, string> {
  const rank = (key: string) => {
    const index = order.indexOf(key);
    return index === -1 ? order.length : index;
  };
  return Object.fromEntries(Object.entries(errors).sort(([a], [b]) => rank(a) - rank(b)));
}

interface DateParts {
  day: string;
  month: string;
  year: string;
}

/**
 * A GOV.UK date input (`name-day`, `name-month`, `name-year`): the date as `YYYY-MM-DD`, or the
 * sentence saying what is wrong with it.
 */
function readDate(
  form: FormBody,
  name: string,
  label: string,
): { parts: DateParts; iso: string; error?: string } {
  const parts = {
    day: text(form, `${name}-day`),
    month: text(form, `${name}-month`),
    year: text(form, `${name}-year`),
  };
  const missing = (['day', 'month', 'year'] as const).filter((part) => parts[part] === '');
  const capital = label.charAt(0).toUpperCase() + label.slice(1);
  if (missing.length === 3) return { parts, iso: '', error: `Enter the ${label}` };
  if (missing.length > 0)
    return { parts, iso: '', error: `${capital} must include a ${missing.join(' and a ')}` };
  if (!/^\d{1,2}$/.test(parts.day) || !/^\d{1,2}$/.test(parts.month) || !/^\d{4}$/.test(parts.year))
    return { parts, iso: '', error: `${capital} must be a real date` };
  const iso = `${parts.year}-${parts.month.padStart(2, '0')}-${parts.day.padStart(2, '0')}`;
  const date = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso)
    return { parts, iso: '', error: `${capital} must be a real date` };
  return { parts, iso };
}

function dateParts(iso: string): DateParts {
  const [year = '', month = '', day = ''] = iso.split('-');
  return { day: String(Number(day) || ''), month: String(Number(month) || ''), year };
}

/** What the course form shows and sends back: the values as typed. */
interface CourseFormValues {
  title: string;
  academicYear: string;
  startDate: DateParts;
  endDate: DateParts;
  unitIds: string[];
}

interface ReadForm {
  values: CourseFormValues;
  fields: { title: string; academicYear: string; startDate: string; endDate: string };
  unitIds: string[];
  /** Problems found before asking the service (the date inputs). */
  errors: Record<string, string>;
}

function readCourseForm(form: FormBody): ReadForm {
  const start = readDate(form, 'startDate', 'start date');
  const end = readDate(form, 'endDate', 'end date');
  const unitIds = [...new Set(list(form, 'unitIds'))].slice(0, 200);
  const errors: Record<string, string> = {};
  if (start.error) errors.startDate = start.error;
  if (end.error) errors.endDate = end.error;
  return {
    values: {
      title: text(form, 'title'),
      academicYear: text(form, 'academicYear'),
      startDate: start.parts,
      endDate: end.parts,
      unitIds,
    },
    fields: {
      title: text(form, 'title').slice(0, 1000),
      academicYear: text(form, 'academicYear').slice(0, 20),
      startDate: start.iso,
      endDate: end.iso,
    },
    unitIds,
    errors,
  };
}

/**
 * The service's problems with the fields, and the page's own (which win for the dates: the
 * service only sees an empty date when a part was missing).
 */
function formErrors(serviceErrors: Record<string, string>, own: Record<string, string>) {
  const merged: Record<string, string> = { ...serviceErrors, ...own };
  for (const [field, label] of [
    ['startDate', 'Start date'],
    ['endDate', 'End date'],
  ] as const) {
    if (!own[field] && merged[field]?.startsWith('Enter a real'))
      merged[field] = `${label} must be a real date`;
  }
  return ordered(merged, FORM_FIELDS);
}

function takeFlash(request: FastifyRequest) {
  const flash = request.session.flash ?? [];
  if (flash.length > 0) request.session.flash = undefined;
  return flash;
}

function flash(request: FastifyRequest, text: string, kind: 'success' | 'problem' = 'success') {
  request.session.flash = [{ kind, text }];
}

/** The units of the course form: each with its hours, whether chosen, and the running total. */
function unitChoices(qualification: Qualification, chosen: readonly string[]) {
  const picked = new Set(chosen);
  const units = qualification.units.map((unit) => ({
    id: unit.id,
    label: `Unit ${unit.number}: ${unit.title}`,
    mandatory: unit.mandatory,
    glh: unit.glh,
    checked: picked.has(unit.id),
  }));
  const total = units.filter((u) => u.checked).reduce((sum, u) => sum + u.glh, 0);
  return { units, total, required: qualification.glh };
}

/**
 * The Courses screens (SPEC §4, §5, §8): the list, create (site and subject, qualification,
 * details), the course page with what is missing to confirm it, edit, confirm, delete or archive,
 * clone, and the course team. Every decision is the service's (`decide()` underneath); a button is
 * shown only when the server would accept it.
 */
export function registerCoursePages(
  app: FastifyInstance,
  deps: {
    courses: CourseService;
    qualifications: QualificationService;
    roleClaims: RoleClaimService;
  },
): void {
  const { courses, qualifications, roleClaims } = deps;
  const actorOf = (request: FastifyRequest) => request.actor as Actor;
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;

  async function context(request: FastifyRequest) {
    const actor = actorOf(request);
    const [sites, subjects] = await Promise.all([roleClaims.sites(actor), roleClaims.subjects()]);
    return {
      actor,
      sites,
      subjects,
      siteById: new Map(sites.map((s) => [s.id, s])),
      subjectById: new Map(subjects.map((s) => [s.id, s])),
    };
  }

  const siteLabel = (site: Site | undefined) => (site ? `${site.number} ${site.name}` : '');

  /** Every site and subject where `decide()` lets the actor create a course. */
  function creatable(actor: Actor, sites: readonly Site[], subjects: readonly Subject[]) {
    return sites.flatMap((site) =>
      subjects
        .filter(
          (subject) =>
            decide(actor, 'course.create', {
              centreId: actor.centreId,
              siteId: site.id,
              subjectId: subject.id,
              subjectName: subject.name,
            }).allowed,
        )
        .map((subject) => ({ site, subject })),
    );
  }

  /** The site and subject of the create journey, if the actor may create a course there. */
  function chosenTeam(
    ctx: Awaited<ReturnType<typeof context>>,
    siteId: string,
    subjectId: string,
  ): { site: Site; subject: Subject } | { error: Record<string, string> } {
    const site = ctx.siteById.get(siteId);
    const subject = ctx.subjectById.get(subjectId);
    const errors: Record<string, string> = {};
    if (!site) errors.site = 'Select the site where the course runs';
    if (!subject) errors.subject = 'Select a subject area';
    if (!site || !subject) return { error: errors };
    const decision = decide(ctx.actor, 'course.create', {
      centreId: ctx.actor.centreId,
      siteId: site.id,
      subjectId: subject.id,
      subjectName: subject.name,
    });
    if (!decision.allowed)
      return { error: { subject: `${decision.reason} at site ${site.number}` } };
    return { site, subject };
  }

  // --- The list ---------------------------------------------------------------------------------

  app.get(paths.courses, async (request, reply) => {
    const ctx = await context(request);
    const query = asForm(request.query);
    const subject = text(query, 'subject');
    const status = text(query, 'status');
    const year = text(query, 'year');
    const errors: Record<string, string> = {};
    if (year && !isAcademicYear(year)) errors.year = 'Enter the academic year like 2026/27';
    const all = await courses.list(ctx.actor, {});
    const titles = new Map((await qualifications.list()).map((q) => [q.id, q.title]));
    const shown = all.filter(
      (c) =>
        (!ctx.subjectById.has(subject) || c.subjectId === subject) &&
        (!isStatus(status) || c.status === status) &&
        (errors.year !== undefined || !year || c.academicYear === year),
    );
    const years = [...new Set([...all.map((c) => c.academicYear), ...(year ? [year] : [])])]
      .filter(isAcademicYear)
      .sort()
      .reverse();
    const subjectsWithCourses = new Set(all.map((c) => c.subjectId));
    return render(
      request,
      reply,
      'courses/views/list.njk',
      {
        rows: shown.map((c) => ({
          id: c.id,
          title: c.title,
          subject: ctx.subjectById.get(c.subjectId)?.name ?? c.subjectId,
          site: siteLabel(ctx.siteById.get(c.siteId)),
          academicYear: c.academicYear,
          qualification: titles.get(c.qualificationId) ?? '',
          statusText: STATUS_TEXT[c.status],
          statusTag: STATUS_TAG[c.status],
          leaders: c.leaders.map((l) => l.name).join(', '),
        })),
        total: all.length,
        filter: { subject, status, year },
        filtered: Boolean(subject || status || year),
        subjectItems: [
          { value: '', text: 'All subject areas' },
          ...ctx.subjects
            .filter((s) => subjectsWithCourses.has(s.id) || s.id === subject)
            .map((s) => ({ value: s.id, text: s.name, selected: s.id === subject })),
        ],
        statusItems: [
          { value: '', text: 'All statuses' },
          ...COURSE_STATUSES.map((s) => ({
            value: s,
            text: STATUS_TEXT[s],
            selected: s === status,
          })),
        ],
        yearItems: [
          { value: '', text: 'All academic years' },
          ...years.map((y) => ({ value: y, text: y, selected: y === year })),
        ],
        canCreate: creatable(ctx.actor, ctx.sites, ctx.subjects).length > 0,
        flash: takeFlash(request),
        errors: Object.keys(errors).length > 0 ? errors : undefined,
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    );
  });

  // --- Create: site and subject, qualification, details ----------------------------------------

  const cannotCreate = () =>
    new Forbidden(
      'Only a Course Leader, a Lead Internal Verifier or the Quality Nominee can create courses. ' +
        'Claim your role in the subject on the Claim roles screen first.',
    );

  async function showCreateStart(
    request: FastifyRequest,
    reply: FastifyReply,
    chosen: { site?: string; subject?: string } = {},
    errors?: Record<string, string>,
  ) {
    const ctx = await context(request);
    const options = creatable(ctx.actor, ctx.sites, ctx.subjects);
    if (options.length === 0) throw cannotCreate();
    const siteIds = new Set(options.map((o) => o.site.id));
    const subjectIds = new Set(options.map((o) => o.subject.id));
    const home = request.account?.homeSiteId;
    const selectedSite =
      chosen.site ?? (siteIds.size === 1 ? [...siteIds][0] : home && siteIds.has(home) ? home : '');
    return render(
      request,
      reply,
      'courses/views/create-start.njk',
      {
        siteItems: ctx.sites
          .filter((s) => siteIds.has(s.id))
          .map((s) => ({ value: s.id, text: siteLabel(s), checked: s.id === selectedSite })),
        subjectItems: [
          { value: '', text: 'Select a subject area' },
          ...ctx.subjects
            .filter((s) => subjectIds.has(s.id))
            .map((s) => ({ value: s.id, text: s.name, selected: s.id === chosen.subject })),
        ],
        errors,
      },
      errors ? 400 : 200,
    );
  }

  app.get(pages.create, async (request, reply) => {
    const query = asForm(request.query);
    return showCreateStart(request, reply, {
      ...(text(query, 'site') ? { site: text(query, 'site') } : {}),
      ...(text(query, 'subject') ? { subject: text(query, 'subject') } : {}),
    });
  });

  app.post(pages.create, async (request, reply) => {
    const form = asForm(request.body);
    const site = text(form, 'site');
    const subject = text(form, 'subject');
    const team = chosenTeam(await context(request), site, subject);
    if ('error' in team) return showCreateStart(request, reply, { site, subject }, team.error);
    const query = new URLSearchParams({ site, subject });
    return reply.redirect(`${pages.createQualification}?${query.toString()}`, 303);
  });

  async function showQualificationStep(
    request: FastifyRequest,
    reply: FastifyReply,
    source: FormBody,
    errors?: Record<string, string>,
  ) {
    const team = chosenTeam(await context(request), text(source, 'site'), text(source, 'subject'));
    if ('error' in team) return reply.redirect(pages.create, 303);
    const choices = await qualifications.list(team.subject.id);
    const selected = text(source, 'qualification');
    return render(
      request,
      reply,
      'courses/views/create-qualification.njk',
      {
        site: { id: team.site.id, label: siteLabel(team.site) },
        subject: team.subject,
        items: choices.map((q) => ({
          value: q.id,
          text: q.title,
          hint: { text: `${q.size}, ${q.glh} guided learning hours, ${q.units.length} units` },
          checked: q.id === selected,
        })),
        errors,
      },
      errors ? 400 : 200,
    );
  }

  app.get(pages.createQualification, async (request, reply) =>
    showQualificationStep(request, reply, asForm(request.query)),
  );

  app.post(pages.createQualification, async (request, reply) => {
    const form = asForm(request.body);
    const ctx = await context(request);
    const team = chosenTeam(ctx, text(form, 'site'), text(form, 'subject'));
    if ('error' in team) return reply.redirect(pages.create, 303);
    const qualification = await qualifications.find(text(form, 'qualification'));
    if (!qualification || qualification.subjectId !== team.subject.id) {
      return showQualificationStep(request, reply, form, {
        qualification: `Select a ${team.subject.name} qualification`,
      });
    }
    const query = new URLSearchParams({
      site: team.site.id,
      subject: team.subject.id,
      qualification: qualification.id,
    });
    return reply.redirect(`${pages.createDetails}?${query.toString()}`, 303);
  });

  /** The create journey's choices so far, or undefined when they no longer hold. */
  async function createChoices(request: FastifyRequest, source: FormBody) {
    const team = chosenTeam(await context(request), text(source, 'site'), text(source, 'subject'));
    if ('error' in team) return undefined;
    const qualification = await qualifications.find(text(source, 'qualification'));
    if (!qualification || qualification.subjectId !== team.subject.id) return undefined;
    return { ...team, qualification };
  }

  async function showCreateDetails(
    request: FastifyRequest,
    reply: FastifyReply,
    choices: NonNullable<Awaited<ReturnType<typeof createChoices>>>,
    values: CourseFormValues,
    errors?: Record<string, string>,
  ) {
    return render(
      request,
      reply,
      'courses/views/create-details.njk',
      {
        site: { id: choices.site.id, label: siteLabel(choices.site) },
        subject: choices.subject,
        qualification: choices.qualification,
        values,
        ...unitChoices(choices.qualification, values.unitIds),
        errors,
      },
      errors ? 400 : 200,
    );
  }

  app.get(pages.createDetails, async (request, reply) => {
    const choices = await createChoices(request, asForm(request.query));
    if (!choices) return reply.redirect(pages.create, 303);
    const empty = { day: '', month: '', year: '' };
    return showCreateDetails(request, reply, choices, {
      title: '',
      academicYear: '',
      startDate: empty,
      endDate: empty,
      unitIds: choices.qualification.units.filter((u) => u.mandatory).map((u) => u.id),
    });
  });

  app.post(pages.createDetails, async (request, reply) => {
    const body = asForm(request.body);
    const choices = await createChoices(request, body);
    if (!choices) return reply.redirect(pages.create, 303);
    const form = readCourseForm(body);
    let course: Course;
    try {
      course = await courses.create(
        actorOf(request),
        {
          siteId: choices.site.id,
          subjectId: choices.subject.id,
          qualificationId: choices.qualification.id,
          ...form.fields,
          unitIds: form.unitIds,
        },
        request.ip,
      );
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      return showCreateDetails(
        request,
        reply,
        choices,
        form.values,
        formErrors(error.fields, form.errors),
      );
    }
    flash(request, 'The course has been created as a draft.');
    return reply.redirect(pages.course(course.id), 303);
  });

  // --- The course page, and confirming -----------------------------------------------------------

  async function actionsOn(actor: Actor, course: Course) {
    const may = (action: Action) => courses.may(actor, action, course);
    const draft = course.status === 'draft';
    const [edit, confirm, clone, remove, archive, setLeaders, setMembers] = await Promise.all([
      draft ? may('course.edit') : false,
      draft ? may('course.confirm') : false,
      may('course.clone'),
      draft ? may('course.delete') : false,
      course.status === 'confirmed' ? may('course.archive') : false,
      course.status !== 'archived' ? may('course.setLeaders') : false,
      course.status !== 'archived' ? may('course.setMembers') : false,
    ]);
    // A draft with briefs cannot be deleted: no button, but the reason (SPEC §4: hide what the server would refuse).
    const removeRefusal = remove ? await courses.deleteRefusal(course) : undefined;
    return {
      actions: {
        edit,
        confirm,
        clone,
        remove: remove && !removeRefusal,
        archive,
        team: setLeaders || setMembers,
      },
      removeRefusal,
    };
  }

  async function showCourse(
    request: FastifyRequest,
    reply: FastifyReply,
    course: Course,
    errors?: Record<string, string>,
    status = 200,
  ) {
    const ctx = await context(request);
    const [qualification, problems, { actions, removeRefusal }] = await Promise.all([
      qualifications.find(course.qualificationId),
      course.status === 'draft' ? courses.problemsOf(course) : Promise.resolve([]),
      actionsOn(ctx.actor, course),
    ]);
    const chosen = new Set(course.unitIds);
    const units = (qualification?.units ?? [])
      .filter((u) => chosen.has(u.id))
      .map((u) => ({
        label: `Unit ${u.number}: ${u.title}`,
        mandatory: u.mandatory,
        glh: u.glh,
      }));
    const subject = ctx.subjectById.get(course.subjectId);
    const pendingHere =
      course.status === 'draft' && actions.edit && !actions.confirm
        ? ctx.actor.pending.get(`${course.siteId}:${course.subjectId}`)
        : undefined;
    return render(
      request,
      reply,
      'courses/views/course.njk',
      {
        course: {
          ...course,
          statusText: STATUS_TEXT[course.status],
          statusTag: STATUS_TAG[course.status],
          startDateText: formatCalendarDate(course.startDate),
          endDateText: formatCalendarDate(course.endDate),
          members: course.members.map((m) => ({ ...m, roleText: MEMBER_ROLE_NAME[m.role] })),
        },
        subject: subject?.name ?? course.subjectId,
        site: siteLabel(ctx.siteById.get(course.siteId)),
        qualification,
        units,
        totalGlh: units.reduce((sum, u) => sum + u.glh, 0),
        problems,
        actions,
        removeRefusal,
        readOnly: !Object.values(actions).some(Boolean) && !removeRefusal,
        pendingRole: pendingHere ? roleName(pendingHere) : undefined,
        flash: takeFlash(request),
        errors,
      },
      status,
    );
  }

  app.get(pages.coursePattern, async (request, reply) =>
    showCourse(request, reply, await courses.get(actorOf(request), idOf(request))),
  );

  // A form's address, reloaded or bookmarked after a refusal, leads back to the course.
  for (const pattern of [pages.confirmPattern, pages.clonePattern]) {
    app.get(pattern, async (request, reply) => reply.redirect(pages.course(idOf(request)), 303));
  }

  app.post(pages.confirmPattern, async (request, reply) => {
    const actor = actorOf(request);
    const id = idOf(request);
    try {
      await courses.confirm(actor, id, request.ip);
    } catch (error) {
      if (error instanceof CourseIncomplete) {
        const course = await courses.get(actor, id);
        const errors = Object.fromEntries(error.problems.map((p, i) => [`problem-${i}`, p]));
        return showCourse(request, reply, course, errors, 400);
      }
      if (
        !(error instanceof AppError) ||
        !['forbidden', 'role_not_approved', 'conflict'].includes(error.code)
      )
        throw error;
      // The sentence on the course page itself, if the person may see it at all.
      const course = await courses.get(actor, id);
      return showCourse(request, reply, course, { 'course-actions': error.message }, error.status);
    }
    flash(request, 'The course has been confirmed.');
    return reply.redirect(pages.course(id), 303);
  });

  // --- Edit -------------------------------------------------------------------------------------

  /** The course, if the actor may edit it now (a draft); else the refusal `decide()` gave. */
  async function editable(actor: Actor, id: string) {
    const course = await courses.get(actor, id);
    await courses.authoriseOn(actor, 'course.edit', course);
    if (course.status !== 'draft')
      throw new Conflict(
        `This course is ${course.status}: only a draft can be edited. Clone it to make a new draft.`,
      );
    const qualification = await qualifications.find(course.qualificationId);
    if (!qualification)
      throw new Conflict('The qualification of this course is no longer in the catalogue.');
    return { course, qualification };
  }

  async function showEdit(
    request: FastifyRequest,
    reply: FastifyReply,
    course: Course,
    qualification: Qualification,
    values: CourseFormValues,
    errors?: Record<string, string>,
  ) {
    return render(
      request,
      reply,
      'courses/views/edit.njk',
      { course, qualification, values, ...unitChoices(qualification, values.unitIds), errors },
      errors ? 400 : 200,
    );
  }

  app.get(pages.editPattern, async (request, reply) => {
    const { course, qualification } = await editable(actorOf(request), idOf(request));
    return showEdit(request, reply, course, qualification, {
      title: course.title,
      academicYear: course.academicYear,
      startDate: dateParts(course.startDate),
      endDate: dateParts(course.endDate),
      unitIds: course.unitIds,
    });
  });

  app.post(pages.editPattern, async (request, reply) => {
    const actor = actorOf(request);
    const id = idOf(request);
    const form = readCourseForm(asForm(request.body));
    try {
      await courses.update(actor, id, { ...form.fields, unitIds: form.unitIds }, request.ip);
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      const { course, qualification } = await editable(actor, id);
      return showEdit(
        request,
        reply,
        course,
        qualification,
        form.values,
        formErrors(error.fields, form.errors),
      );
    }
    flash(request, 'Your changes have been saved.');
    return reply.redirect(pages.course(id), 303);
  });

  // --- Delete or archive, clone --------------------------------------------------------------------

  /** The course, if the actor may delete or archive it now; else the refusal. */
  async function removable(actor: Actor, course: Course) {
    if (course.status === 'archived') throw new Conflict('This course is already archived.');
    const deleting = course.status === 'draft';
    await courses.authoriseOn(actor, deleting ? 'course.delete' : 'course.archive', course);
    const refusal = await courses.deleteRefusal(course);
    if (refusal) throw new Conflict(refusal);
    return { course, deleting };
  }

  /** A course that cannot be deleted or archived now says why on its own page. */
  async function showConflict(request: FastifyRequest, reply: FastifyReply, error: unknown) {
    if (!(error instanceof Conflict)) throw error;
    const course = await courses.get(actorOf(request), idOf(request));
    return showCourse(request, reply, course, { 'course-actions': error.message }, error.status);
  }

  app.get(pages.removePattern, async (request, reply) => {
    const ctx = await context(request);
    let checked: Awaited<ReturnType<typeof removable>>;
    try {
      checked = await removable(ctx.actor, await courses.get(ctx.actor, idOf(request)));
    } catch (error) {
      return showConflict(request, reply, error);
    }
    const { course, deleting } = checked;
    return render(request, reply, 'courses/views/remove.njk', {
      course,
      deleting,
      subject: ctx.subjectById.get(course.subjectId)?.name ?? course.subjectId,
      site: siteLabel(ctx.siteById.get(course.siteId)),
      statusText: STATUS_TEXT[course.status],
    });
  });

  app.post(pages.removePattern, async (request, reply) => {
    const actor = actorOf(request);
    const id = idOf(request);
    const course = await courses.get(actor, id);
    let outcome: Awaited<ReturnType<CourseService['remove']>>;
    try {
      outcome = await courses.remove(actor, id, request.ip);
    } catch (error) {
      return showConflict(request, reply, error);
    }
    if (outcome === 'deleted') {
      flash(request, `The draft course ${course.title} (${course.academicYear}) has been deleted.`);
      return reply.redirect(paths.courses, 303);
    }
    flash(request, 'The course has been archived.');
    return reply.redirect(pages.course(id), 303);
  });

  app.post(pages.clonePattern, async (request, reply) => {
    const actor = actorOf(request);
    const source = await courses.get(actor, idOf(request));
    const { course: copy, dropped } = await courses.clone(actor, source.id, request.ip);
    const subject = (await roleClaims.subjects()).find((s) => s.id === source.subjectId)?.name;
    const left =
      dropped.length === 0
        ? ''
        : ` Not copied to its team, as they no longer hold the role in ${subject ?? 'this subject'}: ${dropped
            .map(
              (d) =>
                `${d.name} (${d.role === 'course_leader' ? 'Course Leader' : MEMBER_ROLE_NAME[d.role]})`,
            )
            .join(', ')}.`;
    flash(
      request,
      `This is a new draft, copied from ${source.title} (${source.academicYear}). Check its dates, units and team, then confirm it.${left}`,
    );
    return reply.redirect(pages.course(copy.id), 303);
  });

  // --- The course team ----------------------------------------------------------------------------

  /** Who is shown on the team screen: the eligible people and anyone already on the course. */
  function teamPeople(course: Course, eligible: readonly EligiblePerson[]) {
    const people = new Map(eligible.map((p) => [p.id, { ...p, rank: heldRank(p) }]));
    for (const person of [...course.leaders, ...course.members]) {
      if (!people.has(person.id))
        people.set(person.id, {
          id: person.id,
          name: person.name,
          role: null,
          qualityNominee: false,
          rank: 0,
        });
    }
    return [...people.values()];
  }

  function heldText(person: {
    role: EligiblePerson['role'];
    qualityNominee: boolean;
    rank: number;
  }) {
    if (person.qualityNominee) return 'Quality Nominee';
    if (person.role) return roleName(person.role);
    return 'No approved role in this subject';
  }

  async function showTeam(
    request: FastifyRequest,
    reply: FastifyReply,
    course: Course,
    chosen?: { leaderIds: string[]; members: Map<string, string> },
    errors?: Record<string, string>,
    status = 200,
  ) {
    const ctx = await context(request);
    const actor = ctx.actor;
    const [mayLeaders, mayMembers, eligible] = await Promise.all([
      courses.may(actor, 'course.setLeaders', course),
      courses.may(actor, 'course.setMembers', course),
      courses.eligiblePeople(actor, course),
    ]);
    const people = teamPeople(course, eligible);
    const leaderIds = new Set(chosen?.leaderIds ?? course.leaders.map((l) => l.id));
    const memberRoles =
      chosen?.members ?? new Map<string, string>(course.members.map((m) => [m.id, m.role]));
    const leaderChoices = people
      .filter((p) => courseRolesFor(p.rank).includes('course_leader') || leaderIds.has(p.id))
      .map((p) => ({
        value: p.id,
        text: p.name,
        id: `leader-${p.id}`,
        checked: leaderIds.has(p.id),
        hint: { text: heldText(p) },
      }));
    // A Course Leader who may not change the leaders sees them only, not as team members.
    // "At least one Course Leader" is about the group: its summary link goes to the first box.
    const firstLeader = leaderChoices[0]?.id;
    if (errors?.leaderIds && firstLeader) {
      const { leaderIds: message, ...rest } = errors;
      errors = { [firstLeader]: message, ...rest };
    }
    const memberPeople = people.filter((p) => mayLeaders || !leaderIds.has(p.id));
    const memberRows = memberPeople.map((p) => {
      const current = memberRoles.get(p.id) ?? '';
      const open = courseRolesFor(p.rank);
      const roles = COURSE_MEMBER_ROLES.filter((r) => open.includes(r) || r === current);
      return {
        id: p.id,
        name: p.name,
        held: heldText(p),
        field: `member-${p.id}`,
        items: [
          { value: '', text: 'Not on the course', selected: current === '' },
          ...roles.map((r) => ({ value: r, text: MEMBER_ROLE_NAME[r], selected: r === current })),
        ],
        roleText: isMemberRole(current) ? MEMBER_ROLE_NAME[current] : 'Not on the course',
      };
    });
    return render(
      request,
      reply,
      'courses/views/team.njk',
      {
        course,
        subject: ctx.subjectById.get(course.subjectId)?.name ?? course.subjectId,
        mayLeaders,
        mayMembers,
        leaderChoices,
        leaders: course.leaders,
        memberRows,
        members: course.members.map((m) => ({ ...m, roleText: MEMBER_ROLE_NAME[m.role] })),
        leaderError: errors
          ? Object.entries(errors)
              .filter(([key]) => key.startsWith('leader-'))
              .map(([, message]) => message)
              .join('. ')
          : '',
        errors,
      },
      status,
    );
  }

  async function teamCourse(actor: Actor, id: string) {
    const course = await courses.get(actor, id);
    if (course.status === 'archived')
      throw new Conflict('This course is archived: its team can no longer change.');
    const [mayLeaders, mayMembers] = await Promise.all([
      courses.may(actor, 'course.setLeaders', course),
      courses.may(actor, 'course.setMembers', course),
    ]);
    // Neither: the refusal `decide()` gives for the members, the least it takes to change the team.
    if (!mayLeaders && !mayMembers) await courses.authoriseOn(actor, 'course.setMembers', course);
    return { course, mayLeaders, mayMembers };
  }

  app.get(pages.teamPattern, async (request, reply) => {
    const { course } = await teamCourse(actorOf(request), idOf(request));
    return showTeam(request, reply, course);
  });

  app.post(pages.teamPattern, async (request, reply) => {
    const actor = actorOf(request);
    const id = idOf(request);
    const { course, mayLeaders, mayMembers } = await teamCourse(actor, id);
    const form = asForm(request.body);
    const leaderIds = [...new Set(list(form, 'leaderIds'))].slice(0, 50);
    const chosenRoles = new Map<string, string>();
    const members: { accountId: string; role: CourseMemberRole }[] = [];
    const errors: Record<string, string> = {};
    for (const key of Object.keys(form)
      .filter((k) => k.startsWith('member-'))
      .slice(0, 500)) {
      const accountId = key.slice('member-'.length);
      const role = text(form, key);
      if (role === '') continue;
      chosenRoles.set(accountId, role);
      if (isMemberRole(role)) members.push({ accountId, role });
      else errors[key] = 'Select a role on the course, or Not on the course';
    }
    const chosen = {
      leaderIds: mayLeaders ? leaderIds : course.leaders.map((l) => l.id),
      members: mayMembers ? chosenRoles : new Map(course.members.map((m) => [m.id, m.role])),
    };
    if (Object.keys(errors).length > 0)
      return showTeam(request, reply, course, chosen, errors, 400);
    try {
      await courses.setTeam(
        actor,
        id,
        {
          ...(mayLeaders ? { leaderIds } : {}),
          ...(mayMembers ? { members } : {}),
        },
        request.ip,
      );
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      const fields: Record<string, string> = {};
      for (const [field, message] of Object.entries(error.fields)) {
        const [list, index] = field.split('.');
        const at = Number(index);
        if (list === 'leaderIds' && index !== undefined)
          fields[`leader-${leaderIds[at] ?? ''}`] = message;
        else if (list === 'members' && index !== undefined)
          fields[`member-${members[at]?.accountId ?? ''}`] = message;
        else fields[field] = message;
      }
      return showTeam(request, reply, course, chosen, fields, 400);
    }
    flash(request, 'The course team has been saved. Anyone added or removed will get an email.');
    return reply.redirect(pages.course(id), 303);
  });
}
