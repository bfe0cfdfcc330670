// The app built in process on the benchmark population, as bench/cpu.ts and bench/explain.ts use
// it: production settings, no rate limit, no SMTP, and a way to sign in as one of its people.

import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { systemClock } from '../../src/clock.js';
import type { DatabaseHandle, Db } from '../../src/db/connection.js';

export interface InProcessApp {
  app: FastifyInstance;
  /** Signs in as `username` with the population's password; the session cookie to send. */
  signIn: (username: string) => Promise<string>;
}

export async function buildInProcessApp(
  db: Db,
  dbKind: DatabaseHandle['kind'],
  password: string,
): Promise<InProcessApp> {
  const app = await buildApp({
    config: {
      baseUrl: 'http://localhost:3000',
      sessionSecret: 'benchmark-session-secret-of-at-least-32-characters',
      secureCookies: false,
      production: true,
      rateLimitPerMinute: 0,
      smtpUrl: undefined,
    },
    db,
    dbKind,
    clock: systemClock,
  });
  await app.ready();

  const signIn = async (username: string) => {
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username, password },
    });
    const cookie = login.cookies.find((c) => c.name === 'mybtec_session');
    if (login.statusCode !== 200 || !cookie) throw new Error(`cannot sign in as ${username}`);
    return `mybtec_session=${cookie.value}`;
  };
  return { app, signIn };
}
