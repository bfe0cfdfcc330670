// Who may do what (SPEC §2–§4, §6): one table, PERMISSIONS, and one function, decide().
//
// Ranks count only in the target's subject at the target's site; the Quality Nominee of the site
// holds rank 5, approved, in every subject there. Drafting actions accept a pending claim of enough
// rank; finalising actions need the rank approved, and when only the pending claim would have been
// enough the answer is `role_not_approved` rather than `forbidden`. Anything in another centre is
// `not_found`, so a refusal never reveals that it exists.

import { approvedRank, claimedRank, isQnOf, pendingRole, type Actor } from './actor.js';
import { TOP_RANK, rankOf, roleForRank, roleName, withArticle, type Role } from './roles.js';

export const ACTIONS = [
  'claim.decide',
  'claim.revoke',
  'course.create',
  'course.view',
  'course.edit',
  'course.clone',
  'course.delete',
  'course.archive',
  'course.confirm',
  'course.setLeaders',
  'course.setMembers',
  'brief.create',
  'brief.view',
  'brief.edit',
  'brief.submit',
  'brief.verify',
  'audit.viewSite',
  'audit.viewSubject',
  'feedback.read',
] as const;
export type Action = (typeof ACTIONS)[number];

export interface Person {
  id: string;
  name: string;
}

export interface Target {
  centreId: string;
  siteId: string;
  subjectId: string;
  subjectName: string;
  // Context that some rules need. A rule whose context is missing refuses (it fails closed).
  /** claim.*: who made the claim. */
  claimantId?: string;
  /** claim.*: the role claimed (missing: treated as a Lead Internal Verifier claim). */
  claimRole?: Role;
  courseLeaderIds?: readonly string[];
  courseMemberIds?: readonly string[];
  briefAuthorId?: string;
  /** The Internal Verifier the brief was sent to. */
  briefIvId?: string;
  /** brief.view: everyone who has recorded a verification of any of its versions. */
  briefVerifierIds?: readonly string[];
  /** brief.view: the whole course team sees a brief once it is approved; before, only its makers. */
  briefApproved?: boolean;
  /** Whom a refused person may ask: the subject's approved LIVs and the site's QNs. */
  askWho?: { livs: readonly Person[]; qns: readonly Person[] };
}

export type RefusalCode = 'forbidden' | 'role_not_approved' | 'not_found';
export type Decision = { allowed: true } | { allowed: false; code: RefusalCode; reason: string };

/**
 * How the actor must stand towards the target, besides rank (`rank` is the actor's rank in the
 * target's subject at its site, `min` the action's minimum rank):
 * - subject: rank ≥ min.
 * - courseLed: a leader of the course with rank ≥ min, or LIV rank (every course of the subject).
 * - courseTeam: a leader or member of the course with rank ≥ min, or LIV rank.
 * - briefAuthor: the brief's author with rank ≥ min, or LIV rank.
 * - briefAuthorOnly: the brief's author with rank ≥ min.
 * - briefVerifier: not the author, rank ≥ min, and the IV it was sent to or LIV rank.
 * - briefReader: its author, its IV (now or of an earlier version), a leader of its course, or
 *   (once approved) a member of its course team, with rank ≥ min; or LIV rank.
 * - claimDecider: not one's own claim; the site's QN, or LIV rank for a claim below LIV.
 * - siteQn: the Quality Nominee of the site.
 */
export type Scope =
  | 'subject'
  | 'courseLed'
  | 'courseTeam'
  | 'briefAuthor'
  | 'briefAuthorOnly'
  | 'briefVerifier'
  | 'briefReader'
  | 'claimDecider'
  | 'siteQn';

export interface Permission {
  /** The least rank in the subject (5 LIV … 1 Teacher). */
  minRank: number;
  /** `claimed`: a pending claim of that rank suffices (drafting); `approved`: it must be approved. */
  needs: 'claimed' | 'approved';
  scope: Scope;
  /** What the action does, after "can …" in a refusal. */
  does: string | ((target: Target) => string);
  /** The action as a gerund, in "… has not been approved yet: confirming a course needs …". */
  doing: string;
}

const LIV = TOP_RANK;
const CL = rankOf('course_leader');
const IV = rankOf('internal_verifier');
const ASSESSOR = rankOf('assessor');
const TEACHER = rankOf('teacher');

const claimedAs = (t: Target): string => roleName(t.claimRole ?? 'lead_internal_verifier');

/** SPEC §4 as data. */
export const PERMISSIONS: Readonly<Record<Action, Permission>> = {
  'claim.decide': {
    minRank: LIV,
    needs: 'approved',
    scope: 'claimDecider',
    does: (t) => `decide a claim to be ${withArticle(claimedAs(t))}`,
    doing: 'deciding claims',
  },
  'claim.revoke': {
    minRank: LIV,
    needs: 'approved',
    scope: 'claimDecider',
    does: (t) => `take back the ${claimedAs(t)} role`,
    doing: 'taking back roles',
  },
  'course.create': {
    minRank: CL,
    needs: 'claimed',
    scope: 'subject',
    does: 'create courses',
    doing: 'creating a course',
  },
  'course.view': {
    minRank: TEACHER,
    needs: 'claimed',
    scope: 'courseTeam',
    does: 'view this course',
    doing: 'viewing a course',
  },
  'course.edit': {
    minRank: CL,
    needs: 'claimed',
    scope: 'courseLed',
    does: 'edit this course',
    doing: 'editing a course',
  },
  'course.clone': {
    minRank: CL,
    needs: 'claimed',
    scope: 'courseLed',
    does: 'clone this course',
    doing: 'cloning a course',
  },
  'course.delete': {
    minRank: CL,
    needs: 'claimed',
    scope: 'courseLed',
    does: 'delete this course',
    doing: 'deleting a course',
  },
  'course.archive': {
    minRank: CL,
    needs: 'approved',
    scope: 'courseLed',
    does: 'archive this course',
    doing: 'archiving a course',
  },
  'course.confirm': {
    minRank: CL,
    needs: 'approved',
    scope: 'courseLed',
    does: 'confirm this course',
    doing: 'confirming a course',
  },
  'course.setLeaders': {
    minRank: LIV,
    needs: 'approved',
    scope: 'subject',
    does: 'add or remove Course Leaders',
    doing: 'adding or removing Course Leaders',
  },
  'course.setMembers': {
    minRank: CL,
    needs: 'approved',
    scope: 'courseLed',
    does: 'add or remove team members of this course',
    doing: 'adding or removing course team members',
  },
  'brief.create': {
    minRank: ASSESSOR,
    needs: 'claimed',
    scope: 'subject',
    does: 'create assignment briefs',
    doing: 'creating an assignment brief',
  },
  'brief.view': {
    minRank: TEACHER,
    needs: 'claimed',
    scope: 'briefReader',
    does: 'view this brief',
    doing: 'viewing a brief',
  },
  'brief.edit': {
    minRank: ASSESSOR,
    needs: 'claimed',
    scope: 'briefAuthor',
    does: 'edit this brief',
    doing: 'editing a brief',
  },
  'brief.submit': {
    minRank: ASSESSOR,
    needs: 'approved',
    scope: 'briefAuthorOnly',
    does: 'send this brief to an Internal Verifier',
    doing: 'sending a brief to an Internal Verifier',
  },
  'brief.verify': {
    minRank: IV,
    needs: 'approved',
    scope: 'briefVerifier',
    does: 'approve briefs',
    doing: 'approving a brief',
  },
  'audit.viewSite': {
    minRank: LIV,
    needs: 'approved',
    scope: 'siteQn',
    does: 'view the audit log of this site',
    doing: 'viewing the audit log',
  },
  'audit.viewSubject': {
    minRank: LIV,
    needs: 'approved',
    scope: 'subject',
    does: 'view the audit log of the subject',
    doing: 'viewing the audit log of the subject',
  },
  'feedback.read': {
    minRank: LIV,
    needs: 'approved',
    scope: 'siteQn',
    does: 'read feedback',
    doing: 'reading feedback',
  },
};

/** What the target says about the actor, worked out once per decision. */
interface Facts {
  isQn: boolean;
  leadsCourse: boolean;
  onCourse: boolean;
  isAuthor: boolean;
  /** The author is known and is someone else. */
  isNotAuthor: boolean;
  isAssignedIv: boolean;
  /** Has recorded a verification of the brief (its IV before it was edited and sent again). */
  isPastVerifier: boolean;
  briefApproved: boolean;
  claimantKnown: boolean;
  isOwnClaim: boolean;
  claimRank: number;
}

function factsFor(actor: Actor, target: Target): Facts {
  const me = actor.accountId;
  const leadsCourse = target.courseLeaderIds?.includes(me) ?? false;
  return {
    isQn: isQnOf(actor, target.siteId),
    leadsCourse,
    onCourse: leadsCourse || (target.courseMemberIds?.includes(me) ?? false),
    isAuthor: target.briefAuthorId === me,
    isNotAuthor: target.briefAuthorId !== undefined && target.briefAuthorId !== me,
    isAssignedIv: target.briefIvId === me,
    isPastVerifier: target.briefVerifierIds?.includes(me) ?? false,
    briefApproved: target.briefApproved ?? false,
    claimantKnown: target.claimantId !== undefined,
    isOwnClaim: target.claimantId === me,
    claimRank: target.claimRole === undefined ? LIV : rankOf(target.claimRole),
  };
}

interface ScopeRule {
  allows(f: Facts, rank: number, min: number): boolean;
  /** A refusal about the actor themself, which nobody else can lift (so nobody to ask). */
  selfRefusal?(f: Facts): string | undefined;
  /** Why it is refused, `rank` being the best the actor holds there, approved or pending. */
  refusal(f: Facts, rank: number, min: number, does: string, subject: string): string;
}

function rolePhrase(min: number): string {
  const role = roleForRank(min) ?? 'lead_internal_verifier';
  const name = withArticle(roleName(role));
  return min >= LIV ? name : `${name} or above`;
}

const onlyRank = (min: number, does: string, subject: string): string =>
  `Only ${rolePhrase(min)} in ${subject} can ${does}`;

const SCOPES: Readonly<Record<Scope, ScopeRule>> = {
  subject: {
    allows: (_f, rank, min) => rank >= min,
    refusal: (_f, _rank, min, does, subject) => onlyRank(min, does, subject),
  },
  courseLed: {
    allows: (f, rank, min) => (f.leadsCourse && rank >= min) || rank >= LIV,
    refusal: (_f, rank, min, does, subject) =>
      rank < min
        ? onlyRank(min, does, subject)
        : `Only a Course Leader of this course or a Lead Internal Verifier in ${subject} can ${does}`,
  },
  courseTeam: {
    allows: (f, rank, min) => (f.onCourse && rank >= min) || rank >= LIV,
    refusal: (_f, _rank, _min, does, subject) =>
      `Only the team of this course or a Lead Internal Verifier in ${subject} can ${does}`,
  },
  briefAuthor: {
    allows: (f, rank, min) => (f.isAuthor && rank >= min) || rank >= LIV,
    refusal: (_f, rank, min, does, subject) =>
      rank < min
        ? onlyRank(min, does, subject)
        : `Only the author of this brief or a Lead Internal Verifier in ${subject} can ${does}`,
  },
  briefAuthorOnly: {
    allows: (f, rank, min) => f.isAuthor && rank >= min,
    refusal: (f, _rank, min, does, subject) =>
      f.isAuthor ? onlyRank(min, does, subject) : `Only its author can ${does}`,
  },
  briefVerifier: {
    allows: (f, rank, min) => f.isNotAuthor && rank >= min && (f.isAssignedIv || rank >= LIV),
    selfRefusal: (f) => (f.isAuthor ? 'You cannot approve a brief you wrote' : undefined),
    refusal: (_f, rank, min, does, subject) => {
      if (rank < min) return onlyRank(min, does, subject);
      return `Only the Internal Verifier this brief was sent to or a Lead Internal Verifier in ${subject} can approve it`;
    },
  },
  briefReader: {
    allows: (f, rank, min) =>
      ((f.isAuthor ||
        f.isAssignedIv ||
        f.isPastVerifier ||
        f.leadsCourse ||
        (f.onCourse && f.briefApproved)) &&
        rank >= min) ||
      rank >= LIV,
    refusal: (_f, _rank, _min, does, subject) =>
      `Only its author, its Internal Verifier, the course team or a Lead Internal Verifier in ${subject} can ${does}`,
  },
  claimDecider: {
    allows: (f, rank) =>
      f.claimantKnown && !f.isOwnClaim && (f.isQn || (rank >= LIV && f.claimRank < LIV)),
    selfRefusal: (f) => (f.isOwnClaim ? 'You cannot decide your own claim' : undefined),
    refusal: (f, _rank, _min, does, subject) => {
      if (f.claimRank >= LIV) return `Only the Quality Nominee can ${does} in ${subject}`;
      return `Only a Lead Internal Verifier or the Quality Nominee can ${does} in ${subject}`;
    },
  },
  siteQn: {
    allows: (f) => f.isQn,
    refusal: (_f, _rank, _min, does) => `Only the Quality Nominee of this site can ${does}`,
  },
};

const NOT_FOUND: Decision = {
  allowed: false,
  code: 'not_found',
  reason: 'This could not be found',
};

const ALLOWED: Decision = { allowed: true };

/** May the actor do the action on the target? If not, why, in a sentence for the person. */
export function decide(actor: Actor, action: Action, target: Target): Decision {
  if (actor.centreId !== target.centreId) return NOT_FOUND;

  const permission = PERMISSIONS[action];
  const rule = SCOPES[permission.scope];
  const facts = factsFor(actor, target);
  const approved = approvedRank(actor, target.siteId, target.subjectId);
  const claimed = claimedRank(actor, target.siteId, target.subjectId);
  const min = permission.minRank;

  if (rule.allows(facts, approved, min)) return ALLOWED;
  const pendingWouldDo = rule.allows(facts, claimed, min);
  if (pendingWouldDo && permission.needs === 'claimed') return ALLOWED;

  if (pendingWouldDo) {
    const pending = pendingRole(actor, target.siteId, target.subjectId);
    const claim =
      pending === undefined ? 'Your claim' : `Your claim to be ${withArticle(roleName(pending))}`;
    const reason =
      `${claim} in ${target.subjectName} has not been approved yet: ` +
      `${permission.doing} needs an approved role`;
    // An LIV claim is approved by the Quality Nominee; any other by the subject's LIV.
    return {
      allowed: false,
      code: 'role_not_approved',
      reason: reason + askSuffix(actor, target, pending === 'lead_internal_verifier'),
    };
  }

  const self = rule.selfRefusal?.(facts);
  if (self !== undefined) return { allowed: false, code: 'forbidden', reason: self };

  const does = typeof permission.does === 'string' ? permission.does : permission.does(target);
  const reason = rule.refusal(facts, claimed, min, does, target.subjectName);
  const qnOnly =
    permission.scope === 'siteQn' ||
    (permission.scope === 'claimDecider' && facts.claimRank >= LIV);
  return {
    allowed: false,
    code: 'forbidden',
    reason: reason + askSuffix(actor, target, qnOnly),
  };
}

/**
 * May this person be sent the brief to verify? Only someone who could approve it once it is sent
 * to them (`brief.verify` with them as its IV: an approved IV or above in its subject at its site,
 * of its centre, never its author), and who can sign in to myBTEC to do so.
 */
export function maySendBriefTo(candidate: Actor, canSignIn: boolean, brief: Target): boolean {
  return (
    canSignIn &&
    decide(candidate, 'brief.verify', { ...brief, briefIvId: candidate.accountId }).allowed
  );
}

/**
 * May this person be named the assessor of a brief: an approved Assessor or above in its subject
 * at its site, of its centre (a pending claim is not enough to assess learners' work).
 */
export function mayAssessBrief(
  candidate: Actor,
  brief: Pick<Target, 'centreId' | 'siteId' | 'subjectId'>,
): boolean {
  return (
    candidate.centreId === brief.centreId &&
    approvedRank(candidate, brief.siteId, brief.subjectId) >= ASSESSOR
  );
}

/** " — ask Demo LIV, your Lead Internal Verifier", LIVs first, else QNs; never the actor. */
function askSuffix(actor: Actor, target: Target, qnOnly: boolean): string {
  if (target.askWho === undefined) return '';
  const others = (people: readonly Person[]): string[] => [
    ...new Set(people.filter((p) => p.id !== actor.accountId).map((p) => p.name)),
  ];
  const livs = qnOnly ? [] : others(target.askWho.livs);
  const [names, label] =
    livs.length > 0
      ? [livs, 'Lead Internal Verifier']
      : [others(target.askWho.qns), 'Quality Nominee'];
  if (names.length === 0) return '';
  return ` — ask ${orList(names)}, your ${label}${names.length > 1 ? 's' : ''}`;
}

function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] ?? ''}`;
}
