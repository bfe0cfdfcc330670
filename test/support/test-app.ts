import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppDeps } from '../../src/app.js';
import { FixedClock } from '../../src/clock.js';
import { paths } from '../../src/paths.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.js';
import { PASSWORD } from './factories.js';

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  db: TestDatabase['db'];
  clock: FixedClock;
  close(): Promise<void>;
}

export async function createTestApp(
  kind: DatabaseKind,
  config: Partial<AppDeps['config']> = {},
): Promise<TestApp> {
  const database = await createTestDatabase(kind);
  const clock = new FixedClock();
  const app = await buildApp({
    config: {
      baseUrl: 'http://localhost:3000',
      sessionSecret: 'test-secret-that-is-at-least-32-characters-long',
      secureCookies: false,
      production: false,
      rateLimitPerMinute: 0,
      smtpUrl: undefined,
      ...config,
    },
    db: database.db,
    dbKind: database.kind,
    clock,
  });
  await app.ready();
  return {
    app,
    database,
    db: database.db,
    clock,
    close: async () => {
      await app.close();
      await database.dispose();
    },
  };
}

/** Reads the hidden CSRF field of the first form on a page. */
export function csrfFromHtml(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF token on the page');
  return match[1];
}

/**
 * A browser-like client over app.inject: keeps cookies, and knows the CSRF token of its session.
 * `form()` posts like an HTML form; `api()` sends JSON with the x-csrf-token header.
 */
export class Agent {
  private cookies = new Map<string, string>();
  csrfToken = '';

  constructor(readonly app: FastifyInstance) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(response: LightMyRequestResponse): void {
    for (const cookie of response.cookies) {
      const expired = cookie.expires !== undefined && cookie.expires.getTime() < Date.now();
      if (cookie.value === '' || expired) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
  }

  async request(options: InjectOptions): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({
      ...options,
      headers: {
        ...(options.headers ?? {}),
        ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}),
      },
    });
    this.remember(response);
    return response;
  }

  get(url: string): Promise<LightMyRequestResponse> {
    return this.request({ method: 'GET', url });
  }

  /** Posts a form; includes the CSRF token unless `csrf: false`. */
  form(
    url: string,
    body: Record<string, string | string[]>,
    options: { csrf?: boolean } = {},
  ): Promise<LightMyRequestResponse> {
    const fields = new URLSearchParams();
    for (const [key, value] of Object.entries(body)) {
      for (const v of Array.isArray(value) ? value : [value]) fields.append(key, v);
    }
    if (options.csrf !== false) fields.append('_csrf', this.csrfToken);
    return this.request({
      method: 'POST',
      url,
      payload: fields.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  api(
    method: InjectOptions['method'],
    url: string,
    body?: unknown,
    options: { csrf?: boolean } = {},
  ): Promise<LightMyRequestResponse> {
    return this.request({
      method,
      url,
      ...(body !== undefined
        ? { payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
        : {}),
      ...(options.csrf !== false && this.csrfToken
        ? {
            headers: {
              'x-csrf-token': this.csrfToken,
              ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            },
          }
        : {}),
    });
  }

  /** Fetches a fresh CSRF token for this session (as a page form or an API client would). */
  async refreshCsrf(): Promise<string> {
    const response = await this.get(paths.login);
    if (response.statusCode === 200) {
      this.csrfToken = csrfFromHtml(response.body);
      return this.csrfToken;
    }
    const session = await this.get(paths.api.session);
    this.csrfToken = (session.json() as { csrfToken: string }).csrfToken;
    return this.csrfToken;
  }

  /** Signs in through the login page, as a person would. */
  async signIn(username: string, password = PASSWORD): Promise<LightMyRequestResponse> {
    const page = await this.get(paths.login);
    this.csrfToken = csrfFromHtml(page.body);
    const response = await this.form(paths.login, { username, password });
    if (response.statusCode === 303) await this.refreshCsrf();
    return response;
  }
}

export async function signedIn(
  app: FastifyInstance,
  username: string,
  password = PASSWORD,
): Promise<Agent> {
  const agent = new Agent(app);
  const response = await agent.signIn(username, password);
  if (response.statusCode !== 303)
    throw new Error(`sign-in failed with ${response.statusCode}: ${response.body.slice(0, 500)}`);
  return agent;
}
