import type { Page } from 'playwright-core';
import { paths } from '../../src/paths.js';
import { SignedInPage } from './layout.js';

export class HelpPage extends SignedInPage {
  static readonly heading = 'Help with myBTEC';

  static async arrived(page: Page): Promise<HelpPage> {
    await page.waitForURL((url) => url.pathname === paths.help);
    const help = new HelpPage(page);
    await help.expectHeading(HelpPage.heading);
    return help;
  }
}
