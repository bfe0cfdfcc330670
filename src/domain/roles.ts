// The five claimable team roles, their rank and the cascade (SPEC §2), and the guide's wording
// for them (SPEC §3). The Quality Nominee is not a claimable role: it is recognised per site and
// counts as the top rank there (see actor.ts).

export const ROLES = [
  'lead_internal_verifier',
  'course_leader',
  'internal_verifier',
  'assessor',
  'teacher',
] as const;

export type Role = (typeof ROLES)[number];

/** Rank of the most senior role; also the rank a Quality Nominee holds at their site(s). */
export const TOP_RANK = 5;

const RANK: Readonly<Record<Role, number>> = {
  lead_internal_verifier: 5,
  course_leader: 4,
  internal_verifier: 3,
  assessor: 2,
  teacher: 1,
};

const NAME: Readonly<Record<Role, string>> = {
  lead_internal_verifier: 'Lead Internal Verifier',
  course_leader: 'Course Leader',
  internal_verifier: 'Internal Verifier',
  assessor: 'Assessor',
  teacher: 'Teacher',
};

const SHORT_NAME: Readonly<Record<Role, string>> = {
  lead_internal_verifier: 'LIV',
  course_leader: 'CL',
  internal_verifier: 'IV',
  assessor: 'Assessor',
  teacher: 'Teacher',
};

// The guide's permissions list writes "IV" but spells every other role out in full.
const PERMISSION_NAME: Readonly<Record<Role, string>> = {
  ...NAME,
  internal_verifier: 'IV',
};

export function isRole(x: unknown): x is Role {
  return typeof x === 'string' && (ROLES as readonly string[]).includes(x);
}

/** Lead Internal Verifier 5, Course Leader 4, Internal Verifier 3, Assessor 2, Teacher 1. */
export function rankOf(role: Role): number {
  return RANK[role];
}

/** The role of exactly that rank, or undefined outside 1–5. */
export function roleForRank(rank: number): Role | undefined {
  return ROLES.find((role) => RANK[role] === rank);
}

/** The role and every role beneath it, most senior first: what an approved claim grants. */
export function cascade(role: Role): Role[] {
  return ROLES.filter((r) => RANK[r] <= RANK[role]);
}

export function roleName(role: Role): string {
  return NAME[role];
}

export function roleShortName(role: Role): string {
  return SHORT_NAME[role];
}

/** "a" or "an" before the words, by their first letter: right for the role names, not for "unit". */
export function withArticle(words: string): string {
  return `${/^[aeiou]/i.test(words) ? 'an' : 'a'} ${words}`;
}

/** The guide's list of what a role grants, e.g. "Internal Verifier" → "IV, Assessor, Teacher". */
export function permissionsSentence(role: Role): string {
  return cascade(role)
    .map((r) => PERMISSION_NAME[r])
    .join(', ');
}

/** The claim screen's question, e.g. "Are you a Course Leader for this subject?". */
export function claimQuestion(role: Role): string {
  return `Are you ${withArticle(NAME[role])} for this subject?`;
}

/**
 * The sentence shown once a role is picked on the claim screen, e.g. "If approved as an Assessor
 * by your Lead Internal Verifier you will have the following permissions within this subject:
 * Assessor, Teacher."
 */
export function approvalSentence(role: Role, approverLabel: string): string {
  return (
    `If approved as ${withArticle(NAME[role])} by your ${approverLabel} you will have the ` +
    `following permissions within this subject: ${permissionsSentence(role)}.`
  );
}
