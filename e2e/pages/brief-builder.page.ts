import type { Locator, Page } from 'playwright-core';
import { SignedInPage } from './layout.js';

/** Create a brief, step 1: which course. */
export class BriefCoursePage extends SignedInPage {
  static readonly heading = 'Which course is this assignment for?';

  static async arrived(page: Page): Promise<BriefCoursePage> {
    const screen = new BriefCoursePage(page);
    await screen.expectHeading(BriefCoursePage.heading);
    return screen;
  }

  async choose(course: string): Promise<BriefUnitPage> {
    await this.page.getByLabel(BriefCoursePage.heading).selectOption({ label: course });
    await Promise.all([
      this.page.waitForURL((url) => url.searchParams.has('course')),
      this.page.getByRole('button', { name: 'Continue', exact: true }).click(),
    ]);
    return BriefUnitPage.arrived(this.page);
  }
}

/** Create a brief, step 2: which unit of the course. */
export class BriefUnitPage extends SignedInPage {
  static readonly heading = 'Which unit is this assignment for?';

  static async arrived(page: Page): Promise<BriefUnitPage> {
    const screen = new BriefUnitPage(page);
    await screen.expectHeading(BriefUnitPage.heading);
    return screen;
  }

  async choose(unit: string): Promise<BriefBuilderPage> {
    await this.page.getByRole('radio', { name: unit, exact: true }).check();
    await Promise.all([
      this.page.waitForURL((url) => url.searchParams.has('unit')),
      this.page.getByRole('button', { name: 'Continue', exact: true }).click(),
    ]);
    return BriefBuilderPage.arrived(this.page, 'Create an assignment brief');
  }
}

export interface TaskInput {
  title: string;
  description: string;
  criteria: string[];
}

/** The brief builder, for a new brief or an edit: every field of the brief on one form. */
export class BriefBuilderPage extends SignedInPage {
  static async arrived(
    page: Page,
    heading: 'Create an assignment brief' | 'Edit assignment brief',
  ): Promise<BriefBuilderPage> {
    const screen = new BriefBuilderPage(page);
    await screen.expectHeading(heading);
    return screen;
  }

  group(name: string): Locator {
    return this.page.getByRole('group', { name, exact: true });
  }

  /** The block of one task (a fieldset named "Task N"). */
  task(n: number): Locator {
    return this.group(`Task ${n}`);
  }

  async title(value: string): Promise<void> {
    await this.page.getByLabel('Assignment title', { exact: true }).fill(value);
  }

  async tickAims(codes: string[]): Promise<void> {
    for (const code of codes) {
      await this.group('Learning aim(s)')
        .getByRole('checkbox', { name: new RegExp(`^${code}:`) })
        .check();
    }
  }

  /** Ticks the targeted criteria, whose labels are the code and the criterion's text. */
  async tickCriteria(codes: string[]): Promise<void> {
    for (const code of codes) {
      await this.group('Assessment criteria targeted')
        .getByRole('checkbox', { name: new RegExp(`^${code.replace('.', '\\.')} `) })
        .check();
    }
  }

  async scenario(value: string): Promise<void> {
    await this.page.getByLabel('Vocational scenario or context', { exact: true }).fill(value);
  }

  async fillTask(n: number, task: TaskInput): Promise<void> {
    const block = this.task(n);
    await block.getByLabel(`Title of task ${n}`).fill(task.title);
    await block.getByLabel(`What learners must do in task ${n}`).fill(task.description);
    for (const code of task.criteria) {
      await block
        .getByRole('group', { name: `Criteria task ${n} addresses` })
        .getByRole('checkbox', { name: code, exact: true })
        .check();
    }
  }

  /** With JavaScript, the empty tasks after the first are hidden until asked for. */
  get addTaskButton(): Locator {
    return this.page.getByRole('button', { name: 'Add another task', exact: true });
  }

  async evidence(value: string): Promise<void> {
    await this.page.getByLabel('Checklist of evidence required', { exact: true }).fill(value);
  }

  /** A GOV.UK date input, by its legend: day, month and year. */
  async date(legend: 'Issue date' | 'Hand-in date', iso: string): Promise<void> {
    const [year = '', month = '', day = ''] = iso.split('-');
    const group = this.group(legend);
    await group.getByLabel('Day', { exact: true }).fill(String(Number(day)));
    await group.getByLabel('Month', { exact: true }).fill(String(Number(month)));
    await group.getByLabel('Year', { exact: true }).fill(year);
  }

  async assessor(name: string): Promise<void> {
    await this.page.getByLabel('Assessor (optional)').selectOption({ label: name });
  }

  /** Saves ("Save as draft" or "Save changes") and waits for the page that answers. */
  async save(): Promise<void> {
    await Promise.all([
      this.page.waitForEvent('framenavigated'),
      this.page.getByRole('button', { name: /^Save (as draft|changes)$/ }).click(),
    ]);
    await this.page.waitForLoadState('load');
  }

  /** The error summary's items, when the page shows one. */
  async problems(): Promise<string[]> {
    const items = await this.page.locator('.govuk-error-summary li').allInnerTexts();
    return items.map((item) => item.replace(/\s+/g, ' ').trim());
  }

  /** Follows an error summary link and says which element then has the focus. */
  async followProblem(text: string): Promise<string | null> {
    await this.page.locator('.govuk-error-summary').getByRole('link', { name: text }).click();
    return this.page.locator(':focus').getAttribute('id');
  }
}
