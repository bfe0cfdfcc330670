import type { Locator, Page } from 'playwright-core';
import { SignedInPage } from './layout.js';

/** Manage team: Course Leaders (LIV or QN only) and each person's role on the course. */
export class CourseTeamPage extends SignedInPage {
  static readonly heading = 'Manage team';

  static async arrived(page: Page): Promise<CourseTeamPage> {
    await page.waitForURL((url) => /^\/courses\/[^/]+\/team$/.test(url.pathname));
    const screen = new CourseTeamPage(page);
    await screen.expectHeading(CourseTeamPage.heading);
    return screen;
  }

  /** A person's "role on the course" select, by their name. */
  role(name: string): Locator {
    return this.page.getByLabel(name, { exact: true });
  }

  async save(): Promise<void> {
    await Promise.all([
      this.page.waitForURL((url) => /^\/courses\/[^/]+$/.test(url.pathname)),
      this.page.getByRole('button', { name: 'Save team', exact: true }).click(),
    ]);
  }
}
