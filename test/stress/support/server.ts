import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
  exited: Promise<number | string>;
}

/**
 * The real server as a child process, as `npm start` runs it (`node --import tsx src/server.ts`),
 * with exactly these settings and none of the developer's own.
 */
export function startServer(env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      HOST: '127.0.0.1',
      DATABASE_URL: '',
      SMTP_URL: '',
      BASE_URL: '',
      DEMO_PASSWORD: '',
      RATE_LIMIT_PER_MINUTE: '0',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  return { child, baseUrl: `http://127.0.0.1:${env.PORT}`, output: () => output, exited };
}

/** Waits until /health answers (or the process ends, or time runs out). */
export async function ready(server: ServerProcess, timeoutMs = 40_000): Promise<void> {
  const started = Date.now();
  let ended = false;
  void server.exited.then(() => (ended = true));
  for (;;) {
    if (ended) throw new Error(`the server stopped before it was ready:\n${server.output()}`);
    if (Date.now() - started > timeoutMs)
      throw new Error(`the server was not ready in time:\n${server.output()}`);
    try {
      const response = await fetch(`${server.baseUrl}/health`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** kill -9: no chance to finish requests, flush or close anything. */
export async function killHard(server: ServerProcess): Promise<void> {
  server.child.kill('SIGKILL');
  await server.exited;
}

/** A database of its own on the PostgreSQL server of TEST_DATABASE_URL, and how to drop it. */
export async function scratchPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is not set');
  const name = `mybtec_crash_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/** A JSON API client over real HTTP: keeps its session cookie and CSRF token. */
export class HttpClient {
  private cookie = '';
  private csrf = '';

  constructor(public baseUrl: string) {}

  /** The same person, their session cookie and CSRF token now sent to another server. */
  via(baseUrl: string): HttpClient {
    const other = new HttpClient(baseUrl);
    other.cookie = this.cookie;
    other.csrf = this.csrf;
    return other;
  }

  async request(
    method: string,
    url: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${url}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(15_000),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      if (pair.startsWith('mybtec_session=')) this.cookie = pair;
    }
    const text = await response.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: response.status, json };
  }

  async signIn(username: string, password: string): Promise<void> {
    const login = await this.request('POST', '/api/v1/session', { username, password });
    if (login.status !== 200) throw new Error(`sign-in failed: ${login.status}`);
    const session = await this.request('GET', '/api/v1/session');
    this.csrf = (session.json as { csrfToken: string }).csrfToken;
  }
}
