// Course rules that are not about the actor (SPEC §5): whether a course's chosen units make a
// complete qualification, and whether a person may be put on a course in a given role.

import { approvedRank, claimedRank, type Actor } from './actor.js';
import { rankOf, roleName, TOP_RANK, type Role } from './roles.js';

export const COURSE_STATUSES = ['draft', 'confirmed', 'archived'] as const;
export type CourseStatus = (typeof COURSE_STATUSES)[number];

/** The roles someone can hold on a course: its leaders, and team members as IV, Assessor or Teacher. */
export const COURSE_MEMBER_ROLES = ['internal_verifier', 'assessor', 'teacher'] as const;
export type CourseMemberRole = (typeof COURSE_MEMBER_ROLES)[number];
export type CourseRole = 'course_leader' | CourseMemberRole;
/** Every role on a course, most senior first. */
export const COURSE_ROLES: readonly CourseRole[] = ['course_leader', ...COURSE_MEMBER_ROLES];

export interface UnitInfo {
  id: string;
  number: string;
  title: string;
  mandatory: boolean;
  glh: number;
}

/**
 * What stops a course being confirmed, each in a sentence: every mandatory unit chosen, and the
 * chosen units' guided learning hours at least the qualification's.
 */
export function courseProblems(
  qualification: { glh: number; units: readonly UnitInfo[] },
  chosenUnitIds: Iterable<string>,
): string[] {
  const chosen = new Set(chosenUnitIds);
  const problems = qualification.units
    .filter((unit) => unit.mandatory && !chosen.has(unit.id))
    .map((unit) => `Unit ${unit.number}: ${unit.title} is mandatory`);
  const total = qualification.units
    .filter((unit) => chosen.has(unit.id))
    .reduce((sum, unit) => sum + unit.glh, 0);
  const short = qualification.glh - total;
  if (short > 0)
    problems.push(`${short} more guided learning ${short === 1 ? 'hour is' : 'hours are'} needed`);
  return problems;
}

/**
 * May this person be put on a course of that subject and site in that role? They must hold an
 * approved role of at least that rank there (a Quality Nominee holds every role at their sites).
 * When not, the sentence says why.
 */
export function courseRoleRefusal(
  candidate: Actor,
  siteId: string,
  subjectId: string,
  subjectName: string,
  role: CourseRole,
): string | undefined {
  if (courseRolesFor(approvedRank(candidate, siteId, subjectId)).includes(role)) return undefined;
  const needed =
    role === 'course_leader'
      ? 'an approved Course Leader or Lead Internal Verifier'
      : `an approved ${roleName(role)} or above`;
  return `${candidate.name} cannot be added as ${role === 'course_leader' ? 'Course Leader' : roleName(role)}: they must be ${needed} in ${subjectName}`;
}

/**
 * The roles on a course open to someone of that approved rank in the course's subject and site
 * (5 for its Quality Nominee), most senior first: each role of that rank or below.
 */
export function courseRolesFor(rank: number): CourseRole[] {
  return COURSE_ROLES.filter((role) => rankOf(role) <= rank);
}

/** The approved rank of a person as the team screen lists them: their role there, or QN. */
export function heldRank(person: { role: Role | null; qualityNominee: boolean }): number {
  if (person.qualityNominee) return TOP_RANK;
  return person.role ? rankOf(person.role) : 0;
}

/**
 * Does a leader of a course go on leading its clone? Yes while they hold a Course Leader claim or
 * above there, approved or still pending: drafting needs no more (the creator of a course leads it
 * on a pending claim too).
 */
export function keepsLeadingClone(leader: Actor, siteId: string, subjectId: string): boolean {
  return claimedRank(leader, siteId, subjectId) >= rankOf('course_leader');
}

/** `2026/27`: the academic year starting in 2026. */
export function isAcademicYear(value: string): boolean {
  const match = /^(\d{4})\/(\d{2})$/.exec(value);
  if (!match) return false;
  return (Number(match[1]) + 1) % 100 === Number(match[2]);
}

export function nextAcademicYear(value: string): string {
  const start = Number(value.slice(0, 4)) + 1;
  return `${start}/${String((start + 1) % 100).padStart(2, '0')}`;
}
