import { describe, expect, it } from 'vitest';
import {
  BRIEF_EVENTS,
  BRIEF_STATUSES,
  briefProblems,
  briefTransition,
  CHECKLIST_ITEMS,
  courseTakesBriefChanges,
  courseTakesNewBriefs,
  type BriefContent,
} from './briefs.js';
import { COURSE_STATUSES } from './courses.js';

describe('brief transitions', () => {
  const allowed: Record<string, string> = {
    'draft/edit': 'draft',
    'draft/submit': 'awaiting_verification',
    'awaiting_verification/approve': 'approved',
    'awaiting_verification/return': 'returned',
    'returned/edit': 'draft+',
    'approved/edit': 'draft+',
  };
  const cases = BRIEF_STATUSES.flatMap((status) =>
    BRIEF_EVENTS.map((event) => [status, event] as const),
  );
  it.each(cases)('%s --%s-->', (status, event) => {
    const next = briefTransition(status, event);
    const expected = allowed[`${status}/${event}`];
    if (expected === undefined) expect(next).toBeNull();
    else expect(next && `${next.to}${next.newVersion ? '+' : ''}`).toBe(expected);
  });
});

describe("a course's briefs", () => {
  it.each(COURSE_STATUSES)(
    'of a %s course: written and changed unless it is archived',
    (status) => {
      expect(courseTakesBriefChanges(status)).toBe(status !== 'archived');
      expect(courseTakesNewBriefs(status)).toBe(status !== 'archived');
    },
  );
});

describe('the verification checklist', () => {
  it('has the nine items of SPEC §10, in order', () => {
    expect(CHECKLIST_ITEMS).toEqual([
      'details_accurate',
      'clear_deadlines',
      'timeframe_appropriate',
      'vocational_scenario',
      'criteria_accurate',
      'tasks_show_criteria',
      'tasks_meet_requirements',
      'evidence_valid',
      'fit_for_purpose',
    ]);
  });
});

describe('briefProblems', () => {
  const unit = ['A.P1', 'A.P2', 'A.M1', 'AB.D1'];
  const good: BriefContent = {
    title: 'Exploring business',
    criteria: ['A.P1', 'A.P2', 'A.M1'],
    tasks: [
      { title: 'Task 1', description: '', criteria: ['A.P1', 'A.P2'] },
      { title: 'Task 2', description: '', criteria: ['A.M1'] },
    ],
    issueDate: '2026-10-01',
    handInDate: '2026-11-01',
  };
  it('accepts a complete brief', () => {
    expect(briefProblems(good, unit)).toEqual({});
  });
  it.each<[string, Partial<BriefContent>, Record<string, string>]>([
    ['no title', { title: ' ' }, { title: 'Enter a title for the assignment' }],
    [
      'a criterion of another unit',
      { criteria: ['A.P1', 'A.P2', 'A.M1', 'C.P7'] },
      { criteria: 'C.P7 is not a criterion of this unit' },
    ],
    [
      'a targeted criterion no task covers',
      { criteria: ['A.P1', 'A.P2', 'A.M1', 'AB.D1'] },
      { tasks: 'No task addresses AB.D1: every targeted criterion must be covered by a task' },
    ],
    [
      'a task addressing an untargeted criterion',
      { tasks: [{ title: 'T', description: '', criteria: ['A.P1', 'A.P2', 'A.M1', 'AB.D1'] }] },
      { 'tasks.0.criteria': 'Task 1 addresses AB.D1, which the assignment does not target' },
    ],
    [
      'a task with no criteria',
      { tasks: [...good.tasks, { title: 'T3', description: '', criteria: [] }] },
      { 'tasks.2.criteria': 'Select the criteria task 3 addresses' },
    ],
    ['no tasks', { tasks: [] }, { tasks: 'Add at least one task' }],
    [
      'hand-in before issue',
      { handInDate: '2026-09-01' },
      { handInDate: 'The hand-in date must be after the issue date' },
    ],
    [
      'hand-in on the issue date',
      { handInDate: '2026-10-01' },
      { handInDate: 'The hand-in date must be after the issue date' },
    ],
  ])('reports %s', (_name, change, expected) => {
    expect(briefProblems({ ...good, ...change }, unit)).toEqual(expected);
  });
});
