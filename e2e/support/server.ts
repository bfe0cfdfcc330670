// The real application on a real socket, for one test file: a fresh SQLite database of its own,
// `buildApp` exactly as `server.ts` builds it, listening on a free port of 127.0.0.1.
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/app.js';
import { systemClock, type Clock } from '../../src/clock.js';
import type { Db } from '../../src/db/connection.js';
import { loadSampleCatalogue } from '../../src/features/qualifications/qualification.service.js';
import { createTestDatabase } from '../../test/support/databases.js';

export interface RunningServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly baseUrl: string;
  readonly db: Db;
  /** Stops the server and throws the database away. */
  close(): Promise<void>;
}

export async function startServer(options: { clock?: Clock } = {}): Promise<RunningServer> {
  const database = await createTestDatabase('sqlite');
  // As server.ts does before it listens: courses are built from the catalogue.
  await loadSampleCatalogue(database.db);
  const app = await buildApp({
    config: {
      // Only the links in emails and the OpenAPI document use it; the journeys read neither.
      baseUrl: 'http://127.0.0.1',
      sessionSecret: 'e2e-secret-that-is-at-least-32-characters-long',
      secureCookies: false,
      production: false,
      rateLimitPerMinute: 0,
      smtpUrl: undefined,
    },
    db: database.db,
    dbKind: database.kind,
    clock: options.clock ?? systemClock,
  });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
  } catch (error) {
    await app.close();
    await database.dispose();
    throw error;
  }
  const { port } = app.server.address() as AddressInfo;
  let closed = false;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    db: database.db,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await app.close();
      } finally {
        await database.dispose();
      }
    },
  };
}
