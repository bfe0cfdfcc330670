import type { Locator, Page } from 'playwright-core';
import { paths } from '../../src/paths.js';
import { SignedInPage } from './layout.js';

/** Without JavaScript, a Yes leads here: the guide's sentence, who approves, and Submit claim. */
export class ClaimConfirmPage extends SignedInPage {
  static async arrived(page: Page, subject: string): Promise<ClaimConfirmPage> {
    await page.waitForURL((url) => url.pathname === paths.claimConfirm);
    const confirm = new ClaimConfirmPage(page);
    await confirm.expectHeading(`Subject area: ${subject}`);
    return confirm;
  }

  get sentence(): Locator {
    return this.page.locator('#claim-sentence');
  }

  async submit(): Promise<void> {
    await Promise.all([
      this.page.waitForURL((url) => url.pathname === paths.claimRoles),
      this.page.getByRole('button', { name: 'Submit claim' }).click(),
    ]);
  }
}
