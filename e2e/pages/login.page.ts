import type { Locator, Page } from 'playwright-core';
import { paths } from '../../src/paths.js';
import { PageObject } from '../support/browser.js';

export class LoginPage extends PageObject {
  static readonly heading = 'Log in to myBTEC';

  constructor(page: Page) {
    super(page);
  }

  static async open(page: Page): Promise<LoginPage> {
    await page.goto(paths.login);
    return LoginPage.arrived(page);
  }

  /** Checks that the browser is on the login page (heading and accessibility). */
  static async arrived(page: Page): Promise<LoginPage> {
    const login = new LoginPage(page);
    await login.expectHeading(LoginPage.heading);
    return login;
  }

  get username(): Locator {
    return this.page.getByLabel('Username', { exact: true });
  }

  get password(): Locator {
    return this.page.getByLabel('Password', { exact: true });
  }

  /** Fills the form and presses Log in; waits for the next page to load, whatever it is. */
  async submit(username: string, password: string): Promise<void> {
    await this.username.fill(username);
    await this.password.fill(password);
    await Promise.all([
      this.page.waitForEvent('framenavigated'),
      this.page.getByRole('button', { name: 'Log in' }).click(),
    ]);
    await this.page.waitForLoadState('load');
  }

  /** The text of the error summary ("There is a problem ..."), normalised. */
  async problem(): Promise<string> {
    const text = await this.page.locator('.govuk-error-summary').innerText();
    return text.replace(/\s+/g, ' ').trim();
  }
}
