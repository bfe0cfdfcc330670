import type { Locator, Page } from 'playwright-core';
import { paths } from '../../src/paths.js';
import { SignedInPage } from './layout.js';

const pages = paths.coursePages;

/** Create a course, step 1: the site and subject area. */
export class CourseCreateStartPage extends SignedInPage {
  static readonly heading = 'Create a course';

  static async arrived(page: Page): Promise<CourseCreateStartPage> {
    await page.waitForURL((url) => url.pathname === pages.create);
    const screen = new CourseCreateStartPage(page);
    await screen.expectHeading(CourseCreateStartPage.heading);
    return screen;
  }

  /** Picks the site (a radio named like "12345 Main site") and subject area, and continues. */
  async choose(site: string, subject: string): Promise<void> {
    await this.page.getByRole('radio', { name: site, exact: true }).check();
    await this.page.getByLabel('Subject area', { exact: true }).selectOption({ label: subject });
    await Promise.all([
      this.page.waitForURL((url) => url.pathname === pages.createQualification),
      this.page.getByRole('button', { name: 'Continue' }).click(),
    ]);
  }
}

/** Create a course, step 2: the qualification of that subject. */
export class CourseQualificationPage extends SignedInPage {
  static readonly heading = 'Choose the qualification';

  static async arrived(page: Page): Promise<CourseQualificationPage> {
    await page.waitForURL((url) => url.pathname === pages.createQualification);
    const screen = new CourseQualificationPage(page);
    await screen.expectHeading(CourseQualificationPage.heading);
    return screen;
  }

  async choose(title: string): Promise<void> {
    await this.page.getByRole('radio', { name: title, exact: true }).check();
    await Promise.all([
      this.page.waitForURL((url) => url.pathname === pages.createDetails),
      this.page.getByRole('button', { name: 'Continue' }).click(),
    ]);
  }
}

/** What the course form (create and edit) holds: title, academic year, dates and units. */
export class CourseForm extends SignedInPage {
  get title(): Locator {
    return this.page.getByLabel('Course title', { exact: true });
  }

  get academicYear(): Locator {
    return this.page.getByLabel('Academic year', { exact: true });
  }

  /** The day, month and year boxes of the "Start date" or "End date" group. */
  async fillDate(legend: 'Start date' | 'End date', day: number, month: number, year: number) {
    const group = this.page.getByRole('group', { name: legend, exact: true });
    await group.getByLabel('Day', { exact: true }).fill(String(day));
    await group.getByLabel('Month', { exact: true }).fill(String(month));
    await group.getByLabel('Year', { exact: true }).fill(String(year));
  }

  /** A unit's checkbox, by its label ("Unit 4: Managing an Event"). */
  unit(label: string): Locator {
    return this.page
      .getByRole('group', { name: 'Units', exact: true })
      .getByRole('checkbox', { name: label, exact: true });
  }

  /** "N of M guided learning hours chosen". */
  async total(): Promise<string> {
    return (await this.page.locator('#glh-total').innerText()).trim();
  }

  async save(button: string): Promise<void> {
    await Promise.all([
      this.page.waitForURL((url) => /^\/courses\/[^/]+$/.test(url.pathname)),
      this.page.getByRole('button', { name: button, exact: true }).click(),
    ]);
  }
}

/** Create a course, step 3: the course details. */
export class CourseDetailsPage extends CourseForm {
  static readonly heading = 'Course details';

  static async arrived(page: Page): Promise<CourseDetailsPage> {
    await page.waitForURL((url) => url.pathname === pages.createDetails);
    const screen = new CourseDetailsPage(page);
    await screen.expectHeading(CourseDetailsPage.heading);
    return screen;
  }
}

/** Edit course (a draft only). */
export class CourseEditPage extends CourseForm {
  static readonly heading = 'Edit course';

  static async arrived(page: Page): Promise<CourseEditPage> {
    await page.waitForURL((url) => /^\/courses\/[^/]+\/edit$/.test(url.pathname));
    const screen = new CourseEditPage(page);
    await screen.expectHeading(CourseEditPage.heading);
    return screen;
  }
}
