import type { Locator, Page } from 'playwright-core';
import { SignedInPage } from './layout.js';

/** A course's own page: details, units, leaders and team, what is missing, and its buttons. */
export class CoursePage extends SignedInPage {
  static async arrived(page: Page, title: string): Promise<CoursePage> {
    await page.waitForURL((url) => /^\/courses\/[^/]+$/.test(url.pathname));
    const screen = new CoursePage(page);
    await screen.expectHeading(title);
    return screen;
  }

  /** A button of the course (Edit, Confirm course, Manage team, ...), link or form alike. */
  button(name: string): Locator {
    return this.page.getByRole('main').getByRole('button', { name, exact: true });
  }

  async status(): Promise<string> {
    return (await this.page.locator('main .govuk-tag').first().innerText()).trim();
  }

  /** The "What is missing" list, item by item. */
  async missing(): Promise<string[]> {
    const items = await this.page.locator('#missing li').allInnerTexts();
    return items.map((item) => item.replace(/\s+/g, ' ').trim());
  }

  /** The error summary's items, when the page shows one. */
  async problems(): Promise<string[]> {
    const items = await this.page.locator('.govuk-error-summary li').allInnerTexts();
    return items.map((item) => item.replace(/\s+/g, ' ').trim());
  }

  async banner(): Promise<string> {
    return (await this.page.locator('.govuk-notification-banner').innerText())
      .replace(/\s+/g, ' ')
      .trim();
  }

  /** Presses a button and waits for the page that answers (the same address after a form). */
  async press(name: string): Promise<void> {
    await Promise.all([this.page.waitForEvent('framenavigated'), this.button(name).click()]);
    await this.page.waitForLoadState('load');
  }
}
