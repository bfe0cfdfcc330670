// The role-claim journeys of SPEC §3 in a real browser against the real app: a new person claims a
// role through the questions (with JavaScript, without it, and with the keyboard alone); the LIV and
// the QN approve on the User role approval table with one Confirm; the claimant sees "Approved".
// Every page on the way is checked with axe (no serious or critical violation).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { paths } from '../src/paths.js';
import {
  buildAccount,
  buildCentre,
  buildClaim,
  buildPendingClaims,
  makeQualityNominee,
  PASSWORD,
  type BuiltAccount,
  type BuiltCentre,
} from '../test/support/factories.js';
import { ApprovalsPage } from './pages/approvals.page.js';
import { ClaimConfirmPage } from './pages/claim-confirm.page.js';
import { ClaimQuestionPage } from './pages/claim-question.page.js';
import { ClaimRolesPage } from './pages/claim-roles.page.js';
import { HomePage } from './pages/home.page.js';
import { LoginPage } from './pages/login.page.js';
import { launchBrowser, type LaunchedBrowser } from './support/browser.js';
import { hasFocus, tabTo } from './support/keyboard.js';
import { startServer, type RunningServer } from './support/server.js';

const LIV_QUESTION = 'Are you a Lead Internal Verifier for this subject?';
const CL_QUESTION = 'Are you a Course Leader for this subject?';
const IV_QUESTION = 'Are you an Internal Verifier for this subject?';
const IV_SENTENCE =
  'If approved as an Internal Verifier by your Lead Internal Verifier you will have the following ' +
  'permissions within this subject: IV, Assessor, Teacher.';
const LIV_SENTENCE =
  'If approved as a Lead Internal Verifier by your Quality Nominee you will have the following ' +
  'permissions within this subject: Lead Internal Verifier, Course Leader, IV, Assessor, Teacher.';

let server: RunningServer;
let browser: LaunchedBrowser;
let noScriptBrowser: LaunchedBrowser;
let centre: BuiltCentre;
let mainSite: string; // the site radio's name, e.g. "12345-3-0 Main site"
let liv: BuiltAccount;
let qn: BuiltAccount;

beforeAll(async () => {
  server = await startServer();
  [browser, noScriptBrowser] = await Promise.all([
    launchBrowser({ baseURL: server.baseUrl }),
    launchBrowser({ baseURL: server.baseUrl, javaScriptEnabled: false }),
  ]);
  centre = await buildCentre(server.db, { sites: 2 });
  const site = await server.db
    .selectFrom('sites')
    .select(['number', 'name'])
    .where('id', '=', centre.siteIds[0] as string)
    .executeTakeFirstOrThrow();
  mainSite = `${site.number} ${site.name}`;
  // The team around the claimants: Business has an approved LIV at the main site, whose QN is Quinn.
  liv = await buildAccount(server.db, centre, { first: 'Lena', last: 'Ivers' });
  await buildClaim(server.db, {
    account: liv,
    subjectId: 'business',
    role: 'lead_internal_verifier',
  });
  qn = await buildAccount(server.db, centre, { first: 'Quinn', last: 'Nominee' });
  await makeQualityNominee(server.db, qn, centre.siteIds[0]);
});

afterAll(async () => {
  await browser?.close();
  await noScriptBrowser?.close();
  await server?.close();
});

/** A page of its own in `on`, with no cookie left over from another test. */
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

/** With JavaScript, by mouse: from the home page, the questions for one subject, No to all but the last. */
async function claimWithScript(
  page: Page,
  subject: string,
  questions: string[],
  sentence: string,
): Promise<void> {
  const home = await HomePage.arrived(page);
  await home.followHeaderLink('Claim roles');
  const claimRoles = await ClaimRolesPage.arrived(page);
  await claimRoles.start(mainSite, [subject]);
  const question = await ClaimQuestionPage.arrived(page, subject);
  for (const [index, asked] of questions.entries()) {
    await question.expectQuestion(asked);
    const last = index === questions.length - 1;
    await question.answer(last ? 'Yes' : 'No');
    if (!last) await question.next();
  }
  await expect.poll(() => question.sentence.isVisible()).toBe(true);
  expect(await question.sentence.innerText()).toContain(sentence);
  await question.expectAccessible();
  await question.submit();
  await ClaimRolesPage.arrived(page);
}

describe('claiming a role', () => {
  it('asks the questions one at a time in place with JavaScript, shows the guide sentence, and lists the claim', async () => {
    const person = await buildAccount(server.db, centre, { first: 'Priya', last: 'Patel' });
    const page = await freshPage();
    const home = await logIn(page, person);
    await home.followHeaderLink('Claim roles');

    const claimRoles = await ClaimRolesPage.arrived(page);
    expect(await claimRoles.site(mainSite).isChecked()).toBe(true); // the home site comes first, chosen
    await claimRoles.start(mainSite, ['Business']);

    const question = await ClaimQuestionPage.arrived(page, 'Business');
    const questionUrl = page.url();
    // A mark on this document: it is still there only if the questions never leave the page.
    await page.evaluate(() => Object.assign(globalThis, { e2eSamePage: true }));

    await question.expectQuestion(LIV_QUESTION);
    expect(await question.sentence.isVisible()).toBe(false);
    await question.answer('No');
    expect(await question.question()).toBe(LIV_QUESTION); // choosing is not answering
    await question.next();
    await question.expectQuestion(CL_QUESTION);
    await question.answer('No');
    await question.next();
    await question.expectQuestion(IV_QUESTION);
    await question.answer('Yes');

    await expect.poll(() => question.sentence.isVisible()).toBe(true);
    const sentence = (await question.sentence.innerText()).replace(/\s+/g, ' ').trim();
    expect(sentence).toContain(IV_SENTENCE);
    expect(sentence).toContain('Lena Ivers');
    expect((await question.continueButton.innerText()).trim()).toBe('Submit claim');
    expect(page.url()).toBe(questionUrl);
    expect(await page.evaluate(() => 'e2eSamePage' in globalThis)).toBe(true);
    await question.expectAccessible();

    await question.submit();
    const after = await ClaimRolesPage.arrived(page);
    expect(await after.banner()).toContain('Your role claim has been sent for approval');
    expect(await after.claimStatus('Business')).toBe('Awaiting approval');
    expect(await after.claimedRole('Business')).toBe('Internal Verifier');
    await page.close();
  });

  it('asks one question per page without JavaScript, then confirms the claim on a page of its own', async () => {
    const person = await buildAccount(server.db, centre, { first: 'Tom', last: 'Reyes' });
    const page = await freshPage(noScriptBrowser);
    const home = await logIn(page, person);
    await home.followHeaderLink('Claim roles');

    const claimRoles = await ClaimRolesPage.arrived(page);
    await claimRoles.start(mainSite, ['Business']);

    for (const asked of [LIV_QUESTION, CL_QUESTION]) {
      const question = await ClaimQuestionPage.arrived(page, 'Business');
      expect(await question.question()).toBe(asked);
      expect(await question.sentence.isVisible()).toBe(false);
      expect((await question.continueButton.innerText()).trim()).toBe('Continue');
      const before = page.url();
      await question.answer('No');
      expect(await question.radio('No').isChecked()).toBe(true); // nothing changes it in place
      await question.submit();
      expect(page.url()).not.toBe(before); // a new page for the next question
    }
    const last = await ClaimQuestionPage.arrived(page, 'Business');
    expect(await last.question()).toBe(IV_QUESTION);
    await last.answer('Yes');
    await last.submit();

    const confirm = await ClaimConfirmPage.arrived(page, 'Business');
    expect((await confirm.sentence.innerText()).trim()).toBe(IV_SENTENCE);
    expect(
      await page
        .getByText('Your claim will be sent to Lena Ivers, your Lead Internal Verifier')
        .count(),
    ).toBe(1);
    await confirm.submit();

    const after = await ClaimRolesPage.arrived(page);
    expect(await after.claimStatus('Business')).toBe('Awaiting approval');
    expect(await after.claimedRole('Business')).toBe('Internal Verifier');
    await page.close();
  });

  it('can be done with the keyboard alone: Tab, Space, the arrow keys and Enter', async () => {
    const person = await buildAccount(server.db, centre, { first: 'Kai', last: 'Morgan' });
    const page = await freshPage();
    const login = await LoginPage.open(page);
    await tabTo(page, login.username);
    await page.keyboard.type(person.username);
    await tabTo(page, login.password);
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    const home = await HomePage.arrived(page);

    await tabTo(page, home.headerLink('Claim roles'));
    await page.keyboard.press('Enter');
    const claimRoles = await ClaimRolesPage.arrived(page);

    // The site: Tab lands on the chosen radio; the arrow keys move between sites.
    await tabTo(page, claimRoles.site(mainSite));
    await page.keyboard.press('ArrowDown');
    expect(await claimRoles.site(mainSite).isChecked()).toBe(false);
    await page.keyboard.press('ArrowUp');
    expect(await hasFocus(claimRoles.site(mainSite))).toBe(true);
    expect(await claimRoles.site(mainSite).isChecked()).toBe(true);

    await tabTo(page, claimRoles.subject('Business'));
    await page.keyboard.press('Space');
    expect(await claimRoles.subject('Business').isChecked()).toBe(true);
    await tabTo(page, claimRoles.continueButton);
    await page.keyboard.press('Enter');

    const question = await ClaimQuestionPage.arrived(page, 'Business');
    await question.expectQuestion(LIV_QUESTION);
    await tabTo(page, question.radio('Yes'));
    await page.keyboard.press('ArrowRight'); // No
    expect(await question.radio('No').isChecked()).toBe(true);
    await page.keyboard.press('ArrowLeft'); // Yes: an arrow key moves the choice, not the question
    await page.keyboard.press('ArrowRight'); // No again
    expect(await question.question()).toBe(LIV_QUESTION);
    await tabTo(page, question.continueButton);
    await page.keyboard.press('Enter');
    await question.expectQuestion(CL_QUESTION);
    // The new question takes the focus, so the keyboard user carries on where they are.
    expect(await hasFocus(question.radio('Yes'))).toBe(true);
    await page.keyboard.press('ArrowRight'); // No
    await page.keyboard.press('Enter'); // Enter on a radio presses Continue
    await question.expectQuestion(IV_QUESTION);
    expect(await hasFocus(question.radio('Yes'))).toBe(true);
    await page.keyboard.press('Space'); // Yes
    await expect.poll(() => question.sentence.isVisible()).toBe(true);
    expect(await question.sentence.innerText()).toContain(IV_SENTENCE);
    await question.expectAccessible();

    await tabTo(page, question.continueButton);
    expect((await question.continueButton.innerText()).trim()).toBe('Submit claim');
    await page.keyboard.press('Enter');
    const after = await ClaimRolesPage.arrived(page);
    expect(await after.claimStatus('Business')).toBe('Awaiting approval');
    expect(await after.claimedRole('Business')).toBe('Internal Verifier');
    await page.close();
  });
});

describe('approving role claims', () => {
  it('the LIV and the QN each approve on the table with one Confirm, and the claimants see "Approved"', async () => {
    const member = await buildAccount(server.db, centre, { first: 'Dev', last: 'Sharma' });
    const lead = await buildAccount(server.db, centre, { first: 'Nia', last: 'Brooks' });
    const page = await freshPage();

    // Dev claims Internal Verifier in Business (for Lena, the LIV); Nia claims LIV in Sport (for Quinn, the QN).
    await logIn(page, member);
    await claimWithScript(page, 'Business', [LIV_QUESTION, CL_QUESTION, IV_QUESTION], IV_SENTENCE);
    await logOut(page);
    await logIn(page, lead);
    await claimWithScript(page, 'Sport', [LIV_QUESTION], LIV_SENTENCE);
    await logOut(page);

    // The LIV: the table without the LIV column; Yes on Dev's row; one Confirm.
    const livHome = await logIn(page, liv);
    await livHome.followHeaderLink('User role approval');
    const livTable = await ApprovalsPage.arrived(page);
    expect(await livTable.columns()).toEqual([
      'Name',
      'Subject',
      'Site',
      'CL',
      'IV',
      'Assessor',
      'Teacher',
      'Status',
      'Approve role?',
    ]);
    expect(await livTable.row('Nia Brooks', 'Sport').count()).toBe(0); // not the LIV's to decide
    expect(await livTable.status('Dev Sharma', 'Business')).toBe('Awaiting approval');
    expect(await livTable.tickedRole('Dev Sharma', 'Business')).toBe('Claimed Internal Verifier');
    await livTable.decide('Dev Sharma', 'Business', 'Yes');
    await livTable.confirm();
    expect(await livTable.bannerText()).toMatch(
      /^Success Approved: Dev Sharma, Internal Verifier in Business/,
    );
    expect(await livTable.row('Dev Sharma', 'Business').count()).toBe(0);
    expect(await livTable.status('Dev Sharma', 'Business', 'decided')).toBe('Approved'); // decided claims stay listed
    await logOut(page);

    // The QN: the table with the LIV column; Yes on Nia's row; one Confirm.
    const qnHome = await logIn(page, qn);
    await qnHome.followHeaderLink('User role approval');
    const qnTable = await ApprovalsPage.arrived(page);
    expect(await qnTable.columns()).toContain('LIV');
    expect(await qnTable.status('Nia Brooks', 'Sport')).toBe('Awaiting approval');
    expect(await qnTable.tickedRole('Nia Brooks', 'Sport')).toBe('Claimed Lead Internal Verifier');
    await qnTable.decide('Nia Brooks', 'Sport', 'Yes');
    await qnTable.confirm();
    expect(await qnTable.bannerText()).toMatch(
      /^Success Approved: Nia Brooks, Lead Internal Verifier in Sport/,
    );
    expect(await qnTable.row('Nia Brooks', 'Sport').count()).toBe(0);
    expect(await qnTable.status('Nia Brooks', 'Sport', 'decided')).toBe('Approved');
    expect(await qnTable.status('Dev Sharma', 'Business', 'decided')).toBe('Approved'); // the LIV's decision, at the QN's site
    await logOut(page);

    // Each claimant sees the new status on Claim roles.
    for (const [person, subject] of [
      [member, 'Business'],
      [lead, 'Sport'],
    ] as const) {
      const home = await logIn(page, person);
      await home.followHeaderLink('Claim roles');
      const claimRoles = await ClaimRolesPage.arrived(page);
      expect(await claimRoles.claimStatus(subject)).toBe('Approved');
      await logOut(page);
    }
    expect(page.url()).toContain(paths.login);
    await page.close();
  });
});

describe('a long list of claims awaiting approval', () => {
  it('shows 50 rows a page with the GOV.UK pagination, and Confirm on page 2 comes back to page 2', async () => {
    // A centre of its own, so that its 53 claims are on no other test's table.
    const busy = await buildCentre(server.db);
    const lead = await buildAccount(server.db, busy, { first: 'Bea', last: 'Busy' });
    await buildClaim(server.db, {
      account: lead,
      subjectId: 'business',
      role: 'lead_internal_verifier',
    });
    await buildPendingClaims(server.db, busy, {
      count: 53,
      subjectId: 'business',
      role: 'teacher',
    });
    const page = await freshPage();
    await logIn(page, lead);

    const first = await ApprovalsPage.open(page); // axe runs on arrival, as on every page
    expect(await first.claimants()).toHaveLength(50);
    expect(await first.showing()).toBe('Showing 1 to 50 of 53 role claims awaiting your approval');
    expect(await first.pagination.getByRole('link', { name: 'Previous page' }).count()).toBe(0);

    const second = await first.goTo('Next page');
    expect(new URL(page.url()).search).toBe('?page=2');
    expect(await second.showing()).toBe(
      'Showing 51 to 53 of 53 role claims awaiting your approval',
    );
    const [oldest, ...others] = await second.claimants();
    expect(others).toHaveLength(2);
    await second.decide(oldest as string, 'Business', 'Yes');
    await second.confirm();
    expect(new URL(page.url()).search).toBe('?page=2');
    expect(await second.bannerText()).toMatch(
      new RegExp(`^Success Approved: ${oldest as string}, Teacher in Business`),
    );
    expect(await second.claimants()).toEqual(others);
    await second.expectAccessible();

    const back = await second.goTo('Page 1');
    expect(await back.claimants()).toHaveLength(50);
    await page.close();
  });
});
