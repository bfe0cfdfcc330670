import 'dotenv/config';
import path from 'node:path';
import pino from 'pino';
import { buildApp } from './app.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { migrateToLatest, openDatabase } from './db/connection.js';
import { loadDemoData } from './demo/demo-data.js';
import { loadSampleCatalogue } from './features/qualifications/qualification.service.js';
import { fileMailer, smtpMailer } from './features/notifications/mailer.js';
import { createMailWorker } from './features/notifications/mail-worker.js';

const log = pino({ level: process.env.LOG_LEVEL ?? 'info' });

function fail(message: string): never {
  process.stderr.write(`myBTEC cannot start: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }

  const handle = openDatabase(
    config.database.kind === 'sqlite'
      ? config.database
      : { kind: 'postgres', url: config.database.url },
  );
  try {
    await migrateToLatest(handle.db);
  } catch (error) {
    const setting = config.database.kind === 'postgres' ? 'DATABASE_URL' : 'DATA_DIR';
    fail(`${setting}: cannot use the database: ${(error as Error).message}`);
  }

  // The sample qualification catalogue is part of the product: upserted on every start.
  await loadSampleCatalogue(handle.db);

  if (process.argv.includes('--demo')) {
    const demo = await loadDemoData(handle.db, systemClock, config.demoPassword);
    const lines = [
      demo.created
        ? 'Demo College (centre 99000) loaded.'
        : 'Demo College (centre 99000) was already loaded.',
      ...demo.logins.map((l) => `  ${l.name.padEnd(20)} ${l.username}`),
      demo.password
        ? `  Password: ${demo.password}${demo.passwordGenerated ? '   (generated now and shown only this once)' : demo.created ? '' : '   (unchanged)'}`
        : demo.passwordIgnored
          ? '  Demo already loaded: the password is unchanged, still the one of the first load (DEMO_PASSWORD now differs and was not applied).'
          : '  Password: as set when the demo was first loaded (DEMO_PASSWORD, or the one printed then).',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }

  const mailer = config.smtpUrl
    ? smtpMailer(config.smtpUrl)
    : fileMailer(path.join(config.dataDir, 'mail'));
  // An SMTP server that is down does not stop start-up: queued emails wait in the outbox until it is back.
  const app = await buildApp({
    config,
    db: handle.db,
    dbKind: handle.kind,
    clock: systemClock,
    logger: { level: process.env.LOG_LEVEL ?? 'info' },
  });
  const worker = createMailWorker({
    db: handle.db,
    kind: handle.kind,
    mailer,
    clock: systemClock,
    from: config.mailFrom,
    log: app.log,
  });

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    // A host name that does not resolve, or an address this machine does not have, is HOST's fault;
    // a port in use or not allowed is PORT's.
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const setting = ['ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL'].includes(code) ? 'HOST' : 'PORT';
    fail(`${setting}: cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`);
  }
  worker.start();
  log.info(
    `myBTEC is ready at ${config.baseUrl} (${handle.kind === 'sqlite' ? `SQLite in ${config.dataDir}` : 'PostgreSQL'})`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: finishing requests in flight, then stopping`);
    await app.close();
    await worker.stop();
    mailer.close();
    await handle.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  log.fatal({ err: error }, 'myBTEC failed to start');
  process.exit(1);
});
