/*
 * The header, navigation and footer of every page link only where the person may go (SPEC §8; the
 * guard in src/http/guard.ts refuses the rest): each link they show answers 200.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { paths } from '../src/paths.js';
import { forEachDatabase } from './support/databases.js';
import { buildAccount, buildCentre, type BuiltCentre } from './support/factories.js';
import { Agent, signedIn, createTestApp, type TestApp } from './support/test-app.js';

/** The addresses linked from the header, the main navigation and the footer of a page. */
function layoutLinks(html: string): string[] {
  const parts = [
    /<header[\s\S]*?<\/header>/.exec(html)?.[0] ?? '',
    /<nav class="app-nav"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '',
    /<footer[\s\S]*?<\/footer>/.exec(html)?.[0] ?? '',
  ].join('');
  return [...new Set([...parts.matchAll(/href="(\/[^"]*)"/g)].map((m) => m[1] as string))].sort();
}

/** The links people see (the development mail page is for developers, and is followed too). */
const shown = (links: string[]) => links.filter((link) => link !== paths.devMail);

forEachDatabase('the links of the layout', (kind) => {
  let t: TestApp;
  let centre: BuiltCentre;

  beforeEach(async () => {
    t = await createTestApp(kind);
    centre = await buildCentre(t.db);
  });
  afterEach(() => t.close());

  /** Signs in, opens the page the person lands on, and follows every link of its layout. */
  async function linksOf(agent: Agent, landing: string): Promise<string[]> {
    const page = await agent.get(landing);
    expect(page.statusCode).toBe(200);
    const links = layoutLinks(page.body);
    for (const link of links) {
      const response = await agent.get(link);
      expect(response.statusCode, `${link} from ${landing}`).toBe(200);
    }
    return links;
  }

  it('shows an Examinations Officer without myBTEC access only Accounts, Help and the way home: no Feedback', async () => {
    const eo = await buildAccount(t.db, centre, { examsOfficer: true, mybtecAccess: false });
    const links = await linksOf(await signedIn(t.app, eo.username), paths.admin.accounts);
    expect(shown(links)).toEqual([paths.admin.accounts, paths.help].sort());
    expect(links).not.toContain(paths.feedback);
  });

  it('shows a person with myBTEC access the header and navigation of SPEC §8, each of which opens', async () => {
    const teacher = await buildAccount(t.db, centre);
    const links = await linksOf(await signedIn(t.app, teacher.username), paths.home);
    expect(links).toEqual(
      expect.arrayContaining([
        paths.home,
        paths.claimRoles,
        paths.approvals,
        paths.help,
        paths.feedback,
        paths.courses,
        paths.assignments,
        paths.links,
      ]),
    );
    expect(links).not.toContain(paths.admin.accounts);
  });

  it('shows an Examinations Officer with myBTEC access Accounts as well', async () => {
    const eo = await buildAccount(t.db, centre, { examsOfficer: true });
    const links = await linksOf(await signedIn(t.app, eo.username), paths.home);
    expect(links).toEqual(expect.arrayContaining([paths.admin.accounts, paths.feedback]));
  });

  it('shows a person who has not accepted the terms only the terms and Help', async () => {
    const person = await buildAccount(t.db, centre, { termsAccepted: false });
    const links = await linksOf(await signedIn(t.app, person.username), paths.terms);
    expect(shown(links)).toEqual([paths.help, paths.terms].sort());
  });

  it('shows a signed-out visitor only the log-in page and Help', async () => {
    const links = await linksOf(new Agent(t.app), paths.login);
    expect(shown(links)).toEqual([paths.help, paths.login].sort());
  });
});
