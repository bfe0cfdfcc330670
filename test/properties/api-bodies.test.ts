/*
 * Property-based tests over every JSON API body, query and id (SPEC §10; OWASP ASVS 4 V5.1):
 * whatever arrives — wrong types, missing and unknown fields, 100 kB strings, deep nesting, odd
 * unicode, injection-like strings, text that is not JSON — the answer is a 2xx (when what arrived
 * happens to be valid) or a 4xx with `{error: {code, message}}`, never a 5xx; a 4xx stores nothing,
 * and a body over 1 MB answers 413.
 */
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../../src/paths.js';
import { forEachDatabase } from '../support/databases.js';
import { PASSWORD } from '../support/factories.js';
import { Agent, createTestApp, type TestApp } from '../support/test-app.js';
import {
  allTables,
  DIGESTED_TABLES,
  expectUnchanged,
  REFUSED_LOGIN,
  tableDigests,
  UNDIGESTED_TABLES,
  type Allowed,
} from '../security/support/rows.js';
import {
  allYes,
  briefBody,
  buildWorld,
  fill,
  freshPerson,
  type PrincipalName,
  type World,
} from '../security/support/world.js';
import { Targets, type TargetKind } from './support/targets.js';
import {
  applyMutations,
  deepJsonText,
  invalidJson,
  mutationsOf,
  nastyString,
  type Mutation,
} from './support/arbitraries.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 30);
const TIMEOUT = 240_000;
const ONE_MB = 1024 * 1024;

/** The error codes of SPEC §10 (and the two the HTTP layer adds for bodies). */
const CODES = new Set([
  'invalid_input',
  'course_incomplete',
  'unauthenticated',
  'invalid_credentials',
  'no_mybtec_access',
  'terms_not_accepted',
  'csrf',
  'forbidden',
  'role_not_approved',
  'not_found',
  'conflict',
  'account_locked',
  'rate_limited',
  'payload_too_large',
]);

const courseFields = (w: World) => ({
  title: 'Business 2026/27',
  academicYear: '2026/27',
  startDate: '2026-09-01',
  endDate: '2027-07-16',
  unitIds: w.teams.own.spec.unitIds,
});

interface ApiCase {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** `author`: the Assessor who writes the briefs of the own team. */
  who: PrincipalName | 'visitor' | 'author';
  target?: TargetKind;
  /** What a refusal may change: a refused log-in is itself a security event (see REFUSED_LOGIN). */
  allowed?: Allowed;
  /** A valid body for the target. */
  valid: (w: World, id: string) => unknown;
}

/** Someone to log in as (and be locked out) without disturbing anyone else. */
let loginName = '';

const CASES: ApiCase[] = [
  {
    method: 'POST',
    url: paths.api.session,
    who: 'visitor',
    allowed: REFUSED_LOGIN,
    valid: () => ({ username: loginName, password: PASSWORD }),
  },
  { method: 'POST', url: paths.api.termsAccept, who: 'termsNotAccepted', valid: () => ({}) },
  {
    method: 'POST',
    url: paths.api.claims,
    who: 'teacher',
    valid: (w) => ({ siteId: w.teams.own.siteId, subjectId: 'business', role: 'assessor' }),
  },
  {
    method: 'DELETE',
    url: paths.api.claim,
    who: 'teacher',
    target: 'myPendingClaim',
    valid: () => ({}),
  },
  {
    method: 'POST',
    url: paths.api.claimRevoke,
    who: 'liv',
    target: 'approvedClaim',
    valid: () => ({ reason: 'No longer in the team' }),
  },
  {
    method: 'POST',
    url: paths.api.approvals,
    who: 'qn',
    target: 'pendingClaim',
    valid: (_w, id) => ({ decisions: [{ claimId: id, approve: true, reason: 'Welcome' }] }),
  },
  {
    method: 'POST',
    url: paths.api.courses,
    who: 'cl',
    valid: (w) => ({
      siteId: w.teams.own.siteId,
      subjectId: 'business',
      qualificationId: w.teams.own.spec.qualificationId,
      ...courseFields(w),
    }),
  },
  { method: 'PATCH', url: paths.api.course, who: 'cl', target: 'draftCourse', valid: courseFields },
  {
    method: 'PUT',
    url: paths.api.courseTeam,
    who: 'liv',
    target: 'draftCourse',
    valid: (w) => ({
      leaderIds: [w.people.cl.id],
      members: [{ accountId: w.people.iv.id, role: 'internal_verifier' }],
    }),
  },
  {
    method: 'POST',
    url: paths.api.courseConfirm,
    who: 'cl',
    target: 'draftCourse',
    valid: () => ({}),
  },
  {
    method: 'POST',
    url: paths.api.courseClone,
    who: 'cl',
    target: 'draftCourse',
    valid: () => ({}),
  },
  { method: 'DELETE', url: paths.api.course, who: 'cl', target: 'draftCourse', valid: () => ({}) },
  {
    method: 'POST',
    url: paths.api.briefs,
    who: 'assessor',
    valid: (w) => briefBody(w.teams.own),
  },
  {
    method: 'PATCH',
    url: paths.api.brief,
    who: 'liv',
    target: 'draftBrief',
    valid: (w) => {
      const { courseId: _courseId, unitId: _unitId, ...content } = briefBody(w.teams.own);
      return content;
    },
  },
  {
    method: 'POST',
    url: paths.api.briefSubmit,
    who: 'author',
    target: 'draftBrief',
    valid: (w) => ({ ivId: w.people.iv.id }),
  },
  {
    method: 'POST',
    url: paths.api.briefVerification,
    who: 'iv',
    target: 'awaitingBrief',
    valid: () => ({
      approve: false,
      checklist: allYes,
      comments: { fit_for_purpose: 'Nearly' },
      feedback: 'Say more about the evidence.',
      actionRequired: 'Add the evidence list.',
      targetDate: '2026-10-20',
    }),
  },
  {
    method: 'POST',
    url: paths.api.adminAccounts,
    who: 'eo',
    valid: (w) => ({
      username: `new.person.${Date.now()}@test.example`,
      firstName: 'New',
      lastName: 'Person',
      mybtecAccess: true,
      examsOfficer: false,
      homeSiteId: w.teams.own.siteId,
    }),
  },
  {
    method: 'PATCH',
    url: paths.api.adminAccount,
    who: 'eo',
    target: 'account',
    valid: (w) => ({
      firstName: 'Changed',
      lastName: 'Name',
      mybtecAccess: true,
      examsOfficer: false,
      homeSiteId: w.teams.own.siteId,
    }),
  },
  {
    method: 'PUT',
    url: paths.api.adminSiteQualityNominee,
    who: 'eo',
    target: 'site',
    valid: (w) => ({ accountId: w.northQn.id }),
  },
  {
    method: 'PUT',
    url: paths.api.adminCentreQualityNominee,
    who: 'eo',
    valid: () => ({ accountId: null }),
  },
];

/** The GET routes that take a query, with a valid query for each. */
const QUERIES: { url: string; who: PrincipalName; valid: Record<string, string> }[] = [
  {
    url: paths.api.courses,
    who: 'liv',
    valid: { subjectId: 'business', status: 'draft', academicYear: '2026/27' },
  },
  { url: paths.api.briefs, who: 'liv', valid: { status: 'draft' } },
  { url: paths.api.qualifications, who: 'liv', valid: { subjectId: 'business' } },
  {
    url: paths.api.audit,
    who: 'qn',
    valid: { from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' },
  },
];

/** The parts of a JSON schema (as the OpenAPI document gives each body) the targeted checks read. */
interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
}

type Path = (string | number)[];

/** One change that makes a valid body invalid in exactly one place, and the field it names. */
interface Targeted {
  label: string;
  mutation: Mutation;
  field: string;
}

/** The JSON types a schema accepts (`integer` counts as `number`). */
function typesOf(schema: Schema): Set<string> {
  const types = new Set<string>();
  for (const branch of [schema, ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])])
    for (const type of [branch.type ?? []].flat()) types.add(type === 'integer' ? 'number' : type);
  return types;
}

/** Values of each JSON type, to find one a field does not accept. */
const WRONG_VALUES: [string, unknown][] = [
  ['number', 12345],
  ['string', 'not-the-right-type'],
  ['boolean', true],
  ['array', ['x']],
  ['object', { x: 1 }],
];

/**
 * Every targeted mistake in a valid body, walking the schema alongside it: each required field
 * dropped, an unknown key added to each object, and each field given a value of a type it does not
 * take. Each must be refused with 400 invalid_input whose `fields` names the field.
 */
function targetedMistakes(schema: Schema, value: unknown, path: Path = []): Targeted[] {
  const name = (p: Path) => p.join('.');
  const out: Targeted[] = [];
  const types = typesOf(schema);
  if (path.length > 0 && types.size > 0) {
    const wrong = WRONG_VALUES.find(([type]) => !types.has(type));
    if (wrong)
      out.push({
        label: `${name(path)} as ${wrong[0]}`,
        mutation: { kind: 'set', path, value: wrong[1] },
        field: name(path),
      });
  }
  if (Array.isArray(value) && schema.items && value.length > 0)
    out.push(...targetedMistakes(schema.items, value[0], [...path, 0]));
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && schema.properties) {
    const object = value as Record<string, unknown>;
    out.push({
      label: `unknown key in ${name(path) || 'the body'}`,
      mutation: { kind: 'add', path, key: 'isAdmin', value: true },
      field: name([...path, 'isAdmin']),
    });
    for (const key of schema.required ?? [])
      if (key in object)
        out.push({
          label: `${name([...path, key])} dropped`,
          mutation: { kind: 'drop', path: [...path, key] },
          field: name([...path, key]),
        });
    for (const [key, child] of Object.entries(schema.properties))
      if (key in object) out.push(...targetedMistakes(child, object[key], [...path, key]));
  }
  return out;
}

/** Can it be put in an address at all? (A lone surrogate cannot.) */
function encodable(text: string): boolean {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/** A 2xx, or a 4xx with a clear error (a known code, a sentence); never anything else. */
function expectClearAnswer(response: LightMyRequestResponse, what: string): void {
  const status = response.statusCode;
  expect(status, `${what}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
  if (status < 400) return;
  expect(response.headers['content-type'], what).toMatch(/^application\/json/);
  const body = response.json() as { error?: { code?: unknown; message?: unknown } };
  expect(CODES.has(String(body.error?.code)), `${what}: code ${String(body.error?.code)}`).toBe(
    true,
  );
  expect(typeof body.error?.message, what).toBe('string');
  expect(String(body.error?.message).length, what).toBeGreaterThan(5);
}

forEachDatabase('every API body, query and id (properties)', (kind) => {
  let t: TestApp;
  let w: World;
  let targets: Targets;

  beforeAll(async () => {
    t = await createTestApp(kind);
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

  async function agentFor(who: ApiCase['who']): Promise<Agent> {
    if (who === 'author') return w.teams.own.authorAgent;
    if (who !== 'visitor') return w.agents[who];
    return new Agent(t.app);
  }

  /** Sends one request and checks the answer and, for a refusal, that nothing was stored. */
  async function check(
    testCase: ApiCase,
    send: (agent: Agent, url: string) => Promise<LightMyRequestResponse>,
    what: string,
    expectStatus?: number,
  ): Promise<LightMyRequestResponse> {
    const agent = await agentFor(testCase.who);
    const id = testCase.target ? await targets.get(testCase.target) : '';
    const before = await tableDigests(t.db, testCase.allowed);
    const response = await send(agent, fill(testCase.url, id));
    expectClearAnswer(response, what);
    if (expectStatus !== undefined) expect(response.statusCode, what).toBe(expectStatus);
    if (response.statusCode >= 400) await expectUnchanged(t.db, before, what, testCase.allowed);
    else targets.forget(testCase.target);
    if (testCase.url.includes('quality-nominee')) await restoreQualityNominees();
    return response;
  }

  /** The body schema of each state-changing call, from the OpenAPI document. */
  async function bodySchemas(): Promise<Map<string, Schema | undefined>> {
    const document = (await t.app.inject({ method: 'GET', url: paths.api.openapi })).json() as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>
      >;
    };
    const schemas = new Map<string, Schema | undefined>();
    for (const [path, methods] of Object.entries(document.paths))
      for (const [method, operation] of Object.entries(methods))
        schemas.set(
          `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
          operation.requestBody?.content?.['application/json']?.schema,
        );
    return schemas;
  }

  /**
   * The calls that take no body at all: anything sent is ignored, so there is nothing to assign
   * (OWASP ASVS 4 V5.1.2). Every other call's body is a closed schema.
   */
  const NO_BODY = new Set([
    `DELETE ${paths.api.claim}`,
    `POST ${paths.api.courseConfirm}`,
    `POST ${paths.api.courseClone}`,
    `DELETE ${paths.api.course}`,
    `POST ${paths.api.termsAccept}`,
  ]);

  it('refuses the NUL character anywhere (body, query, id, form), naming the field, storing nothing', async () => {
    const claimId = await targets.get('pendingClaim');
    const before = await tableDigests(t.db);
    const decision = await w.agents.qn.api('POST', paths.api.approvals, {
      decisions: [{ claimId, approve: true, reason: 'fine\u0000' }],
    });
    expect(decision.statusCode).toBe(400);
    expect(decision.json()).toMatchObject({
      error: { code: 'invalid_input', fields: { 'decisions.0.reason': expect.any(String) } },
    });
    const login = await new Agent(t.app).api('POST', paths.api.session, {
      username: 'a\u0000b@test.example',
      password: 'whatever-it-is',
    });
    expect(login.statusCode).toBe(400);
    const query = await w.agents.liv.get(`${paths.api.courses}?subjectId=a%00b`);
    expect(query.statusCode).toBe(400);
    const id = await w.agents.liv.get(fill(paths.api.course, 'a\u0000b'));
    expect(id.statusCode).toBe(400);
    const form = await w.agents.teacher.form(paths.feedback, { message: 'Hello\u0000there' });
    expect(form.statusCode).toBe(400);
    await expectUnchanged(t.db, before, 'NUL');
  });

  it('digests every table of the database after a refusal, or says why not', async () => {
    const named = new Set([...Object.keys(DIGESTED_TABLES), ...Object.keys(UNDIGESTED_TABLES)]);
    expect((await allTables(t.db)).filter((table) => !named.has(table))).toEqual([]);
  });

  it('answers an address Fastify cannot route (bad escape, id over 100 characters) in the product’s shape', async () => {
    for (const url of [
      `${paths.api.root}/courses/${'x'.repeat(101)}`,
      `${paths.api.root}/courses/%E0%A4%A`,
    ]) {
      const response = await w.agents.liv.get(url);
      expect(response.statusCode, url).toBe(400);
      expect(response.json(), url).toMatchObject({ error: { code: 'invalid_input' } });
      expect(response.body).not.toContain('xxxxxxxxxx');
    }
    const page = await w.agents.liv.get(`/courses/${'y'.repeat(101)}`);
    expect(page.statusCode).toBe(400);
    expect(page.body).toBe('This web address is not valid. Check it is correct.');
  });

  it('has a case for every state-changing call of the API (as the OpenAPI document lists them)', async () => {
    const document = (await t.app.inject({ method: 'GET', url: paths.api.openapi })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const listed = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods)
        .map((method) => method.toUpperCase())
        .filter((method) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method))
        .map((method) => `${method} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const covered = new Set(CASES.map((c) => `${c.method} ${c.url}`));
    // Log-out takes no body and ends the session the other cases use.
    expect(
      listed.filter((key) => !covered.has(key) && key !== `DELETE ${paths.api.session}`),
    ).toEqual([]);
  });

  describe.each(CASES.map((c) => [`${c.method} ${c.url}`, c] as const))('%s', (_name, testCase) => {
    it(
      'refuses a required field dropped, an unknown key added or a wrong type: 400 invalid_input naming the field (mass assignment, ASVS V5.1.2)',
      async () => {
        const key = `${testCase.method} ${testCase.url}`;
        const schema = (await bodySchemas()).get(key);
        if (NO_BODY.has(key)) {
          expect(schema, `${key} is listed as taking no body`).toBeUndefined();
          return;
        }
        expect(schema, `${key} has a body schema`).toBeDefined();
        expect(schema?.additionalProperties, `${key}: unknown keys are refused`).toBe(false);
        const valid = testCase.valid(w, testCase.target ? await targets.get(testCase.target) : '');
        const mistakes = targetedMistakes(schema as Schema, valid);
        expect(mistakes.length).toBeGreaterThan(0);
        for (const mistake of mistakes) {
          const id = testCase.target ? await targets.get(testCase.target) : '';
          const body = applyMutations(testCase.valid(w, id), [mistake.mutation]);
          const response = await check(
            testCase,
            (agent, url) => agent.api(testCase.method, url, body),
            mistake.label,
            400,
          );
          const error = (response.json() as { error: { code: string; fields?: object } }).error;
          expect(error.code, mistake.label).toBe('invalid_input');
          expect(Object.keys(error.fields ?? {}), mistake.label).toContain(mistake.field);
        }
      },
      TIMEOUT,
    );

    it(
      'answers mutated bodies with 2xx or a clear 4xx, storing nothing when refused',
      async () => {
        const valid = testCase.valid(w, testCase.target ? await targets.get(testCase.target) : '');
        await fc.assert(
          fc.asyncProperty(mutationsOf(valid), async (mutations) => {
            const id = testCase.target ? await targets.get(testCase.target) : '';
            const body = applyMutations(testCase.valid(w, id), mutations);
            await check(
              testCase,
              (agent, url) => agent.api(testCase.method, url, body),
              `${JSON.stringify(mutations).slice(0, 300)}`,
            );
          }),
          { numRuns: RUNS },
        );
      },
      TIMEOUT,
    );

    it(
      'answers text that is not JSON (or poisons prototypes) with 400 invalid_input',
      async () => {
        const valid = testCase.valid(w, testCase.target ? await targets.get(testCase.target) : '');
        await fc.assert(
          fc.asyncProperty(invalidJson(valid), async (text) => {
            const response = await check(
              testCase,
              (agent, url) =>
                agent.request({
                  method: testCase.method,
                  url,
                  payload: text,
                  headers: { 'content-type': 'application/json', 'x-csrf-token': agent.csrfToken },
                }),
              JSON.stringify(text).slice(0, 200),
              400,
            );
            expect((response.json() as { error: { code: string } }).error.code).toBe(
              'invalid_input',
            );
          }),
          { numRuns: Math.ceil(RUNS / 2) },
        );
      },
      TIMEOUT,
    );

    it(
      'answers JSON nested up to 200 000 levels deep with 2xx or a clear 4xx',
      async () => {
        await fc.assert(
          fc.asyncProperty(deepJsonText, async (text) => {
            await check(
              testCase,
              (agent, url) =>
                agent.request({
                  method: testCase.method,
                  url,
                  payload: text,
                  headers: { 'content-type': 'application/json', 'x-csrf-token': agent.csrfToken },
                }),
              `${text.length} characters of nesting`,
            );
          }),
          { numRuns: 5 },
        );
      },
      TIMEOUT,
    );

    it('answers other content types with a clear 4xx', async () => {
      for (const [type, payload] of [
        ['text/plain', 'hello'],
        ['application/xml', '<a>1</a>'],
        [
          'multipart/form-data; boundary=x',
          '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
        ],
        ['application/x-www-form-urlencoded', 'a=1&b=2'],
        ['application/json; charset=utf-16', '{}'],
      ] as const) {
        await check(
          testCase,
          (agent, url) =>
            agent.request({
              method: testCase.method,
              url,
              payload,
              headers: { 'content-type': type, 'x-csrf-token': agent.csrfToken },
            }),
          type,
        );
      }
    });

    it('answers a body over 1 MB with 413 payload_too_large', async () => {
      const response = await check(
        testCase,
        (agent, url) =>
          agent.request({
            method: testCase.method,
            url,
            payload: JSON.stringify({ padding: 'x'.repeat(ONE_MB) }),
            headers: { 'content-type': 'application/json', 'x-csrf-token': agent.csrfToken },
          }),
        'over 1 MB',
        413,
      );
      expect((response.json() as { error: { code: string } }).error.code).toBe('payload_too_large');
    });
  });

  it(
    'answers any id in the address with a clear 4xx (or 2xx), on every route with an id',
    async () => {
      const withId = CASES.filter((c) => c.url.includes(':id'));
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...withId),
          nastyString.filter((s) => s.length > 0 && s.length < 5000 && encodable(s)),
          async (testCase, id) => {
            const agent = await agentFor(testCase.who);
            const before = await tableDigests(t.db, testCase.allowed);
            const body = testCase.valid(w, id);
            const response = await agent.api(testCase.method, fill(testCase.url, id), body);
            expectClearAnswer(
              response,
              `${testCase.url} with id ${JSON.stringify(id).slice(0, 100)}`,
            );
            expect(response.statusCode).toBeGreaterThanOrEqual(400);
            await expectUnchanged(t.db, before, testCase.url, testCase.allowed);
          },
        ),
        { numRuns: RUNS * 2 },
      );
    },
    TIMEOUT,
  );

  it.each(QUERIES.map((q) => [q.url, q] as const))(
    'answers any query on GET %s with 200 or a clear 4xx',
    async (_url, query) => {
      const agent = w.agents[query.who];
      const keys = [...Object.keys(query.valid), 'x', '__proto__', 'constructor'];
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(
            fc.constantFrom(...keys),
            fc.oneof(nastyString, fc.array(fc.string(), { minLength: 2, maxLength: 3 })),
            {
              maxKeys: 4,
            },
          ),
          async (params) => {
            const search = new URLSearchParams();
            for (const [key, value] of Object.entries(params))
              for (const v of [value].flat()) search.append(key, v);
            const url = `${query.url}?${search.toString()}`;
            // A query too long for a server to take is not a query at all.
            if (url.length > 60_000) return;
            const response = await agent.get(url);
            expectClearAnswer(response, url.slice(0, 200));
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});
