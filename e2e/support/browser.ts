// Browser harness for the journeys: Debian's Chromium driven by playwright-core, and axe-core.
// playwright-core never downloads a browser; if Chromium is missing we say how to install it.
import { accessSync, constants, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AxeResults, RunOptions } from 'axe-core';
import {
  chromium,
  type BrowserContext,
  type BrowserContextOptions,
  type CDPSession,
  type Page,
} from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface LaunchedBrowser {
  readonly context: BrowserContext;
  newPage(): Promise<Page>;
  /** Closes Chromium and deletes its user-data directory. */
  close(): Promise<void>;
}

/**
 * Starts Chromium with a fresh, throwaway profile, so no cookie, cache or service worker leaks
 * from one run (or one test file) into the next.
 */
export async function launchBrowser(options: BrowserContextOptions = {}): Promise<LaunchedBrowser> {
  try {
    accessSync(chromiumPath, constants.X_OK);
  } catch {
    throw new Error(
      `No Chromium at ${chromiumPath}. Install Debian's package (apt-get install -y chromium) ` +
        'or set CHROMIUM_PATH. Do not run `npx playwright install`.',
    );
  }
  const userDataDir = await mkdtemp(join(tmpdir(), 'mybtec-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: chromiumArgs,
      locale: 'en-GB',
      timezoneId: 'Europe/London',
      ...options,
    });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
  if (options.javaScriptEnabled === false) scriptlessContexts.add(context);
  return {
    context,
    newPage: () => context.newPage(),
    async close() {
      try {
        await context.close();
      } finally {
        await rm(userDataDir, { recursive: true, force: true });
      }
    },
  };
}

// --- Pages without JavaScript -------------------------------------------------------------------

/** Contexts launched with `javaScriptEnabled: false`. */
const scriptlessContexts = new WeakSet<BrowserContext>();
/** One DevTools session per such page, kept open: closing it would switch scripts back on. */
const scriptSwitches = new WeakMap<Page, CDPSession>();

/**
 * Runs `action` with script execution switched on for a moment in a page of a context launched
 * with `javaScriptEnabled: false`, then off again; elsewhere it just runs `action`. axe needs this:
 * it waits on timers, and timers never fire while scripts are off. The page's own scripts stay
 * unrun (those skipped while it loaded are not run later, and its CSP allows no inline handlers),
 * so what axe sees is the page as a person without JavaScript gets it.
 */
export async function withScriptsRunning<T>(page: Page, action: () => Promise<T>): Promise<T> {
  if (!scriptlessContexts.has(page.context())) return action();
  let session = scriptSwitches.get(page);
  if (!session) {
    session = await page.context().newCDPSession(page);
    // A new session believes scripts are on; tell it they are off, so that "on" below takes effect.
    await session.send('Emulation.setScriptExecutionDisabled', { value: true });
    scriptSwitches.set(page, session);
  }
  await session.send('Emulation.setScriptExecutionDisabled', { value: false });
  try {
    return await action();
  } finally {
    await session.send('Emulation.setScriptExecutionDisabled', { value: true });
  }
}

// --- Accessibility ------------------------------------------------------------------------------

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

const axeOptions: RunOptions = {
  runOnly: {
    type: 'tag',
    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'],
  },
  resultTypes: ['violations'],
};

export interface AccessibilityViolation {
  id: string;
  impact: 'serious' | 'critical';
  help: string;
  helpUrl: string;
  targets: string[];
}

/**
 * Runs axe (WCAG 2.0, 2.1 and 2.2, levels A and AA) on the page as it is now and returns the
 * serious and critical violations.
 *
 * axe is evaluated through the DevTools protocol rather than added as a <script>: the app's
 * Content-Security-Policy blocks inline scripts, and it should stay switched on while we test.
 */
export async function checkAccessibility(page: Page): Promise<AccessibilityViolation[]> {
  return withScriptsRunning(page, () => runAxe(page));
}

async function runAxe(page: Page): Promise<AccessibilityViolation[]> {
  const loaded = await page.evaluate(() => 'axe' in globalThis);
  if (!loaded) await page.evaluate(axeSource);
  const violations = await page.evaluate(async (options) => {
    const { axe } = globalThis as unknown as {
      axe: { run(options: RunOptions): Promise<AxeResults> };
    };
    const results = await axe.run(options);
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      helpUrl: violation.helpUrl,
      targets: violation.nodes.map((node) => node.target.map(String).join(' ')),
    }));
  }, axeOptions);
  return violations.filter(
    (violation): violation is AccessibilityViolation =>
      violation.impact === 'serious' || violation.impact === 'critical',
  );
}

export async function expectNoSeriousViolations(page: Page): Promise<void> {
  const violations = await checkAccessibility(page);
  if (violations.length === 0) return;
  const lines = violations.map(
    (violation) =>
      `- ${violation.id} (${violation.impact}): ${violation.help}\n` +
      `    on: ${violation.targets.join(' | ')}\n` +
      `    see: ${violation.helpUrl}`,
  );
  throw new Error(
    `${violations.length} serious or critical accessibility violation(s) on ${page.url()}:\n` +
      lines.join('\n'),
  );
}

// --- Page objects -------------------------------------------------------------------------------

/** Base for the journeys' page objects: every page has one <h1> and passes axe. */
export class PageObject {
  constructor(readonly page: Page) {}

  /** Checks the page's single <h1> (whitespace-normalised) and runs the accessibility check. */
  async expectHeading(expected: string | RegExp): Promise<void> {
    const headings = this.page.locator('h1');
    await headings
      .first()
      .waitFor({ state: 'attached', timeout: 5000 })
      .catch(() => undefined);
    const count = await headings.count();
    if (count !== 1) {
      throw new Error(`Expected exactly one <h1> on ${this.page.url()}, found ${count}`);
    }
    const actual = (await headings.innerText()).replace(/\s+/g, ' ').trim();
    const matches = typeof expected === 'string' ? actual === expected : expected.test(actual);
    if (!matches) {
      throw new Error(
        `Expected the <h1> on ${this.page.url()} to be ${String(expected)}, found "${actual}"`,
      );
    }
    await expectNoSeriousViolations(this.page);
  }
}
