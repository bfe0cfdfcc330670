import type { Locator, Page } from 'playwright-core';
import { paths } from '../../src/paths.js';
import { SignedInPage } from './layout.js';

/** Screen "Courses": the courses I can see, a filter, and Create a course when I may. */
export class CoursesPage extends SignedInPage {
  static readonly heading = 'Courses';

  static async open(page: Page): Promise<CoursesPage> {
    await page.goto(paths.courses);
    return CoursesPage.arrived(page);
  }

  static async arrived(page: Page): Promise<CoursesPage> {
    await page.waitForURL((url) => url.pathname === paths.courses);
    const screen = new CoursesPage(page);
    await screen.expectHeading(CoursesPage.heading);
    return screen;
  }

  get createButton(): Locator {
    return this.page.getByRole('button', { name: 'Create a course' });
  }

  async createCourse(): Promise<void> {
    await Promise.all([
      this.page.waitForURL((url) => url.pathname === paths.coursePages.create),
      this.createButton.click(),
    ]);
  }

  /** The link to a course in the table, by its title. */
  courseLink(title: string): Locator {
    return this.page.getByRole('table').getByRole('link', { name: title, exact: true });
  }

  async openCourse(title: string): Promise<void> {
    await Promise.all([
      this.page.waitForURL((url) => /^\/courses\/[^/]+$/.test(url.pathname)),
      this.courseLink(title).click(),
    ]);
  }

  /** The status tag in a course's row. */
  async status(title: string): Promise<string> {
    const row = this.page
      .getByRole('row')
      .filter({ has: this.page.getByRole('link', { name: title, exact: true }) });
    return (await row.locator('.govuk-tag').innerText()).trim();
  }
}
