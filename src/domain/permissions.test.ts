import { describe, expect, it } from 'vitest';
import { buildActor, type Actor, type ActorRoleGrant } from './actor.js';
import {
  ACTIONS,
  PERMISSIONS,
  decide,
  mayAssessBrief,
  maySendBriefTo,
  type Action,
  type Target,
} from './permissions.js';
import type { Role } from './roles.js';

const CENTRE = 'centre-99000';
const OTHER_CENTRE = 'centre-12345';
const MAIN = 'site-99000';
const NORTH = 'site-99001';
const BUSINESS = 'subject-business';
const ENGINEERING = 'subject-engineering';
const ME = 'me';

// ── The people acting: every role, approved and pending, in Business at the Main site ────────

interface Persona {
  key: string;
  label: string;
  actor: Actor;
}

function persona(
  key: string,
  label: string,
  qnSiteIds: string[],
  grants: ActorRoleGrant[],
): Persona {
  return {
    key,
    label,
    actor: buildActor({ accountId: ME, name: 'Me', centreId: CENTRE, qnSiteIds, grants }),
  };
}

const holding = (role: Role, status: ActorRoleGrant['status']): ActorRoleGrant[] => [
  { siteId: MAIN, subjectId: BUSINESS, role, status },
];

// The order of these is the order of the columns of the grids below.
// prettier-ignore
const PERSONAS: Persona[] = [
  persona('QNs', "the Main site's Quality Nominee", [MAIN], []),
  persona('QNc', "the centre's Quality Nominee", [MAIN, NORTH], []),
  persona('LIV', 'an approved Lead Internal Verifier', [], holding('lead_internal_verifier', 'approved')),
  persona('CL', 'an approved Course Leader', [], holding('course_leader', 'approved')),
  persona('IV', 'an approved Internal Verifier', [], holding('internal_verifier', 'approved')),
  persona('As', 'an approved Assessor', [], holding('assessor', 'approved')),
  persona('Te', 'an approved Teacher', [], holding('teacher', 'approved')),
  persona('-', 'someone with no role', [], []),
  persona('pLIV', 'a claimed (pending) Lead Internal Verifier', [], holding('lead_internal_verifier', 'pending')),
  persona('pCL', 'a claimed (pending) Course Leader', [], holding('course_leader', 'pending')),
  persona('pIV', 'a claimed (pending) Internal Verifier', [], holding('internal_verifier', 'pending')),
  persona('pAs', 'a claimed (pending) Assessor', [], holding('assessor', 'pending')),
  persona('pTe', 'a claimed (pending) Teacher', [], holding('teacher', 'pending')),
];
const QN_KEYS = new Set(['QNs', 'QNc']);

const DOING: Record<Action, string> = {
  'claim.decide': 'deciding a claim',
  'claim.revoke': 'taking back an approved role',
  'course.create': 'creating a course',
  'course.view': 'viewing a course',
  'course.edit': 'editing a course',
  'course.clone': 'cloning a course',
  'course.delete': 'deleting a draft course',
  'course.archive': 'archiving a course',
  'course.confirm': 'confirming a course',
  'course.setLeaders': 'changing the Course Leaders',
  'course.setMembers': 'changing the course team',
  'brief.create': 'creating a brief',
  'brief.view': 'viewing a brief',
  'brief.edit': 'editing a brief',
  'brief.submit': 'sending a brief to an IV',
  'brief.verify': 'approving a brief',
  'audit.viewSite': "viewing the site's audit log",
  'audit.viewSubject': "viewing the subject's audit log",
  'feedback.read': 'reading feedback',
};

// ── What the actor is to the course, brief or claim ──────────────────────────────────────────

interface Context {
  label: string;
  extra: Partial<Target>;
}

const STRANGER: Target = {
  centreId: CENTRE,
  siteId: MAIN,
  subjectId: BUSINESS,
  subjectName: 'Business',
  claimantId: 'claimant',
  claimRole: 'course_leader',
  courseLeaderIds: ['leader'],
  courseMemberIds: ['member'],
  briefAuthorId: 'author',
  briefIvId: 'iv',
};

const CONTEXTS = {
  stranger: { label: "(someone else's course, brief or Course Leader claim)", extra: {} },
  leading: { label: '(a course they lead)', extra: { courseLeaderIds: ['leader', ME] } },
  member: {
    label: '(a course whose team they are in)',
    extra: { courseMemberIds: ['member', ME] },
  },
  memberApproved: {
    label: '(an approved brief of a course whose team they are in)',
    extra: { courseMemberIds: ['member', ME], briefApproved: true },
  },
  author: { label: '(a brief they wrote)', extra: { briefAuthorId: ME } },
  assignedIv: { label: '(a brief sent to them)', extra: { briefIvId: ME } },
  pastIv: {
    label: '(a brief they verified before it was edited)',
    extra: { briefIvId: undefined, briefVerifierIds: ['someone', ME] },
  },
  livClaim: {
    label: "(someone else's LIV claim)",
    extra: { claimRole: 'lead_internal_verifier' },
  },
  teacherClaim: { label: "(someone else's Teacher claim)", extra: { claimRole: 'teacher' } },
  ownClaim: { label: '(their own claim)', extra: { claimantId: ME } },
} satisfies Record<string, Context>;
type ContextKey = keyof typeof CONTEXTS;

// ── The expected matrix, written out by hand from SPEC §2–§4 and §6 ──────────────────────────
// Y allowed · F forbidden · R role_not_approved (the pending claim would do, once approved).
// Each grid holds for the actor's own subject (Business) at their own site (Main).

type Verdict = 'Y' | 'F' | 'R';
type Grid = { action: Action; verdicts: Verdict[] }[];

function grid(text: string): Grid {
  const rows = text.trim().split('\n').slice(1); // the first line is the column header
  return rows.map((line) => {
    const [action, ...cells] = line
      .trim()
      .split(/\s+/)
      .filter((t) => t !== '|');
    if (!(ACTIONS as readonly string[]).includes(action ?? '')) throw new Error(`bad row: ${line}`);
    if (cells.length !== PERSONAS.length || cells.some((c) => !['Y', 'F', 'R'].includes(c))) {
      throw new Error(`bad cells: ${line}`);
    }
    return { action: action as Action, verdicts: cells as Verdict[] };
  });
}

const GRIDS: Record<ContextKey, Grid> = {
  stranger: grid(`
                      QNs QNc LIV CL  IV  As  Te  -   | pLIV pCL pIV pAs pTe
    claim.decide      Y   Y   Y   F   F   F   F   F   | R    F   F   F   F
    claim.revoke      Y   Y   Y   F   F   F   F   F   | R    F   F   F   F
    course.create     Y   Y   Y   Y   F   F   F   F   | Y    Y   F   F   F
    course.view       Y   Y   Y   F   F   F   F   F   | Y    F   F   F   F
    course.edit       Y   Y   Y   F   F   F   F   F   | Y    F   F   F   F
    course.clone      Y   Y   Y   F   F   F   F   F   | Y    F   F   F   F
    course.delete     Y   Y   Y   F   F   F   F   F   | Y    F   F   F   F
    course.archive    Y   Y   Y   F   F   F   F   F   | R    F   F   F   F
    course.confirm    Y   Y   Y   F   F   F   F   F   | R    F   F   F   F
    course.setLeaders Y   Y   Y   F   F   F   F   F   | R    F   F   F   F
    course.setMembers Y   Y   Y   F   F   F   F   F   | R    F   F   F   F
    brief.create      Y   Y   Y   Y   Y   Y   F   F   | Y    Y   Y   Y   F
    brief.view        Y   Y   Y   F   F   F   F   F   | Y    F   F   F   F
    brief.edit        Y   Y   Y   F   F   F   F   F   | Y    F   F   F   F
    brief.submit      F   F   F   F   F   F   F   F   | F    F   F   F   F
    brief.verify      Y   Y   Y   F   F   F   F   F   | R    F   F   F   F
    audit.viewSite    Y   Y   F   F   F   F   F   F   | F    F   F   F   F
    audit.viewSubject Y   Y   Y   F   F   F   F   F   | R    F   F   F   F
    feedback.read     Y   Y   F   F   F   F   F   F   | F    F   F   F   F
  `),
  leading: grid(`
                      QNs QNc LIV CL  IV  As  Te  -   | pLIV pCL pIV pAs pTe
    course.view       Y   Y   Y   Y   Y   Y   Y   F   | Y    Y   Y   Y   Y
    course.edit       Y   Y   Y   Y   F   F   F   F   | Y    Y   F   F   F
    course.clone      Y   Y   Y   Y   F   F   F   F   | Y    Y   F   F   F
    course.delete     Y   Y   Y   Y   F   F   F   F   | Y    Y   F   F   F
    course.archive    Y   Y   Y   Y   F   F   F   F   | R    R   F   F   F
    course.confirm    Y   Y   Y   Y   F   F   F   F   | R    R   F   F   F
    course.setLeaders Y   Y   Y   F   F   F   F   F   | R    F   F   F   F
    course.setMembers Y   Y   Y   Y   F   F   F   F   | R    R   F   F   F
    brief.view        Y   Y   Y   Y   Y   Y   Y   F   | Y    Y   Y   Y   Y
    brief.edit        Y   Y   Y   F   F   F   F   F   | Y    F   F   F   F
    brief.verify      Y   Y   Y   F   F   F   F   F   | R    F   F   F   F
  `),
  member: grid(`
                      QNs QNc LIV CL  IV  As  Te  -   | pLIV pCL pIV pAs pTe
    course.view       Y   Y   Y   Y   Y   Y   Y   F   | Y    Y   Y   Y   Y
    course.edit       Y   Y   Y   F   F   F   F   F   | Y    F   F   F   F
    course.delete     Y   Y   Y   F   F   F   F   F   | Y    F   F   F   F
    course.confirm    Y   Y   Y   F   F   F   F   F   | R    F   F   F   F
    course.setMembers Y   Y   Y   F   F   F   F   F   | R    F   F   F   F
    brief.view        Y   Y   Y   F   F   F   F   F   | Y    F   F   F   F
    brief.edit        Y   Y   Y   F   F   F   F   F   | Y    F   F   F   F
  `),
  memberApproved: grid(`
                      QNs QNc LIV CL  IV  As  Te  -   | pLIV pCL pIV pAs pTe
    brief.view        Y   Y   Y   Y   Y   Y   Y   F   | Y    Y   Y   Y   Y
    brief.edit        Y   Y   Y   F   F   F   F   F   | Y    F   F   F   F
    brief.verify      Y   Y   Y   F   F   F   F   F   | R    F   F   F   F
  `),
  author: grid(`
                      QNs QNc LIV CL  IV  As  Te  -   | pLIV pCL pIV pAs pTe
    brief.view        Y   Y   Y   Y   Y   Y   Y   F   | Y    Y   Y   Y   Y
    brief.edit        Y   Y   Y   Y   Y   Y   F   F   | Y    Y   Y   Y   F
    brief.submit      Y   Y   Y   Y   Y   Y   F   F   | R    R   R   R   F
    brief.verify      F   F   F   F   F   F   F   F   | F    F   F   F   F
  `),
  assignedIv: grid(`
                      QNs QNc LIV CL  IV  As  Te  -   | pLIV pCL pIV pAs pTe
    brief.view        Y   Y   Y   Y   Y   Y   Y   F   | Y    Y   Y   Y   Y
    brief.edit        Y   Y   Y   F   F   F   F   F   | Y    F   F   F   F
    brief.submit      F   F   F   F   F   F   F   F   | F    F   F   F   F
    brief.verify      Y   Y   Y   Y   Y   F   F   F   | R    R   R   F   F
  `),
  pastIv: grid(`
                      QNs QNc LIV CL  IV  As  Te  -   | pLIV pCL pIV pAs pTe
    brief.view        Y   Y   Y   Y   Y   Y   Y   F   | Y    Y   Y   Y   Y
    brief.edit        Y   Y   Y   F   F   F   F   F   | Y    F   F   F   F
    brief.submit      F   F   F   F   F   F   F   F   | F    F   F   F   F
    brief.verify      Y   Y   Y   F   F   F   F   F   | R    F   F   F   F
  `),
  livClaim: grid(`
                      QNs QNc LIV CL  IV  As  Te  -   | pLIV pCL pIV pAs pTe
    claim.decide      Y   Y   F   F   F   F   F   F   | F    F   F   F   F
    claim.revoke      Y   Y   F   F   F   F   F   F   | F    F   F   F   F
  `),
  teacherClaim: grid(`
                      QNs QNc LIV CL  IV  As  Te  -   | pLIV pCL pIV pAs pTe
    claim.decide      Y   Y   Y   F   F   F   F   F   | R    F   F   F   F
    claim.revoke      Y   Y   Y   F   F   F   F   F   | R    F   F   F   F
  `),
  ownClaim: grid(`
                      QNs QNc LIV CL  IV  As  Te  -   | pLIV pCL pIV pAs pTe
    claim.decide      F   F   F   F   F   F   F   F   | F    F   F   F   F
    claim.revoke      F   F   F   F   F   F   F   F   | F    F   F   F   F
  `),
};

interface Case {
  verdict: Verdict;
  persona: Persona;
  action: Action;
  context: ContextKey;
}

function cases(expectFor: (verdict: Verdict, persona: Persona) => Verdict): Case[] {
  return (Object.keys(GRIDS) as ContextKey[]).flatMap((context) =>
    GRIDS[context].flatMap(({ action, verdicts }) =>
      PERSONAS.map((p, i) => ({
        verdict: expectFor(verdicts[i] ?? 'F', p),
        persona: p,
        action,
        context,
      })),
    ),
  );
}

function caseName(c: Case, where: string): string {
  const verb = c.verdict === 'Y' ? 'allows' : 'refuses';
  const until = c.verdict === 'R' ? ' until the claim is approved' : '';
  return `${verb} ${c.persona.label} ${DOING[c.action]} ${CONTEXTS[c.context].label} ${where}${until}`;
}

function target(context: ContextKey, place: Partial<Target> = {}): Target {
  return { ...STRANGER, ...CONTEXTS[context].extra, ...place };
}

function expectVerdict(actual: ReturnType<typeof decide>, verdict: Verdict): void {
  if (verdict === 'Y') {
    expect(actual).toEqual({ allowed: true });
    return;
  }
  expect(actual).toMatchObject({
    allowed: false,
    code: verdict === 'R' ? 'role_not_approved' : 'forbidden',
  });
  expect(actual.allowed === false && actual.reason.length > 0).toBe(true);
}

describe('decide: the permission matrix', () => {
  it('has one rule for every action', () => {
    expect(Object.keys(PERMISSIONS).sort()).toEqual([...ACTIONS].sort());
  });

  it('lets a pending claim do the drafting actions only', () => {
    const drafting = ACTIONS.filter((a) => PERMISSIONS[a].needs === 'claimed');
    expect(drafting.sort()).toEqual(
      [
        'course.create',
        'course.edit',
        'course.clone',
        'course.delete',
        'course.view',
        'brief.create',
        'brief.edit',
        'brief.view',
      ].sort(),
    );
  });

  it('covers every action in the grid of strangers', () => {
    expect(GRIDS.stranger.map((r) => r.action)).toEqual([...ACTIONS]);
  });

  describe('in their own subject at their own site', () => {
    it.each(cases((v) => v).map((c) => [caseName(c, 'in their own subject'), c] as const))(
      '%s',
      (_name, c) => {
        expectVerdict(decide(c.persona.actor, c.action, target(c.context)), c.verdict);
      },
    );
  });

  describe('in another subject at the same site', () => {
    // The QN holds every role in every subject of the site; nobody else's rank counts elsewhere.
    const inOther = cases((v, p) => (QN_KEYS.has(p.key) ? v : 'F'));
    it.each(inOther.map((c) => [caseName(c, 'in another subject'), c] as const))(
      '%s',
      (_name, c) => {
        const place = { subjectId: ENGINEERING, subjectName: 'Engineering' };
        expectVerdict(decide(c.persona.actor, c.action, target(c.context, place)), c.verdict);
      },
    );
  });

  describe('in the same subject at another site of the centre', () => {
    // Only a QN recorded for the whole centre holds the North site too.
    const atOther = cases((v, p) => (p.key === 'QNc' ? v : 'F'));
    it.each(atOther.map((c) => [caseName(c, 'at another site'), c] as const))('%s', (_name, c) => {
      expectVerdict(
        decide(c.persona.actor, c.action, target(c.context, { siteId: NORTH })),
        c.verdict,
      );
    });
  });

  describe('in another centre', () => {
    const elsewhere = cases(() => 'F');
    it.each(
      elsewhere.map(
        (c) => [caseName(c, 'in another centre').replace('refuses', 'hides from'), c] as const,
      ),
    )('%s', (_name, c) => {
      // Same site and subject ids on purpose: only the centre differs, and it must not leak.
      const decision = decide(
        c.persona.actor,
        c.action,
        target(c.context, { centreId: OTHER_CENTRE }),
      );
      expect(decision).toEqual({
        allowed: false,
        code: 'not_found',
        reason: 'This could not be found',
      });
    });
  });
});

describe('decide: people holding an approved role and a pending claim', () => {
  const mixed = (approved: Role, pending: Role): Actor =>
    buildActor({
      accountId: ME,
      name: 'Me',
      centreId: CENTRE,
      qnSiteIds: [],
      grants: [
        { siteId: MAIN, subjectId: BUSINESS, role: approved, status: 'approved' },
        { siteId: MAIN, subjectId: BUSINESS, role: pending, status: 'pending' },
      ],
    });

  // prettier-ignore
  it.each<[string, Role, Role, Action, ContextKey, Verdict]>([
    ['lets an approved Assessor claiming Course Leader create a course', 'assessor', 'course_leader', 'course.create', 'stranger', 'Y'],
    ['holds back an approved Assessor claiming Course Leader confirming a course they lead', 'assessor', 'course_leader', 'course.confirm', 'leading', 'R'],
    ['lets an approved Assessor claiming Course Leader send their own brief to an IV', 'assessor', 'course_leader', 'brief.submit', 'author', 'Y'],
    ['holds back an approved Assessor claiming IV approving a brief sent to them', 'assessor', 'internal_verifier', 'brief.verify', 'assignedIv', 'R'],
    ['lets an approved Teacher claiming Assessor create a brief', 'teacher', 'assessor', 'brief.create', 'stranger', 'Y'],
    ['holds back an approved Teacher claiming Assessor sending their brief to an IV', 'teacher', 'assessor', 'brief.submit', 'author', 'R'],
    ['lets an approved Course Leader claiming LIV edit any course of the subject', 'course_leader', 'lead_internal_verifier', 'course.edit', 'stranger', 'Y'],
    ['holds back an approved Course Leader claiming LIV changing Course Leaders', 'course_leader', 'lead_internal_verifier', 'course.setLeaders', 'leading', 'R'],
    ['lets an approved Course Leader claiming LIV confirm a course they lead', 'course_leader', 'lead_internal_verifier', 'course.confirm', 'leading', 'Y'],
    ['lets an approved LIV stepping down to Teacher still decide claims until it is approved', 'lead_internal_verifier', 'teacher', 'claim.decide', 'stranger', 'Y'],
    ['lets an approved LIV stepping down to Teacher still confirm courses', 'lead_internal_verifier', 'teacher', 'course.confirm', 'stranger', 'Y'],
  ])('%s', (_name, approved, pending, action, context, verdict) => {
    expectVerdict(decide(mixed(approved, pending), action, target(context)), verdict);
  });
});

describe('decide: a role at one site and subject counts nowhere else', () => {
  const everywhere = buildActor({
    accountId: ME,
    name: 'Me',
    centreId: CENTRE,
    qnSiteIds: [NORTH],
    grants: [
      { siteId: MAIN, subjectId: ENGINEERING, role: 'lead_internal_verifier', status: 'approved' },
    ],
  });

  // prettier-ignore
  it.each<[string, Partial<Target>, Verdict]>([
    ['refuses an Engineering LIV (and North QN) deciding a Business claim at Main', {}, 'F'],
    ['allows them deciding an Engineering claim at Main', { subjectId: ENGINEERING }, 'Y'],
    ['allows them deciding a Business claim at North, as its QN', { siteId: NORTH }, 'Y'],
    ['refuses them deciding an Engineering claim at a third site', { siteId: 'site-third', subjectId: ENGINEERING }, 'F'],
  ])('%s', (_name, place, verdict) => {
    expectVerdict(decide(everywhere, 'claim.decide', target('stranger', place)), verdict);
  });
});

describe('decide: missing context refuses (fails closed)', () => {
  const qn = PERSONAS[0]!.actor;
  const liv = PERSONAS[2]!.actor;
  const cl = PERSONAS[3]!.actor;

  // prettier-ignore
  it.each<[string, Actor, Action, Partial<Target>, Verdict]>([
    ['refuses even the QN deciding a claim whose claimant is not given', qn, 'claim.decide', { claimantId: undefined }, 'F'],
    ['refuses even the QN taking back a role whose holder is not given', qn, 'claim.revoke', { claimantId: undefined }, 'F'],
    ['treats a claim of unknown role as an LIV claim: refuses the LIV', liv, 'claim.decide', { claimRole: undefined }, 'F'],
    ['treats a claim of unknown role as an LIV claim: allows the QN', qn, 'claim.decide', { claimRole: undefined }, 'Y'],
    ['refuses even the QN approving a brief whose author is not given', qn, 'brief.verify', { briefAuthorId: undefined }, 'F'],
    ['refuses a Course Leader editing a course whose leaders are not given', cl, 'course.edit', { courseLeaderIds: undefined }, 'F'],
    ['allows an LIV editing a course whose leaders are not given', liv, 'course.edit', { courseLeaderIds: undefined }, 'Y'],
  ])('%s', (_name, actor, action, missing, verdict) => {
    expectVerdict(decide(actor, action, target('stranger', missing)), verdict);
  });
});

describe('decide: the reasons people read', () => {
  const ASK = {
    livs: [{ id: 'liv', name: 'Demo LIV' }],
    qns: [{ id: 'qn', name: 'Demo QN' }],
  };
  const byKey = (key: string): Actor => {
    const found = PERSONAS.find((p) => p.key === key);
    if (found === undefined) throw new Error(key);
    return found.actor;
  };

  // prettier-ignore
  it.each<[string, string, Action, ContextKey, Partial<Target>, string]>([
    [
      'names the IV rank and the LIV to ask when an Assessor tries to approve a brief',
      'As', 'brief.verify', 'assignedIv', { askWho: ASK },
      'Only an Internal Verifier or above in Business can approve briefs — ask Demo LIV, your Lead Internal Verifier',
    ],
    [
      'says a pending Course Leader cannot confirm until the claim is approved',
      'pCL', 'course.confirm', 'leading', { askWho: ASK },
      'Your claim to be a Course Leader in Business has not been approved yet: confirming a course needs an approved role — ask Demo LIV, your Lead Internal Verifier',
    ],
    [
      'says a pending Assessor cannot send a brief until the claim is approved',
      'pAs', 'brief.submit', 'author', { askWho: ASK },
      'Your claim to be an Assessor in Business has not been approved yet: sending a brief to an Internal Verifier needs an approved role — ask Demo LIV, your Lead Internal Verifier',
    ],
    [
      'sends a pending LIV to the Quality Nominee, who approves LIV claims',
      'pLIV', 'course.setLeaders', 'stranger', { askWho: ASK },
      'Your claim to be a Lead Internal Verifier in Business has not been approved yet: adding or removing Course Leaders needs an approved role — ask Demo QN, your Quality Nominee',
    ],
    [
      'names the Quality Nominee when the subject has no LIV',
      'Te', 'course.create', 'stranger', { askWho: { livs: [], qns: ASK.qns } },
      'Only a Course Leader or above in Business can create courses — ask Demo QN, your Quality Nominee',
    ],
    [
      'leaves out whom to ask when nobody is given',
      'Te', 'course.create', 'stranger', {},
      'Only a Course Leader or above in Business can create courses',
    ],
    [
      'leaves out whom to ask when nobody is named',
      'Te', 'course.create', 'stranger', { askWho: { livs: [], qns: [] } },
      'Only a Course Leader or above in Business can create courses',
    ],
    [
      'lists two LIVs with "or"',
      'Te', 'brief.create', 'stranger',
      { askWho: { livs: [{ id: 'a', name: 'Ann Lee' }, { id: 'b', name: 'Bob Rao' }], qns: ASK.qns } },
      'Only an Assessor or above in Business can create assignment briefs — ask Ann Lee or Bob Rao, your Lead Internal Verifiers',
    ],
    [
      'lists three Quality Nominees with commas and "or"',
      'Te', 'brief.create', 'stranger',
      { askWho: { livs: [], qns: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }, { id: 'c', name: 'C' }] } },
      'Only an Assessor or above in Business can create assignment briefs — ask A, B or C, your Quality Nominees',
    ],
    [
      'never tells someone to ask themself',
      'LIV', 'feedback.read', 'stranger',
      { askWho: { livs: [{ id: ME, name: 'Me' }], qns: [{ id: ME, name: 'Me' }, { id: 'qn', name: 'Demo QN' }] } },
      'Only the Quality Nominee of this site can read feedback — ask Demo QN, your Quality Nominee',
    ],
    [
      'refuses a Course Leader approving a claim in their subject, naming who can',
      'CL', 'claim.decide', 'stranger', { askWho: ASK },
      'Only a Lead Internal Verifier or the Quality Nominee can decide a claim to be a Course Leader in Business — ask Demo LIV, your Lead Internal Verifier',
    ],
    [
      'refuses a Course Leader taking back a role, naming who can',
      'CL', 'claim.revoke', 'teacherClaim', { askWho: ASK },
      'Only a Lead Internal Verifier or the Quality Nominee can take back the Teacher role in Business — ask Demo LIV, your Lead Internal Verifier',
    ],
    [
      'refuses an LIV deciding an LIV claim and sends them to the Quality Nominee',
      'LIV', 'claim.decide', 'livClaim', { askWho: ASK },
      'Only the Quality Nominee can decide a claim to be a Lead Internal Verifier in Business — ask Demo QN, your Quality Nominee',
    ],
    [
      'refuses an LIV taking back an LIV role',
      'LIV', 'claim.revoke', 'livClaim', {},
      'Only the Quality Nominee can take back the Lead Internal Verifier role in Business',
    ],
    [
      'refuses the QN deciding their own claim, with nobody to ask',
      'QNs', 'claim.decide', 'ownClaim', { askWho: ASK },
      'You cannot decide your own claim',
    ],
    [
      'refuses an LIV taking back their own role',
      'LIV', 'claim.revoke', 'ownClaim', { askWho: ASK },
      'You cannot decide your own claim',
    ],
    [
      'refuses an LIV approving a brief they wrote, with nobody to ask',
      'LIV', 'brief.verify', 'author', { askWho: ASK },
      'You cannot approve a brief you wrote',
    ],
    [
      'refuses an IV approving a brief sent to someone else',
      'IV', 'brief.verify', 'stranger', { askWho: ASK },
      'Only the Internal Verifier this brief was sent to or a Lead Internal Verifier in Business can approve it — ask Demo LIV, your Lead Internal Verifier',
    ],
    [
      'refuses a Course Leader editing a course they do not lead',
      'CL', 'course.edit', 'stranger', {},
      'Only a Course Leader of this course or a Lead Internal Verifier in Business can edit this course',
    ],
    [
      'refuses an IV deleting a course, naming the Course Leader rank',
      'IV', 'course.delete', 'leading', {},
      'Only a Course Leader or above in Business can delete this course',
    ],
    [
      'refuses a Course Leader changing Course Leaders',
      'CL', 'course.setLeaders', 'leading', {},
      'Only a Lead Internal Verifier in Business can add or remove Course Leaders',
    ],
    [
      'refuses an IV outside the course team viewing the course',
      'IV', 'course.view', 'stranger', {},
      'Only the team of this course or a Lead Internal Verifier in Business can view this course',
    ],
    [
      'refuses an Assessor editing a brief someone else wrote',
      'As', 'brief.edit', 'stranger', {},
      'Only the author of this brief or a Lead Internal Verifier in Business can edit this brief',
    ],
    [
      'refuses a Teacher editing the brief they wrote, naming the Assessor rank',
      'Te', 'brief.edit', 'author', {},
      'Only an Assessor or above in Business can edit this brief',
    ],
    [
      "refuses an LIV sending someone else's brief to an IV",
      'LIV', 'brief.submit', 'stranger', {},
      'Only its author can send this brief to an Internal Verifier',
    ],
    [
      'refuses a Teacher sending the brief they wrote to an IV',
      'Te', 'brief.submit', 'author', {},
      'Only an Assessor or above in Business can send this brief to an Internal Verifier',
    ],
    [
      'refuses a Teacher outside the course viewing a brief',
      'Te', 'brief.view', 'stranger', {},
      'Only its author, its Internal Verifier, the course team or a Lead Internal Verifier in Business can view this brief',
    ],
    [
      "refuses a Course Leader viewing the subject's audit log",
      'CL', 'audit.viewSubject', 'stranger', {},
      'Only a Lead Internal Verifier in Business can view the audit log of the subject',
    ],
    [
      "refuses an LIV viewing the site's audit log",
      'LIV', 'audit.viewSite', 'stranger', {},
      'Only the Quality Nominee of this site can view the audit log of this site',
    ],
    [
      'names the subject of the target, not the subject of the actor',
      'CL', 'course.create', 'stranger', { subjectId: ENGINEERING, subjectName: 'Engineering' },
      'Only a Course Leader or above in Engineering can create courses',
    ],
  ])('%s', (_name, key, action, context, extra, reason) => {
    const decision = decide(byKey(key), action, target(context, extra));
    expect(decision.allowed === false ? decision.reason : 'allowed').toBe(reason);
  });

  it.each(ACTIONS)(
    'says nothing about a %s target in another centre, even with names to ask',
    (action) => {
      const decision = decide(
        byKey('QNs'),
        action,
        target('stranger', { centreId: OTHER_CENTRE, askWho: ASK }),
      );
      expect(decision).toEqual({
        allowed: false,
        code: 'not_found',
        reason: 'This could not be found',
      });
    },
  );
});

describe('who a brief can be sent to, and who can be named its assessor', () => {
  const brief = target('stranger');
  const someone = (
    grants: ActorRoleGrant[],
    options: { id?: string; centreId?: string; qnSiteIds?: string[] } = {},
  ): Actor =>
    buildActor({
      accountId: options.id ?? 'candidate',
      name: 'Candidate',
      centreId: options.centreId ?? CENTRE,
      qnSiteIds: options.qnSiteIds ?? [],
      grants,
    });
  const approvedAs = (role: Role, place: Partial<ActorRoleGrant> = {}): ActorRoleGrant[] => [
    { siteId: MAIN, subjectId: BUSINESS, role, status: 'approved', ...place },
  ];

  // prettier-ignore
  it.each<[string, Actor, boolean, boolean]>([
    ['sends to an approved IV of the subject who can sign in', someone(approvedAs('internal_verifier')), true, true],
    ['sends to an approved LIV', someone(approvedAs('lead_internal_verifier')), true, true],
    ["sends to the site's Quality Nominee", someone([], { qnSiteIds: [MAIN] }), true, true],
    ['refuses an approved IV whose myBTEC access is not ticked', someone(approvedAs('internal_verifier')), false, false],
    ['refuses an Assessor', someone(approvedAs('assessor')), true, false],
    ['refuses an IV whose claim is still pending', someone([{ siteId: MAIN, subjectId: BUSINESS, role: 'internal_verifier', status: 'pending' }]), true, false],
    ['refuses an IV of another subject', someone(approvedAs('internal_verifier', { subjectId: ENGINEERING })), true, false],
    ['refuses an IV of the subject at another site', someone(approvedAs('internal_verifier', { siteId: NORTH })), true, false],
    ['refuses an IV of another centre, even holding the same ids', someone(approvedAs('internal_verifier'), { centreId: OTHER_CENTRE }), true, false],
    ['refuses the author, even an LIV', someone(approvedAs('lead_internal_verifier'), { id: 'author' }), true, false],
  ])('%s', (_name, candidate, canSignIn, expected) => {
    expect(maySendBriefTo(candidate, canSignIn, brief)).toBe(expected);
  });

  // prettier-ignore
  it.each<[string, Actor, boolean]>([
    ['names an approved Assessor of the subject', someone(approvedAs('assessor')), true],
    ['names an approved IV', someone(approvedAs('internal_verifier')), true],
    ["names the site's Quality Nominee", someone([], { qnSiteIds: [MAIN] }), true],
    ['refuses a Teacher', someone(approvedAs('teacher')), false],
    ['refuses an Assessor whose claim is still pending', someone([{ siteId: MAIN, subjectId: BUSINESS, role: 'assessor', status: 'pending' }]), false],
    ['refuses an Assessor of another subject', someone(approvedAs('assessor', { subjectId: ENGINEERING })), false],
    ['refuses an Assessor of another centre', someone(approvedAs('assessor'), { centreId: OTHER_CENTRE }), false],
  ])('%s as the assessor', (_name, candidate, expected) => {
    expect(mayAssessBrief(candidate, brief)).toBe(expected);
  });
});
