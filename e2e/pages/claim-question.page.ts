import type { Locator, Page } from 'playwright-core';
import { paths } from '../../src/paths.js';
import { SignedInPage } from './layout.js';

/**
 * The claim questions for one subject area: "Are you a ... for this subject?" with Yes/No.
 * Without JavaScript each answer is a page of its own; with JavaScript, Continue after a No asks
 * the next question in place, and Yes shows the guide's sentence and turns Continue into Submit
 * claim. Choosing a radio alone never moves on.
 */
export class ClaimQuestionPage extends SignedInPage {
  static async arrived(page: Page, subject: string): Promise<ClaimQuestionPage> {
    await page.waitForURL((url) => url.pathname === paths.claimQuestion);
    const question = new ClaimQuestionPage(page);
    await question.expectHeading(`Subject area: ${subject}`);
    return question;
  }

  get legend(): Locator {
    return this.page.locator('#claim-question legend');
  }

  /** The question as it is asked now. */
  async question(): Promise<string> {
    return (await this.legend.innerText()).replace(/\s+/g, ' ').trim();
  }

  /** The question's radio group, found by its accessible name (the legend). */
  group(question: string): Locator {
    return this.page.getByRole('group', { name: question, exact: true });
  }

  radio(answer: 'Yes' | 'No'): Locator {
    return this.page.locator('#claim-question').getByRole('radio', { name: answer, exact: true });
  }

  /** The guide's sentence, shown in place once Yes is chosen (JavaScript on). */
  get sentence(): Locator {
    return this.page.locator('#claim-sentence');
  }

  get continueButton(): Locator {
    return this.page.locator('#claim-continue');
  }

  /** Picks an answer with the mouse; it counts once Continue is pressed. */
  async answer(answer: 'Yes' | 'No'): Promise<void> {
    await this.radio(answer).click();
  }

  /** With JavaScript: presses Continue after a No, and the next question replaces this one in place. */
  async next(): Promise<void> {
    await this.continueButton.click();
  }

  /**
   * With JavaScript: waits until the question on the page is `question` (after a No it is replaced
   * in place, on the same page), then checks the page again with axe.
   */
  async expectQuestion(question: string): Promise<void> {
    await this.group(question).waitFor({ timeout: 5000 });
    const asked = await this.question();
    if (asked !== question)
      throw new Error(`Expected the question "${question}", found "${asked}"`);
    await this.expectAccessible();
  }

  /** Presses the form's button (Continue, or Submit claim) and waits for the next page. */
  async submit(): Promise<void> {
    await Promise.all([this.page.waitForEvent('framenavigated'), this.continueButton.click()]);
    await this.page.waitForLoadState('load');
  }
}
