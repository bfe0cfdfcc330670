import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('settings (SPEC §9)', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'mybtec-config-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  /** Loads the settings from exactly these variables (never the real environment). */
  const load = (env: Record<string, string> = {}) => loadConfig({ DATA_DIR: dataDir, ...env });

  /** The ConfigError thrown for these variables. */
  function refusal(env: Record<string, string>): ConfigError {
    try {
      load(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return error as ConfigError;
    }
    throw new Error(`no ConfigError for ${JSON.stringify(env)}`);
  }

  it('has the documented defaults: port 3000 on 127.0.0.1, SQLite in DATA_DIR, 30 log-ins a minute', () => {
    const config = load();
    expect(config.port).toBe(3000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.dataDir).toBe(path.resolve(dataDir));
    expect(config.database).toEqual({
      kind: 'sqlite',
      file: path.join(path.resolve(dataDir), 'mybtec.sqlite'),
    });
    expect(config.rateLimitPerMinute).toBe(30);
    expect(config.smtpUrl).toBeUndefined();
    expect(config.baseUrl).toBe('http://127.0.0.1:3000');
    expect(config.secureCookies).toBe(false);
    expect(config.production).toBe(false);
  });

  it('takes good values as given', () => {
    const config = load({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://app@db.internal:5432/mybtec',
      SMTP_URL: 'smtp://mail.internal:2525',
      BASE_URL: 'https://mybtec.example.ac.uk/',
      RATE_LIMIT_PER_MINUTE: '0',
      SESSION_SECRET: 'x'.repeat(32),
    });
    expect(config.port).toBe(8080);
    expect(config.database).toEqual({
      kind: 'postgres',
      url: 'postgres://app@db.internal:5432/mybtec',
    });
    expect(config.smtpUrl).toBe('smtp://mail.internal:2525');
    expect(config.baseUrl).toBe('https://mybtec.example.ac.uk');
    expect(config.secureCookies).toBe(true);
    expect(config.rateLimitPerMinute).toBe(0);
    expect(config.sessionSecret).toBe('x'.repeat(32));
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['DATABASE_URL', 'mysql://x/y'],
    ['DATABASE_URL', 'not a url'],
    ['DATABASE_URL', 'postgres://localhost'],
    ['SMTP_URL', 'http://x'],
    ['SMTP_URL', 'nonsense'],
    ['BASE_URL', 'not a url'],
    ['BASE_URL', 'ftp://mybtec.example'],
    ['RATE_LIMIT_PER_MINUTE', '-1'],
    ['RATE_LIMIT_PER_MINUTE', 'ten'],
    ['SESSION_SECRET', 'too-short'],
    ['MAIL_FROM', 'nobody'],
    ['HOST', 'http://localhost'],
    ['HOST', '127.0.0.1:3000'],
    ['HOST', 'my host'],
    ['HOST', 'local_host'],
    ['HOST', 'mybtec.example/path'],
  ])('stops on %s=%j with a message naming the setting', (setting, value) => {
    const error = refusal({ [setting]: value });
    expect(error.setting).toBe(setting);
    expect(error.message.startsWith(`${setting}: `)).toBe(true);
    expect(error.message).not.toContain('\n');
  });

  it.each([
    ['localhost', 'http://localhost:3000'],
    ['mybtec.internal', 'http://mybtec.internal:3000'],
    ['0.0.0.0', 'http://localhost:3000'],
    ['::', 'http://localhost:3000'],
    ['::1', 'http://[::1]:3000'],
    ['10.1.2.3', 'http://10.1.2.3:3000'],
  ])('listens on HOST=%s, with the default BASE_URL %s', (host, baseUrl) => {
    const config = load({ HOST: host });
    expect(config.host).toBe(host);
    expect(config.baseUrl).toBe(baseUrl);
  });

  it('treats an empty setting (as in `BASE_URL=` in a .env file) as not set', () => {
    const config = load({
      PORT: '',
      HOST: '',
      DATABASE_URL: '',
      SMTP_URL: '',
      BASE_URL: '',
      MAIL_FROM: '',
      RATE_LIMIT_PER_MINUTE: '',
      SESSION_SECRET: '',
      DEMO_PASSWORD: '',
    });
    expect(config.port).toBe(3000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.database.kind).toBe('sqlite');
    expect(config.smtpUrl).toBeUndefined();
    expect(config.baseUrl).toBe('http://127.0.0.1:3000');
    expect(config.mailFrom).toContain('@');
    expect(config.rateLimitPerMinute).toBe(30);
    expect(config.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(config.demoPassword).toBeUndefined();
  });

  it('generates the session secret once and keeps it in DATA_DIR', () => {
    const first = load();
    expect(first.sessionSecret.length).toBeGreaterThanOrEqual(32);
    const file = path.join(dataDir, 'session-secret');
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.sessionSecret);
    const second = load();
    expect(second.sessionSecret).toBe(first.sessionSecret);
  });

  it('prefers a SESSION_SECRET that is given, and does not write one', () => {
    const config = load({ SESSION_SECRET: 's'.repeat(40) });
    expect(config.sessionSecret).toBe('s'.repeat(40));
    expect(existsSync(path.join(dataDir, 'session-secret'))).toBe(false);
  });

  it('creates a DATA_DIR that does not exist yet', () => {
    const nested = path.join(dataDir, 'a', 'b');
    const config = loadConfig({ DATA_DIR: nested });
    expect(config.dataDir).toBe(nested);
    expect(existsSync(path.join(nested, 'session-secret'))).toBe(true);
  });
});
