/*
 * Property-based tests over every HTML form (OWASP ASVS 4 V5.1, V5.3): whatever a form posts —
 * fields missing, repeated, unknown, 100 kB long, odd unicode, injection-like — the answer is a
 * page or a redirect, or a 4xx page that says what is wrong; never a 5xx, and a refusal stores
 * nothing. A form over 1 MB answers 413. What people type is kept as data and shown escaped.
 */
import fc from 'fast-check';
import type { LightMyRequestResponse, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { paths } from '../../src/paths.js';
import { forEachDatabase } from '../support/databases.js';
import { PASSWORD } from '../support/factories.js';
import { Agent, createTestApp, csrfFromHtml, type TestApp } from '../support/test-app.js';
import {
  expectUnchanged,
  REFUSED_LOGIN,
  tableDigests,
  type Allowed,
} from '../security/support/rows.js';
import {
  buildWorld,
  fill,
  freshPerson,
  type PrincipalName,
  type World,
} from '../security/support/world.js';
import {
  applyFormMutations,
  formMutationsOf,
  INJECTIONS,
  nastyString,
  type Form,
} from './support/arbitraries.js';
import { Targets, type TargetKind } from './support/targets.js';

// Every route, as Fastify registers it, to check that every form has a case.
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

const RUNS = Number(process.env.PROPERTY_RUNS ?? 30);
const TIMEOUT = 240_000;
const ONE_MB = 1024 * 1024;

interface FormCase {
  url: string;
  /** `author`: the Assessor who writes the briefs of the own team. */
  who: PrincipalName | 'visitor' | 'author';
  target?: TargetKind;
  /** What a refusal may change: a refused log-in is itself a security event (see REFUSED_LOGIN). */
  allowed?: Allowed;
  valid: (w: World, id: string) => Form;
  /** Told apart from another case of the same form. */
  label?: string;
  /**
   * The fields a person must fill in: each left out, or sent twice (a list where one value
   * belongs), must be answered 400 with the GOV.UK error summary linking to it.
   */
  required?: (id: string) => string[];
}

let loginName = '';

const courseForm = (w: World): Form => ({
  title: 'Business 2026/27',
  academicYear: '2026/27',
  'startDate-day': '1',
  'startDate-month': '9',
  'startDate-year': '2026',
  'endDate-day': '16',
  'endDate-month': '7',
  'endDate-year': '2027',
  unitIds: w.teams.own.spec.unitIds,
});

const briefForm = (w: World): Form => ({
  title: 'Planning an event',
  aims: w.teams.own.spec.aims,
  criteria: w.teams.own.spec.criteria,
  scenario: 'You work for a local company.',
  task1Title: 'Research',
  task1Description: 'Explore the kinds of events.',
  task1Criteria: w.teams.own.spec.criteria,
  evidence: 'A report.',
  'issueDate-day': '5',
  'issueDate-month': '10',
  'issueDate-year': '2026',
  'handInDate-day': '20',
  'handInDate-month': '11',
  'handInDate-year': '2026',
});

const CASES: FormCase[] = [
  {
    url: paths.login,
    who: 'visitor',
    allowed: REFUSED_LOGIN,
    valid: () => ({ username: loginName, password: PASSWORD }),
    required: () => ['username', 'password'],
  },
  {
    url: paths.terms,
    who: 'termsNotAccepted',
    valid: () => ({ accept: 'yes' }),
    required: () => ['accept'],
  },
  {
    url: paths.forgottenPassword,
    who: 'visitor',
    valid: () => ({ username: loginName }),
    required: () => ['username'],
  },
  {
    url: paths.resetPassword,
    label: 'a token that was never issued',
    who: 'visitor',
    valid: () => ({
      token: 'A'.repeat(43),
      password: 'A-New-Password-1',
      confirmPassword: 'A-New-Password-1',
    }),
  },
  {
    url: paths.resetPassword,
    label: 'a valid token',
    who: 'visitor',
    target: 'resetToken',
    valid: (_w, token) => ({
      token,
      password: 'A-New-Password-1',
      confirmPassword: 'A-New-Password-1',
    }),
    // A password left out does not match its confirmation, and is named there.
    required: () => ['confirmPassword'],
  },
  {
    url: paths.feedback,
    who: 'teacher',
    valid: () => ({ message: 'The claim screen is clear.' }),
    required: () => ['message'],
  },
  {
    url: paths.claimStart,
    who: 'teacher',
    valid: (w) => ({ site: w.teams.own.siteId, subjects: ['business', 'sport'] }),
    required: () => ['site', 'subjects'],
  },
  {
    url: paths.claimQuestion,
    who: 'teacher',
    valid: (w) => ({
      site: w.teams.own.siteId,
      subjects: 'business,sport',
      step: '0',
      answer: 'no',
    }),
    required: () => ['answer'],
  },
  {
    url: paths.claimConfirm,
    who: 'teacher',
    valid: (w) => ({
      site: w.teams.own.siteId,
      subjects: 'engineering',
      step: '4',
      role: 'teacher',
    }),
  },
  {
    url: paths.claimWithdraw,
    who: 'teacher',
    target: 'myPendingClaim',
    valid: (_w, id) => ({ claimId: id }),
  },
  {
    url: paths.approvals,
    who: 'qn',
    target: 'pendingClaim',
    valid: (_w, id) => ({ [`decision-${id}`]: 'yes', [`reason-${id}`]: 'Welcome' }),
  },
  {
    url: paths.approvalsRevoke,
    who: 'qn',
    target: 'approvedClaim',
    valid: (_w, id) => ({ revokeClaimId: id, [`reason-${id}`]: 'Left the team' }),
  },
  {
    url: paths.admin.newAccount,
    who: 'eo',
    valid: (w) => ({
      firstName: 'New',
      lastName: 'Person',
      username: `form.person.${Date.now()}@test.example`,
      homeSiteId: w.teams.own.siteId,
      mybtecAccess: 'yes',
    }),
    required: () => ['firstName', 'lastName', 'username'],
  },
  {
    url: paths.admin.accountPattern,
    who: 'eo',
    target: 'account',
    valid: (w) => ({
      firstName: 'Changed',
      lastName: 'Name',
      homeSiteId: w.teams.own.siteId,
      mybtecAccess: 'yes',
    }),
    required: () => ['firstName', 'lastName', 'homeSiteId'],
  },
  {
    url: paths.admin.siteQualityNomineePattern,
    who: 'eo',
    target: 'site',
    valid: (w) => ({ accountId: w.northQn.id }),
    required: () => ['accountId'],
  },
  {
    url: paths.admin.centreQualityNominee,
    who: 'eo',
    valid: () => ({ accountId: 'none' }),
    required: () => ['accountId'],
  },
  {
    url: paths.coursePages.create,
    who: 'cl',
    valid: (w) => ({ site: w.teams.own.siteId, subject: 'business' }),
    required: () => ['site', 'subject'],
  },
  {
    url: paths.coursePages.createQualification,
    who: 'cl',
    valid: (w) => ({
      site: w.teams.own.siteId,
      subject: 'business',
      qualification: w.teams.own.spec.qualificationId,
    }),
    required: () => ['qualification'],
  },
  {
    url: paths.coursePages.createDetails,
    who: 'cl',
    valid: (w) => ({
      site: w.teams.own.siteId,
      subject: 'business',
      qualification: w.teams.own.spec.qualificationId,
      ...courseForm(w),
    }),
    required: () => ['title', 'academicYear', 'startDate-day', 'endDate-year'],
  },
  {
    url: paths.coursePages.editPattern,
    who: 'cl',
    target: 'draftCourse',
    valid: courseForm,
    required: () => ['title', 'academicYear', 'startDate-month', 'endDate-day'],
  },
  { url: paths.coursePages.removePattern, who: 'cl', target: 'draftCourse', valid: () => ({}) },
  { url: paths.coursePages.confirmPattern, who: 'cl', target: 'draftCourse', valid: () => ({}) },
  { url: paths.coursePages.clonePattern, who: 'cl', target: 'draftCourse', valid: () => ({}) },
  {
    url: paths.briefPages.create,
    who: 'author',
    valid: (w) => ({
      courseId: w.teams.own.courseId,
      unitId: w.teams.own.spec.briefUnit,
      ...briefForm(w),
    }),
    required: () => ['title'],
  },
  {
    url: paths.briefPages.editPattern,
    who: 'author',
    target: 'draftBrief',
    valid: briefForm,
    required: () => ['title'],
  },
  {
    url: paths.briefPages.sendPattern,
    who: 'author',
    target: 'draftBrief',
    valid: (w) => ({ ivId: w.people.iv.id }),
    required: () => ['ivId'],
  },
  {
    url: paths.briefPages.verifyPattern,
    who: 'iv',
    target: 'awaitingBrief',
    valid: () => ({
      decision: 'return',
      feedback: 'Say more about the evidence.',
      'targetDate-day': '20',
      'targetDate-month': '10',
      'targetDate-year': '2026',
      ...Object.fromEntries(
        [
          'details_accurate',
          'clear_deadlines',
          'timeframe_appropriate',
          'vocational_scenario',
          'criteria_accurate',
          'tasks_show_criteria',
          'tasks_meet_requirements',
          'evidence_valid',
          'fit_for_purpose',
        ].map((item) => [`checklist-${item}`, 'yes']),
      ),
    }),
    required: () => ['decision', 'feedback', 'checklist-fit_for_purpose'],
  },
  {
    url: paths.coursePages.teamPattern,
    who: 'liv',
    target: 'draftCourse',
    valid: (w) => ({
      leaderIds: w.people.cl.id,
      [`member-${w.people.iv.id}`]: 'internal_verifier',
    }),
  },
];

/** Fields read as a list (checkboxes, several choices): sending one twice is not a mistake. */
const LIST_FIELDS = new Set([
  'subjects',
  'unitIds',
  'aims',
  'criteria',
  'task1Criteria',
  'leaderIds',
]);

/** A link of the error summary to the field (a date's day, month and year share one link). */
function summaryLinkTo(field: string): RegExp {
  const base = field.replace(/-(day|month|year)$/, '');
  return new RegExp(
    `govuk-error-summary[\\s\\S]*href="#${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
  );
}

/** No lone surrogate (which UTF-8 cannot carry, so no browser can send it). */
function wellFormed(text: string): boolean {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function encode(form: Form, csrf: string): string {
  const fields = new URLSearchParams();
  for (const [name, value] of Object.entries(form))
    for (const v of [value].flat()) fields.append(name, v);
  fields.append('_csrf', csrf);
  return fields.toString();
}

/** A page or a redirect; or a 4xx page with its heading and, for 400, what is wrong. */
function expectClearPage(response: LightMyRequestResponse, what: string): void {
  const status = response.statusCode;
  expect(status, `${what}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
  if (status < 400) return;
  expect(response.headers['content-type'], what).toMatch(/^text\/html/);
  expect(response.body, what).toContain('<h1');
  if (status === 400) expect(response.body, what).toContain('There is a problem');
}

forEachDatabase('every form (properties)', (kind) => {
  let t: TestApp;
  let w: World;
  let targets: Targets;

  beforeAll(async () => {
    // As in production: templates compiled once (development recompiles them on every page).
    t = await createTestApp(kind, { production: true });
    w = await buildWorld(t);
    targets = new Targets(w);
    loginName = (await freshPerson(w, 'own')).username;
  }, TIMEOUT);
  afterAll(() => t.close());

  async function restoreQualityNominees(): Promise<void> {
    await t.db.updateTable('centres').set({ quality_nominee_id: null }).execute();
    for (const [siteId, accountId] of [
      [w.centreA.siteIds[0], w.people.qn.id],
      [w.centreA.siteIds[1], w.northQn.id],
    ] as const) {
      await t.db
        .updateTable('sites')
        .set({ quality_nominee_id: accountId })
        .where('id', '=', siteId as string)
        .execute();
    }
  }

  async function agentFor(who: FormCase['who']): Promise<Agent> {
    if (who === 'author') return w.teams.own.authorAgent;
    if (who !== 'visitor') return w.agents[who];
    const agent = new Agent(t.app);
    agent.csrfToken = csrfFromHtml((await agent.get(paths.login)).body);
    return agent;
  }

  async function post(
    testCase: FormCase,
    payload: (agent: Agent) => string,
    what: string,
    expectStatus?: number,
  ): Promise<LightMyRequestResponse> {
    const agent = await agentFor(testCase.who);
    const id = testCase.target ? await targets.get(testCase.target) : '';
    const before = await tableDigests(t.db, testCase.allowed);
    const response = await agent.request({
      method: 'POST',
      url: fill(testCase.url, id),
      payload: payload(agent),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectClearPage(response, what);
    if (expectStatus !== undefined) expect(response.statusCode, what).toBe(expectStatus);
    if (response.statusCode >= 400) await expectUnchanged(t.db, before, what, testCase.allowed);
    else targets.forget(testCase.target);
    if (testCase.url.includes('quality-nominee')) await restoreQualityNominees();
    return response;
  }

  it('has a case for every form (every POST outside the API)', () => {
    const forms = (registered.get(t.app) ?? [])
      .filter((route) => [route.method].flat().includes('POST') && !route.url.startsWith('/api/'))
      .map((route) => route.url);
    const covered = new Set(CASES.map((c) => c.url));
    // Log-out has no fields, and ends the session the other cases use.
    expect(forms.filter((url) => !covered.has(url) && url !== paths.logout)).toEqual([]);
  });

  describe.each(CASES.map((c) => [c.label ? `${c.url} (${c.label})` : c.url, c] as const))(
    'POST %s',
    (_url, testCase) => {
      // Forms without a required field (a button, say) have no such case.
      if (testCase.required)
        it(
          'refuses a required field left out or sent twice: 400 with the error summary linking to it',
          async () => {
            const id = testCase.target ? await targets.get(testCase.target) : '';
            const required = testCase.required?.(id) ?? [];
            for (const field of required) {
              const valid = testCase.valid(w, id);
              expect(Object.keys(valid), `${field} is in the valid form`).toContain(field);
              const value = valid[field];
              const mistakes: [string, Form][] = [
                [
                  `${field} left out`,
                  Object.fromEntries(Object.entries(valid).filter(([k]) => k !== field)),
                ],
              ];
              if (typeof value === 'string' && !LIST_FIELDS.has(field))
                mistakes.push([`${field} sent twice`, { ...valid, [field]: [value, `${value}x`] }]);
              for (const [label, form] of mistakes) {
                const response = await post(
                  testCase,
                  (agent) => encode(form, agent.csrfToken),
                  label,
                  400,
                );
                expect(response.body, label).toContain('govuk-error-summary');
                expect(response.body, label).toMatch(summaryLinkTo(field));
              }
            }
          },
          TIMEOUT,
        );

      it(
        'answers mutated forms with a page, a redirect or a clear 4xx page, storing nothing when refused',
        async () => {
          const valid = testCase.valid(
            w,
            testCase.target ? await targets.get(testCase.target) : '',
          );
          await fc.assert(
            fc.asyncProperty(formMutationsOf(valid), async (mutations) => {
              const id = testCase.target ? await targets.get(testCase.target) : '';
              const form = applyFormMutations(testCase.valid(w, id), mutations);
              await post(
                testCase,
                (agent) => encode(form, agent.csrfToken),
                JSON.stringify(mutations).slice(0, 300),
              );
            }),
            { numRuns: RUNS },
          );
        },
        TIMEOUT,
      );

      it('answers a form over 1 MB with 413, as a page', async () => {
        const response = await post(
          testCase,
          (agent) => encode({ padding: 'x'.repeat(ONE_MB) }, agent.csrfToken),
          'over 1 MB',
          413,
        );
        expect(response.body).toContain('What you sent is too large');
      });

      it('answers a body that is not a form (JSON, text, broken escapes) with a clear answer', async () => {
        for (const [type, payload] of [
          ['application/x-www-form-urlencoded', '%E0%A4%A=1&%%%=2&a=%ZZ'],
          ['application/x-www-form-urlencoded', '&&&==&='],
          ['text/plain', 'hello'],
          ['application/json', '{"username": '],
        ] as const) {
          const agent = await agentFor(testCase.who);
          const id = testCase.target ? await targets.get(testCase.target) : '';
          const before = await tableDigests(t.db, testCase.allowed);
          const response = await agent.request({
            method: 'POST',
            url: fill(testCase.url, id),
            payload,
            headers: { 'content-type': type, 'x-csrf-token': agent.csrfToken },
          });
          expect(response.statusCode, `${type} ${payload}`).toBeLessThan(500);
          if (response.statusCode >= 400)
            await expectUnchanged(t.db, before, `${type} ${payload}`, testCase.allowed);
          else targets.forget(testCase.target);
        }
      });
    },
  );

  it(
    'keeps what people type as data: stored as typed, shown escaped, never run',
    async () => {
      const agent = w.agents.cl;
      const title = fc
        .oneof(fc.constantFrom(...INJECTIONS), nastyString)
        .map((s) => s.split('\u0000').join('').trim().slice(0, 200))
        .filter((s) => s.length > 0 && s.trim() === s && wellFormed(s));
      await fc.assert(
        fc.asyncProperty(title, async (text) => {
          const created = await agent.api('POST', paths.api.courses, {
            siteId: w.teams.own.siteId,
            subjectId: 'business',
            qualificationId: w.teams.own.spec.qualificationId,
            title: text,
            academicYear: '2026/27',
            startDate: '2026-09-01',
            endDate: '2027-07-16',
            unitIds: w.teams.own.spec.unitIds,
          });
          if (created.statusCode !== 201) {
            expect(created.statusCode).toBe(400);
            return;
          }
          const { course } = created.json() as { course: { id: string; title: string } };
          const stored = await t.db
            .selectFrom('courses')
            .select('title')
            .where('id', '=', course.id)
            .executeTakeFirstOrThrow();
          expect(stored.title).toBe(course.title);
          const page = await agent.get(paths.coursePages.course(course.id));
          expect(page.statusCode).toBe(200);
          expect(page.body).toContain(escapeHtml(text));
          expect(page.body).not.toContain('<script>alert(1)</script>');
          expect(page.body).not.toContain('onerror=alert(1)>');
          expect(page.body).not.toContain('>49<');
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});
