import type { Locator, Page } from 'playwright-core';
import { BriefBuilderPage } from './brief-builder.page.js';
import { SignedInPage } from './layout.js';

/** A brief's own page: its content, sending it, the verification form, its history. */
export class BriefPage extends SignedInPage {
  static async arrived(page: Page, title: string): Promise<BriefPage> {
    await page.waitForURL((url) => /^\/assignments\/[^/]+$/.test(url.pathname));
    const screen = new BriefPage(page);
    await screen.expectHeading(title);
    return screen;
  }

  async status(): Promise<string> {
    return (await this.page.locator('main .govuk-tag').first().innerText()).trim();
  }

  async banner(): Promise<string> {
    return (await this.page.locator('.govuk-notification-banner').innerText())
      .replace(/\s+/g, ' ')
      .trim();
  }

  button(name: string): Locator {
    return this.page.getByRole('main').getByRole('button', { name, exact: true });
  }

  async edit(): Promise<BriefBuilderPage> {
    await Promise.all([
      this.page.waitForURL((url) => url.pathname.endsWith('/edit')),
      this.button('Edit brief').click(),
    ]);
    return BriefBuilderPage.arrived(this.page, 'Edit assignment brief');
  }

  /** Chooses the Internal Verifier and sends the brief; back on this page. */
  async sendTo(name: string): Promise<void> {
    await this.page.getByLabel('Internal Verifier', { exact: true }).selectOption({ label: name });
    await Promise.all([
      this.page.waitForEvent('framenavigated'),
      this.button('Send to an Internal Verifier').click(),
    ]);
    await this.page.waitForLoadState('load');
  }

  /** The verification form's question, a group with Yes and No. */
  question(text: string): Locator {
    return this.page.getByRole('group', { name: text, exact: true });
  }

  async answer(question: string, answer: 'Yes' | 'No', comment?: string): Promise<void> {
    await this.question(question).getByRole('radio', { name: answer, exact: true }).check();
    if (comment !== undefined)
      await this.page.getByLabel(`Comment on “${question}” (optional)`).fill(comment);
  }

  /** Answers, decides and confirms the verification; back on this page. */
  async verify(options: {
    answers: Record<string, 'Yes' | 'No'>;
    comments?: Record<string, string>;
    decision: 'Approve' | 'Return';
    feedback?: string;
    actionRequired?: string;
  }): Promise<void> {
    for (const [question, answer] of Object.entries(options.answers))
      await this.answer(question, answer, options.comments?.[question]);
    await this.page
      .getByRole('group', { name: 'Your decision' })
      .getByRole('radio', { name: options.decision, exact: true })
      .check();
    if (options.feedback)
      await this.page.getByLabel('Feedback', { exact: true }).fill(options.feedback);
    if (options.actionRequired)
      await this.page.getByLabel('Action required (optional)').fill(options.actionRequired);
    await Promise.all([
      this.page.waitForEvent('framenavigated'),
      this.button('Confirm verification').click(),
    ]);
    await this.page.waitForLoadState('load');
  }

  get versions(): Locator {
    return this.page.getByRole('table', { name: 'Versions', exact: true });
  }

  /** The headings of the IV records, newest first. */
  async records(): Promise<string[]> {
    const headings = await this.page.locator('.app-iv-record h3').allInnerTexts();
    return headings.map((h) => h.replace(/\s+/g, ' ').trim());
  }
}

/** The print-ready page of a brief, with its IV record. */
export class BriefPrintPage extends SignedInPage {
  static async arrived(page: Page, title: string): Promise<BriefPrintPage> {
    await page.waitForURL((url) => url.pathname.endsWith('/print'));
    const screen = new BriefPrintPage(page);
    await screen.expectHeading(`Assignment brief: ${title}`);
    return screen;
  }
}
