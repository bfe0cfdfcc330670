import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify from 'fastify';
import helmet from 'helmet';
import { describe, expect, it } from 'vitest';
import { registerSecurityHeaders } from './security-headers.js';

/** What helmet itself writes for this configuration and these nonces. */
function helmetHeaders(secure: boolean, nonce: { script: string; style: string }) {
  const headers: Record<string, string> = {};
  const removed: string[] = [];
  helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", `'nonce-${nonce.script}'`],
        styleSrc: ["'self'", `'nonce-${nonce.style}'`],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        upgradeInsecureRequests: secure ? [] : null,
      },
    },
    hsts: secure,
  })(
    {} as IncomingMessage,
    {
      setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value),
      removeHeader: (name: string) => removed.push(name.toLowerCase()),
    } as unknown as ServerResponse,
    () => undefined,
  );
  return { headers, removed };
}

async function appWith(secure: boolean) {
  const app = Fastify();
  registerSecurityHeaders(app, { hsts: secure, upgradeInsecureRequests: secure });
  app.get('/', async (_request, reply) => ({ nonce: reply.cspNonce }));
  app.get('/fails', async () => {
    throw new Error('boom');
  });
  await app.ready();
  return app;
}

describe('security headers', () => {
  for (const secure of [false, true]) {
    it(`are helmet's own, with this response's nonces (${secure ? 'HTTPS' : 'HTTP'})`, async () => {
      const app = await appWith(secure);
      const response = await app.inject({ method: 'GET', url: '/' });
      const { nonce } = response.json<{ nonce: { script: string; style: string } }>();
      expect(nonce.script).toMatch(/^[0-9a-f]{32}$/);
      expect(nonce.style).toMatch(/^[0-9a-f]{32}$/);
      const expected = helmetHeaders(secure, nonce);
      for (const [name, value] of Object.entries(expected.headers)) {
        expect(response.headers[name], name).toBe(value);
      }
      expect(Object.keys(expected.headers)).toContain('content-security-policy');
      expect('strict-transport-security' in expected.headers).toBe(secure);
      expect(String(response.headers['content-security-policy'])).toContain(
        `script-src 'self' 'nonce-${nonce.script}'`,
      );
      await app.close();
    });
  }

  it('are fresh for every response, an error included', async () => {
    const app = await appWith(false);
    const first = await app.inject({ method: 'GET', url: '/' });
    const second = await app.inject({ method: 'GET', url: '/' });
    const failed = await app.inject({ method: 'GET', url: '/fails' });
    const csp = (r: typeof first) => String(r.headers['content-security-policy']);
    expect(csp(first)).not.toBe(csp(second));
    expect(csp(failed)).toMatch(/script-src 'self' 'nonce-[0-9a-f]{32}'/);
    expect(failed.headers['x-frame-options']).toBe('SAMEORIGIN');
    await app.close();
  });
});
