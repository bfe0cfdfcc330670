// Journeys of SPEC §7 in a real browser against the real app: logging in, the terms on first use,
// the header of SPEC §8, logging out, and the lockout after three wrong passwords. Every page on
// the way is checked with axe (no serious or critical violation).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { paths } from '../src/paths.js';
import {
  buildAccount,
  buildCentre,
  PASSWORD,
  type BuiltAccount,
  type BuiltCentre,
} from '../test/support/factories.js';
import { HelpPage } from './pages/help.page.js';
import { HomePage } from './pages/home.page.js';
import { LoginPage } from './pages/login.page.js';
import { TermsPage } from './pages/terms.page.js';
import { launchBrowser, type LaunchedBrowser } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

let server: RunningServer;
let browser: LaunchedBrowser;
let centre: BuiltCentre;
let siteNumber: string;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser({ baseURL: server.baseUrl });
  centre = await buildCentre(server.db);
  const site = await server.db
    .selectFrom('sites')
    .select('number')
    .where('id', '=', centre.siteIds[0] as string)
    .executeTakeFirstOrThrow();
  siteNumber = site.number;
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A page of its own with no cookie left over from another test. */
async function freshPage(): Promise<Page> {
  await browser.context.clearCookies();
  return browser.newPage();
}

describe('signing in', () => {
  it('logs in, accepts the terms on first use, greets the person in the header, and logs out', async () => {
    const person: BuiltAccount = await buildAccount(server.db, centre, {
      first: 'Amira',
      last: 'Khan',
      termsAccepted: false,
    });
    const page = await freshPage();

    const login = await LoginPage.open(page);
    await login.submit(person.username, PASSWORD);

    // First use: the terms come before anything else, even when asked for another page.
    const terms = await TermsPage.arrived(page);
    await page.goto(paths.claimRoles);
    await TermsPage.arrived(page);
    await terms.accept();

    const home = await HomePage.arrived(page);
    expect(await home.greeting()).toBe(`Hello, Amira Khan (Site ${siteNumber})`);
    for (const link of ['Claim roles', 'User role approval', 'Help', 'Feedback']) {
      expect(await home.headerLink(link).count(), link).toBe(1);
    }
    for (const link of ['Home', 'Courses', 'Assignments', 'Links']) {
      expect(await home.navLink(link).count(), link).toBe(1);
    }

    await home.followHeaderLink('Help');
    const help = await HelpPage.arrived(page);
    expect(await help.greeting()).toBe(`Hello, Amira Khan (Site ${siteNumber})`);

    await help.logOut();
    await LoginPage.arrived(page);
    expect(await page.locator('header .app-header__hello').count()).toBe(0);

    // The session is gone: the home page asks to log in again.
    await page.goto(paths.home);
    await LoginPage.arrived(page);

    // Next time the terms are not asked again.
    const again = await LoginPage.open(page);
    await again.submit(person.username, PASSWORD);
    await HomePage.arrived(page);
    await page.close();
  });

  it('reads the same for a wrong username and a wrong password, and locks the account after three wrong passwords', async () => {
    const person = await buildAccount(server.db, centre, { first: 'Lee', last: 'Chan' });
    const page = await freshPage();

    const login = await LoginPage.open(page);
    await login.submit('nobody@test.example', PASSWORD);
    await LoginPage.arrived(page);
    const wrongUsername = await login.problem();

    await login.submit(person.username, 'correct-horse-7'); // case sensitive: wrong
    await LoginPage.arrived(page);
    expect(await login.problem()).toBe(wrongUsername);
    expect(wrongUsername).not.toMatch(/locked/);

    await login.submit(person.username, 'Wrong-Password-2');
    await LoginPage.arrived(page);
    await login.submit(person.username, 'Wrong-Password-3');
    await LoginPage.arrived(page);
    const locked = await login.problem();
    expect(locked).toContain('locked');
    expect(locked).toContain('You can try again after');

    // While locked, even the right password is refused, with the same message.
    await login.submit(person.username, PASSWORD);
    await LoginPage.arrived(page);
    expect(await login.problem()).toContain('You can try again after');
    expect(page.url()).toContain(paths.login);
    await page.close();
  });
});
