import 'dotenv/config';
import { ConfigError, loadConfig } from '../config.js';
import { migrateToLatest, openDatabase } from './connection.js';

/** `npm run db:migrate`: applies pending migrations and says which (npm start does this too). */
async function main(): Promise<void> {
  const config = loadConfig();
  const handle = openDatabase(
    config.database.kind === 'sqlite'
      ? config.database
      : { kind: 'postgres', url: config.database.url },
  );
  try {
    const applied = await migrateToLatest(handle.db);
    process.stdout.write(
      applied.length ? `Applied: ${applied.join(', ')}\n` : 'The database is up to date.\n',
    );
  } finally {
    await handle.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : (error as Error).message}\n`,
  );
  process.exit(1);
});
