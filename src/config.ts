import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';

/** A setting that cannot be used: start-up stops with one line naming it. */
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
  }
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  smtpUrl: string | undefined;
  mailFrom: string;
  baseUrl: string;
  sessionSecret: string;
  demoPassword: string | undefined;
  rateLimitPerMinute: number;
  production: boolean;
  /** Cookies carry Secure when the service is reached over HTTPS. */
  secureCookies: boolean;
}

type Env = Record<string, string | undefined>;

/** A setting's value; an empty one (`BASE_URL=` in a .env file) counts as not set. */
function value(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

function parsePort(env: Env): number {
  const raw = value(env, 'PORT') ?? '3000';
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 0 || port > 65535) {
    throw new ConfigError('PORT', `"${raw}" is not a port number (0 to 65535)`);
  }
  return port;
}

function parseDatabase(env: Env, dataDir: string): Config['database'] {
  const url = env.DATABASE_URL;
  if (url === undefined || url === '')
    return { kind: 'sqlite', file: path.join(dataDir, 'mybtec.sqlite') };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('DATABASE_URL', 'is not a URL; use postgres://user@host:port/database');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ConfigError(
      'DATABASE_URL',
      `"${parsed.protocol}" is not supported; use postgres://…`,
    );
  }
  if (parsed.hostname === '' || parsed.pathname.length <= 1) {
    throw new ConfigError(
      'DATABASE_URL',
      'needs a host and a database name: postgres://user@host:port/database',
    );
  }
  return { kind: 'postgres', url };
}

function parseSmtp(env: Env): string | undefined {
  const url = env.SMTP_URL;
  if (url === undefined || url === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('SMTP_URL', 'is not a URL; use smtp://host:port');
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new ConfigError(
      'SMTP_URL',
      `"${parsed.protocol}" is not supported; use smtp:// or smtps://`,
    );
  }
  if (parsed.hostname === '') throw new ConfigError('SMTP_URL', 'needs a host: smtp://host:port');
  return url;
}

/** A host name (`localhost`, `mybtec.internal`) or an IPv4 or IPv6 address, without port or scheme. */
const HOST_NAME =
  /^(?=.{1,253}\.?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

function parseHost(env: Env): string {
  const host = value(env, 'HOST') ?? '127.0.0.1';
  if (isIP(host) === 0 && !HOST_NAME.test(host)) {
    throw new ConfigError(
      'HOST',
      `"${host}" is not an address or host name to listen on (e.g. 127.0.0.1, 0.0.0.0, ::1 or localhost; no port or http://)`,
    );
  }
  return host;
}

function parseBaseUrl(env: Env, host: string, port: number): string {
  const listening =
    host === '0.0.0.0' || host === '::' ? 'localhost' : isIP(host) === 6 ? `[${host}]` : host;
  const raw = value(env, 'BASE_URL') ?? `http://${listening}:${port}`;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
  } catch {
    throw new ConfigError('BASE_URL', `"${raw}" is not an http:// or https:// address`);
  }
  return raw.replace(/\/+$/, '');
}

function parseRateLimit(env: Env): number {
  const raw = value(env, 'RATE_LIMIT_PER_MINUTE') ?? '30';
  if (!/^\d+$/.test(raw)) {
    throw new ConfigError(
      'RATE_LIMIT_PER_MINUTE',
      `"${raw}" is not a whole number (0 turns the limit off)`,
    );
  }
  return Number(raw);
}

/** The session secret is kept in DATA_DIR so that restarts keep everyone signed in. */
function sessionSecret(env: Env, dataDir: string): string {
  const given = env.SESSION_SECRET;
  if (given !== undefined && given !== '') {
    if (given.length < 32)
      throw new ConfigError('SESSION_SECRET', 'must be at least 32 characters long');
    return given;
  }
  const file = path.join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export function loadConfig(env: Env = process.env): Config {
  const port = parsePort(env);
  const host = parseHost(env);
  const dataDir = path.resolve(value(env, 'DATA_DIR') ?? './data');
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new ConfigError('DATA_DIR', `cannot create "${dataDir}": ${(error as Error).message}`);
  }
  const database = parseDatabase(env, dataDir);
  const smtpUrl = parseSmtp(env);
  const baseUrl = parseBaseUrl(env, host, port);
  const mailFrom = value(env, 'MAIL_FROM') ?? 'myBTEC <no-reply@mybtec.localhost>';
  if (!/@/.test(mailFrom))
    throw new ConfigError('MAIL_FROM', `"${mailFrom}" is not an email address`);
  return {
    port,
    host,
    dataDir,
    database,
    smtpUrl,
    mailFrom,
    baseUrl,
    sessionSecret: sessionSecret(env, dataDir),
    demoPassword: env.DEMO_PASSWORD === '' ? undefined : env.DEMO_PASSWORD,
    rateLimitPerMinute: parseRateLimit(env),
    production: env.NODE_ENV === 'production',
    secureCookies: baseUrl.startsWith('https:'),
  };
}
