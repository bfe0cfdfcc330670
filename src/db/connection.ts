import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  sql,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type TableMetadata,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type SelectQueryNode,
  type SqliteDatabase,
  type SqliteStatement,
  type Transaction,
  type UnknownRow,
} from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Repositories take either the database or a transaction. */
export type DbOrTx = Db | Tx;

export type DatabaseSettings =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string; schema?: string; poolSize?: number };

export interface DatabaseHandle {
  db: Db;
  kind: 'sqlite' | 'postgres';
  close(): Promise<void>;
}

const ROW_LOCKS = new Set([
  'ForUpdate',
  'ForShare',
  'ForKeyShare',
  'ForNoKeyUpdate',
  'NoWait',
  'SkipLocked',
]);

/**
 * SQLite has one writer at a time, so `for update` is both unneeded and a syntax error there.
 * Repositories write row locks once, for PostgreSQL, on the outermost select; this drops them on
 * SQLite. Queries without a lock are passed on untouched: rebuilding every query tree cost about a
 * tenth of a light request's CPU (measured with the bench's CPU profile).
 */
class SqliteRowLocks implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const node = args.node;
    if (node.kind !== 'SelectQueryNode' || !node.endModifiers) return node;
    const endModifiers = node.endModifiers.filter(
      (m) => !(m.modifier && ROW_LOCKS.has(m.modifier)),
    );
    if (endModifiers.length === node.endModifiers.length) return node;
    const stripped: SelectQueryNode = { ...node, endModifiers };
    return stripped;
  }
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

/**
 * Kysely's SQLite driver prepares every statement again for every query (15 % of the CPU of a
 * light request in the bench's profile). The application sends a small set of distinct SQL
 * strings, so the prepared statements are kept, the most recently used first, up to a bound.
 * A statement still iterating (a streamed query) is never handed out twice: a fresh one is made.
 */
export class StatementCache implements SqliteDatabase {
  private readonly statements = new Map<string, SQLite.Statement>();

  constructor(
    private readonly sqlite: SQLite.Database,
    private readonly capacity = 500,
  ) {}

  prepare(sqlText: string): SqliteStatement {
    const cached = this.statements.get(sqlText);
    if (cached && !cached.busy) {
      // Map keeps insertion order: re-inserting marks it most recently used.
      this.statements.delete(sqlText);
      this.statements.set(sqlText, cached);
      return cached;
    }
    const statement = this.sqlite.prepare(sqlText);
    if (cached) return statement;
    this.statements.set(sqlText, statement);
    if (this.statements.size > this.capacity) {
      const oldest = this.statements.keys().next().value;
      if (oldest !== undefined) this.statements.delete(oldest);
    }
    return statement;
  }

  get size(): number {
    return this.statements.size;
  }

  close(): void {
    this.statements.clear();
    this.sqlite.close();
  }
}

/**
 * Kysely's PostgreSQL introspector reads every schema of the database (the migrator uses it to see
 * whether its own tables exist): a schema dropped meanwhile by a parallel run makes that query fail
 * with `schema "…" does not exist`. This one reads the current schema only.
 */
class CurrentSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    const getTables = async (): Promise<TableMetadata[]> => {
      const { rows } = await sql<{ schema: string; name: string; type: string }>`
        select table_schema as schema, table_name as name, table_type as type
        from information_schema.tables where table_schema = current_schema()`.execute(db);
      return rows.map((r) => ({
        schema: r.schema,
        name: r.name,
        isView: r.type === 'VIEW',
        columns: [],
      }));
    };
    return {
      getSchemas: async () =>
        (await sql<{ name: string }>`select current_schema() as name`.execute(db)).rows,
      getTables,
      getMetadata: async (): Promise<DatabaseMetadata> => ({ tables: await getTables() }),
    };
  }
}

export function openDatabase(settings: DatabaseSettings): DatabaseHandle {
  if (settings.kind === 'sqlite') {
    if (settings.file !== ':memory:') mkdirSync(path.dirname(settings.file), { recursive: true });
    const sqlite = new SQLite(settings.file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: new StatementCache(sqlite) }),
      plugins: [new SqliteRowLocks()],
    });
    return { db, kind: 'sqlite', close: () => db.destroy() };
  }
  const pool = new pg.Pool({
    connectionString: settings.url,
    max: settings.poolSize ?? 10,
    ...(settings.schema ? { options: `-c search_path=${settings.schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool }) });
  return { db, kind: 'postgres', close: () => db.destroy() };
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(
  db: Db,
  options: { schema?: string } = {},
): Promise<string[]> {
  // With a schema of its own (tests), the migration bookkeeping tables live there too: Kysely
  // otherwise looks for them in every schema and may find another run's.
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    ...(options.schema ? { migrationTableSchema: options.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Database migration ${failed} failed: ${(error as Error).message}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
