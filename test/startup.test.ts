import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';

/*
 * The real server as a child process (`node --import tsx src/server.ts`), as `npm start` runs it:
 * wrong settings stop it with one line naming the setting; a good start answers and stops cleanly.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHILD_TIMEOUT_MS = 25_000;
/** Starting tsx takes a few seconds, more when several start at once on a busy machine. */
const TEST_TIMEOUT_MS = 40_000;
const children = new Set<ChildProcess>();

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string>;
}

/** Starts the server with exactly these settings (none of the developer's own), and a deadline. */
function startServer(env: Record<string, string>, args: string[] = []): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts', ...args], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      HOST: '127.0.0.1',
      // Present but empty: "unset" for the product, and a .env file cannot fill them in.
      DATABASE_URL: '',
      SMTP_URL: '',
      BASE_URL: '',
      SESSION_SECRET: '',
      DEMO_PASSWORD: '',
      RATE_LIMIT_PER_MINUTE: '30',
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const deadline = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(deadline);
      children.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Waits until the server says it is ready (or gives up when it exits first). */
async function ready(run: Run): Promise<void> {
  const started = Date.now();
  let ended = false;
  void run.exited.then(() => (ended = true));
  while (!run.stdout().includes('myBTEC is ready')) {
    if (ended)
      throw new Error(`the server stopped before it was ready:\n${run.stderr()}\n${run.stdout()}`);
    if (Date.now() - started > CHILD_TIMEOUT_MS)
      throw new Error(`the server was not ready in time:\n${run.stdout()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A port nothing listens on: taken from the system, then released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** The one line a refused start-up writes, checked to be alone on stderr. */
function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter((line) => line.trim() !== '');
  expect(lines, stderr).toHaveLength(1);
  return lines[0] as string;
}

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

describe('refusing to start', { timeout: TEST_TIMEOUT_MS }, () => {
  // Each child has its own deadline; the last resort (afterAll) kills anything left.
  it.concurrent.each([
    ['DATABASE_URL', { DATABASE_URL: 'postgres://127.0.0.1:1/nothing' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://127.0.0.1/mybtec' }],
    ['PORT', { PORT: 'abc' }],
    ['SMTP_URL', { SMTP_URL: 'ftp://x' }],
    ['HOST', { HOST: 'http://localhost' }],
    // An address this machine does not have (TEST-NET-3), and a host name that does not resolve.
    ['HOST', { HOST: '203.0.113.9' }],
    ['HOST', { HOST: 'no-such-host.invalid' }],
  ])('stops with one line naming %s when it is wrong (%j)', async (setting, env) => {
    const own = mkdtempSync(path.join(tmpdir(), 'mybtec-startup-'));
    try {
      const run = startServer({ DATA_DIR: own, PORT: '0', ...env });
      const code = await run.exited;
      expect(code).not.toBe(0);
      expect(typeof code === 'number' ? code : -1).toBeGreaterThan(0);
      expect(oneLine(run.stderr())).toMatch(new RegExp(`^myBTEC cannot start: ${setting}: \\S`));
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});

describe('starting myBTEC', { timeout: TEST_TIMEOUT_MS }, () => {
  let dataDir: string;
  const listeners: Server[] = [];

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'mybtec-startup-'));
  });
  afterEach(async () => {
    // These tests run one at a time: whatever is still running is this test's.
    for (const child of children) child.kill('SIGKILL');
    for (const server of listeners.splice(0)) await new Promise((resolve) => server.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops with one line naming PORT when the port is already taken', async () => {
    const taken = createServer();
    listeners.push(taken);
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
    const port = (taken.address() as { port: number }).port;
    const run = startServer({ DATA_DIR: dataDir, PORT: String(port) });
    const code = await run.exited;
    expect(code).toBe(1);
    const line = oneLine(run.stderr());
    expect(line).toMatch(/^myBTEC cannot start: PORT: /);
    expect(line).toContain(String(port));
  });

  it('answers /health after a good start and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const run = startServer({ DATA_DIR: dataDir, PORT: String(port) });
    await ready(run);
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.stderr()).toBe('');
  });

  it('loads the demo once, prints the logins, and says so when it was already loaded', async () => {
    const env = { DATA_DIR: dataDir, PORT: '0', DEMO_PASSWORD: 'Demo-Password-2026' };
    const first = startServer(env, ['--demo']);
    await ready(first);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const printed = first.stdout();
    expect(printed).toContain('Demo College (centre 99000) loaded.');
    for (const key of ['qn', 'north.qn', 'liv', 'courselead', 'iv', 'assessor', 'teacher', 'eo']) {
      expect(printed).toContain(`demo.${key}@democollege.test`);
    }
    expect(printed).toContain('Password: Demo-Password-2026');

    const second = startServer(env, ['--demo']);
    await ready(second);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.stdout()).toContain('Demo College (centre 99000) was already loaded.');
    expect(second.stdout()).toContain('demo.eo@democollege.test');
    expect(second.stdout()).toContain('Password: Demo-Password-2026   (unchanged)');

    // Another DEMO_PASSWORD later is not applied, so it is not printed as the password either.
    const third = startServer({ ...env, DEMO_PASSWORD: 'Another-Password-2027' }, ['--demo']);
    await ready(third);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
    expect(third.stdout()).not.toContain('Another-Password-2027');
    expect(third.stdout()).toContain('Demo already loaded: the password is unchanged');

    const sqlite = new SQLite(path.join(dataDir, 'mybtec.sqlite'), { readonly: true });
    try {
      const { n } = sqlite.prepare('select count(*) as n from accounts').get() as { n: number };
      expect(n).toBe(8);
      const centres = sqlite
        .prepare("select count(*) as n from centres where number = '99000'")
        .get() as { n: number };
      expect(centres.n).toBe(1);
    } finally {
      sqlite.close();
    }
  });
});
