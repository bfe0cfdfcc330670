// Proves the browser harness on two static pages before the app's journeys rely on it: one that
// should pass, and one with known serious violations that the check must report.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkAccessibility,
  expectNoSeriousViolations,
  launchBrowser,
  PageObject,
  type LaunchedBrowser,
} from './support/browser.js';

const layout = (title: string, body: string): string => `<!DOCTYPE html>
<html lang="en-GB">
  <head><meta charset="utf-8"><title>${title}</title></head>
  <body><main>${body}</main></body>
</html>`;

const pages: Record<string, string> = {
  '/': layout(
    'Harness check',
    `<h1>Harness check</h1>
     <p>A small page that meets WCAG 2.2 AA.</p>
     <a href="/inaccessible"><img src="/logo.svg" alt="myBTEC home"></a>`,
  ),
  '/inaccessible': layout(
    'Broken page',
    `<h1>Broken page</h1>
     <a href="/"><img src="/logo.svg"></a>`,
  ),
  '/two-headings': layout('Two headings', '<h1>One</h1><h1>Two</h1>'),
};

const logo =
  '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>';

let server: Server;
let baseUrl: string;
let browser: LaunchedBrowser;

beforeAll(async () => {
  server = createServer((request, response) => {
    // The same kind of policy as the app's: no inline scripts.
    response.setHeader('Content-Security-Policy', "default-src 'self'; script-src 'self'");
    if (request.url === '/logo.svg') {
      response.writeHead(200, { 'Content-Type': 'image/svg+xml' }).end(logo);
      return;
    }
    const html = pages[request.url ?? ''];
    if (html === undefined) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser({ baseURL: baseUrl });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe('browser harness', () => {
  it('checks the heading and finds no serious violations on an accessible page', async () => {
    const page = await browser.newPage();
    await page.goto('/');
    await new PageObject(page).expectHeading('Harness check');
    expect(await checkAccessibility(page)).toEqual([]);
    await page.close();
  });

  it('runs axe even though the Content-Security-Policy blocks inline scripts', async () => {
    const page = await browser.newPage();
    await page.goto('/');
    await page.addScriptTag({ content: 'window.inlineRan = true;' }).catch(() => undefined);
    expect(await page.evaluate(() => 'inlineRan' in globalThis)).toBe(false);
    expect(await checkAccessibility(page)).toEqual([]);
    await page.close();
  });

  it('reports an image link with no text as serious or critical violations', async () => {
    const page = await browser.newPage();
    await page.goto('/inaccessible');
    const violations = await checkAccessibility(page);
    expect(violations.map((violation) => violation.id).sort()).toEqual(['image-alt', 'link-name']);
    expect(violations.every((violation) => violation.targets.length > 0)).toBe(true);
    await expect(expectNoSeriousViolations(page)).rejects.toThrow(
      /image-alt[\s\S]*link-name|link-name[\s\S]*image-alt/,
    );
    await expect(new PageObject(page).expectHeading('Broken page')).rejects.toThrow(/link-name/);
    await page.close();
  });

  it('refuses a page with two <h1>s or a different heading', async () => {
    const page = await browser.newPage();
    await page.goto('/two-headings');
    await expect(new PageObject(page).expectHeading('One')).rejects.toThrow(
      /exactly one <h1>.*found 2/,
    );
    await page.goto('/');
    await expect(new PageObject(page).expectHeading('Something else')).rejects.toThrow(
      /found "Harness check"/,
    );
    await page.close();
  });
});
