import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { expect } from 'vitest';
import type { Db } from '../../../src/db/connection.js';

/**
 * Every table a request can write, with the columns of its primary key (rows are read in that
 * order, every column of every row, so a digest changes when anything in the table changes).
 */
export const DIGESTED_TABLES = {
  accounts: ['id'],
  audit_events: ['id'],
  brief_verifications: ['id'],
  brief_versions: ['brief_id', 'version'],
  briefs: ['id'],
  centres: ['id'],
  claims: ['id'],
  course_team: ['course_id', 'account_id'],
  course_units: ['course_id', 'unit_id'],
  courses: ['id'],
  criteria: ['unit_id', 'code'],
  feedback: ['id'],
  learning_aims: ['unit_id', 'code'],
  outbox: ['id'],
  password_resets: ['token_hash'],
  qualifications: ['id'],
  sites: ['id'],
  subjects: ['id'],
  unknown_login_failures: ['username'],
  units: ['id'],
} as const;

export type DigestedTable = keyof typeof DIGESTED_TABLES;

/**
 * The tables left out, and why. Nothing else may be: a test checks that every table of the
 * database is digested or named here.
 */
export const UNDIGESTED_TABLES: Record<string, string> = {
  // The requester's own session, not something stored for anyone else: a refused request by a
  // signed-in person may still save it (a new CSRF secret, a page's flash message), and a
  // refused log-in starts one for the visitor. It holds no data of the product.
  sessions: 'the session of the request itself',
  // The per-address limit on log-in and password reset: every request to those routes counts
  // against its address, a refused one included (that is the point of the limit).
  rate_limit_windows: 'the rate limit counts every attempt, refused ones too',
  // Kysely's own bookkeeping of the migrations, which no request touches.
  kysely_migration: 'migrations',
  kysely_migration_lock: 'migrations',
};

/** What may change on a refusal, on top of nothing: each use says why. */
export interface Allowed {
  /** Columns left out of the digest, per table. */
  columns?: Partial<Record<DigestedTable, readonly string[]>>;
  /** Rows left out of the digest, per table. */
  rows?: Partial<Record<DigestedTable, (row: Record<string, unknown>) => boolean>>;
}

/**
 * A refused log-in is itself a security event (OWASP ASVS 4 V2.2.1, V7.2.1): it counts against the
 * account, or against the unknown username, and writes its `login.*` audit row. Everything else
 * must stay as it was.
 */
export const REFUSED_LOGIN: Allowed = {
  columns: { accounts: ['failed_logins', 'locked_until'] },
  rows: {
    unknown_login_failures: () => true,
    audit_events: (row) => String(row.action).startsWith('login.'),
  },
};

/** A digest of each table: its number of rows and a SHA-256 of all of them, in key order. */
export type Digests = Record<DigestedTable, string>;

function canonical(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return value.toString('hex');
  return value;
}

/** Reads every row of every digested table (one query per table) and digests each table. */
export async function tableDigests(db: Db, allowed: Allowed = {}): Promise<Digests> {
  const entries = await Promise.all(
    (Object.entries(DIGESTED_TABLES) as [DigestedTable, readonly string[]][]).map(
      async ([table, key]) => {
        const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(
          table,
        )} order by ${sql.join(key.map((column) => sql.ref(column)))}`.execute(db);
        const skipRow = allowed.rows?.[table];
        const skipColumns = new Set(allowed.columns?.[table] ?? []);
        const hash = createHash('sha256');
        let count = 0;
        for (const row of rows) {
          if (skipRow?.(row)) continue;
          count += 1;
          const kept = Object.keys(row)
            .filter((column) => !skipColumns.has(column))
            .sort()
            .map((column) => [column, canonical(row[column])]);
          hash.update(JSON.stringify(kept)).update('\n');
        }
        return [table, `${count} rows ${hash.digest('hex').slice(0, 16)}`] as const;
      },
    ),
  );
  return Object.fromEntries(entries) as Digests;
}

/** Checks that nothing but what is allowed changed since `before` (taken with the same allowance). */
export async function expectUnchanged(
  db: Db,
  before: Digests,
  what: string,
  allowed: Allowed = {},
): Promise<void> {
  const after = await tableDigests(db, allowed);
  expect(after, `${what}: a refused request changed stored rows`).toEqual(before);
}

/** Every table of the database (for the check that none is left out unsaid). */
export async function allTables(db: Db): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  return tables.map((table) => table.name).sort();
}
