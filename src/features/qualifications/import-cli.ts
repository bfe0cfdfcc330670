import 'dotenv/config';
import { ConfigError, loadConfig } from '../../config.js';
import { migrateToLatest, openDatabase } from '../../db/connection.js';
import { importCatalogueFile } from './catalogue-import.js';
import { createQualificationService } from './qualification.service.js';

const USAGE = 'Usage: npm run catalogue:import -- <file.json|file.csv>';

/**
 * `npm run catalogue:import -- <file>`: adds qualifications to the catalogue, or updates them by id.
 * Every bad row is printed and nothing changes; otherwise all of it is imported in one transaction.
 */
async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.length !== 1 || args[0] === '--help' || args[0] === '-h') {
    process.stderr.write(`${USAGE}\n`);
    return args[0] === '--help' || args[0] === '-h' ? 0 : 2;
  }
  const file = args[0] as string;
  const config = loadConfig();
  const handle = openDatabase(
    config.database.kind === 'sqlite'
      ? config.database
      : { kind: 'postgres', url: config.database.url },
  );
  try {
    await migrateToLatest(handle.db);
    const report = await importCatalogueFile(createQualificationService({ db: handle.db }), file);
    (report.ok ? process.stdout : process.stderr).write(`${report.lines.join('\n')}\n`);
    return report.ok ? 0 : 1;
  } finally {
    await handle.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof ConfigError ? error.message : (error as Error).message}\n`,
    );
    process.exit(1);
  },
);
