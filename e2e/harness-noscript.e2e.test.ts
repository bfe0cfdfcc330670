// Proves that the accessibility check also works in a browser with JavaScript disabled (axe needs
// timers, which never fire there) and that the check leaves the page's own scripts switched off.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkAccessibility,
  launchBrowser,
  PageObject,
  type LaunchedBrowser,
} from './support/browser.js';

const page = (title: string, body: string): string => `<!DOCTYPE html>
<html lang="en-GB">
  <head><meta charset="utf-8"><title>${title}</title></head>
  <body><main>${body}</main><script type="module" src="/app.mjs"></script></body>
</html>`;

const pages: Record<string, string> = {
  '/': page('No script', '<h1>No script</h1><p id="state">Served</p>'),
  '/inaccessible': page('Broken page', '<h1>Broken page</h1><a href="/"><img src="/logo.svg"></a>'),
};
const script = "document.getElementById('state').textContent = 'Script ran';";
const logo =
  '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>';

let server: Server;
let browser: LaunchedBrowser;

beforeAll(async () => {
  server = createServer((request, response) => {
    response.setHeader('Content-Security-Policy', "default-src 'self'; script-src 'self'");
    if (request.url === '/app.mjs')
      return void response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
    if (request.url === '/logo.svg')
      return void response.writeHead(200, { 'Content-Type': 'image/svg+xml' }).end(logo);
    const html = pages[request.url ?? ''];
    if (html === undefined) return void response.writeHead(404).end('Not found');
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser({ baseURL: baseUrl, javaScriptEnabled: false });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

/** Whether a timer fires in the page within 300 ms: it never does while scripts are off. */
async function timersRun(target: Page): Promise<boolean> {
  const fired = target.evaluate(
    () => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 10)),
  );
  const gaveUp = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 300));
  return Promise.race([fired, gaveUp]);
}

describe('browser harness without JavaScript', () => {
  it('runs axe, and leaves scripts switched off before, during and after the check', async () => {
    const tab = await browser.newPage();
    await tab.goto('/');
    expect(await tab.locator('#state').innerText()).toBe('Served');
    expect(await timersRun(tab)).toBe(false);

    await new PageObject(tab).expectHeading('No script');
    expect(await checkAccessibility(tab)).toEqual([]);
    expect(await tab.locator('#state').innerText()).toBe('Served');
    expect(await timersRun(tab)).toBe(false);

    await tab.reload();
    expect(await tab.locator('#state').innerText()).toBe('Served');
    expect(await timersRun(tab)).toBe(false);
    await tab.close();
  });

  it('still reports serious violations on a page without JavaScript', async () => {
    const tab = await browser.newPage();
    await tab.goto('/inaccessible');
    const violations = await checkAccessibility(tab);
    expect(violations.map((violation) => violation.id).sort()).toEqual(['image-alt', 'link-name']);
    await tab.close();
  });
});
