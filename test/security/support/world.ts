/*
 * A small world for cross-cutting security and reliability tests: two centres (A with two sites,
 * B with one), a person in each role of SPEC §2 and §7 (signed in once, kept as agents), and a
 * subject team in each scope the authorisation matrix looks at:
 *
 *   own           centre A, site 0, Business   — where the role-holders hold their roles
 *   otherSubject  centre A, site 0, Sport
 *   otherSite     centre A, site 1, Business
 *   otherCentre   centre B, site 0, Business
 *
 * Each team has its own approved Course Leader, Assessor (who writes briefs) and Internal Verifier,
 * so the targets of every scope can be made fresh, through the API, whenever a test needs one.
 */
import { expect } from 'vitest';
import { CHECKLIST_ITEMS } from '../../../src/domain/briefs.js';
import { loadSampleCatalogue } from '../../../src/features/qualifications/qualification.service.js';
import { paths } from '../../../src/paths.js';
import {
  buildAccount,
  buildCentre,
  buildClaim,
  makeQualityNominee,
  type BuiltAccount,
  type BuiltCentre,
} from '../../support/factories.js';
import { Agent, signedIn, type TestApp } from '../../support/test-app.js';

export const SCOPES = ['own', 'otherSubject', 'otherSite', 'otherCentre'] as const;
export type ScopeName = (typeof SCOPES)[number];

export const PRINCIPALS = [
  'signedOut',
  'noAccess',
  'termsNotAccepted',
  'teacher',
  'assessor',
  'iv',
  'cl',
  'liv',
  'qn',
  'eo',
  'foreignQn',
] as const;
export type PrincipalName = (typeof PRINCIPALS)[number];

interface TeamSpec {
  centre: 'A' | 'B';
  siteIndex: number;
  subjectId: string;
  qualificationId: string;
  unitIds: string[];
  briefUnit: string;
  aims: string[];
  criteria: string[];
}

const BUSINESS: Omit<TeamSpec, 'centre' | 'siteIndex'> = {
  subjectId: 'business',
  qualificationId: 'q-business-l3-ext-cert',
  unitIds: [
    'u-business-l3-ext-cert-1',
    'u-business-l3-ext-cert-2',
    'u-business-l3-ext-cert-3',
    'u-business-l3-ext-cert-4',
  ],
  briefUnit: 'u-business-l3-ext-cert-4',
  aims: ['A', 'B'],
  criteria: ['A.P1', 'B.P2'],
};

const SPECS: Record<ScopeName, TeamSpec> = {
  own: { centre: 'A', siteIndex: 0, ...BUSINESS },
  otherSubject: {
    centre: 'A',
    siteIndex: 0,
    subjectId: 'sport',
    qualificationId: 'q-sport-l3-ext-cert',
    unitIds: [
      'u-sport-l3-ext-cert-1',
      'u-sport-l3-ext-cert-2',
      'u-sport-l3-ext-cert-3',
      'u-sport-l3-ext-cert-4',
    ],
    briefUnit: 'u-sport-l3-ext-cert-3',
    aims: ['A', 'B'],
    criteria: ['A.P1', 'B.P2'],
  },
  otherSite: { centre: 'A', siteIndex: 1, ...BUSINESS },
  otherCentre: { centre: 'B', siteIndex: 0, ...BUSINESS },
};

export const allYes = Object.fromEntries(CHECKLIST_ITEMS.map((item) => [item, true]));

export interface Team {
  scope: ScopeName;
  spec: TeamSpec;
  centre: BuiltCentre;
  siteId: string;
  subjectId: string;
  leader: BuiltAccount;
  author: BuiltAccount;
  iv: BuiltAccount;
  leaderAgent: Agent;
  authorAgent: Agent;
  ivAgent: Agent;
  /** A course of the team; in `own` the teacher, assessor and IV principals are on it. */
  courseId: string;
}

export interface World {
  t: TestApp;
  centreA: BuiltCentre;
  centreB: BuiltCentre;
  people: Record<Exclude<PrincipalName, 'signedOut'>, BuiltAccount>;
  /** The Quality Nominee of centre A's site 1 (not a principal: it keeps site 1 decided). */
  northQn: BuiltAccount;
  agents: Record<PrincipalName, Agent>;
  teams: Record<ScopeName, Team>;
}

/** The rank of each role-holding principal in each scope (0: none; LIV and QN: 5). */
export function rankOf(principal: PrincipalName, scope: ScopeName): number {
  const own: Partial<Record<PrincipalName, number>> = {
    teacher: 1,
    assessor: 2,
    iv: 3,
    cl: 4,
    liv: 5,
    qn: 5,
  };
  if (principal === 'foreignQn') return scope === 'otherCentre' ? 5 : 0;
  if (scope === 'own') return own[principal] ?? 0;
  if (scope === 'otherSubject' && principal === 'qn') return 5;
  return 0;
}

/** Is the target in a centre other than the principal's own? */
export function foreign(principal: PrincipalName, scope: ScopeName): boolean {
  return principal === 'foreignQn' ? scope !== 'otherCentre' : scope === 'otherCentre';
}

const url = (template: string, id: string) => template.replace(':id', encodeURIComponent(id));

function ok<T>(response: { statusCode: number; body: string; json(): unknown }, status = 200): T {
  expect(response.statusCode, response.body.slice(0, 500)).toBe(status);
  return response.json() as T;
}

export async function buildWorld(t: TestApp): Promise<World> {
  await loadSampleCatalogue(t.db);
  const db = t.db;
  const centreA = await buildCentre(db, { sites: 2, name: 'Alpha College' });
  const centreB = await buildCentre(db, { name: 'Beta College' });
  const siteA0 = centreA.siteIds[0] as string;
  const siteA1 = centreA.siteIds[1] as string;

  const person = (
    centre: BuiltCentre,
    first: string,
    last: string,
    options: Parameters<typeof buildAccount>[2] = {},
  ) => buildAccount(db, centre, { first, last, ...options });

  const people = {
    noAccess: await person(centreA, 'Nora', 'Noaccess'),
    termsNotAccepted: await person(centreA, 'Terry', 'Terms', { termsAccepted: false }),
    teacher: await person(centreA, 'Tess', 'Teacher'),
    assessor: await person(centreA, 'Asa', 'Assessor'),
    iv: await person(centreA, 'Ivy', 'Verifier'),
    cl: await person(centreA, 'Cora', 'Leader'),
    liv: await person(centreA, 'Liv', 'Lead'),
    qn: await person(centreA, 'Quinn', 'Nominee'),
    eo: await person(centreA, 'Eddie', 'Officer', { examsOfficer: true, mybtecAccess: false }),
    foreignQn: await person(centreB, 'Fran', 'Foreign'),
  };
  const northQn = await person(centreA, 'Norah', 'North', { siteIndex: 1 });
  await makeQualityNominee(db, people.qn, siteA0);
  await makeQualityNominee(db, northQn, siteA1);
  await makeQualityNominee(db, people.foreignQn, centreB.siteIds[0]);
  const roles: [BuiltAccount, string][] = [
    [people.teacher, 'teacher'],
    [people.assessor, 'assessor'],
    [people.iv, 'internal_verifier'],
    [people.cl, 'course_leader'],
    [people.liv, 'lead_internal_verifier'],
    [people.noAccess, 'lead_internal_verifier'],
    [people.termsNotAccepted, 'lead_internal_verifier'],
  ];
  for (const [account, role] of roles)
    await buildClaim(db, { account, subjectId: 'business', siteId: siteA0, role });

  // The team of each scope: own uses the principals as Course Leader and IV.
  const teams = {} as Record<ScopeName, Team>;
  for (const scope of SCOPES) {
    const spec = SPECS[scope];
    const centre = spec.centre === 'A' ? centreA : centreB;
    const siteId = centre.siteIds[spec.siteIndex] as string;
    const tag = scope.charAt(0).toUpperCase() + scope.slice(1);
    const leader =
      scope === 'own'
        ? people.cl
        : await person(centre, 'Lee', `Leader${tag}`, { siteIndex: spec.siteIndex });
    const iv =
      scope === 'own'
        ? people.iv
        : await person(centre, 'Val', `Verifier${tag}`, { siteIndex: spec.siteIndex });
    const author = await person(centre, 'Ada', `Author${tag}`, { siteIndex: spec.siteIndex });
    const claims: [BuiltAccount, string][] = [
      [author, 'assessor'],
      ...(scope === 'own'
        ? []
        : ([
            [leader, 'course_leader'],
            [iv, 'internal_verifier'],
          ] as [BuiltAccount, string][])),
    ];
    for (const [account, role] of claims)
      await buildClaim(db, { account, subjectId: spec.subjectId, siteId, role });
    teams[scope] = {
      scope,
      spec,
      centre,
      siteId,
      subjectId: spec.subjectId,
      leader,
      author,
      iv,
      leaderAgent: await signedIn(t.app, leader.username),
      authorAgent: await signedIn(t.app, author.username),
      ivAgent: await signedIn(t.app, iv.username),
      courseId: '',
    };
  }

  const agents = { signedOut: new Agent(t.app) } as Record<PrincipalName, Agent>;
  for (const name of PRINCIPALS) {
    if (name === 'signedOut') continue;
    const account = people[name];
    if (name === 'cl') agents.cl = teams.own.leaderAgent;
    else if (name === 'iv') agents.iv = teams.own.ivAgent;
    else agents[name] = await signedIn(t.app, account.username);
  }
  // Signed in while they still had myBTEC access; the Examinations Officer has just taken it away.
  await db
    .updateTable('accounts')
    .set({ mybtec_access: 0 })
    .where('id', '=', people.noAccess.id)
    .execute();
  // A signed-out visitor still has a session for its CSRF token (as the login page gives).
  await agents.signedOut.refreshCsrf();

  const world: World = { t, centreA, centreB, people, northQn, agents, teams };
  for (const scope of SCOPES) {
    const team = teams[scope];
    team.courseId = await freshCourse(world, scope);
    if (scope === 'own') {
      ok(
        await team.leaderAgent.api('PUT', url(paths.api.courseTeam, team.courseId), {
          members: [
            { accountId: people.teacher.id, role: 'teacher' },
            { accountId: people.assessor.id, role: 'assessor' },
            { accountId: people.iv.id, role: 'internal_verifier' },
          ],
        }),
      );
    }
  }
  return world;
}

let serial = 0;

/** A new draft course of the scope's team, created by its Course Leader; its id. */
export async function freshCourse(
  world: World,
  scope: ScopeName,
  options: { confirmed?: boolean; member?: boolean } = {},
): Promise<string> {
  const team = world.teams[scope];
  serial += 1;
  const { course } = ok<{ course: { id: string } }>(
    await team.leaderAgent.api('POST', paths.api.courses, {
      siteId: team.siteId,
      subjectId: team.subjectId,
      qualificationId: team.spec.qualificationId,
      title: `Course ${serial}`,
      academicYear: '2026/27',
      startDate: '2026-09-01',
      endDate: '2027-07-16',
      unitIds: team.spec.unitIds,
    }),
    201,
  );
  if (options.member) {
    ok(
      await team.leaderAgent.api('PUT', url(paths.api.courseTeam, course.id), {
        members: [{ accountId: team.iv.id, role: 'internal_verifier' }],
      }),
    );
  }
  if (options.confirmed)
    ok(await team.leaderAgent.api('POST', url(paths.api.courseConfirm, course.id)));
  return course.id;
}

export function briefBody(team: Team, courseId = team.courseId): Record<string, unknown> {
  serial += 1;
  return {
    courseId,
    unitId: team.spec.briefUnit,
    title: `Brief ${serial}`,
    aims: team.spec.aims,
    criteria: team.spec.criteria,
    scenario: 'You work for a local company.',
    tasks: [{ title: 'Task 1', description: 'Do the work.', criteria: team.spec.criteria }],
    evidence: 'A report.',
    issueDate: '2026-10-05',
    handInDate: '2026-11-20',
  };
}

export type BriefState = 'draft' | 'awaiting_verification' | 'approved';

/** A new brief by the scope's author on the team's course, taken to the given state; its id. */
export async function freshBrief(
  world: World,
  scope: ScopeName,
  state: BriefState,
): Promise<string> {
  const team = world.teams[scope];
  const { brief } = ok<{ brief: { id: string } }>(
    await team.authorAgent.api('POST', paths.api.briefs, briefBody(team)),
    201,
  );
  if (state === 'draft') return brief.id;
  ok(
    await team.authorAgent.api('POST', url(paths.api.briefSubmit, brief.id), { ivId: team.iv.id }),
  );
  if (state === 'awaiting_verification') return brief.id;
  ok(
    await team.ivAgent.api('POST', url(paths.api.briefVerification, brief.id), {
      approve: true,
      checklist: allYes,
      feedback: 'Fine.',
    }),
  );
  return brief.id;
}

/** A new person of the scope's centre (home site: the scope's site). */
export async function freshPerson(world: World, scope: ScopeName): Promise<BuiltAccount> {
  const team = world.teams[scope];
  return buildAccount(world.t.db, team.centre, {
    first: 'Fresh',
    siteIndex: team.spec.siteIndex,
  });
}

/** A new claim of a new person in the scope's team: pending, or approved. */
export async function freshClaim(
  world: World,
  scope: ScopeName,
  status: 'pending' | 'approved',
  role = 'teacher',
): Promise<{ id: string; claimant: BuiltAccount }> {
  const team = world.teams[scope];
  const claimant = await freshPerson(world, scope);
  const id = await buildClaim(world.t.db, {
    account: claimant,
    siteId: team.siteId,
    subjectId: team.subjectId,
    role,
    status,
  });
  return { id, claimant };
}

export { url as fill };
