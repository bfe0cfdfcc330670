import { afterEach, beforeEach, expect, it } from 'vitest';
import { paths } from '../../paths.js';
import { forEachDatabase } from '../../../test/support/databases.js';
import { buildAccount, buildCentre } from '../../../test/support/factories.js';
import { createTestApp, type TestApp } from '../../../test/support/test-app.js';
import { markSent, queueEmail } from './outbox.repository.js';
import { withoutOneTimeTokens } from './one-time-links.js';

forEachDatabase('development mail page', (kind) => {
  let t: TestApp;

  beforeEach(async () => {
    t = await createTestApp(kind);
    await queueEmail(
      t.db,
      {
        to: 'someone@college.test',
        subject: 'Reset your myBTEC password',
        text: 'the secret link',
      },
      t.clock.now(),
    );
  });
  afterEach(() => t.close());

  const get = (remoteAddress: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url: paths.devMail, remoteAddress, headers });

  it.each(['127.0.0.1', '::1', '::ffff:127.0.0.1'])(
    'shows the queued emails to a browser on this machine (%s)',
    async (address) => {
      const response = await get(address);
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('the secret link');
    },
  );

  it.each(['192.168.1.20', '10.0.0.7', '203.0.113.9', '::ffff:192.168.1.20', 'fe80::1'])(
    'does not exist for a request from another machine (%s)',
    async (address) => {
      const response = await get(address);
      expect(response.statusCode).toBe(404);
      expect(response.body).not.toContain('the secret link');
      expect(response.body).toContain('Page not found');
    },
  );

  it('does not exist for a request a proxy on this machine forwards from elsewhere', async () => {
    const forwarded: Record<string, string>[] = [
      { 'x-forwarded-for': '203.0.113.9' },
      { 'x-forwarded-for': '127.0.0.1' },
      { forwarded: 'for=203.0.113.9' },
      { 'x-real-ip': '203.0.113.9' },
    ];
    for (const headers of forwarded) {
      const response = await get('127.0.0.1', headers);
      expect(response.statusCode, JSON.stringify(headers)).toBe(404);
      expect(response.body).not.toContain('the secret link');
    }
  });

  it('cannot be reached behind HTTPS by naming loopback in X-Forwarded-For from the private network', async () => {
    const behindProxy = await createTestApp(kind, {
      baseUrl: 'https://mybtec.college.test',
      secureCookies: true,
    });
    try {
      await queueEmail(
        behindProxy.db,
        { to: 'someone@college.test', subject: 'Reset', text: 'the secret link' },
        behindProxy.clock.now(),
      );
      const response = await behindProxy.app.inject({
        method: 'GET',
        url: paths.devMail,
        remoteAddress: '10.0.0.7',
        headers: { 'x-forwarded-for': '127.0.0.1' },
      });
      expect(response.statusCode).toBe(404);
      expect(response.body).not.toContain('the secret link');
    } finally {
      await behindProxy.close();
    }
  });

  it('says where the one-time link of a sent email is, once it is removed from the stored copy', async () => {
    const text = 'Open http://localhost:3000/password/reset?token=abcDEF123_-xyz within one hour.';
    const id = await queueEmail(
      t.db,
      { to: 'mary@college.test', subject: 'Reset your myBTEC password', text },
      t.clock.now(),
    );
    await markSent(t.db, id, t.clock.now(), withoutOneTimeTokens(text));
    const response = await get('127.0.0.1');
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain('abcDEF123_-xyz');
    expect(response.body).toContain('password/reset?token=[removed once sent]');
    expect(response.body).toContain(`<code>${id}.eml</code>`);
  });

  it('links the page from the footer only for a browser on this machine', async () => {
    const centre = await buildCentre(t.db);
    await buildAccount(t.db, centre);
    const local = await t.app.inject({
      method: 'GET',
      url: paths.login,
      remoteAddress: '127.0.0.1',
    });
    expect(local.body).toContain(`href="${paths.devMail}"`);
    const remote = await t.app.inject({
      method: 'GET',
      url: paths.login,
      remoteAddress: '192.168.1.20',
    });
    expect(remote.statusCode).toBe(200);
    expect(remote.body).not.toContain(`href="${paths.devMail}"`);
  });
});
