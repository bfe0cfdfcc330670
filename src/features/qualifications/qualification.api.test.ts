import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { paths } from '../../paths.js';
import { forEachDatabase } from '../../../test/support/databases.js';
import {
  buildAccount,
  buildCentre,
  type BuiltAccount,
  type BuiltCentre,
} from '../../../test/support/factories.js';
import { Agent, createTestApp, signedIn, type TestApp } from '../../../test/support/test-app.js';
import { loadSampleCatalogue, readSampleCatalogue } from './qualification.service.js';

interface QualificationJson {
  id: string;
  subjectId: string;
  title: string;
  level: string;
  size: string;
  glh: number;
  units: {
    id: string;
    number: string;
    title: string;
    mandatory: boolean;
    glh: number;
    aims: { code: string; text: string }[];
    criteria: { code: string; grade: string; text: string }[];
  }[];
}
interface ErrorJson {
  error: { code: string; message: string; fields?: Record<string, string> };
}

forEachDatabase('qualifications API', (kind) => {
  let t: TestApp;
  let centre: BuiltCentre;
  let teacher: BuiltAccount;

  beforeEach(async () => {
    t = await createTestApp(kind);
    await loadSampleCatalogue(t.db);
    centre = await buildCentre(t.db);
    teacher = await buildAccount(t.db, centre, { first: 'Tess', last: 'Teacher' });
  });
  afterEach(() => t.close());

  const list = async (query = '') =>
    (await signedIn(t.app, teacher.username)).get(`${paths.api.qualifications}${query}`);

  it('lists the qualifications of a subject with units and criteria, as SPEC §10 says', async () => {
    const response = await list('?subjectId=business');
    expect(response.statusCode).toBe(200);
    const { qualifications } = response.json() as { qualifications: QualificationJson[] };
    expect(qualifications.map((q) => q.id)).toEqual(['q-business-l3-ext-cert']);
    const [business] = qualifications;
    expect(Object.keys(business!).sort()).toEqual([
      'glh',
      'id',
      'level',
      'size',
      'subjectId',
      'title',
      'units',
    ]);
    expect(business).toMatchObject({
      title: 'BTEC Level 3 National Extended Certificate in Business',
      level: '3',
      size: 'Extended Certificate',
      glh: 360,
    });
    expect(business!.units[0]).toEqual({
      id: 'u-business-l3-ext-cert-1',
      number: '1',
      title: 'Exploring Business',
      mandatory: true,
      glh: 90,
      aims: expect.arrayContaining([
        {
          code: 'A',
          text: 'Explore the features of different businesses and analyse what makes them successful',
        },
      ]),
      criteria: expect.arrayContaining([
        {
          code: 'A.P1',
          grade: 'pass',
          text: 'Explain the features of two contrasting businesses.',
        },
      ]),
    });
    expect(business!.units.filter((u) => !u.mandatory).map((u) => u.number)).toEqual([
      '4',
      '5',
      '8',
      '14',
    ]);
  });

  it('lists every subject’s qualifications without subjectId, and none for a subject without any', async () => {
    const all = (await list()).json() as { qualifications: QualificationJson[] };
    expect(all.qualifications).toHaveLength((await readSampleCatalogue()).qualifications.length);
    expect(new Set(all.qualifications.map((q) => q.subjectId))).toEqual(
      new Set([
        'business',
        'applied-science',
        'engineering',
        'information-and-creative-technology',
        'performing-arts',
        'sport',
      ]),
    );
    const none = await list('?subjectId=computing');
    expect(none.statusCode).toBe(200);
    expect(none.json()).toEqual({ qualifications: [] });
  });

  describe('a bad query answers 400 invalid_input', () => {
    it.each([
      ['an empty subjectId', '?subjectId=', 'subjectId'],
      ['a malformed subjectId', '?subjectId=Business%20Studies', 'subjectId'],
      ['an unknown parameter', '?subject=business', 'subject'],
      ['an unknown subject', '?subjectId=astrology', 'subjectId'],
    ])('%s', async (_what, query, field) => {
      const response = await list(query);
      expect(response.statusCode).toBe(400);
      const body = response.json() as ErrorJson;
      expect(body.error.code).toBe('invalid_input');
      expect(Object.keys(body.error.fields ?? {})).toEqual([field]);
    });
  });

  it('answers 401 when signed out', async () => {
    const response = await new Agent(t.app).get(`${paths.api.qualifications}?subjectId=business`);
    expect(response.statusCode).toBe(401);
    expect((response.json() as ErrorJson).error.code).toBe('unauthenticated');
  });

  it('answers 401 signed out even for a bad query (access is checked first)', async () => {
    const response = await new Agent(t.app).get(`${paths.api.qualifications}?subjectId=`);
    expect(response.statusCode).toBe(401);
  });

  it('answers 403 no_mybtec_access for an account without myBTEC access', async () => {
    const officer = await buildAccount(t.db, centre, { mybtecAccess: false, examsOfficer: true });
    const response = await (await signedIn(t.app, officer.username)).get(paths.api.qualifications);
    expect(response.statusCode).toBe(403);
    expect((response.json() as ErrorJson).error.code).toBe('no_mybtec_access');
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: paths.api.openapi })).json() as {
      paths: Record<string, { get?: { parameters?: { name: string }[] } }>;
    };
    expect(doc.paths[paths.api.qualifications]?.get?.parameters?.map((p) => p.name)).toEqual([
      'subjectId',
    ]);
  });
});
