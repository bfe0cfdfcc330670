import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../clock.js';
import type { Actor } from '../../domain/actor.js';
import { CHECKLIST, type BriefStatus, type ChecklistItem } from '../../domain/briefs.js';
import { Conflict, InvalidInput, NotFound } from '../../errors.js';
import { asForm, list, text, type FormBody } from '../../http/forms.js';
import { render } from '../../http/views.js';
import { formatCalendarDate, formatTime } from '../../lib/dates.js';
import { paths } from '../../paths.js';
import type { Course } from '../courses/course.repository.js';
import type {
  Qualification,
  QualificationService,
  Unit,
} from '../qualifications/qualification.service.js';
import { briefPdf, pdfFileName, type PrintableBrief } from './brief.pdf.js';
import type { Brief, BriefVersion, VerificationRecord } from './brief.repository.js';
import type { BriefInput, BriefService, VerificationInput } from './brief.service.js';

const pages = paths.briefPages;

const STATUS_TEXT: Record<BriefStatus, string> = {
  draft: 'Draft',
  awaiting_verification: 'Awaiting verification',
  approved: 'Approved',
  returned: 'Returned',
};
const STATUS_TAG: Record<BriefStatus, string> = {
  draft: 'govuk-tag--grey',
  awaiting_verification: 'govuk-tag--yellow',
  approved: 'govuk-tag--green',
  returned: 'govuk-tag--red',
};
/** The order of the status groups on the Assignments page. */
const STATUS_ORDER: readonly BriefStatus[] = [
  'awaiting_verification',
  'returned',
  'draft',
  'approved',
];

/** Task blocks on the builder: empty ones are ignored, so there is no need for script to add one. */
const TASK_BLOCKS = 6;
/** As many tasks as the API accepts. */
const MAX_TASKS = 20;

/** The longest texts the API accepts, kept to on the pages too. */
const LIMITS = {
  title: 200,
  scenario: 20_000,
  description: 10_000,
  evidence: 10_000,
  sources: 10_000,
  feedback: 10_000,
  actionRequired: 10_000,
  comment: 2000,
} as const;

// --- Dates ---------------------------------------------------------------------------------------

interface DateParts {
  day: string;
  month: string;
  year: string;
}

/**
 * A GOV.UK date input (`name-day`, `name-month`, `name-year`): the date as `YYYY-MM-DD` ('' when
 * left empty), or the sentence saying what is wrong with it.
 */
function readDate(
  form: FormBody,
  name: string,
  label: string,
  required: boolean,
): { parts: DateParts; iso: string; error?: string } {
  const parts = {
    day: text(form, `${name}-day`),
    month: text(form, `${name}-month`),
    year: text(form, `${name}-year`),
  };
  const missing = (['day', 'month', 'year'] as const).filter((part) => parts[part] === '');
  const capital = label.charAt(0).toUpperCase() + label.slice(1);
  if (missing.length === 3)
    return required ? { parts, iso: '', error: `Enter the ${label}` } : { parts, iso: '' };
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

function dateParts(iso: string | null | undefined): DateParts {
  const [year = '', month = '', day = ''] = (iso ?? '').split('-');
  return { day: String(Number(day) || ''), month: String(Number(month) || ''), year };
}

function tooLong(value: string, max: number, label: string): string | undefined {
  return value.length > max
    ? `${label} must be ${max.toLocaleString('en-GB')} characters or fewer`
    : undefined;
}

function ordered(errors: Record<string, string>, order: readonly string[]): Record<string, string> {
  const rank = (key: string) => {
    const index = order.indexOf(key);
    return index === -1 ? order.length : index;
  };
  return Object.fromEntries(Object.entries(errors).sort(([a], [b]) => rank(a) - rank(b)));
}

// --- The brief form ------------------------------------------------------------------------------

interface TaskValues {
  title: string;
  description: string;
  criteria: string[];
}

/** What the builder shows and sends back: the values as typed. */
interface BriefFormValues {
  title: string;
  aims: string[];
  criteria: string[];
  scenario: string;
  tasks: TaskValues[];
  evidence: string;
  sources: string;
  issueDate: DateParts;
  handInDate: DateParts;
  assessorId: string;
}

const taskField = (n: number, field: 'Title' | 'Description' | 'Criteria') => `task${n}${field}`;

/** The builder's fields top to bottom, so the error summary reads in the order of the page. */
function briefFieldOrder(blocks: number): string[] {
  const tasks = Array.from({ length: blocks }, (_, i) =>
    (['Title', 'Description', 'Criteria'] as const).map((f) => taskField(i + 1, f)),
  ).flat();
  return [
    'unitId',
    'title',
    'aims',
    'criteria',
    'scenario',
    'tasks',
    ...tasks,
    'evidence',
    'sources',
    'issueDate',
    'handInDate',
    'assessorId',
  ];
}

/**
 * Reads the builder. Empty task blocks are dropped and the rest closed up, so the service's
 * `tasks.N` is the N+1th block when the page is shown again with what was typed.
 */
function readBriefForm(form: FormBody): {
  values: BriefFormValues;
  input: BriefInput;
  errors: Record<string, string>;
} {
  const tasks: TaskValues[] = [];
  for (let n = 1; n <= MAX_TASKS; n += 1) {
    const task = {
      title: text(form, taskField(n, 'Title')),
      description: text(form, taskField(n, 'Description')),
      criteria: [...new Set(list(form, taskField(n, 'Criteria')))].slice(0, 50),
    };
    if (task.title || task.description || task.criteria.length > 0) tasks.push(task);
  }
  const issue = readDate(form, 'issueDate', 'issue date', true);
  const handIn = readDate(form, 'handInDate', 'hand-in date', true);
  const values: BriefFormValues = {
    title: text(form, 'title'),
    aims: [...new Set(list(form, 'aims'))].slice(0, 20),
    criteria: [...new Set(list(form, 'criteria'))].slice(0, 50),
    scenario: text(form, 'scenario'),
    tasks,
    evidence: text(form, 'evidence'),
    sources: text(form, 'sources'),
    issueDate: issue.parts,
    handInDate: handIn.parts,
    assessorId: text(form, 'assessorId'),
  };
  const errors: Record<string, string> = {};
  const check = (field: string, message: string | undefined) => {
    if (message) errors[field] = message;
  };
  check('title', tooLong(values.title, LIMITS.title, 'The title'));
  check('scenario', tooLong(values.scenario, LIMITS.scenario, 'The scenario'));
  tasks.forEach((task, index) => {
    check(
      taskField(index + 1, 'Title'),
      tooLong(task.title, LIMITS.title, `The title of task ${index + 1}`),
    );
    check(
      taskField(index + 1, 'Description'),
      tooLong(task.description, LIMITS.description, `The description of task ${index + 1}`),
    );
  });
  check('evidence', tooLong(values.evidence, LIMITS.evidence, 'The checklist of evidence'));
  check('sources', tooLong(values.sources, LIMITS.sources, 'The sources of information'));
  check('issueDate', issue.error);
  check('handInDate', handIn.error);
  return {
    values,
    input: {
      title: values.title,
      aims: values.aims,
      criteria: values.criteria,
      scenario: values.scenario,
      tasks,
      evidence: values.evidence,
      sources: values.sources,
      issueDate: issue.iso,
      handInDate: handIn.iso,
      assessorId: values.assessorId || null,
    },
    errors,
  };
}

/** The service's field names (`tasks.0.criteria`) as the builder's field ids (`task1Criteria`). */
function builderErrors(
  serviceErrors: Record<string, string>,
  own: Record<string, string>,
  blocks: number,
): Record<string, string> {
  const mapped: Record<string, string> = {};
  for (const [field, message] of Object.entries(serviceErrors)) {
    const task = /^tasks\.(\d+)\.(title|description|criteria)$/.exec(field);
    const key = task
      ? taskField(
          Number(task[1]) + 1,
          ((task[2] ?? '').charAt(0).toUpperCase() + (task[2] ?? '').slice(1)) as 'Title',
        )
      : field;
    mapped[key] ??= message;
  }
  // The page's own date messages win: the service only saw an empty date.
  return ordered({ ...mapped, ...own }, briefFieldOrder(blocks));
}

function valuesOf(version: BriefVersion): BriefFormValues {
  return {
    title: version.title,
    aims: version.aims,
    criteria: version.criteria,
    scenario: version.scenario,
    tasks: version.tasks,
    evidence: version.evidence,
    sources: version.sources,
    issueDate: dateParts(version.issueDate),
    handInDate: dateParts(version.handInDate),
    assessorId: version.assessorId ?? '',
  };
}

function emptyValues(): BriefFormValues {
  return {
    title: '',
    aims: [],
    criteria: [],
    scenario: '',
    tasks: [],
    evidence: '',
    sources: '',
    issueDate: dateParts(''),
    handInDate: dateParts(''),
    assessorId: '',
  };
}

// --- The verification form -----------------------------------------------------------------------

interface VerifyFormValues {
  answers: Partial<Record<ChecklistItem, string>>;
  comments: Partial<Record<ChecklistItem, string>>;
  decision: string;
  feedback: string;
  actionRequired: string;
  targetDate: DateParts;
}

const checklistField = (item: ChecklistItem) => `checklist-${item}`;
const commentField = (item: ChecklistItem) => `comment-${item}`;
const VERIFY_ORDER = [
  ...CHECKLIST.flatMap(([item]) => [checklistField(item), commentField(item)]),
  'decision',
  'feedback',
  'actionRequired',
  'targetDate',
];
const answerMessage = (question: string) => `Select yes or no for “${question}”`;

function readVerifyForm(form: FormBody): {
  values: VerifyFormValues;
  input: VerificationInput | undefined;
  errors: Record<string, string>;
} {
  const values: VerifyFormValues = {
    answers: {},
    comments: {},
    decision: text(form, 'decision'),
    feedback: text(form, 'feedback'),
    actionRequired: text(form, 'actionRequired'),
    targetDate: dateParts(''),
  };
  const errors: Record<string, string> = {};
  const checklist: Partial<Record<ChecklistItem, boolean>> = {};
  const comments: Partial<Record<ChecklistItem, string>> = {};
  for (const [item, question] of CHECKLIST) {
    const answer = text(form, checklistField(item));
    const comment = text(form, commentField(item));
    values.answers[item] = answer;
    values.comments[item] = comment;
    if (answer === 'yes' || answer === 'no') checklist[item] = answer === 'yes';
    else errors[checklistField(item)] = answerMessage(question);
    if (comment) comments[item] = comment;
    const long = tooLong(comment, LIMITS.comment, 'The comment');
    if (long) errors[commentField(item)] = long;
  }
  const target = readDate(form, 'targetDate', 'target date', false);
  values.targetDate = target.parts;
  if (target.error) errors.targetDate = target.error;
  if (values.decision !== 'approve' && values.decision !== 'return')
    errors.decision =
      'Select Approve if the brief is fit for purpose, or Return if it needs changes';
  else if (values.decision === 'return' && values.feedback === '')
    errors.feedback = 'Give feedback so the author knows what to change';
  const longFeedback = tooLong(values.feedback, LIMITS.feedback, 'The feedback');
  if (longFeedback) errors.feedback = longFeedback;
  const longAction = tooLong(values.actionRequired, LIMITS.actionRequired, 'The action required');
  if (longAction) errors.actionRequired = longAction;
  return {
    values,
    input:
      Object.keys(errors).length > 0
        ? undefined
        : {
            approve: values.decision === 'approve',
            checklist,
            comments,
            feedback: values.feedback,
            actionRequired: values.actionRequired,
            targetDate: target.iso || null,
          },
    errors: ordered(errors, VERIFY_ORDER),
  };
}

/** The service's verification problems as the page's fields, in the page's words. */
function verifyErrors(serviceErrors: Record<string, string>): Record<string, string> {
  const questions = new Map<string, string>(CHECKLIST);
  const mapped: Record<string, string> = {};
  for (const [field, message] of Object.entries(serviceErrors)) {
    const item = /^checklist\.(\w+)$/.exec(field)?.[1];
    if (item) mapped[`checklist-${item}`] = answerMessage(questions.get(item) ?? item);
    else mapped[field] = message;
  }
  return ordered(mapped, VERIFY_ORDER);
}

// --- Presenting ----------------------------------------------------------------------------------

function takeFlash(request: FastifyRequest) {
  const flash = request.session.flash ?? [];
  if (flash.length > 0) request.session.flash = undefined;
  return flash;
}

function flash(request: FastifyRequest, message: string) {
  request.session.flash = [{ kind: 'success', text: message }];
}

const unitLabel = (unit: Pick<Unit, 'number' | 'title'>) => `Unit ${unit.number}: ${unit.title}`;

function presentContent(
  version: BriefVersion,
  unit: Unit | undefined,
  names: ReadonlyMap<string, string>,
) {
  const aimText = new Map(unit?.aims.map((a) => [a.code, a.text]));
  const criterionText = new Map(unit?.criteria.map((c) => [c.code, c.text]));
  return {
    version: version.version,
    title: version.title,
    aims: version.aims.map((code) => ({ code, text: aimText.get(code) ?? '' })),
    criteria: version.criteria.map((code) => ({ code, text: criterionText.get(code) ?? '' })),
    scenario: version.scenario,
    tasks: version.tasks,
    evidence: version.evidence,
    sources: version.sources,
    issueDate: formatCalendarDate(version.issueDate),
    handInDate: formatCalendarDate(version.handInDate),
    assessor: version.assessorId ? (names.get(version.assessorId) ?? 'Unknown') : '',
    savedAt: version.updatedAt,
    savedBy: names.get(version.createdBy) ?? '',
  };
}

function presentVerification(record: VerificationRecord) {
  return {
    version: record.version,
    approved: record.approved,
    decision: record.approved ? 'Approved' : 'Returned',
    verifier: record.verifier.name,
    at: record.at,
    atText: formatTime(new Date(record.at)),
    checklist: CHECKLIST.map(([item, question]) => ({
      question,
      answer:
        record.checklist[item] === undefined
          ? 'Not answered'
          : record.checklist[item]
            ? 'Yes'
            : 'No',
      comment: record.comments[item] ?? '',
    })),
    feedback: record.feedback,
    actionRequired: record.actionRequired,
    targetDate: formatCalendarDate(record.targetDate),
  };
}

/**
 * The Assignments screens (SPEC §4, §6, §8): the list by status, the brief builder (create and
 * edit), the brief page with sending to an Internal Verifier and the verification form, every
 * version and IV record, and the print page and PDF. Every decision is the service's (`decide()`
 * underneath); a button is shown only when the server would accept it.
 */
export function registerBriefPages(
  app: FastifyInstance,
  deps: { briefs: BriefService; qualifications: QualificationService; clock: Clock },
): void {
  const { briefs, qualifications, clock } = deps;
  const actorOf = (request: FastifyRequest) => request.actor as Actor;
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;

  /** The qualification of a course and one of its units (with aims and criteria), if on it. */
  async function unitOf(
    course: Course,
    unitId: string,
  ): Promise<{ qualification: Qualification | undefined; unit: Unit | undefined }> {
    const qualification = await qualifications.find(course.qualificationId);
    const unit = course.unitIds.includes(unitId)
      ? qualification?.units.find((u) => u.id === unitId)
      : undefined;
    return { qualification, unit };
  }

  /** Everyone a brief's pages may name: the people of its history, by id. */
  async function peopleOf(brief: Brief) {
    const names = await briefs.namesIn(brief);
    if (brief.iv) names.set(brief.iv.id, brief.iv.name);
    for (const record of brief.verifications) names.set(record.verifier.id, record.verifier.name);
    return names;
  }

  // --- The list ---

  app.get(paths.assignments, async (request, reply) => {
    const actor = actorOf(request);
    const [visible, creatable] = await Promise.all([
      briefs.list(actor, {}),
      briefs.creatableCourses(actor),
    ]);
    const labels = await briefs.labels(visible);
    const row = (brief: Brief) => {
      const unit = labels.units.get(brief.unitId);
      return {
        id: brief.id,
        href: pages.brief(brief.id),
        title: brief.current.title,
        course: labels.courses.get(brief.courseId) ?? '',
        unit: unit ? unitLabel(unit) : '',
        version: brief.version,
        status: brief.status,
        statusText: STATUS_TEXT[brief.status],
        statusTag: STATUS_TAG[brief.status],
        author: brief.author.name,
        iv: brief.iv?.name ?? '',
        updatedAt: brief.updatedAt,
      };
    };
    const me = actor.accountId;
    return render(request, reply, 'briefs/views/list.njk', {
      flash: takeFlash(request),
      canCreate: creatable.courses.length > 0,
      awaitingMe: visible
        .filter((b) => b.status === 'awaiting_verification' && b.iv?.id === me)
        .map(row),
      myDrafts: visible
        .filter((b) => b.author.id === me && (b.status === 'draft' || b.status === 'returned'))
        .map(row),
      groups: STATUS_ORDER.map((status) => ({
        status,
        heading: STATUS_TEXT[status],
        rows: visible.filter((b) => b.status === status).map(row),
      })),
      total: visible.length,
    });
  });

  // --- Create: course, unit, then the builder ---

  async function showBuilder(
    request: FastifyRequest,
    reply: FastifyReply,
    options: {
      course: Course;
      unit: Unit;
      qualification: Qualification | undefined;
      values: BriefFormValues;
      brief?: Brief;
      errors?: Record<string, string>;
    },
  ) {
    const { course, unit, values, brief, errors } = options;
    const assessors = await briefs.assessorChoices(course);
    const chosenAims = new Set(values.aims);
    const chosenCriteria = new Set(values.criteria);
    const blocks = Math.min(MAX_TASKS, Math.max(TASK_BLOCKS, values.tasks.length + 1));
    const tasks = Array.from({ length: blocks }, (_, index) => {
      const task = values.tasks[index] ?? { title: '', description: '', criteria: [] };
      const chosen = new Set(task.criteria);
      const n = index + 1;
      return {
        n,
        titleId: taskField(n, 'Title'),
        descriptionId: taskField(n, 'Description'),
        criteriaId: taskField(n, 'Criteria'),
        title: task.title,
        description: task.description,
        empty: !task.title && !task.description && task.criteria.length === 0,
        criteria: unit.criteria.map((c) => ({
          value: c.code,
          text: c.code,
          checked: chosen.has(c.code),
        })),
      };
    });
    const assessorKnown = assessors.some((p) => p.id === values.assessorId);
    return render(
      request,
      reply,
      'briefs/views/builder.njk',
      {
        brief: brief
          ? {
              id: brief.id,
              title: brief.current.title,
              status: brief.status,
              version: brief.version,
              newVersion: brief.status === 'approved' || brief.status === 'returned',
            }
          : null,
        action: brief ? pages.edit(brief.id) : pages.create,
        course: { id: course.id, title: course.title },
        unit: { id: unit.id, label: unitLabel(unit) },
        qualification: options.qualification?.title ?? '',
        values,
        aimItems: unit.aims.map((a) => ({
          value: a.code,
          text: `${a.code}: ${a.text}`,
          checked: chosenAims.has(a.code),
        })),
        criteriaItems: unit.criteria.map((c) => ({
          value: c.code,
          html: `<strong>${escapeHtml(c.code)}</strong> ${escapeHtml(c.text)}`,
          checked: chosenCriteria.has(c.code),
        })),
        tasks,
        assessorItems: [
          { value: '', text: 'Not chosen yet', selected: values.assessorId === '' },
          ...(values.assessorId && !assessorKnown
            ? [{ value: values.assessorId, text: 'No longer eligible', selected: true }]
            : []),
          ...assessors.map((p) => ({
            value: p.id,
            text: p.name,
            selected: p.id === values.assessorId,
          })),
        ],
        errors,
      },
      errors && Object.keys(errors).length > 0 ? 400 : 200,
    );
  }

  app.get(pages.create, async (request, reply) => {
    const actor = actorOf(request);
    const query = asForm(request.query);
    const courseId = text(query, 'course');
    const unitId = text(query, 'unit');
    if (!('course' in query)) {
      const { courses, refusal } = await briefs.creatableCourses(actor);
      if (refusal) throw refusal;
      return render(request, reply, 'briefs/views/create-start.njk', {
        courseItems: courses.map((c) => ({ value: c.id, text: `${c.title} (${c.academicYear})` })),
      });
    }
    if (courseId === '') {
      const { courses, refusal } = await briefs.creatableCourses(actor);
      if (refusal) throw refusal;
      return render(
        request,
        reply,
        'briefs/views/create-start.njk',
        {
          courseItems: courses.map((c) => ({
            value: c.id,
            text: `${c.title} (${c.academicYear})`,
          })),
          errors: { course: 'Select the course this assignment is for' },
        },
        400,
      );
    }
    const course = await briefs.courseForNewBrief(actor, courseId);
    const { qualification, unit } = await unitOf(course, unitId);
    if (!unit) {
      const units = qualification?.units.filter((u) => course.unitIds.includes(u.id)) ?? [];
      const asked = 'unit' in query;
      return render(
        request,
        reply,
        'briefs/views/create-unit.njk',
        {
          course: { id: course.id, title: course.title, academicYear: course.academicYear },
          unitItems: units.map((u) => ({ value: u.id, text: unitLabel(u) })),
          errors: asked ? { unit: 'Select the unit this assignment is for' } : undefined,
        },
        asked ? 400 : 200,
      );
    }
    return showBuilder(request, reply, { course, unit, qualification, values: emptyValues() });
  });

  app.post(pages.create, async (request, reply) => {
    const actor = actorOf(request);
    const form = asForm(request.body);
    const course = await briefs.courseForNewBrief(actor, text(form, 'courseId'));
    const unitId = text(form, 'unitId');
    const { qualification, unit } = await unitOf(course, unitId);
    if (!unit) throw new NotFound();
    const { values, input, errors: own } = readBriefForm(form);
    const blocks = Math.max(TASK_BLOCKS, values.tasks.length + 1);
    const again = (serviceErrors: Record<string, string>) =>
      showBuilder(request, reply, {
        course,
        unit,
        qualification,
        values,
        errors: builderErrors(serviceErrors, own, blocks),
      });
    if (Object.keys(own).length > 0)
      return again(await briefs.problemsWith(actor, course.id, unit.id, input));
    try {
      const brief = await briefs.create(
        actor,
        { ...input, courseId: course.id, unitId: unit.id },
        request.ip,
      );
      flash(request, 'The assignment brief has been saved as a draft');
      return reply.redirect(pages.brief(brief.id), 303);
    } catch (error) {
      if (error instanceof InvalidInput) return again(error.fields);
      throw error;
    }
  });

  // --- Edit ---

  /**
   * The brief to edit, if the actor may edit it now (not once its course is archived, nor while it
   * is awaiting verification).
   */
  async function forEditing(actor: Actor, id: string) {
    const { brief, course } = await briefs.read(actor, id);
    await briefs.authoriseOn(actor, 'brief.edit', brief);
    briefs.takesBriefChanges(course);
    if (brief.status === 'awaiting_verification')
      throw new Conflict(
        'This brief is awaiting verification: it cannot be changed until the Internal Verifier has answered.',
      );
    const { qualification, unit } = await unitOf(course, brief.unitId);
    if (!unit) throw new NotFound('The unit of this brief is no longer part of its course.');
    return { brief, course, qualification, unit };
  }

  app.get(pages.editPattern, async (request, reply) => {
    const { brief, course, qualification, unit } = await forEditing(
      actorOf(request),
      idOf(request),
    );
    return showBuilder(request, reply, {
      course,
      unit,
      qualification,
      brief,
      values: valuesOf(brief.current),
    });
  });

  app.post(pages.editPattern, async (request, reply) => {
    const actor = actorOf(request);
    const { brief, course, qualification, unit } = await forEditing(actor, idOf(request));
    const { values, input, errors: own } = readBriefForm(asForm(request.body));
    const blocks = Math.max(TASK_BLOCKS, values.tasks.length + 1);
    const again = (serviceErrors: Record<string, string>) =>
      showBuilder(request, reply, {
        course,
        unit,
        qualification,
        brief,
        values,
        errors: builderErrors(serviceErrors, own, blocks),
      });
    if (Object.keys(own).length > 0)
      return again(await briefs.problemsWith(actor, course.id, unit.id, input));
    try {
      const saved = await briefs.update(actor, brief.id, input, request.ip);
      flash(
        request,
        saved.version > brief.version
          ? `Version ${saved.version} has been saved as a draft: send it to an Internal Verifier when it is ready`
          : saved.updatedAt === brief.updatedAt
            ? 'You did not change anything, so nothing has been saved'
            : 'Your changes have been saved',
      );
      return reply.redirect(pages.brief(brief.id), 303);
    } catch (error) {
      if (error instanceof InvalidInput) return again(error.fields);
      throw error;
    }
  });

  // --- The brief page, sending and verifying ---

  async function showBrief(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    form: {
      errors?: Record<string, string>;
      ivId?: string;
      verify?: VerifyFormValues;
    } = {},
  ) {
    const actor = actorOf(request);
    const { brief, course, subjectName } = await briefs.read(actor, id);
    const [{ qualification, unit }, names, mayEdit, maySubmit, mayVerify] = await Promise.all([
      unitOf(course, brief.unitId),
      peopleOf(brief),
      briefs.may(actor, 'brief.edit', brief),
      briefs.may(actor, 'brief.submit', brief),
      briefs.may(actor, 'brief.verify', brief),
    ]);
    // The page offers only what the server would do: nothing changes once the course is archived.
    const unchangeable = briefs.unchangeableBecause(course);
    const can = {
      edit: !unchangeable && mayEdit && brief.status !== 'awaiting_verification',
      send: !unchangeable && maySubmit && brief.status === 'draft',
      verify: !unchangeable && mayVerify && brief.status === 'awaiting_verification',
    };
    const verifiers = can.send ? await briefs.verifierChoices(brief) : [];
    const records = brief.verifications.map(presentVerification);
    const verifyValues = form.verify ?? {
      answers: {},
      comments: {},
      decision: '',
      feedback: '',
      actionRequired: '',
      targetDate: dateParts(''),
    };
    return render(
      request,
      reply,
      'briefs/views/brief.njk',
      {
        flash: takeFlash(request),
        brief: {
          id: brief.id,
          status: brief.status,
          statusText: STATUS_TEXT[brief.status],
          statusTag: STATUS_TAG[brief.status],
          version: brief.version,
          author: brief.author.name,
          iv: brief.iv?.name ?? '',
          createdAt: brief.createdAt,
          updatedAt: brief.updatedAt,
        },
        course: { id: course.id, title: course.title },
        subjectName,
        qualification: qualification?.title ?? '',
        unit: unit ? unitLabel(unit) : '',
        content: presentContent(brief.current, unit, names),
        versions: [...brief.versions].reverse().map((v) => ({
          version: v.version,
          title: v.title,
          savedAt: v.updatedAt,
          savedBy: names.get(v.createdBy) ?? '',
          current: v.version === brief.version,
          href: pages.version(brief.id, v.version),
          records: records.filter((r) => r.version === v.version),
        })),
        records: [...records].reverse(),
        can,
        unchangeable,
        isAuthor: brief.author.id === actor.accountId,
        isIv: brief.iv?.id === actor.accountId,
        verifierItems: [
          { value: '', text: 'Select an Internal Verifier', selected: !form.ivId },
          ...verifiers.map((p) => ({ value: p.id, text: p.name, selected: p.id === form.ivId })),
        ],
        hasVerifiers: verifiers.length > 0,
        checklist: CHECKLIST.map(([item, question]) => ({
          item,
          question,
          id: checklistField(item),
          commentId: commentField(item),
          answer: verifyValues.answers[item] ?? '',
          comment: verifyValues.comments[item] ?? '',
        })),
        verifyValues,
        errors: form.errors,
      },
      form.errors && Object.keys(form.errors).length > 0 ? 400 : 200,
    );
  }

  app.get(pages.briefPattern, async (request, reply) => showBrief(request, reply, idOf(request)));

  app.post(pages.sendPattern, async (request, reply) => {
    const id = idOf(request);
    const ivId = text(asForm(request.body), 'ivId');
    try {
      const brief = await briefs.submit(actorOf(request), id, ivId, request.ip);
      flash(
        request,
        `The brief has been sent to ${brief.iv?.name ?? 'the Internal Verifier'} to verify`,
      );
      return reply.redirect(pages.brief(id), 303);
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      const errors =
        ivId === '' ? { ivId: 'Select the Internal Verifier to send this brief to' } : error.fields;
      return showBrief(request, reply, id, { errors, ivId });
    }
  });

  app.post(pages.verifyPattern, async (request, reply) => {
    const actor = actorOf(request);
    const id = idOf(request);
    const { values, input, errors } = readVerifyForm(asForm(request.body));
    if (!input) {
      // Only someone who could verify it now is shown what to put right; anyone else is refused.
      const { brief, course } = await briefs.read(actor, id);
      await briefs.authoriseOn(actor, 'brief.verify', brief);
      briefs.takesBriefChanges(course);
      if (brief.status !== 'awaiting_verification')
        throw new Conflict(
          `This brief is not awaiting verification (it is ${STATUS_TEXT[brief.status].toLowerCase()}).`,
        );
      return showBrief(request, reply, id, { errors, verify: values });
    }
    try {
      const brief = await briefs.verify(actor, id, input, request.ip);
      flash(
        request,
        input.approve
          ? 'You have approved this brief: the course team can now view it'
          : `You have returned this brief to ${brief.author.name} with your feedback`,
      );
      return reply.redirect(pages.brief(id), 303);
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      return showBrief(request, reply, id, { errors: verifyErrors(error.fields), verify: values });
    }
  });

  // --- A past version ---

  app.get(pages.versionPattern, async (request, reply) => {
    const params = request.params as { id: string; version: string };
    const { brief, course } = await briefs.read(actorOf(request), params.id);
    const version = brief.versions.find((v) => String(v.version) === params.version);
    if (!version) throw new NotFound();
    const [{ unit }, names] = await Promise.all([unitOf(course, brief.unitId), peopleOf(brief)]);
    return render(request, reply, 'briefs/views/version.njk', {
      brief: { id: brief.id, title: brief.current.title, version: brief.version },
      course: { id: course.id, title: course.title },
      unit: unit ? unitLabel(unit) : '',
      content: presentContent(version, unit, names),
      current: version.version === brief.version,
      records: brief.verifications
        .filter((r) => r.version === version.version)
        .map(presentVerification),
    });
  });

  // --- Print and PDF ---

  async function printable(actor: Actor, id: string): Promise<PrintableBrief> {
    const { brief, course } = await briefs.read(actor, id);
    const [{ qualification, unit }, names] = await Promise.all([
      unitOf(course, brief.unitId),
      peopleOf(brief),
    ]);
    const content = presentContent(brief.current, unit, names);
    const record = brief.verifications.filter((r) => r.version === brief.version).at(-1);
    const verification = record ? presentVerification(record) : null;
    return {
      qualification: qualification?.title ?? '',
      course: course.title,
      unit: unit ? unitLabel(unit) : '',
      title: content.title,
      version: brief.version,
      status: STATUS_TEXT[brief.status],
      author: brief.author.name,
      assessor: content.assessor,
      issueDate: content.issueDate,
      handInDate: content.handInDate,
      aims: content.aims,
      criteria: content.criteria,
      scenario: content.scenario,
      tasks: content.tasks,
      evidence: content.evidence,
      sources: content.sources,
      verification: verification && {
        decision: verification.decision,
        verifier: verification.verifier,
        at: verification.atText,
        checklist: verification.checklist,
        feedback: verification.feedback,
        actionRequired: verification.actionRequired,
        targetDate: verification.targetDate,
      },
    };
  }

  app.get(pages.printPattern, async (request, reply) => {
    const id = idOf(request);
    return render(request, reply, 'briefs/views/print.njk', {
      id,
      print: await printable(actorOf(request), id),
    });
  });

  app.get(pages.pdfPattern, async (request, reply) => {
    const brief = await printable(actorOf(request), idOf(request));
    const pdf = await briefPdf(brief, clock.now());
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `attachment; filename="${pdfFileName(brief)}"`)
      .header('cache-control', 'no-store')
      .send(pdf);
  });
}

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
