import type { Page } from 'playwright-core';
import { paths } from '../../src/paths.js';
import { SignedInPage } from './layout.js';

export class HomePage extends SignedInPage {
  static readonly heading = 'Welcome to myBTEC';

  static async arrived(page: Page): Promise<HomePage> {
    await page.waitForURL((url) => url.pathname === paths.home);
    const home = new HomePage(page);
    await home.expectHeading(HomePage.heading);
    return home;
  }
}
