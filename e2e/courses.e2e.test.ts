// The course journeys of SPEC §4 and §5 in a real browser against the real app: a Course Leader
// builds a course from a qualification (the running total of guided learning hours follows the
// units ticked), sees what is missing, fixes it and confirms it, and puts a Teacher on its team;
// the Teacher sees it read-only. Without JavaScript the same screens work, the total being worked
// out on saving. Every page on the way is checked with axe (no serious or critical violation).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  buildAccount,
  buildCentre,
  buildClaim,
  PASSWORD,
  type BuiltAccount,
  type BuiltCentre,
} from '../test/support/factories.js';
import { CoursePage } from './pages/course.page.js';
import {
  CourseCreateStartPage,
  CourseDetailsPage,
  CourseEditPage,
  CourseQualificationPage,
} from './pages/course-create.page.js';
import { CourseTeamPage } from './pages/course-team.page.js';
import { CoursesPage } from './pages/courses.page.js';
import { HomePage } from './pages/home.page.js';
import { LoginPage } from './pages/login.page.js';
import { launchBrowser, type LaunchedBrowser } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

const QUALIFICATION = 'BTEC Level 3 National Extended Certificate in Business';
const UNIT_3 = 'Unit 3: Personal and Business Finance';
const UNIT_4 = 'Unit 4: Managing an Event';
const COURSE = 'Business Extended Certificate 2026';

let server: RunningServer;
let browser: LaunchedBrowser;
let noScriptBrowser: LaunchedBrowser;
let centre: BuiltCentre;
let mainSite: string;
let leader: BuiltAccount;
let teacher: BuiltAccount;

beforeAll(async () => {
  server = await startServer();
  [browser, noScriptBrowser] = await Promise.all([
    launchBrowser({ baseURL: server.baseUrl }),
    launchBrowser({ baseURL: server.baseUrl, javaScriptEnabled: false }),
  ]);
  centre = await buildCentre(server.db);
  const site = await server.db
    .selectFrom('sites')
    .select(['number', 'name'])
    .where('id', '=', centre.siteIds[0] as string)
    .executeTakeFirstOrThrow();
  mainSite = `${site.number} ${site.name}`;
  const liv = await buildAccount(server.db, centre, { first: 'Lena', last: 'Ivers' });
  await buildClaim(server.db, {
    account: liv,
    subjectId: 'business',
    role: 'lead_internal_verifier',
  });
  leader = await buildAccount(server.db, centre, { first: 'Cora', last: 'Leader' });
  await buildClaim(server.db, { account: leader, subjectId: 'business', role: 'course_leader' });
  teacher = await buildAccount(server.db, centre, { first: 'Tess', last: 'Teacher' });
  await buildClaim(server.db, { account: teacher, subjectId: 'business', role: 'teacher' });
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

/** From the home page to the Course details form of a Business course at the main site. */
async function startBusinessCourse(page: Page): Promise<CourseDetailsPage> {
  const home = await HomePage.arrived(page);
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/courses'),
    home.navLink('Courses').click(),
  ]);
  const list = await CoursesPage.arrived(page);
  await list.createCourse();
  const start = await CourseCreateStartPage.arrived(page);
  await start.choose(mainSite, 'Business');
  const qualification = await CourseQualificationPage.arrived(page);
  await qualification.choose(QUALIFICATION);
  return CourseDetailsPage.arrived(page);
}

describe('building and confirming a course', () => {
  it('lets a Course Leader build a course, see what is missing, fix it and confirm it', async () => {
    const page = await freshPage();
    await logIn(page, leader);
    const form = await startBusinessCourse(page);

    // Mandatory units come chosen; the total follows the boxes as they are ticked.
    expect(await form.unit(UNIT_3).isChecked()).toBe(true);
    expect(await form.unit(UNIT_4).isChecked()).toBe(false);
    expect(await form.total()).toBe('300 of 360 guided learning hours chosen');
    await form.unit(UNIT_3).uncheck();
    await expect.poll(() => form.total()).toBe('180 of 360 guided learning hours chosen');
    await form.unit(UNIT_4).check();
    await expect.poll(() => form.total()).toBe('240 of 360 guided learning hours chosen');
    await form.expectAccessible();

    await form.title.fill(COURSE);
    await form.academicYear.fill('2026/27');
    await form.fillDate('Start date', 7, 9, 2026);
    await form.fillDate('End date', 16, 7, 2027);
    await form.save('Save as draft');

    let course = await CoursePage.arrived(page, COURSE);
    expect(await course.banner()).toContain('The course has been created as a draft.');
    expect(await course.status()).toBe('Draft');
    expect(await course.missing()).toEqual([
      'Unit 3: Personal and Business Finance is mandatory',
      '120 more guided learning hours are needed',
    ]);

    // Confirming now is refused, saying exactly what is missing.
    await course.press('Confirm course');
    expect(page.url()).toMatch(/\/confirm$/);
    const refused = new CoursePage(page);
    await refused.expectHeading(COURSE);
    expect(await refused.problems()).toEqual([
      'Unit 3: Personal and Business Finance is mandatory',
      '120 more guided learning hours are needed',
    ]);

    await refused.press('Edit');
    const edit = await CourseEditPage.arrived(page);
    await edit.unit(UNIT_3).check();
    await expect.poll(() => edit.total()).toBe('360 of 360 guided learning hours chosen');
    await edit.save('Save changes');

    course = await CoursePage.arrived(page, COURSE);
    expect(await course.missing()).toEqual([]);
    await course.press('Confirm course');
    course = await CoursePage.arrived(page, COURSE);
    expect(await course.banner()).toContain('The course has been confirmed.');
    expect(await course.status()).toBe('Confirmed');
    expect(await course.button('Confirm course').count()).toBe(0);
    expect(await course.button('Edit').count()).toBe(0);

    // The Course Leader puts a Teacher on the team.
    await course.press('Manage team');
    const team = await CourseTeamPage.arrived(page);
    await team.role('Tess Teacher').selectOption({ label: 'Teacher' });
    await team.save();
    course = await CoursePage.arrived(page, COURSE);
    expect(await course.banner()).toContain('The course team has been saved.');
    expect(
      await page.getByRole('table', { name: 'Course team' }).getByRole('row').allInnerTexts(),
    ).toContainEqual(expect.stringMatching(/Tess Teacher\s+Teacher/));
  });

  it('shows the Teacher on the team the course read-only', async () => {
    const page = await freshPage();
    await logIn(page, teacher);
    const list = await CoursesPage.open(page);
    expect(await list.createButton.count()).toBe(0);
    expect(await list.status(COURSE)).toBe('Confirmed');
    await list.openCourse(COURSE);
    const course = await CoursePage.arrived(page, COURSE);
    for (const name of [
      'Edit',
      'Confirm course',
      'Manage team',
      'Clone for next year',
      'Delete draft',
      'Archive',
    ]) {
      expect(await course.button(name).count(), name).toBe(0);
    }
    expect(await page.getByRole('main').innerText()).toContain(
      'You can see this course because you are on its team',
    );
  });

  it('works without JavaScript: the total is worked out on saving', async () => {
    const page = await freshPage(noScriptBrowser);
    await logIn(page, leader);
    const form = await startBusinessCourse(page);
    await form.unit(UNIT_4).check();
    expect(await form.total()).toBe('300 of 360 guided learning hours chosen'); // as drawn
    await form.title.fill('Business without script');
    await form.academicYear.fill('2026-27');
    await form.fillDate('Start date', 7, 9, 2026);
    await form.fillDate('End date', 16, 7, 2027);
    await Promise.all([
      page.waitForEvent('framenavigated'),
      page.getByRole('button', { name: 'Save as draft' }).click(),
    ]);
    const again = await CourseDetailsPage.arrived(page);
    expect(await page.locator('.govuk-error-summary').innerText()).toContain(
      'Enter the academic year like 2026/27',
    );
    expect(await again.total()).toBe('360 of 360 guided learning hours chosen');
    await again.academicYear.fill('2026/27');
    await again.save('Save as draft');
    const course = await CoursePage.arrived(page, 'Business without script');
    expect(await course.missing()).toEqual([]);
    expect(await course.button('Confirm course').count()).toBe(1);
  });
});
