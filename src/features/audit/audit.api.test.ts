import { afterEach, beforeEach, expect, it } from 'vitest';
import { paths } from '../../paths.js';
import { forEachDatabase } from '../../../test/support/databases.js';
import {
  buildAccount,
  buildCentre,
  buildClaim,
  makeQualityNominee,
  type BuiltAccount,
  type BuiltCentre,
} from '../../../test/support/factories.js';
import { createTestApp, signedIn, type TestApp } from '../../../test/support/test-app.js';

interface EventJson {
  action: string;
  at: string;
  target: { type: string; id: string | null };
  actor: { id: string; name: string } | null;
}

forEachDatabase('audit API', (kind) => {
  let t: TestApp;
  let centre: BuiltCentre;
  let other: BuiltCentre;
  let qn: BuiltAccount;
  let liv: BuiltAccount;
  let teacher: BuiltAccount;
  let otherQn: BuiltAccount;

  beforeEach(async () => {
    t = await createTestApp(kind);
    centre = await buildCentre(t.db, { sites: 2 });
    other = await buildCentre(t.db);
    qn = await buildAccount(t.db, centre, { first: 'Quinn', last: 'Nominee' });
    liv = await buildAccount(t.db, centre, { first: 'Liv', last: 'Lead' });
    teacher = await buildAccount(t.db, centre, { first: 'Tess', last: 'Teacher' });
    otherQn = await buildAccount(t.db, other, { first: 'Olly', last: 'Other' });
    await makeQualityNominee(t.db, qn, centre.siteIds[0]);
    await makeQualityNominee(t.db, otherQn, other.siteIds[0]);
    await buildClaim(t.db, { account: liv, subjectId: 'business', role: 'lead_internal_verifier' });
    const claim = (person: BuiltAccount, subjectId: string, siteId = centre.siteIds[0]) =>
      signedIn(t.app, person.username).then((agent) =>
        agent.api('POST', paths.api.claims, { siteId, subjectId, role: 'teacher' }),
      );
    await claim(teacher, 'business');
    t.clock.advance(24 * 60 * 60_000);
    await claim(teacher, 'sport');
    await claim(teacher, 'business', centre.siteIds[1]);
    const stranger = await buildAccount(t.db, other);
    await claim(stranger, 'business', other.siteIds[0]);
  });
  afterEach(() => t.close());

  const events = async (person: BuiltAccount, query = '') => {
    const response = await (
      await signedIn(t.app, person.username)
    ).get(`${paths.api.audit}${query}`);
    return {
      status: response.statusCode,
      body: response.json() as { events: EventJson[]; error?: { code: string } },
    };
  };

  it('shows a Quality Nominee the events of their site only, newest first', async () => {
    const { status, body } = await events(qn);
    expect(status).toBe(200);
    const created = body.events.filter((e) => e.action === 'claim.created');
    expect(created).toHaveLength(2); // Business and Sport at their site, not the other site, not the other centre
    expect(created[0]!.at >= created[1]!.at).toBe(true);
    expect(created.every((e) => e.actor?.id === teacher.id && e.target.type === 'claim')).toBe(
      true,
    );
  });

  it('shows an LIV the events of their subject at their site only', async () => {
    const { body } = await events(liv);
    expect(body.events.filter((e) => e.action === 'claim.created')).toHaveLength(1);
  });

  it('filters by from and to (calendar dates include the whole day)', async () => {
    const today = t.clock.now().toISOString().slice(0, 10);
    const { body } = await events(qn, `?from=${today}&to=${today}`);
    expect(body.events.filter((e) => e.action === 'claim.created')).toHaveLength(1);
    const bad = await events(qn, '?from=yesterday');
    expect(bad.status).toBe(400);
  });

  it('refuses someone who is neither a Quality Nominee nor an LIV, and never shows another centre', async () => {
    const refused = await events(teacher);
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('forbidden');
    const foreign = await events(otherQn);
    expect(foreign.body.events.every((e) => e.actor?.id !== teacher.id)).toBe(true);
    expect(foreign.body.events.filter((e) => e.action === 'claim.created')).toHaveLength(1);
  });
});
