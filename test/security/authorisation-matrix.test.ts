/*
 * The HTTP authorisation matrix (OWASP ASVS 4 V4.1.1, V4.1.3, V4.2.1, V4.2.2, V3.x; SPEC §4, §7, §10):
 * every route the application registers (found as Fastify registers them, not from a list kept by
 * hand) × every kind of person × every scope.
 *
 * 1. Each route declares the access it needs, and the declaration is the reviewed one.
 * 2. The guard: signed out, myBTEC access removed, terms not accepted, an Examinations Officer on
 *    myBTEC routes and anyone else on administration routes are refused on every route, whatever id.
 * 3. CSRF: every state-changing route refuses a call without a valid token, and nothing changes.
 * 4. Role × scope: for every route that acts on something (an id in the path or the body), each
 *    person × own subject, other subject, other site, other centre gets exactly what SPEC §4 says;
 *    a refusal changes nothing; anything of another centre answers 404, like an id that does not exist.
 * 5. Lists never carry an id of another centre.
 */
import type { LightMyRequestResponse, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Access } from '../../src/http/context.js';
import { paths } from '../../src/paths.js';
import { forEachDatabase, type DatabaseKind } from '../support/databases.js';
import { Agent, createTestApp, signedIn, type TestApp } from '../support/test-app.js';
import { expectUnchanged, tableDigests } from './support/rows.js';
import { classify, expectedAccess, STATE_CHANGING, type Outcome } from './support/outcomes.js';
import {
  allYes,
  briefBody,
  buildWorld,
  fill,
  foreign,
  freshBrief,
  freshClaim,
  freshCourse,
  freshPerson,
  PRINCIPALS,
  rankOf,
  SCOPES,
  type PrincipalName,
  type ScopeName,
  type World,
} from './support/world.js';

// --- Every route, as Fastify registers it ------------------------------------------------------

const registered = vi.hoisted(() => new WeakMap<object, RouteOptions[]>());
vi.mock('fastify', async (importOriginal) => {
  const fastify = await importOriginal<typeof import('fastify')>();
  const original = fastify.default;
  const wrapped = ((options?: Parameters<typeof original>[0]) => {
    const app = original(options);
    const routes: RouteOptions[] = [];
    registered.set(app, routes);
    app.addHook('onRoute', (route) => {
      routes.push(route);
    });
    return app;
  }) as unknown as typeof original;
  return { ...fastify, default: wrapped };
});

interface Route {
  method: string;
  url: string;
  key: string;
  access: Access;
  csrf: boolean;
}

function routesOf(app: object): Route[] {
  const seen = new Map<string, Route>();
  for (const route of registered.get(app) ?? []) {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      const key = `${method} ${route.url}`;
      seen.set(key, {
        method,
        url: route.url,
        key,
        access: route.config?.access ?? 'mybtec',
        csrf: route.config?.csrf !== false,
      });
    }
  }
  return [...seen.values()].sort((a, b) => a.key.localeCompare(b.key));
}

// --- Requests ------------------------------------------------------------------------------------

interface Prepared {
  /** Fills `:id`. */
  id?: string;
  /** A JSON body (API) … */
  body?: unknown;
  /** … or a form (pages); the CSRF field is added unless told otherwise. */
  form?: Record<string, string | string[]>;
  query?: string;
  /** Did the request change what it aimed at? Checked on every cell that has it. */
  changed?: () => Promise<boolean>;
  /** Tidies up after an allowed cell (so the next cell starts from the same world). */
  after?: (response: LightMyRequestResponse) => Promise<void>;
}

function send(
  agent: Agent,
  route: { method: string; url: string },
  prepared: Prepared,
  options: { csrf?: boolean; token?: string } = {},
): Promise<LightMyRequestResponse> {
  const url =
    (prepared.id !== undefined ? fill(route.url, prepared.id) : route.url).replace(
      ':version',
      '1',
    ) + (prepared.query ? `?${prepared.query}` : '');
  const changing = STATE_CHANGING.has(route.method);
  const withCsrf = options.csrf !== false && changing;
  const token = options.token ?? agent.csrfToken;
  if (changing && (prepared.form !== undefined || !route.url.startsWith('/api/'))) {
    const fields = new URLSearchParams();
    for (const [name, value] of Object.entries(prepared.form ?? {}))
      for (const v of [value].flat()) fields.append(name, v);
    if (withCsrf) fields.append('_csrf', token);
    return agent.request({
      method: route.method as 'POST',
      url,
      payload: fields.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }
  const headers: Record<string, string> = withCsrf ? { 'x-csrf-token': token } : {};
  const body = changing ? prepared.body : undefined;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return agent.request({
    method: route.method as 'GET',
    url,
    headers,
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
}

// --- What SPEC §4 says, per route ----------------------------------------------------------------

type Rule = (p: PrincipalName, s: ScopeName) => Outcome;

const r = rankOf;
/** Course and brief readers: everyone on the course team in their own subject; LIV rank anywhere. */
const viewRule: Rule = (p, s) =>
  (s === 'own' && r(p, s) >= 1) || r(p, s) === 5 ? 'ok' : 'forbidden';
const leadRule: Rule = (p, s) => (r(p, s) >= 4 ? 'ok' : 'forbidden');
const livRule: Rule = (p, s) => (r(p, s) === 5 ? 'ok' : 'forbidden');
const assessorRule: Rule = (p, s) => (r(p, s) >= 2 ? 'ok' : 'forbidden');
const verifyRule: Rule = (p, s) =>
  r(p, s) === 5 || (s === 'own' && p === 'iv') ? 'ok' : 'forbidden';
const everyone: Rule = () => 'ok';
/** The role a person claims in the matrix: one they do not already hold approved. */
const claimedRole = (p: PrincipalName, s: ScopeName) =>
  p === 'assessor' && s === 'own' ? 'teacher' : 'assessor';

/**
 * A Quality Nominee does not claim at their own site (SPEC §2): the QN's site holds own and
 * otherSubject; the other centre's QN's site is otherCentre.
 */
const claimRule: Rule = (p, s) =>
  (p === 'qn' && s !== 'otherSite') || (p === 'foreignQn' && s === 'otherCentre')
    ? 'invalid'
    : 'ok';

interface Case {
  key: string;
  rule: Rule;
  prepare: (w: World, s: ScopeName, p: PrincipalName) => Promise<Prepared>;
  /** What a person of another centre gets (default: `hidden`, i.e. 404). */
  foreignOutcome?: Outcome;
  /** A page that answers a refusal by redirecting back with a message (approvals). */
  refusalByRedirect?: boolean;
  /** Prepare every cell afresh (the target depends on the person, e.g. their own claims). */
  perCell?: boolean;
  /**
   * A step of a journey that takes its ids from the form or the query: did it go on (show the
   * step, or send the person to the next one)? Anything else but a 5xx is a refusal (the journey
   * sends them back to its start, or shows its first step with the problem).
   */
  proceeded?: (response: LightMyRequestResponse) => boolean;
}

/** Is this a redirect to that address? */
const redirectsTo = (response: LightMyRequestResponse, path: string) =>
  response.statusCode === 303 && String(response.headers.location ?? '').startsWith(`${path}?`);

/** The claim journey's answers, as far as a step: the team's site and subject, the first role. */
const claimJourney = (w: World, s: ScopeName) => ({
  site: w.teams[s].siteId,
  subjects: w.teams[s].subjectId,
  step: '0',
});
const courseJourney = (w: World, s: ScopeName) => ({
  site: w.teams[s].siteId,
  subject: w.teams[s].subjectId,
  qualification: w.teams[s].spec.qualificationId,
});

const row = {
  course: (w: World, id: string) =>
    w.t.db.selectFrom('courses').selectAll().where('id', '=', id).executeTakeFirst(),
  brief: (w: World, id: string) =>
    w.t.db.selectFrom('briefs').selectAll().where('id', '=', id).executeTakeFirst(),
  claim: (w: World, id: string) =>
    w.t.db.selectFrom('claims').selectAll().where('id', '=', id).executeTakeFirst(),
  account: (w: World, id: string) =>
    w.t.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst(),
  site: (w: World, id: string) =>
    w.t.db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirst(),
};
const courseCount = async (w: World, where: { clonedFrom?: string; title?: string }) => {
  let query = w.t.db.selectFrom('courses').select('id');
  if (where.clonedFrom) query = query.where('cloned_from_id', '=', where.clonedFrom);
  if (where.title) query = query.where('title', '=', where.title);
  return (await query.execute()).length;
};
const teamSize = async (w: World, courseId: string) =>
  (
    await w.t.db
      .selectFrom('course_team')
      .select('account_id')
      .where('course_id', '=', courseId)
      .execute()
  ).length;

let unique = 0;
const next = () => (unique += 1);

const courseForm = (title: string, w: World, s: ScopeName) => ({
  title,
  academicYear: '2026/27',
  'startDate-day': '1',
  'startDate-month': '9',
  'startDate-year': '2026',
  'endDate-day': '16',
  'endDate-month': '7',
  'endDate-year': '2027',
  unitIds: w.teams[s].spec.unitIds,
});

/** The brief builder's fields, filled in. */
const briefForm = (w: World, s: ScopeName, title: string) => {
  const spec = w.teams[s].spec;
  return {
    title,
    aims: spec.aims,
    criteria: spec.criteria,
    scenario: 'You work for a local company.',
    task1Title: 'Task 1',
    task1Description: 'Do the work.',
    task1Criteria: spec.criteria,
    evidence: 'A report.',
    'issueDate-day': '5',
    'issueDate-month': '10',
    'issueDate-year': '2026',
    'handInDate-day': '20',
    'handInDate-month': '11',
    'handInDate-year': '2026',
  };
};

/** The id of the site a scope's target lives at, for administration (sites have no subject). */
const siteOf = (w: World, s: ScopeName) => w.teams[s].siteId;

async function restoreQualityNominees(w: World): Promise<void> {
  const db = w.t.db;
  await db.updateTable('centres').set({ quality_nominee_id: null }).execute();
  await db
    .updateTable('sites')
    .set({ quality_nominee_id: w.people.qn.id })
    .where('id', '=', w.centreA.siteIds[0] as string)
    .execute();
  await db
    .updateTable('sites')
    .set({ quality_nominee_id: w.northQn.id })
    .where('id', '=', w.centreA.siteIds[1] as string)
    .execute();
  await db
    .updateTable('sites')
    .set({ quality_nominee_id: w.people.foreignQn.id })
    .where('id', '=', w.centreB.siteIds[0] as string)
    .execute();
}

const approvedBriefs = new Map<string, string>();
async function approvedBrief(w: World, s: ScopeName): Promise<string> {
  const key = `${w.t.database.kind}:${s}`;
  if (!approvedBriefs.has(key)) approvedBriefs.set(key, await freshBrief(w, s, 'approved'));
  return approvedBriefs.get(key) as string;
}

const CASES: Case[] = [
  // Courses, API
  {
    key: 'GET /api/v1/courses/:id',
    rule: viewRule,
    prepare: async (w, s) => ({ id: w.teams[s].courseId }),
  },
  {
    key: 'PATCH /api/v1/courses/:id',
    rule: leadRule,
    prepare: async (w, s) => {
      const id = await freshCourse(w, s);
      return {
        id,
        body: { title: 'Renamed' },
        changed: async () => (await row.course(w, id))?.title === 'Renamed',
      };
    },
  },
  {
    key: 'DELETE /api/v1/courses/:id',
    rule: leadRule,
    prepare: async (w, s) => {
      const id = await freshCourse(w, s);
      return { id, changed: async () => (await row.course(w, id)) === undefined };
    },
  },
  {
    key: 'POST /api/v1/courses/:id/confirm',
    rule: leadRule,
    prepare: async (w, s) => {
      const id = await freshCourse(w, s);
      return { id, changed: async () => (await row.course(w, id))?.status === 'confirmed' };
    },
  },
  {
    key: 'POST /api/v1/courses/:id/clone',
    rule: leadRule,
    prepare: async (w, s) => {
      const id = await freshCourse(w, s);
      return { id, changed: async () => (await courseCount(w, { clonedFrom: id })) > 0 };
    },
  },
  {
    key: 'PUT /api/v1/courses/:id/team',
    rule: leadRule,
    prepare: async (w, s) => {
      const id = await freshCourse(w, s, { member: true });
      return { id, body: { members: [] }, changed: async () => (await teamSize(w, id)) === 1 };
    },
  },
  {
    key: 'POST /api/v1/courses',
    rule: leadRule,
    prepare: async (w, s) => {
      const team = w.teams[s];
      const title = `New course ${next()}`;
      return {
        body: {
          siteId: team.siteId,
          subjectId: team.subjectId,
          qualificationId: team.spec.qualificationId,
          title,
          academicYear: '2026/27',
          startDate: '2026-09-01',
          endDate: '2027-07-16',
          unitIds: team.spec.unitIds,
        },
        changed: async () => (await courseCount(w, { title })) > 0,
      };
    },
  },
  // Briefs, API
  {
    key: 'GET /api/v1/briefs/:id',
    rule: viewRule,
    prepare: async (w, s) => ({ id: await approvedBrief(w, s) }),
  },
  {
    key: 'GET /api/v1/briefs',
    rule: everyone,
    prepare: async (w, s) => ({ query: `courseId=${w.teams[s].courseId}` }),
  },
  {
    key: 'PATCH /api/v1/briefs/:id',
    rule: livRule,
    prepare: async (w, s) => {
      const id = await freshBrief(w, s, 'draft');
      const title = `Edited ${next()}`;
      return {
        id,
        body: { title },
        changed: async () =>
          (
            await w.t.db
              .selectFrom('brief_versions')
              .select('title')
              .where('brief_id', '=', id)
              .where('title', '=', title)
              .execute()
          ).length > 0,
      };
    },
  },
  {
    key: 'POST /api/v1/briefs/:id/submit',
    // Only its author sends a brief to an IV: no principal is the author.
    rule: () => 'forbidden',
    prepare: async (w, s) => {
      const id = await freshBrief(w, s, 'draft');
      return {
        id,
        body: { ivId: w.teams[s].iv.id },
        changed: async () => (await row.brief(w, id))?.status !== 'draft',
      };
    },
  },
  {
    key: 'POST /api/v1/briefs/:id/verification',
    rule: verifyRule,
    prepare: async (w, s) => {
      const id = await freshBrief(w, s, 'awaiting_verification');
      return {
        id,
        body: { approve: true, checklist: allYes, feedback: 'Fine.' },
        changed: async () => (await row.brief(w, id))?.status === 'approved',
      };
    },
  },
  {
    key: 'POST /api/v1/briefs',
    rule: assessorRule,
    prepare: async (w, s) => {
      const body = briefBody(w.teams[s]);
      return {
        body,
        changed: async () =>
          (
            await w.t.db
              .selectFrom('brief_versions')
              .select('title')
              .where('title', '=', body.title as string)
              .execute()
          ).length > 0,
      };
    },
  },
  // Claims, API
  {
    key: 'DELETE /api/v1/claims/:id',
    // Only one's own pending claim can be withdrawn: anyone else's is not found.
    rule: () => 'hidden',
    prepare: async (w, s) => {
      const { id } = await freshClaim(w, s, 'pending');
      return { id, changed: async () => (await row.claim(w, id))?.status !== 'pending' };
    },
  },
  {
    key: 'POST /api/v1/claims/:id/revoke',
    rule: livRule,
    prepare: async (w, s) => {
      const { id } = await freshClaim(w, s, 'approved');
      return { id, body: {}, changed: async () => (await row.claim(w, id))?.status === 'revoked' };
    },
  },
  {
    key: 'POST /api/v1/approvals',
    rule: livRule,
    prepare: async (w, s) => {
      const { id } = await freshClaim(w, s, 'pending');
      return {
        body: { decisions: [{ claimId: id, approve: true }] },
        changed: async () => (await row.claim(w, id))?.status === 'approved',
      };
    },
  },
  {
    key: 'POST /api/v1/claims',
    rule: claimRule,
    perCell: true,
    prepare: async (w, s, p) => {
      const team = w.teams[s];
      const claims = () =>
        w.t.db
          .selectFrom('claims')
          .select(['id', 'claimant_id'])
          .where('site_id', '=', team.siteId)
          .where('subject_id', '=', team.subjectId)
          .where('status', '=', 'pending')
          .execute();
      const before = new Set((await claims()).map((c) => c.id));
      return {
        body: { siteId: team.siteId, subjectId: team.subjectId, role: claimedRole(p, s) },
        changed: async () => (await claims()).some((c) => !before.has(c.id)),
        // Withdrawn at once, so the pending claim does not widen what the person may draft.
        after: async (response) => {
          const made = (response.json() as { claim?: { id: string } }).claim;
          if (made) await w.agents[p].api('DELETE', fill(paths.api.claim, made.id));
        },
      };
    },
  },
  // Administration, API (Examinations Officers only)
  {
    key: 'PATCH /api/v1/admin/accounts/:id',
    rule: everyone,
    prepare: async (w, s) => {
      const person = await freshPerson(w, s);
      return {
        id: person.id,
        body: { firstName: 'Changed' },
        changed: async () => (await row.account(w, person.id))?.first_name === 'Changed',
      };
    },
  },
  {
    key: 'PUT /api/v1/admin/sites/:id/quality-nominee',
    rule: everyone,
    prepare: async (w, s) => {
      const person = await freshPerson(w, s);
      const siteId = siteOf(w, s);
      return {
        id: siteId,
        body: { accountId: person.id },
        changed: async () => (await row.site(w, siteId))?.quality_nominee_id === person.id,
        after: () => restoreQualityNominees(w),
      };
    },
  },
  {
    key: 'PUT /api/v1/admin/centre/quality-nominee',
    rule: everyone,
    // The id of someone of another centre is refused as a choice (400), and nothing is recorded.
    foreignOutcome: 'invalid',
    prepare: async (w, s) => {
      const person = await freshPerson(w, s);
      return {
        body: { accountId: person.id },
        changed: async () =>
          (
            await w.t.db
              .selectFrom('centres')
              .select('id')
              .where('quality_nominee_id', '=', person.id)
              .execute()
          ).length > 0,
        after: () => restoreQualityNominees(w),
      };
    },
  },
  {
    key: 'POST /api/v1/admin/accounts',
    rule: everyone,
    foreignOutcome: 'invalid', // a home site of another centre is not a choice
    prepare: async (w, s) => {
      const username = `made${next()}@matrix.example`;
      return {
        body: {
          username,
          firstName: 'Made',
          lastName: 'Here',
          mybtecAccess: true,
          homeSiteId: siteOf(w, s),
        },
        changed: async () =>
          (
            await w.t.db
              .selectFrom('accounts')
              .select('id')
              .where('username', '=', username)
              .execute()
          ).length > 0,
      };
    },
  },
  // Course pages
  {
    key: 'GET /courses/:id',
    rule: viewRule,
    prepare: async (w, s) => ({ id: w.teams[s].courseId }),
  },
  {
    key: 'GET /courses/:id/edit',
    rule: leadRule,
    prepare: async (w, s) => ({ id: w.teams[s].courseId }),
  },
  {
    key: 'POST /courses/:id/edit',
    rule: leadRule,
    prepare: async (w, s) => {
      const id = await freshCourse(w, s);
      return {
        id,
        form: courseForm('Renamed on the page', w, s),
        changed: async () => (await row.course(w, id))?.title === 'Renamed on the page',
      };
    },
  },
  {
    key: 'GET /courses/:id/delete',
    rule: leadRule,
    // A course of its own: the team's course may have briefs by now, and then it cannot be deleted.
    prepare: async (w, s) => ({ id: await freshCourse(w, s) }),
  },
  {
    key: 'POST /courses/:id/delete',
    rule: leadRule,
    prepare: async (w, s) => {
      const id = await freshCourse(w, s);
      return { id, form: {}, changed: async () => (await row.course(w, id)) === undefined };
    },
  },
  {
    key: 'POST /courses/:id/confirm',
    rule: leadRule,
    prepare: async (w, s) => {
      const id = await freshCourse(w, s);
      return {
        id,
        form: {},
        changed: async () => (await row.course(w, id))?.status === 'confirmed',
      };
    },
  },
  {
    // A bookmarked form address leads back to the course page, whoever asks: it reads nothing.
    key: 'GET /courses/:id/confirm',
    rule: everyone,
    foreignOutcome: 'ok',
    prepare: async (w, s) => ({ id: w.teams[s].courseId }),
  },
  {
    key: 'GET /courses/:id/clone',
    rule: everyone,
    foreignOutcome: 'ok',
    prepare: async (w, s) => ({ id: w.teams[s].courseId }),
  },
  {
    key: 'POST /courses/:id/clone',
    rule: leadRule,
    prepare: async (w, s) => {
      const id = await freshCourse(w, s);
      return { id, form: {}, changed: async () => (await courseCount(w, { clonedFrom: id })) > 0 };
    },
  },
  {
    key: 'GET /courses/:id/team',
    rule: leadRule,
    prepare: async (w, s) => ({ id: w.teams[s].courseId }),
  },
  {
    key: 'POST /courses/:id/team',
    rule: leadRule,
    prepare: async (w, s) => {
      const id = await freshCourse(w, s, { member: true });
      return {
        id,
        form: { leaderIds: w.teams[s].leader.id },
        changed: async () => (await teamSize(w, id)) === 1,
      };
    },
  },
  {
    key: 'POST /courses/new/details',
    rule: leadRule,
    refusalByRedirect: true, // a team the person may not use sends them back to the first step
    prepare: async (w, s) => {
      const team = w.teams[s];
      const title = `Page course ${next()}`;
      return {
        form: {
          site: team.siteId,
          subject: team.subjectId,
          qualification: team.spec.qualificationId,
          ...courseForm(title, w, s),
        },
        changed: async () => (await courseCount(w, { title })) > 0,
      };
    },
  },
  // Assignment brief pages
  ...[
    'GET /assignments/:id',
    'GET /assignments/:id/print',
    'GET /assignments/:id/pdf',
    'GET /assignments/:id/versions/:version',
  ].map((key): Case => ({
    key,
    rule: viewRule,
    prepare: async (w, s) => ({ id: await approvedBrief(w, s) }),
  })),
  {
    key: 'GET /assignments/:id/edit',
    rule: livRule,
    prepare: async (w, s) => ({ id: await freshBrief(w, s, 'draft') }),
  },
  {
    key: 'POST /assignments/:id/edit',
    rule: livRule,
    prepare: async (w, s) => {
      const id = await freshBrief(w, s, 'draft');
      const title = `Edited on the page ${next()}`;
      return {
        id,
        form: briefForm(w, s, title),
        changed: async () =>
          (
            await w.t.db
              .selectFrom('brief_versions')
              .select('title')
              .where('brief_id', '=', id)
              .where('title', '=', title)
              .execute()
          ).length > 0,
      };
    },
  },
  {
    key: 'POST /assignments/:id/send',
    rule: () => 'forbidden',
    prepare: async (w, s) => {
      const id = await freshBrief(w, s, 'draft');
      return {
        id,
        form: { ivId: w.teams[s].iv.id },
        changed: async () => (await row.brief(w, id))?.status !== 'draft',
      };
    },
  },
  {
    key: 'POST /assignments/:id/verification',
    rule: verifyRule,
    prepare: async (w, s) => {
      const id = await freshBrief(w, s, 'awaiting_verification');
      return {
        id,
        form: {
          decision: 'approve',
          feedback: 'Fine.',
          ...Object.fromEntries(Object.keys(allYes).map((item) => [`checklist-${item}`, 'yes'])),
        },
        changed: async () => (await row.brief(w, id))?.status === 'approved',
      };
    },
  },
  {
    key: 'POST /assignments/new',
    rule: assessorRule,
    prepare: async (w, s) => {
      const title = `Page brief ${next()}`;
      const team = w.teams[s];
      return {
        form: { courseId: team.courseId, unitId: team.spec.briefUnit, ...briefForm(w, s, title) },
        changed: async () =>
          (
            await w.t.db
              .selectFrom('brief_versions')
              .select('title')
              .where('title', '=', title)
              .execute()
          ).length > 0,
      };
    },
  },
  // Claim pages
  {
    key: 'POST /claim-roles/withdraw',
    rule: () => 'hidden',
    prepare: async (w, s) => {
      const { id } = await freshClaim(w, s, 'pending');
      return {
        form: { claimId: id },
        changed: async () => (await row.claim(w, id))?.status !== 'pending',
      };
    },
  },
  {
    key: 'POST /user-role-approval',
    rule: livRule,
    refusalByRedirect: true,
    prepare: async (w, s) => {
      const { id } = await freshClaim(w, s, 'pending');
      return {
        form: { [`decision-${id}`]: 'yes' },
        changed: async () => (await row.claim(w, id))?.status === 'approved',
      };
    },
  },
  {
    key: 'POST /user-role-approval/revoke',
    rule: livRule,
    refusalByRedirect: true,
    prepare: async (w, s) => {
      const { id } = await freshClaim(w, s, 'approved');
      return {
        form: { revokeClaimId: id },
        changed: async () => (await row.claim(w, id))?.status === 'revoked',
      };
    },
  },
  {
    key: 'POST /claim-roles/confirm',
    rule: claimRule,
    perCell: true,
    prepare: async (w, s, p) => {
      const team = w.teams[s];
      const mine = () =>
        w.t.db
          .selectFrom('claims')
          .select('id')
          .where('claimant_id', '=', w.people[p as 'teacher'].id)
          .where('site_id', '=', team.siteId)
          .where('subject_id', '=', team.subjectId)
          .where('status', '=', 'pending')
          .execute();
      return {
        form: { site: team.siteId, subjects: team.subjectId, step: '0', role: claimedRole(p, s) },
        changed: async () => (await mine()).length > 0,
        after: async () => {
          for (const claim of await mine())
            await w.agents[p].api('DELETE', fill(paths.api.claim, claim.id));
        },
      };
    },
    // Another centre's site is not among the person's sites: the claim is refused as not found.
  },
  // Journeys that take a site, subject or course id from the form or the query
  {
    key: 'POST /claim-roles/start',
    rule: claimRule,
    foreignOutcome: 'invalid',
    proceeded: (response) => redirectsTo(response, paths.claimQuestion),
    prepare: async (w, s) => {
      const { site, subjects } = claimJourney(w, s);
      return { form: { site, subjects } };
    },
  },
  {
    key: 'GET /claim-roles/question',
    rule: claimRule,
    foreignOutcome: 'invalid',
    proceeded: (response) => response.statusCode === 200,
    prepare: async (w, s) => ({ query: new URLSearchParams(claimJourney(w, s)).toString() }),
  },
  {
    // Reads nothing and stores nothing: it only works out the address of the next question (or
    // of the confirm page), which checks the site again (the GET cases) — so it goes on for all.
    key: 'POST /claim-roles/question',
    rule: everyone,
    foreignOutcome: 'ok',
    proceeded: (response) => redirectsTo(response, paths.claimQuestion),
    prepare: async (w, s) => ({ form: { ...claimJourney(w, s), answer: 'no' } }),
  },
  {
    key: 'GET /claim-roles/confirm',
    rule: claimRule,
    foreignOutcome: 'invalid',
    proceeded: (response) => response.statusCode === 200,
    prepare: async (w, s, p) => ({
      query: new URLSearchParams({ ...claimJourney(w, s), role: claimedRole(p, s) }).toString(),
    }),
  },
  {
    key: 'POST /courses/new',
    rule: leadRule,
    foreignOutcome: 'invalid',
    proceeded: (response) => redirectsTo(response, paths.coursePages.createQualification),
    prepare: async (w, s) => {
      const { site, subject } = courseJourney(w, s);
      return { form: { site, subject } };
    },
  },
  {
    key: 'GET /courses/new/qualification',
    rule: leadRule,
    foreignOutcome: 'invalid',
    proceeded: (response) => response.statusCode === 200,
    prepare: async (w, s) => {
      const { site, subject } = courseJourney(w, s);
      return { query: new URLSearchParams({ site, subject }).toString() };
    },
  },
  {
    key: 'POST /courses/new/qualification',
    rule: leadRule,
    foreignOutcome: 'invalid',
    proceeded: (response) => redirectsTo(response, paths.coursePages.createDetails),
    prepare: async (w, s) => ({ form: courseJourney(w, s) }),
  },
  {
    key: 'GET /courses/new/details',
    rule: leadRule,
    foreignOutcome: 'invalid',
    proceeded: (response) => response.statusCode === 200,
    prepare: async (w, s) => ({ query: new URLSearchParams(courseJourney(w, s)).toString() }),
  },
  {
    key: 'GET /assignments/new',
    rule: assessorRule,
    prepare: async (w, s) => ({
      query: new URLSearchParams({
        course: w.teams[s].courseId,
        unit: w.teams[s].spec.briefUnit,
      }).toString(),
    }),
  },
  // Administration pages
  {
    key: 'GET /admin/accounts/:id',
    rule: everyone,
    prepare: async (w, s) => ({ id: (await freshPerson(w, s)).id }),
  },
  {
    key: 'POST /admin/accounts/:id',
    rule: everyone,
    prepare: async (w, s) => {
      const person = await freshPerson(w, s);
      return {
        id: person.id,
        form: {
          firstName: 'Changed',
          lastName: 'Person',
          homeSiteId: siteOf(w, s),
          mybtecAccess: 'yes',
        },
        changed: async () => (await row.account(w, person.id))?.first_name === 'Changed',
      };
    },
  },
  {
    key: 'GET /admin/sites/:id/quality-nominee',
    rule: everyone,
    prepare: async (w, s) => ({ id: siteOf(w, s) }),
  },
  {
    key: 'POST /admin/sites/:id/quality-nominee',
    rule: everyone,
    prepare: async (w, s) => {
      const person = await freshPerson(w, s);
      const siteId = siteOf(w, s);
      return {
        id: siteId,
        form: { accountId: person.id },
        changed: async () => (await row.site(w, siteId))?.quality_nominee_id === person.id,
        after: () => restoreQualityNominees(w),
      };
    },
  },
  {
    key: 'POST /admin/centre/quality-nominee',
    rule: everyone,
    foreignOutcome: 'invalid',
    prepare: async (w, s) => {
      const person = await freshPerson(w, s);
      return {
        form: { accountId: person.id },
        changed: async () =>
          (
            await w.t.db
              .selectFrom('centres')
              .select('id')
              .where('quality_nominee_id', '=', person.id)
              .execute()
          ).length > 0,
        after: () => restoreQualityNominees(w),
      };
    },
  },
  {
    key: 'POST /admin/accounts/new',
    rule: everyone,
    foreignOutcome: 'invalid',
    prepare: async (w, s) => {
      const username = `page${next()}@matrix.example`;
      return {
        form: {
          firstName: 'Made',
          lastName: 'Here',
          username,
          homeSiteId: siteOf(w, s),
          mybtecAccess: 'yes',
        },
        changed: async () =>
          (
            await w.t.db
              .selectFrom('accounts')
              .select('id')
              .where('username', '=', username)
              .execute()
          ).length > 0,
      };
    },
  },
];

const CASE_KEYS = new Set(CASES.map((c) => c.key));

/**
 * Reviewed: the routes without an id in the path that read a site, subject, course, claim or
 * account id from the body or the query. Each has a role × scope case.
 */
const IDS_FROM_BODY_OR_QUERY = [
  'POST /api/v1/claims',
  'POST /api/v1/approvals',
  'POST /api/v1/courses',
  'POST /api/v1/briefs',
  'GET /api/v1/briefs',
  'PUT /api/v1/admin/centre/quality-nominee',
  'POST /api/v1/admin/accounts',
  'POST /claim-roles/start',
  'GET /claim-roles/question',
  'POST /claim-roles/question',
  'GET /claim-roles/confirm',
  'POST /claim-roles/confirm',
  'POST /claim-roles/withdraw',
  'POST /user-role-approval',
  'POST /user-role-approval/revoke',
  'POST /courses/new',
  'GET /courses/new/qualification',
  'POST /courses/new/qualification',
  'GET /courses/new/details',
  'POST /courses/new/details',
  'GET /assignments/new',
  'POST /assignments/new',
  'POST /admin/centre/quality-nominee',
  'POST /admin/accounts/new',
];

/**
 * Reviewed: the state-changing routes without an id in the path that read no such id (the
 * person's own session, terms, password and feedback).
 */
const NO_IDS_IN_BODY = [
  'POST /api/v1/session',
  'DELETE /api/v1/session',
  'POST /api/v1/terms/accept',
  'POST /login',
  'POST /logout',
  'POST /terms',
  'POST /password/forgotten',
  'POST /password/reset',
  'POST /feedback',
];

/**
 * Reviewed: GET routes whose query names a subject or a course only to filter a list of what the
 * person may see anyway, or to preselect a choice among their own options; the list checks below
 * look for ids they must not carry.
 */
const QUERY_FILTERS_ONLY = [
  'GET /api/v1/courses', // ?subjectId=&status=&academicYear=
  'GET /api/v1/qualifications', // ?subjectId= (the public catalogue)
  'GET /api/v1/audit', // ?from=&to=
  'GET /courses/new', // ?site=&subject= preselects among the person's own teams
];

/** Who gets past the guard on a route of this access (the others are refused before it). */
function passing(access: Access): PrincipalName[] {
  if (access === 'exams-officer') return ['eo'];
  return ['teacher', 'assessor', 'iv', 'cl', 'liv', 'qn', 'foreignQn'];
}

/** What the guard answers before any route runs, or undefined when it lets the person through. */
function guardOutcome(p: PrincipalName, access: Access): Outcome | undefined {
  if (access === 'public') return undefined;
  if (p === 'signedOut') return 'unauth';
  if (access === 'session') return undefined;
  if (p === 'termsNotAccepted') return 'terms';
  if (access === 'exams-officer') return p === 'eo' ? undefined : 'forbidden';
  if (p === 'noAccess' || p === 'eo') return 'noaccess';
  return undefined;
}

/** Ids of everything of a centre, to look for in answers meant for another centre. */
async function idsOfCentre(w: World, centreId: string): Promise<string[]> {
  const db = w.t.db;
  const of = async (table: 'courses' | 'briefs' | 'claims' | 'accounts' | 'sites') =>
    (await db.selectFrom(table).select('id').where('centre_id', '=', centreId).execute()).map(
      (r) => r.id,
    );
  return [
    centreId,
    ...(await of('sites')),
    ...(await of('accounts')),
    ...(await of('courses')),
    ...(await of('briefs')),
    ...(await of('claims')),
  ];
}

const MATRIX_TIMEOUT = 120_000;

forEachDatabase('the authorisation matrix', (kind: DatabaseKind) => {
  let t: TestApp;
  let w: World;
  let routes: Route[];

  beforeAll(async () => {
    // As in production (templates compiled once); the development mail page is then not there.
    t = await createTestApp(kind, { production: true });
    w = await buildWorld(t);
    routes = routesOf(t.app);
  }, MATRIX_TIMEOUT);
  afterAll(() => t.close());

  it('finds every route, and each declares the access that was reviewed for it', () => {
    expect(routes.length).toBeGreaterThan(50);
    const declared = routes.map((route) => `${route.key} → ${route.access}`);
    const reviewed = routes.map(
      (route) => `${route.key} → ${expectedAccess(route.method, route.url)}`,
    );
    expect(declared).toEqual(reviewed);
    // Only logging in through the API goes without a CSRF token (there is no session yet).
    expect(routes.filter((route) => !route.csrf).map((route) => route.key)).toEqual([
      'POST /api/v1/session',
    ]);
  });

  it('has a role × scope case for every route that acts on an id, and every case is a route', () => {
    const keys = new Set(routes.map((route) => route.key));
    const withId = routes.filter((route) => route.url.includes(':id')).map((route) => route.key);
    expect(withId.filter((key) => !CASE_KEYS.has(key))).toEqual([]);
    expect([...CASE_KEYS].filter((key) => !keys.has(key))).toEqual([]);
  });

  it('has a role × scope case for every route that reads an id from the body or the query (reviewed list)', () => {
    const keys = new Set(routes.map((route) => route.key));
    expect(IDS_FROM_BODY_OR_QUERY.filter((key) => !CASE_KEYS.has(key))).toEqual([]);
    const reviewed = [...IDS_FROM_BODY_OR_QUERY, ...NO_IDS_IN_BODY, ...QUERY_FILTERS_ONLY];
    expect(reviewed.filter((key) => !keys.has(key))).toEqual([]);
    // Every state-changing route without an id in its path has been looked at.
    const unreviewed = routes
      .filter((route) => STATE_CHANGING.has(route.method) && !route.url.includes(':id'))
      .map((route) => route.key)
      .filter((key) => !reviewed.includes(key));
    expect(unreviewed).toEqual([]);
  });

  it(
    'refuses the signed out, those without myBTEC access or the terms, and the wrong side of administration, on every route',
    async () => {
      const mismatches: string[] = [];
      const before = await tableDigests(t.db);
      for (const route of routes) {
        for (const p of PRINCIPALS) {
          const expected = guardOutcome(p, route.access);
          if (expected === undefined) continue;
          const response = await send(w.agents[p], route, {
            id: w.teams.own.courseId,
            ...(route.url.startsWith('/api/') ? { body: {} } : { form: {} }),
          });
          const outcome = classify(response, route.url);
          if (outcome !== expected)
            mismatches.push(
              `${route.key} as ${p}: ${outcome} (${response.statusCode}), expected ${expected}`,
            );
          if (response.statusCode >= 200 && response.statusCode < 300)
            mismatches.push(`${route.key} as ${p}: answered ${response.statusCode}`);
        }
      }
      expect(mismatches).toEqual([]);
      await expectUnchanged(t.db, before, 'refused everywhere');
    },
    MATRIX_TIMEOUT,
  );

  it(
    'refuses every state-changing call without a valid CSRF token (403 csrf), changing nothing',
    async () => {
      const mismatches: string[] = [];
      const before = await tableDigests(t.db);
      const stateChanging = routes.filter(
        (route) => STATE_CHANGING.has(route.method) && route.csrf,
      );
      expect(stateChanging.length).toBeGreaterThan(30);
      const who = (access: Access): PrincipalName =>
        access === 'public'
          ? 'signedOut'
          : access === 'session'
            ? 'termsNotAccepted'
            : access === 'exams-officer'
              ? 'eo'
              : 'qn';
      for (const route of stateChanging) {
        const agent = w.agents[who(route.access)];
        const prepared = {
          id: w.teams.own.courseId,
          ...(route.url.startsWith('/api/') ? { body: {} } : { form: {} }),
        };
        for (const [label, options] of [
          ['no token', { csrf: false }],
          ['a token of another session', { token: w.agents.liv.csrfToken }],
          ['a made-up token', { token: 'made-up-token' }],
        ] as const) {
          const response = await send(agent, route, prepared, options);
          const outcome = classify(response, route.url);
          if (response.statusCode !== 403 || outcome !== 'csrf')
            mismatches.push(`${route.key} with ${label}: ${response.statusCode} ${outcome}`);
        }
      }
      expect(mismatches).toEqual([]);
      await expectUnchanged(t.db, before, 'refused everywhere');
    },
    MATRIX_TIMEOUT,
  );

  describe('role × scope', () => {
    for (const testCase of CASES) {
      it(
        `${testCase.key}: each person × own subject, other subject, other site, other centre`,
        async () => {
          const route = routes.find((candidate) => candidate.key === testCase.key);
          expect(route, `${testCase.key} is registered`).toBeDefined();
          if (!route) return;
          const mismatches: string[] = [];
          for (const scope of SCOPES) {
            let shared: Prepared | undefined;
            for (const p of passing(route.access)) {
              const expected = foreign(p, scope)
                ? (testCase.foreignOutcome ?? 'hidden')
                : testCase.rule(p, scope);
              const prepared =
                expected === 'ok' || testCase.perCell
                  ? await testCase.prepare(w, scope, p)
                  : (shared ??= await testCase.prepare(w, scope, p));
              const response = await send(w.agents[p], route, prepared);
              let outcome = classify(response, route.url);
              const changed = prepared.changed ? await prepared.changed() : undefined;
              if (route.key === 'POST /api/v1/approvals' && outcome === 'ok') {
                // One answer for many rows: the row says what happened.
                const result = (
                  response.json() as { results: { status?: string; error?: { code: string } }[] }
                ).results[0];
                outcome = result?.status ? 'ok' : classifyCode(result?.error?.code);
              } else if (testCase.refusalByRedirect && outcome === 'ok' && changed === false) {
                outcome = expected === 'ok' ? 'other' : expected;
              } else if (testCase.proceeded && response.statusCode < 500) {
                const refusal = expected === 'ok' ? 'forbidden' : expected;
                outcome = testCase.proceeded(response) ? 'ok' : refusal;
              }
              const cell = `${p} × ${scope}`;
              if (outcome !== expected)
                mismatches.push(
                  `${cell}: ${outcome} (${response.statusCode}), expected ${expected}`,
                );
              if (changed !== undefined && changed !== (expected === 'ok'))
                mismatches.push(`${cell}: ${changed ? 'changed' : 'did not change'} the target`);
              if (expected === 'ok' && prepared.after) await prepared.after(response);
            }
          }
          expect(mismatches).toEqual([]);
        },
        MATRIX_TIMEOUT,
      );
    }
  });

  it(
    'answers 404 alike for an id of another centre and for an id that does not exist, on every route with an id',
    async () => {
      const mismatches: string[] = [];
      const foreignIds = {
        course: w.teams.otherCentre.courseId,
        brief: await approvedBrief(w, 'otherCentre'),
        claim: (await freshClaim(w, 'otherCentre', 'pending')).id,
        account: w.teams.otherCentre.author.id,
        site: w.teams.otherCentre.siteId,
      };
      const made = '00000000-0000-4000-8000-000000000000';
      for (const route of routes.filter((candidate) => candidate.url.includes(':id'))) {
        const p = route.access === 'exams-officer' ? 'eo' : 'qn';
        for (const [kind, id] of Object.entries(foreignIds)) {
          const prepared = { id, ...(route.url.startsWith('/api/') ? { body: {} } : { form: {} }) };
          const a = await send(w.agents[p], route, prepared);
          const b = await send(w.agents[p], route, { ...prepared, id: made });
          if (a.statusCode >= 200 && a.statusCode < 300)
            mismatches.push(`${route.key} with a ${kind} of another centre: ${a.statusCode}`);
          if (a.statusCode !== b.statusCode || classify(a, route.url) !== classify(b, route.url))
            mismatches.push(
              `${route.key}: a ${kind} of another centre answers ${a.statusCode}, a made-up id ${b.statusCode}`,
            );
        }
      }
      expect(mismatches).toEqual([]);
    },
    MATRIX_TIMEOUT,
  );

  it(
    'lets only the author send their brief to its IV and only the claimant withdraw their claim, in every scope, through the API and the page',
    async () => {
      const mismatches: string[] = [];
      const status = async (table: 'briefs' | 'claims', id: string) =>
        (await w.t.db.selectFrom(table).select('status').where('id', '=', id).executeTakeFirst())
          ?.status;
      const sendRoute = { method: 'POST', url: paths.briefPages.sendPattern };
      for (const scope of SCOPES) {
        const team = w.teams[scope];
        // The author of each team's briefs: their own brief goes; another team's author's does not.
        for (const [via, author] of [
          [
            'API',
            (id: string) =>
              team.authorAgent.api('POST', fill(paths.api.briefSubmit, id), { ivId: team.iv.id }),
          ],
          [
            'page',
            (id: string) => send(team.authorAgent, sendRoute, { id, form: { ivId: team.iv.id } }),
          ],
        ] as const) {
          const id = await freshBrief(w, scope, 'draft');
          const response = await author(id);
          if (
            classify(response, via === 'API' ? paths.api.root : sendRoute.url) !== 'ok' ||
            (await status('briefs', id)) !== 'awaiting_verification'
          )
            mismatches.push(
              `${scope} author sends own brief via ${via}: ${response.statusCode}, ${await status('briefs', id)}`,
            );
          const others = SCOPES.filter((other) => other !== scope);
          for (const other of others) {
            const foreignId = await freshBrief(w, other, 'draft');
            const refused = await team.authorAgent.api(
              'POST',
              fill(paths.api.briefSubmit, foreignId),
              {
                ivId: w.teams[other].iv.id,
              },
            );
            if (refused.statusCode < 400 || (await status('briefs', foreignId)) !== 'draft')
              mismatches.push(`${scope} author sends the ${other} brief: ${refused.statusCode}`);
          }
        }
        // The claimant withdraws their own pending claim, through the API and the page.
        for (const via of ['API', 'page'] as const) {
          const { id, claimant } = await freshClaim(w, scope, 'pending');
          const agent = await signedIn(w.t.app, claimant.username);
          const response =
            via === 'API'
              ? await agent.api('DELETE', fill(paths.api.claim, id))
              : await send(
                  agent,
                  { method: 'POST', url: paths.claimWithdraw },
                  { form: { claimId: id } },
                );
          if (response.statusCode >= 400 || (await status('claims', id)) !== 'withdrawn')
            mismatches.push(
              `${scope} claimant withdraws via ${via}: ${response.statusCode}, ${await status('claims', id)}`,
            );
        }
      }
      expect(mismatches).toEqual([]);
    },
    MATRIX_TIMEOUT,
  );

  it(
    'never lists what a person may not see of another site or subject of their own centre',
    async () => {
      const leaks: string[] = [];
      const inScope = async (s: ScopeName) => {
        const pending = await freshClaim(w, s, 'pending');
        return {
          courses: [w.teams[s].courseId, await freshCourse(w, s)],
          briefs: [await approvedBrief(w, s)],
          claims: [pending.id],
        };
      };
      const scoped = new Map<ScopeName, Awaited<ReturnType<typeof inScope>>>();
      for (const s of ['own', 'otherSubject', 'otherSite'] as const)
        scoped.set(s, await inScope(s));
      // Each list, the ids it may carry, and who may see the things of a scope (SPEC §4, §9).
      const lists: [string, 'courses' | 'briefs' | 'claims', Rule][] = [
        [paths.api.courses, 'courses', viewRule],
        [paths.courses, 'courses', viewRule],
        [paths.api.briefs, 'briefs', viewRule],
        [paths.assignments, 'briefs', viewRule],
        [paths.api.approvals, 'claims', livRule],
        [paths.approvals, 'claims', livRule],
        // The audit log: a QN sees their sites, a LIV their subject — never another's courses.
        [`${paths.api.audit}?from=2000-01-01&to=2100-01-01`, 'courses', livRule],
      ];
      // And the lists do carry the ids, to those who may see them (else the check proves nothing).
      const unseen = new Set(lists.map(([url]) => url));
      for (const [url, kind, rule] of lists)
        for (const p of passing('mybtec').filter((name) => name !== 'foreignQn')) {
          const response = await w.agents[p].get(url);
          for (const [s, ids] of scoped) {
            const shown = ids[kind].filter((id) => response.body.includes(id));
            if (rule(p, s) === 'ok') {
              if (shown.length > 0) unseen.delete(url);
            } else if (shown.length > 0)
              leaks.push(`${url} as ${p}: ${shown.length} ${kind} of ${s}`);
          }
        }
      expect([...unseen], 'lists that showed nobody anything').toEqual([]);
      // Feedback goes to the Quality Nominee of the site it was sent from (SPEC §9): the QN of
      // site 0 reads what people of site 0 send, never what people of site 1 send.
      const sent = new Map<ScopeName, string>();
      for (const s of ['own', 'otherSite'] as const) {
        const person = await freshPerson(w, s);
        const message = `Feedback from ${s} ${next()}`;
        const response = await (
          await signedIn(w.t.app, person.username)
        ).form(paths.feedback, {
          message,
        });
        expect(response.statusCode).toBe(303);
        sent.set(s, message);
      }
      const received = (await w.agents.qn.get(paths.feedbackReceived)).body;
      expect(received).toContain(sent.get('own'));
      if (received.includes(sent.get('otherSite') as string))
        leaks.push(`${paths.feedbackReceived} as qn: feedback of otherSite`);
      expect(leaks).toEqual([]);
    },
    MATRIX_TIMEOUT,
  );

  it(
    'never lists anything of another centre, on every list and page without an id',
    async () => {
      const idsA = await idsOfCentre(w, w.centreA.id);
      const idsB = await idsOfCentre(w, w.centreB.id);
      const leaks: string[] = [];
      const lists = routes.filter(
        (route) =>
          route.method === 'GET' &&
          !route.url.includes(':id') &&
          !route.url.includes('*') &&
          // The development mail page shows every email queued; it does not exist in production.
          route.url !== paths.devMail,
      );
      for (const route of lists) {
        for (const p of [...PRINCIPALS.filter((name) => name !== 'signedOut')]) {
          const response = await send(w.agents[p], route, {});
          const theirs = p === 'foreignQn' ? idsA : idsB;
          const leaked = theirs.filter((id) => response.body.includes(id));
          if (leaked.length > 0)
            leaks.push(`${route.key} as ${p}: ${leaked.length} ids of another centre`);
        }
      }
      // Filters naming something of another centre: not found, never its content.
      for (const [url, id] of [
        [paths.api.briefs, w.teams.otherCentre.courseId],
        [paths.api.courses, w.teams.otherCentre.courseId],
      ] as const) {
        const response = await w.agents.qn.get(`${url}?courseId=${id}`);
        if (idsB.some((foreignId) => response.body.includes(foreignId)))
          leaks.push(`${url}?courseId= of another centre as qn: ${response.statusCode}`);
      }
      expect(leaks).toEqual([]);
    },
    MATRIX_TIMEOUT,
  );
});

function classifyCode(code: string | undefined): Outcome {
  switch (code) {
    case 'forbidden':
    case 'role_not_approved':
      return 'forbidden';
    case 'not_found':
      return 'hidden';
    case 'conflict':
      return 'conflict';
    default:
      return 'other';
  }
}
