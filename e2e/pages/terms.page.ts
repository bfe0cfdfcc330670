import type { Page } from 'playwright-core';
import { paths } from '../../src/paths.js';
import { SignedInPage } from './layout.js';

export class TermsPage extends SignedInPage {
  static readonly heading = 'Terms and conditions of use';

  static async arrived(page: Page): Promise<TermsPage> {
    await page.waitForURL((url) => url.pathname === paths.terms);
    const terms = new TermsPage(page);
    await terms.expectHeading(TermsPage.heading);
    return terms;
  }

  async accept(): Promise<void> {
    await this.page.getByLabel(/I have read and accept the terms and conditions/).check();
    await Promise.all([
      this.page.waitForURL((url) => url.pathname !== paths.terms),
      this.page.getByRole('button', { name: 'Accept and continue' }).click(),
    ]);
  }
}
