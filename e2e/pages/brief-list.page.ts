import type { Locator, Page } from 'playwright-core';
import { paths } from '../../src/paths.js';
import { BriefCoursePage } from './brief-builder.page.js';
import { BriefPage } from './brief.page.js';
import { SignedInPage } from './layout.js';

/** Screen "Assignments": the briefs I can see by status, what awaits my verification, my drafts. */
export class AssignmentsPage extends SignedInPage {
  static readonly heading = 'Assignments';

  static async open(page: Page): Promise<AssignmentsPage> {
    await page.goto(paths.assignments);
    return AssignmentsPage.arrived(page);
  }

  static async arrived(page: Page): Promise<AssignmentsPage> {
    await page.waitForURL((url) => url.pathname === paths.assignments);
    const screen = new AssignmentsPage(page);
    await screen.expectHeading(AssignmentsPage.heading);
    return screen;
  }

  /** The table of briefs sent to me to verify. */
  get awaitingMe(): Locator {
    return this.page.getByRole('table', {
      name: 'Assignment briefs sent to you to verify',
      exact: true,
    });
  }

  /** The table of my draft and returned briefs. */
  get myDrafts(): Locator {
    return this.page.getByRole('table', {
      name: 'Your draft and returned assignment briefs',
      exact: true,
    });
  }

  async create(): Promise<BriefCoursePage> {
    await Promise.all([
      this.page.waitForURL((url) => url.pathname === paths.briefPages.create),
      this.page.getByRole('button', { name: 'Create an assignment brief', exact: true }).click(),
    ]);
    return BriefCoursePage.arrived(this.page);
  }

  /** Opens a brief from one of the tables by its title. */
  async openBrief(title: string, table: Locator = this.page.getByRole('main')): Promise<BriefPage> {
    await Promise.all([
      this.page.waitForEvent('framenavigated'),
      table.getByRole('link', { name: title, exact: true }).first().click(),
    ]);
    return BriefPage.arrived(this.page, title);
  }
}
