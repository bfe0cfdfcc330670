import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { describe } from 'vitest';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/db/connection.js';

export type DatabaseKind = 'sqlite' | 'postgres';

/**
 * SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (when not, scripts/test.mjs and
 * vitest.stress.config.ts say so loudly).
 */
export const databaseKinds: DatabaseKind[] = process.env.TEST_DATABASE_URL
  ? ['sqlite', 'postgres']
  : ['sqlite'];

export interface TestDatabase extends DatabaseHandle {
  /** Closes the connection and throws the database away. */
  dispose(): Promise<void>;
}

/** A fresh, migrated database of its own: a temporary SQLite file, or a new PostgreSQL schema. */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'mybtec-test-'));
    const handle = openDatabase({ kind: 'sqlite', file: path.join(dir, 'test.sqlite') });
    await migrateToLatest(handle.db);
    return {
      ...handle,
      dispose: async () => {
        await handle.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const handle = openDatabase({ kind: 'postgres', url, schema, poolSize: 5 });
  await migrateToLatest(handle.db, { schema });
  return {
    ...handle,
    dispose: async () => {
      await sql`drop schema ${sql.id(schema)} cascade`.execute(handle.db);
      await handle.close();
    },
  };
}

/** Runs the same suite on every database the product ships for. */
export function forEachDatabase(name: string, suite: (kind: DatabaseKind) => void): void {
  describe.each(databaseKinds)(`${name} [%s]`, (kind) => suite(kind));
}
