// What every signed-in page shares: the header of SPEC §8 ("Hello, First Last (Site N)", the
// account links and Log out) and the main navigation.
import type { Locator, Page } from 'playwright-core';
import { expectNoSeriousViolations, PageObject } from '../support/browser.js';

export class SignedInPage extends PageObject {
  constructor(page: Page) {
    super(page);
  }

  /** Runs axe again on the page as it is now (after something changed in place). */
  async expectAccessible(): Promise<void> {
    await expectNoSeriousViolations(this.page);
  }

  /** The greeting in the header, whitespace-normalised. */
  async greeting(): Promise<string> {
    const text = await this.page.locator('header .app-header__hello').innerText();
    return text.replace(/\s+/g, ' ').trim();
  }

  /** A link of the header's "Account" navigation (Claim roles, User role approval, Help, Feedback). */
  headerLink(name: string): Locator {
    return this.page
      .getByRole('navigation', { name: 'Account' })
      .getByRole('link', { name, exact: true });
  }

  /** A link of the main navigation (Home, Courses, Assignments, Links). */
  navLink(name: string): Locator {
    return this.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name, exact: true });
  }

  /** The header's Log out button (a form, so it works without JavaScript and carries the CSRF token). */
  logOutButton(): Locator {
    return this.page
      .getByRole('navigation', { name: 'Account' })
      .getByRole('button', { name: 'Log out' });
  }

  async logOut(): Promise<void> {
    await Promise.all([this.page.waitForURL(/\/login/), this.logOutButton().click()]);
  }

  /** Follows a header link by clicking it and waits for the new page. */
  async followHeaderLink(name: string): Promise<void> {
    const link = this.headerLink(name);
    const href = await link.getAttribute('href');
    await Promise.all([this.page.waitForURL((url) => url.pathname === href), link.click()]);
  }
}
