import { afterEach, beforeEach, expect, it } from 'vitest';
import { paths } from '../../paths.js';
import { forEachDatabase } from '../../../test/support/databases.js';
import {
  buildAccount,
  buildCentre,
  type BuiltAccount,
  type BuiltCentre,
} from '../../../test/support/factories.js';
import { Agent, createTestApp, signedIn, type TestApp } from '../../../test/support/test-app.js';

const accountUrl = (id: string) => paths.api.adminAccount.replace(':id', id);
const siteQnUrl = (id: string) => paths.api.adminSiteQualityNominee.replace(':id', id);

forEachDatabase('Examinations Officer API', (kind) => {
  let t: TestApp;
  let centre: BuiltCentre;
  let otherCentre: BuiltCentre;
  let eo: BuiltAccount;
  let teacher: BuiltAccount;
  let stranger: BuiltAccount;
  let api: Agent;

  beforeEach(async () => {
    t = await createTestApp(kind);
    centre = await buildCentre(t.db, { sites: 2 });
    otherCentre = await buildCentre(t.db);
    eo = await buildAccount(t.db, centre, {
      first: 'Eve',
      last: 'Officer',
      examsOfficer: true,
      mybtecAccess: false,
    });
    teacher = await buildAccount(t.db, centre, { first: 'Tom', last: 'Teacher' });
    stranger = await buildAccount(t.db, otherCentre, { first: 'Sam', last: 'Stranger' });
    api = await signedIn(t.app, eo.username);
  });
  afterEach(() => t.close());

  const auditRows = (action: string) =>
    t.db.selectFrom('audit_events').selectAll().where('action', '=', action).execute();

  it('creates an account with a set-password email, in the same transaction as its audit row', async () => {
    const response = await api.api('POST', paths.api.adminAccounts, {
      username: 'New.Person@Test.Example',
      firstName: 'New',
      lastName: 'Person',
      mybtecAccess: true,
    });
    expect(response.statusCode).toBe(201);
    const { account } = response.json() as {
      account: { id: string; username: string; mybtecAccess: boolean; homeSiteId: string };
    };
    expect(account.username).toBe('new.person@test.example');
    expect(account.mybtecAccess).toBe(true);
    expect(account.homeSiteId).toBe(centre.siteIds[0]);
    const row = await t.db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', account.id)
      .executeTakeFirstOrThrow();
    expect(row.centre_id).toBe(centre.id);
    expect(row.password_hash).toBeNull();
    const created = await auditRows('account.created');
    expect(created).toHaveLength(1);
    expect(created[0]?.actor_id).toBe(eo.id);
    const mail = await t.db
      .selectFrom('outbox')
      .selectAll()
      .where('to_address', '=', 'new.person@test.example')
      .execute();
    expect(mail).toHaveLength(1);
    expect(mail[0]?.body_text).toContain('http://localhost:3000/password/reset?token=');
  });

  it('creates an account with an initial password that works at once, and sends no email', async () => {
    const response = await api.api('POST', paths.api.adminAccounts, {
      username: 'ready@test.example',
      firstName: 'Ready',
      lastName: 'Now',
      mybtecAccess: true,
      password: 'A-good-password-1',
    });
    expect(response.statusCode).toBe(201);
    expect(await t.db.selectFrom('outbox').selectAll().execute()).toHaveLength(0);
    const login = await new Agent(t.app).api('POST', paths.api.session, {
      username: 'ready@test.example',
      password: 'A-good-password-1',
    });
    expect(login.statusCode).toBe(200);
  });

  it('answers invalid_input with fields for a bad username, a taken username, a short password and unknown fields', async () => {
    const bad = await api.api('POST', paths.api.adminAccounts, {
      username: 'not-an-email',
      firstName: 'A',
      lastName: 'B',
      mybtecAccess: true,
      password: 'short',
    });
    expect(bad.statusCode).toBe(400);
    const body = bad.json() as { error: { code: string; fields: Record<string, string> } };
    expect(body.error.code).toBe('invalid_input');
    expect(Object.keys(body.error.fields).sort()).toEqual(['password', 'username']);

    const taken = await api.api('POST', paths.api.adminAccounts, {
      username: teacher.username,
      firstName: 'A',
      lastName: 'B',
      mybtecAccess: true,
    });
    expect(
      (taken.json() as { error: { fields: Record<string, string> } }).error.fields.username,
    ).toBe('An account with this username already exists');

    const unknown = await api.api('POST', paths.api.adminAccounts, {
      username: 'x@test.example',
      firstName: 'A',
      lastName: 'B',
      mybtecAccess: 'yes',
      admin: true,
    });
    expect(unknown.statusCode).toBe(400);
    const fields = (unknown.json() as { error: { fields: Record<string, string> } }).error.fields;
    expect(fields).toHaveProperty('mybtecAccess');
    expect(fields).toHaveProperty('admin');
    expect(await auditRows('account.created')).toHaveLength(0);
  });

  it('ticks and unticks myBTEC access, with an audit row and an email to the person', async () => {
    const response = await api.api('PATCH', accountUrl(teacher.id), { mybtecAccess: false });
    expect(response.statusCode).toBe(200);
    expect((response.json() as { account: { mybtecAccess: boolean } }).account.mybtecAccess).toBe(
      false,
    );
    const row = await t.db
      .selectFrom('accounts')
      .select('mybtec_access')
      .where('id', '=', teacher.id)
      .executeTakeFirstOrThrow();
    expect(row.mybtec_access).toBe(0);
    const updated = await auditRows('account.updated');
    expect(JSON.parse(updated[0]?.details ?? '{}')).toEqual({
      before: { mybtecAccess: true },
      after: { mybtecAccess: false },
    });
    const mail = await t.db
      .selectFrom('outbox')
      .selectAll()
      .where('to_address', '=', teacher.username)
      .execute();
    expect(mail[0]?.subject).toBe('Your myBTEC access has been removed');
    // The person can no longer sign in to myBTEC.
    const login = await new Agent(t.app).api('POST', paths.api.session, {
      username: teacher.username,
      password: 'Correct-Horse-7',
    });
    expect((login.json() as { error: { code: string } }).error.code).toBe('no_mybtec_access');
  });

  it('answers not_found for an account or site of another centre, and changes nothing', async () => {
    const edit = await api.api('PATCH', accountUrl(stranger.id), { firstName: 'Hacked' });
    expect(edit.statusCode).toBe(404);
    expect((edit.json() as { error: { code: string } }).error.code).toBe('not_found');
    const qn = await api.api('PUT', siteQnUrl(otherCentre.siteIds[0] as string), {
      accountId: teacher.id,
    });
    expect(qn.statusCode).toBe(404);
    const row = await t.db
      .selectFrom('accounts')
      .select('first_name')
      .where('id', '=', stranger.id)
      .executeTakeFirstOrThrow();
    expect(row.first_name).toBe('Sam');
  });

  it('refuses to record someone of another centre as Quality Nominee', async () => {
    const response = await api.api('PUT', siteQnUrl(centre.siteIds[0] as string), {
      accountId: stranger.id,
    });
    expect(response.statusCode).toBe(400);
    expect(
      (response.json() as { error: { fields: Record<string, string> } }).error.fields,
    ).toHaveProperty('accountId');
  });

  it('lists the sites and records the Quality Nominee of a site and of the whole centre', async () => {
    const siteId = centre.siteIds[1] as string;
    const put = await api.api('PUT', siteQnUrl(siteId), { accountId: teacher.id });
    expect(put.statusCode).toBe(200);
    const list = await api.get(paths.api.adminSites);
    const sites = (list.json() as { sites: { id: string; qualityNomineeId: string | null }[] })
      .sites;
    expect(sites).toHaveLength(2);
    expect(sites.find((s) => s.id === siteId)?.qualityNomineeId).toBe(teacher.id);
    expect(await auditRows('site.quality_nominee_set')).toHaveLength(1);
    expect(
      await t.db
        .selectFrom('outbox')
        .selectAll()
        .where('to_address', '=', teacher.username)
        .execute(),
    ).toHaveLength(1);

    const centreWide = await api.api('PUT', paths.api.adminCentreQualityNominee, {
      accountId: teacher.id,
    });
    expect(centreWide.statusCode).toBe(200);
    const centreRow = await t.db
      .selectFrom('centres')
      .select('quality_nominee_id')
      .where('id', '=', centre.id)
      .executeTakeFirstOrThrow();
    expect(centreRow.quality_nominee_id).toBe(teacher.id);
    expect(await auditRows('centre.quality_nominee_set')).toHaveLength(1);
  });

  it('refuses a state-changing call without the x-csrf-token header', async () => {
    const response = await api.api(
      'PATCH',
      accountUrl(teacher.id),
      { firstName: 'Changed' },
      { csrf: false },
    );
    expect(response.statusCode).toBe(403);
    expect((response.json() as { error: { code: string } }).error.code).toBe('csrf');
    const row = await t.db
      .selectFrom('accounts')
      .select('first_name')
      .where('id', '=', teacher.id)
      .executeTakeFirstOrThrow();
    expect(row.first_name).toBe('Tom');
  });

  it('refuses people who are not Examinations Officers, and signed-out callers', async () => {
    const asTeacher = await signedIn(t.app, teacher.username);
    const refused = await asTeacher.api('POST', paths.api.adminAccounts, {
      username: 'x@test.example',
      firstName: 'A',
      lastName: 'B',
      mybtecAccess: true,
    });
    expect(refused.statusCode).toBe(403);
    expect((refused.json() as { error: { code: string } }).error.code).toBe('forbidden');
    const signedOut = await new Agent(t.app).get(paths.api.adminSites);
    expect(signedOut.statusCode).toBe(401);
    expect((signedOut.json() as { error: { code: string } }).error.code).toBe('unauthenticated');
  });

  it('lets an Examinations Officer without myBTEC access administer, but not use myBTEC', async () => {
    expect((await api.get(paths.api.adminAccounts)).statusCode).toBe(200);
    const home = await api.get(paths.home);
    expect(home.statusCode).toBe(403);
    expect(home.body).toContain('Contact your Examinations Officer');
  });

  it('will not let an Examinations Officer remove their own Examinations Officer role', async () => {
    const response = await api.api('PATCH', accountUrl(eo.id), { examsOfficer: false });
    expect(response.statusCode).toBe(400);
  });
});
