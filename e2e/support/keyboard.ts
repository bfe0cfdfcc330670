// Keyboard-only helpers: move the focus with Tab (as a person would) until it reaches an element.
import type { Locator, Page } from 'playwright-core';

/** Whether the element of `locator` has the focus now. Reads state only; presses nothing. */
export async function hasFocus(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element === element.ownerDocument.activeElement);
}

/**
 * Presses Tab (or Shift+Tab) until the element of `locator` has the focus, and fails if it is not
 * reached within `maxPresses`: a control the keyboard cannot reach is a failure, not a skip.
 */
export async function tabTo(
  page: Page,
  locator: Locator,
  options: { maxPresses?: number; backwards?: boolean } = {},
): Promise<void> {
  await locator.waitFor({ state: 'attached', timeout: 5000 });
  const key = options.backwards ? 'Shift+Tab' : 'Tab';
  const maxPresses = options.maxPresses ?? 80;
  for (let presses = 0; presses < maxPresses; presses += 1) {
    if (await hasFocus(locator)) return;
    await page.keyboard.press(key);
  }
  if (await hasFocus(locator)) return;
  const focused = await page.evaluate(() => {
    const { document } = globalThis as unknown as {
      document: {
        activeElement: { tagName: string; id: string; textContent: string | null } | null;
      };
    };
    const element = document.activeElement;
    if (!element) return 'nothing';
    return `${element.tagName.toLowerCase()}#${element.id} "${(element.textContent ?? '').trim().slice(0, 40)}"`;
  });
  throw new Error(
    `${key} did not reach ${String(locator)} in ${maxPresses} presses on ${page.url()} (focus is on ${focused})`,
  );
}
