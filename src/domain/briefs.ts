// Assignment brief rules (SPEC §6): the workflow as a transition table, the internal verification
// checklist Pearson publishes for briefs, and what makes a brief's content valid.

import type { CourseStatus } from './courses.js';

export const BRIEF_STATUSES = ['draft', 'awaiting_verification', 'approved', 'returned'] as const;
export type BriefStatus = (typeof BRIEF_STATUSES)[number];

export const BRIEF_EVENTS = ['edit', 'submit', 'approve', 'return'] as const;
export type BriefEvent = (typeof BRIEF_EVENTS)[number];

/**
 * Editing a draft changes it in place; editing a returned or approved brief starts a new version
 * (a draft again, to be verified again). A brief awaiting verification cannot change.
 */
export const BRIEF_TRANSITIONS: Readonly<
  Record<BriefStatus, Partial<Record<BriefEvent, { to: BriefStatus; newVersion?: true }>>>
> = {
  draft: { edit: { to: 'draft' }, submit: { to: 'awaiting_verification' } },
  awaiting_verification: { approve: { to: 'approved' }, return: { to: 'returned' } },
  returned: { edit: { to: 'draft', newVersion: true } },
  approved: { edit: { to: 'draft', newVersion: true } },
};

export function briefTransition(
  status: BriefStatus,
  event: BriefEvent,
): { to: BriefStatus; newVersion: boolean } | null {
  const next = BRIEF_TRANSITIONS[status][event];
  return next ? { to: next.to, newVersion: next.newVersion ?? false } : null;
}

/**
 * Whether the briefs of a course in this status can change: written, edited, sent for verification
 * or verified. Not once the course is archived: its briefs are kept and can still be read, printed
 * and downloaded with every version and IV record, but nothing about them changes (a draft course
 * may already have its briefs drafted).
 */
export function courseTakesBriefChanges(courseStatus: CourseStatus): boolean {
  return courseStatus !== 'archived';
}

/** Whether new briefs can be written for a course in this status: as any other change. */
export function courseTakesNewBriefs(courseStatus: CourseStatus): boolean {
  return courseTakesBriefChanges(courseStatus);
}

export function isBriefStatus(value: unknown): value is BriefStatus {
  return typeof value === 'string' && (BRIEF_STATUSES as readonly string[]).includes(value);
}

/** The internal verification checklist for assignment briefs, in Pearson's order and words. */
export const CHECKLIST = [
  ['details_accurate', 'Are the programme and unit details accurate?'],
  ['clear_deadlines', 'Are there clear deadlines for assessment?'],
  ['timeframe_appropriate', 'Is the time frame for the assignment appropriate?'],
  ['vocational_scenario', 'Is there a suitable vocational scenario or context?'],
  ['criteria_accurate', 'Are the assessment criteria to be addressed stated accurately?'],
  ['tasks_show_criteria', 'Does each task show clearly which criteria are being addressed?'],
  ['tasks_meet_requirements', 'Are the tasks appropriate to meet the requirements of the unit?'],
  ['evidence_valid', 'Is the evidence learners must produce clear, valid and sufficient?'],
  ['fit_for_purpose', 'Is the assignment brief fit for purpose?'],
] as const;
export type ChecklistItem = (typeof CHECKLIST)[number][0];
export const CHECKLIST_ITEMS: readonly ChecklistItem[] = CHECKLIST.map(([item]) => item);

export interface BriefTask {
  title: string;
  description: string;
  criteria: string[];
}

export interface BriefContent {
  title: string;
  criteria: string[];
  tasks: BriefTask[];
  issueDate: string;
  handInDate: string;
}

/**
 * What is wrong with a brief's content, by field: criteria must be the unit's; every targeted
 * criterion must be covered by a task, and a task may only address targeted criteria; the hand-in
 * date comes after the issue date (one hand-in date: no interim deadlines).
 */
export function briefProblems(
  content: BriefContent,
  unitCriteria: readonly string[],
): Record<string, string> {
  const problems: Record<string, string> = {};
  const known = new Set(unitCriteria);
  const targeted = new Set(content.criteria);
  if (content.title.trim() === '') problems.title = 'Enter a title for the assignment';
  if (content.criteria.length === 0)
    problems.criteria = 'Select the assessment criteria this assignment targets';
  const unknown = content.criteria.filter((code) => !known.has(code));
  if (unknown.length > 0)
    problems.criteria = `${unknown.join(', ')} ${unknown.length === 1 ? 'is not a criterion' : 'are not criteria'} of this unit`;
  if (content.tasks.length === 0) problems.tasks = 'Add at least one task';
  content.tasks.forEach((task, index) => {
    if (task.title.trim() === '')
      problems[`tasks.${index}.title`] = `Enter a title for task ${index + 1}`;
    if (task.criteria.length === 0)
      problems[`tasks.${index}.criteria`] = `Select the criteria task ${index + 1} addresses`;
    const outside = task.criteria.filter((code) => !targeted.has(code));
    if (outside.length > 0)
      problems[`tasks.${index}.criteria`] =
        `Task ${index + 1} addresses ${outside.join(', ')}, which the assignment does not target`;
  });
  const covered = new Set(content.tasks.flatMap((task) => task.criteria));
  const uncovered = content.criteria.filter((code) => known.has(code) && !covered.has(code));
  if (uncovered.length > 0 && content.tasks.length > 0) {
    problems.tasks = `No task addresses ${uncovered.join(', ')}: every targeted criterion must be covered by a task`;
  }
  if (content.handInDate <= content.issueDate)
    problems.handInDate = 'The hand-in date must be after the issue date';
  return problems;
}
