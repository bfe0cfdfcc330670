import type { Locator, Page } from 'playwright-core';
import { paths } from '../../src/paths.js';
import { SignedInPage } from './layout.js';

/** Screen "Claim roles": the profile, the site and subject areas to claim in, and my claims. */
export class ClaimRolesPage extends SignedInPage {
  static readonly heading = 'Claim roles';

  static async open(page: Page): Promise<ClaimRolesPage> {
    await page.goto(paths.claimRoles);
    return ClaimRolesPage.arrived(page);
  }

  static async arrived(page: Page): Promise<ClaimRolesPage> {
    await page.waitForURL((url) => url.pathname === paths.claimRoles);
    const screen = new ClaimRolesPage(page);
    await screen.expectHeading(ClaimRolesPage.heading);
    return screen;
  }

  /** A site radio, named like "12345 Main site". */
  site(name: string): Locator {
    return this.page.getByRole('group', { name: 'Site' }).getByRole('radio', { name, exact: true });
  }

  subject(name: string): Locator {
    return this.page
      .getByRole('group', { name: 'Subject area' })
      .getByRole('checkbox', { name, exact: true });
  }

  get continueButton(): Locator {
    return this.page.getByRole('button', { name: 'Continue' });
  }

  /** Picks the site and subject areas with the mouse and presses Continue. */
  async start(site: string, subjects: string[]): Promise<void> {
    await this.site(site).check();
    for (const subject of subjects) await this.subject(subject).check();
    await Promise.all([
      this.page.waitForURL((url) => url.pathname === paths.claimQuestion),
      this.continueButton.click(),
    ]);
  }

  /** The row of "Your role claims" for a subject area. */
  claimRow(subject: string): Locator {
    return this.page
      .getByRole('table', { name: 'Your role claims' })
      .getByRole('row')
      .filter({ has: this.page.getByRole('cell', { name: subject, exact: true }) });
  }

  /** The status tag of my claim in a subject area, e.g. "Awaiting approval" or "Approved". */
  async claimStatus(subject: string): Promise<string> {
    const row = this.claimRow(subject);
    if ((await row.count()) !== 1)
      throw new Error(`Expected one claim for ${subject}, found ${await row.count()}`);
    return (await row.locator('.govuk-tag').innerText()).trim();
  }

  async claimedRole(subject: string): Promise<string> {
    return (await this.claimRow(subject).getByRole('cell').nth(2).innerText()).trim();
  }

  async banner(): Promise<string> {
    return (await this.page.locator('.govuk-notification-banner').innerText())
      .replace(/\s+/g, ' ')
      .trim();
  }
}
