// The assignment brief cycle of SPEC §6 in a real browser against the real app: an Assessor writes
// a brief for a unit of a course, sends it to an Internal Verifier, who returns it with feedback;
// the Assessor amends it (version 2) and sends it again; the IV approves it; the print page shows
// it with its IV record. Every page on the way is checked with axe (no serious or critical
// violation). The builder is also filled in without JavaScript, where all six task blocks show.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CHECKLIST } from '../src/domain/briefs.js';
import { newId } from '../src/lib/ids.js';
import {
  buildAccount,
  buildCentre,
  buildClaim,
  PASSWORD,
  type BuiltAccount,
  type BuiltCentre,
} from '../test/support/factories.js';
import { AssignmentsPage } from './pages/brief-list.page.js';
import { BriefBuilderPage } from './pages/brief-builder.page.js';
import { BriefPage, BriefPrintPage } from './pages/brief.page.js';
import { HomePage } from './pages/home.page.js';
import { LoginPage } from './pages/login.page.js';
import { launchBrowser, type LaunchedBrowser } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

const COURSE = 'Business Extended Certificate 2026';
const COURSE_OPTION = `${COURSE} (2026/27)`;
const UNIT_4 = 'Unit 4: Managing an Event';
const TITLE = 'Planning a charity business breakfast';
const QUESTIONS = CHECKLIST.map(([, question]) => question);
const allYes = Object.fromEntries(QUESTIONS.map((q) => [q, 'Yes' as const]));

let server: RunningServer;
let browser: LaunchedBrowser;
let noScriptBrowser: LaunchedBrowser;
let centre: BuiltCentre;
let assessor: BuiltAccount;
let iv: BuiltAccount;

/** A confirmed Business course with Units 1 to 4, led by a Course Leader of the subject. */
async function buildCourse(leader: BuiltAccount): Promise<string> {
  const id = newId();
  const now = new Date().toISOString();
  await server.db
    .insertInto('courses')
    .values({
      id,
      centre_id: centre.id,
      site_id: centre.siteIds[0] as string,
      subject_id: 'business',
      qualification_id: 'q-business-l3-ext-cert',
      title: COURSE,
      academic_year: '2026/27',
      start_date: '2026-09-07',
      end_date: '2027-07-16',
      status: 'confirmed',
      created_by_id: leader.id,
      created_at: now,
      updated_at: now,
      confirmed_at: now,
      cloned_from_id: null,
    })
    .execute();
  await server.db
    .insertInto('course_units')
    .values([1, 2, 3, 4].map((n) => ({ course_id: id, unit_id: `u-business-l3-ext-cert-${n}` })))
    .execute();
  await server.db
    .insertInto('course_team')
    .values({ course_id: id, account_id: leader.id, role: 'course_leader' })
    .execute();
  return id;
}

beforeAll(async () => {
  server = await startServer();
  [browser, noScriptBrowser] = await Promise.all([
    launchBrowser({ baseURL: server.baseUrl }),
    launchBrowser({ baseURL: server.baseUrl, javaScriptEnabled: false }),
  ]);
  centre = await buildCentre(server.db);
  const leader = await buildAccount(server.db, centre, { first: 'Cora', last: 'Leader' });
  await buildClaim(server.db, { account: leader, subjectId: 'business', role: 'course_leader' });
  assessor = await buildAccount(server.db, centre, { first: 'Asa', last: 'Assessor' });
  await buildClaim(server.db, { account: assessor, subjectId: 'business', role: 'assessor' });
  iv = await buildAccount(server.db, centre, { first: 'Ivy', last: 'Verifier' });
  await buildClaim(server.db, { account: iv, subjectId: 'business', role: 'internal_verifier' });
  await buildCourse(leader);
});

afterAll(async () => {
  await browser?.close();
  await noScriptBrowser?.close();
  await server?.close();
});

async function freshPage(on: LaunchedBrowser = browser): Promise<Page> {
  await on.context.clearCookies();
  return on.newPage();
}

async function logIn(page: Page, person: BuiltAccount): Promise<HomePage> {
  const login = await LoginPage.open(page);
  await login.submit(person.username, PASSWORD);
  return HomePage.arrived(page);
}

async function logOut(page: Page): Promise<void> {
  await new HomePage(page).logOut();
  await LoginPage.arrived(page);
}

/** From the home page to the Assignments page by the main navigation. */
async function assignments(page: Page): Promise<AssignmentsPage> {
  const home = new HomePage(page);
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/assignments'),
    home.navLink('Assignments').click(),
  ]);
  return AssignmentsPage.arrived(page);
}

describe('the assignment brief cycle', () => {
  it('runs write → send → return with feedback → amend → send again → approve, with axe on every page', async () => {
    // The Assessor writes the brief: course, unit, then the builder.
    const page = await freshPage();
    await logIn(page, assessor);
    const list = await assignments(page);
    const course = await list.create();
    const unit = await course.choose(COURSE_OPTION);
    const builder = await unit.choose(UNIT_4);

    // With JavaScript, one empty task shows; "Add another task" shows the next.
    expect(await builder.task(1).isVisible()).toBe(true);
    expect(await builder.task(2).isVisible()).toBe(false);
    await builder.title(TITLE);
    await builder.tickAims(['A', 'B']);
    await builder.tickCriteria(['A.P1', 'B.P2', 'AB.M1']);
    await builder.scenario(
      'You work for Northfield Events. The Chamber of Commerce wants a charity business breakfast.',
    );
    await builder.fillTask(1, {
      title: 'The role of an event organiser',
      description: 'Write a briefing note on the role and skills of an event organiser.',
      criteria: ['A.P1', 'AB.M1'],
    });
    await builder.addTaskButton.click();
    expect(await builder.task(2).isVisible()).toBe(true);
    await builder.expectAccessible();
    // Task 2 is left without its criteria: the page says so, by the field.
    await builder.fillTask(2, {
      title: 'Feasibility study',
      description: 'Carry out a feasibility study for the breakfast.',
      criteria: [],
    });
    await builder.evidence('A briefing note.\nA feasibility study report.');
    await builder.date('Issue date', '2026-10-05');
    await builder.date('Hand-in date', '2026-11-20');
    await builder.assessor('Asa Assessor');
    await builder.save();
    const fix = await BriefBuilderPage.arrived(page, 'Create an assignment brief');
    expect(await fix.problems()).toEqual([
      'No task addresses B.P2: every targeted criterion must be covered by a task',
      'Select the criteria task 2 addresses',
    ]);
    expect(await fix.followProblem('Select the criteria task 2 addresses')).toBe('task2Criteria');
    await fix.fillTask(2, {
      title: 'Feasibility study',
      description: 'Carry out a feasibility study for the breakfast.',
      criteria: ['B.P2', 'AB.M1'],
    });
    await fix.save();

    const draft = await BriefPage.arrived(page, TITLE);
    expect(await draft.banner()).toContain('The assignment brief has been saved as a draft');
    expect(await draft.status()).toBe('Draft');
    await draft.sendTo('Ivy Verifier');
    const sent = await BriefPage.arrived(page, TITLE);
    expect(await sent.status()).toBe('Awaiting verification');
    expect(await sent.banner()).toContain('The brief has been sent to Ivy Verifier to verify');
    expect(await sent.button('Edit brief').count()).toBe(0);
    await logOut(page);

    // The IV finds it awaiting their verification and returns it with feedback.
    await logIn(page, iv);
    const ivList = await assignments(page);
    const toVerify = await ivList.openBrief(TITLE, ivList.awaitingMe);
    await toVerify.verify({
      answers: { ...allYes, 'Are there clear deadlines for assessment?': 'No' },
      comments: { 'Are there clear deadlines for assessment?': 'Task 2 needs its own deadline.' },
      decision: 'Return',
      feedback: 'Please give task 2 a clearer deadline.',
      actionRequired: 'Add the deadline to task 2.',
    });
    const returned = await BriefPage.arrived(page, TITLE);
    expect(await returned.status()).toBe('Returned');
    expect(await returned.banner()).toContain('You have returned this brief to Asa Assessor');
    expect((await returned.records())[0]).toMatch(/^Version 1: returned by Ivy Verifier on /);
    await logOut(page);

    // The Assessor amends it (version 2) and sends it again.
    await logIn(page, assessor);
    const mine = await assignments(page);
    const back = await mine.openBrief(TITLE, mine.myDrafts);
    expect(await back.status()).toBe('Returned');
    expect(await page.getByRole('main').innerText()).toContain(
      'Please give task 2 a clearer deadline.',
    );
    const edit = await back.edit();
    expect(await page.locator('.govuk-warning-text').innerText()).toContain(
      'Saving your changes makes version 2',
    );
    await edit
      .task(2)
      .getByLabel('What learners must do in task 2')
      .fill('Carry out a feasibility study for the breakfast. Hand it in by 6 November 2026.');
    await edit.save();
    const amended = await BriefPage.arrived(page, TITLE);
    expect(await amended.status()).toBe('Draft');
    expect(await amended.banner()).toContain('Version 2 has been saved as a draft');
    await amended.sendTo('Ivy Verifier');
    expect(await (await BriefPage.arrived(page, TITLE)).status()).toBe('Awaiting verification');
    await logOut(page);

    // The IV approves version 2.
    await logIn(page, iv);
    const again = await assignments(page);
    const second = await again.openBrief(TITLE, again.awaitingMe);
    await second.verify({ answers: allYes, decision: 'Approve', feedback: 'Approved for use.' });
    const approved = await BriefPage.arrived(page, TITLE);
    expect(await approved.status()).toBe('Approved');
    expect(await approved.records()).toEqual([
      expect.stringMatching(/^Version 2: approved by Ivy Verifier on /),
      expect.stringMatching(/^Version 1: returned by Ivy Verifier on /),
    ]);
    expect(await approved.versions.getByRole('link').allInnerTexts()).toEqual([
      'Version 2',
      'Version 1',
    ]);

    // An earlier version stays viewable; the print page shows the brief with its IV record.
    await Promise.all([
      page.waitForURL((url) => url.pathname.endsWith('/versions/1')),
      approved.versions.getByRole('link', { name: 'Version 1', exact: true }).click(),
    ]);
    await new BriefPage(page).expectHeading(TITLE);
    await page.goBack();
    await BriefPage.arrived(page, TITLE);
    await Promise.all([
      page.waitForURL((url) => url.pathname.endsWith('/print')),
      page.getByRole('link', { name: 'Print version', exact: true }).click(),
    ]);
    await BriefPrintPage.arrived(page, TITLE);
    const printed = await page.getByRole('main').innerText();
    expect(printed).toContain('Assignment brief internal verification');
    expect(printed).toContain('Approved for use.');
    expect(await page.getByRole('button', { name: 'Print this page' }).isVisible()).toBe(true);
    await page.close();
  });

  it('shows every task block and works without JavaScript', async () => {
    const page = await freshPage(noScriptBrowser);
    await logIn(page, assessor);
    const list = await assignments(page);
    const builder = await (await (await list.create()).choose(COURSE_OPTION)).choose(UNIT_4);
    for (const n of [1, 2, 3, 4, 5, 6]) expect(await builder.task(n).isVisible()).toBe(true);
    expect(await builder.addTaskButton.isVisible()).toBe(false);
    await builder.title('A brief written without JavaScript');
    await builder.tickCriteria(['A.P1']);
    await builder.fillTask(3, { title: 'Only task', description: 'Explain.', criteria: ['A.P1'] });
    await builder.evidence('A note.');
    await builder.date('Issue date', '2026-10-05');
    await builder.date('Hand-in date', '2026-10-30');
    await builder.save();
    const brief = await BriefPage.arrived(page, 'A brief written without JavaScript');
    expect(await page.getByRole('main').innerText()).toContain('Task 1: Only task');
    await brief.expectAccessible();
    await page.close();
  });
});
