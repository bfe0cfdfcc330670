import type { Locator, Page } from 'playwright-core';
import { paths } from '../../src/paths.js';
import { SignedInPage } from './layout.js';

/** Screen "User role approval": the guide's table with Yes/No per row and one Confirm. */
export class ApprovalsPage extends SignedInPage {
  static readonly heading = 'User role approval';

  static async open(page: Page): Promise<ApprovalsPage> {
    await page.goto(paths.approvals);
    return ApprovalsPage.arrived(page);
  }

  static async arrived(page: Page): Promise<ApprovalsPage> {
    await page.waitForURL((url) => url.pathname === paths.approvals);
    const approvals = new ApprovalsPage(page);
    await approvals.expectHeading(ApprovalsPage.heading);
    return approvals;
  }

  /** The claims awaiting the viewer's decision, with "Approve role?" Yes/No per row. */
  get awaiting(): Locator {
    return this.page.getByRole('table', {
      name: 'Role claims awaiting your approval',
      exact: true,
    });
  }

  /** The claimants of the rows of the awaiting table, in order. */
  async claimants(): Promise<string[]> {
    const names = await this.awaiting.locator('tbody th[scope="row"]').allInnerTexts();
    return names.map((n) => n.trim());
  }

  /** "Showing 1 to 50 of 53 role claims awaiting your approval", when there is more than a page. */
  async showing(): Promise<string> {
    return (await this.page.getByText(/^Showing \d+ to \d+ of \d+/).innerText()).trim();
  }

  /** The GOV.UK pagination below the awaiting table. */
  get pagination(): Locator {
    return this.page.getByRole('navigation', { name: 'Pagination', exact: true });
  }

  /** Follows a pagination link ("Next page", "Previous page", "Page 2") to the page it names. */
  async goTo(link: string): Promise<ApprovalsPage> {
    await Promise.all([
      this.page.waitForEvent('framenavigated'),
      this.pagination.getByRole('link', { name: link, exact: true }).click(),
    ]);
    return ApprovalsPage.arrived(this.page);
  }

  /** The claims already decided, which stay listed with their status. */
  get decided(): Locator {
    return this.page.getByRole('table', { name: 'Decided role claims', exact: true });
  }

  /** The column headings of the awaiting table, as shown (the role columns are abbreviations). */
  async columns(): Promise<string[]> {
    const headers = await this.awaiting.locator('thead th').allInnerTexts();
    return headers.map((h) => h.replace(/\s+/g, ' ').trim());
  }

  /** The row of a claimant's claim in a subject area, in one table. */
  row(claimant: string, subject: string, table: 'awaiting' | 'decided' = 'awaiting'): Locator {
    return (table === 'awaiting' ? this.awaiting : this.decided)
      .getByRole('row')
      .filter({ has: this.page.getByRole('rowheader', { name: claimant, exact: true }) })
      .filter({ has: this.page.getByRole('cell', { name: subject, exact: true }) });
  }

  async status(
    claimant: string,
    subject: string,
    table: 'awaiting' | 'decided' = 'awaiting',
  ): Promise<string> {
    return (await this.row(claimant, subject, table).locator('.govuk-tag').innerText()).trim();
  }

  /** The hidden text of the cell that carries the tick of the claimed role, e.g. "Claimed Internal Verifier". */
  async tickedRole(claimant: string, subject: string): Promise<string> {
    return (
      await this.row(claimant, subject).locator('td .govuk-visually-hidden').first().innerText()
    ).trim();
  }

  /** Answers "Approve role?" for one row. */
  async decide(claimant: string, subject: string, answer: 'Yes' | 'No'): Promise<void> {
    await this.row(claimant, subject).getByRole('radio', { name: answer, exact: true }).check();
  }

  /** The one Confirm button, deciding every answered row. */
  async confirm(): Promise<void> {
    await Promise.all([
      this.page.waitForEvent('framenavigated'),
      this.page.getByRole('button', { name: 'Confirm', exact: true }).click(),
    ]);
    await ApprovalsPage.arrived(this.page);
  }

  get banner(): Locator {
    return this.page.locator('.govuk-notification-banner');
  }

  async bannerText(): Promise<string> {
    return (await this.banner.innerText()).replace(/\s+/g, ' ').trim();
  }
}
