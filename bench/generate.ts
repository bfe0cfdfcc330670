// Fills a FRESH database with the benchmark population (bench/population.ts): the migrations
// first, then multi-row inserts in big transactions (better-sqlite3 directly on SQLite; one
// `insert … select from unnest($1::text[], …)` per batch on PostgreSQL). Every account shares one
// argon2id hash of BENCH_PASSWORD, computed once: hashing 200,000 passwords would take hours.
//
//   npx tsx bench/generate.ts [--quick] [--file path.sqlite]
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/generate.ts [--quick]
//
// On PostgreSQL the population goes into a schema of its own (`mybtec_bench` or
// `mybtec_bench_quick`, dropped and created again), so the database itself is left alone.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { migrateToLatest, openDatabase } from '../src/db/connection.js';
import { hashPassword } from '../src/features/accounts/password.js';
import { TERMS_VERSION } from '../src/features/accounts/terms.js';
import {
  ACCOUNT_COLUMNS,
  BENCH_PASSWORD,
  CENTRE_COLUMNS,
  CLAIM_COLUMNS,
  SCALES,
  SITE_COLUMNS,
  busyLivUsername,
  busyQnUsername,
  centres,
  deciderUsername,
  usernameOf,
  type CentreBatch,
  type PopulationMeta,
  type Scale,
} from './population.js';

export type BenchTarget =
  { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; schema: string };

export const BENCH_DIR = process.env.BENCH_DIR ?? path.join(tmpdir(), 'mybtec-bench');

/** Where a scale's database lives: a file under BENCH_DIR, or a schema in BENCH_DATABASE_URL. */
export function benchTarget(
  scale: Scale,
  databaseUrl = process.env.BENCH_DATABASE_URL,
): BenchTarget {
  if (databaseUrl) {
    return {
      kind: 'postgres',
      url: databaseUrl,
      schema: scale.name === 'full' ? 'mybtec_bench' : 'mybtec_bench_quick',
    };
  }
  // The server keeps its SQLite file in DATA_DIR as mybtec.sqlite, so the population goes there.
  return { kind: 'sqlite', file: path.join(BENCH_DIR, scale.name, 'mybtec.sqlite') };
}

/** The server's DATA_DIR: its SQLite file, session secret and .eml files. */
export function dataDirOf(target: BenchTarget): string {
  return target.kind === 'sqlite'
    ? path.dirname(target.file)
    : path.join(BENCH_DIR, `postgres-${target.schema}`);
}

export function metaFile(target: BenchTarget): string {
  return path.join(dataDirOf(target), 'population.json');
}

/** The URL the server is given: on PostgreSQL the schema rides along as a search_path option. */
export function serverDatabaseUrl(target: Extract<BenchTarget, { kind: 'postgres' }>): string {
  const url = new URL(target.url);
  url.searchParams.set('options', `-c search_path=${target.schema}`);
  return url.toString();
}

type Table = 'centres' | 'sites' | 'accounts' | 'claims';
const COLUMNS: Record<Table, readonly string[]> = {
  centres: CENTRE_COLUMNS,
  sites: SITE_COLUMNS,
  accounts: ACCOUNT_COLUMNS,
  claims: CLAIM_COLUMNS,
};
/** Integer columns, for PostgreSQL's unnest casts. */
const INTEGER_COLUMNS = new Set(['mybtec_access', 'exams_officer', 'failed_logins']);

export interface BulkWriter {
  begin(): Promise<void>;
  commit(): Promise<void>;
  insert(table: Table, rows: readonly (readonly unknown[])[]): Promise<void>;
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** better-sqlite3 directly: cached multi-row statements, no round trips. */
export function sqliteWriter(file: string): BulkWriter {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -200000');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const ROWS = 200;
  const statements = new Map<string, SQLite.Statement>();
  const statement = (table: Table, rows: number) => {
    const key = `${table}:${rows}`;
    let s = statements.get(key);
    if (!s) {
      const columns = COLUMNS[table];
      const tuple = `(${columns.map(() => '?').join(',')})`;
      s = db.prepare(
        `insert into ${table} (${columns.join(',')}) values ${Array.from({ length: rows }, () => tuple).join(',')}`,
      );
      statements.set(key, s);
    }
    return s;
  };
  return {
    begin: async () => void db.exec('begin'),
    commit: async () => void db.exec('commit'),
    async insert(table, rows) {
      for (let i = 0; i < rows.length; i += ROWS) {
        const chunk = rows.slice(i, i + ROWS);
        statement(table, chunk.length).run(chunk.flat());
      }
    },
    query: async <T>(text: string, params: unknown[] = []) =>
      db.prepare(text.replace(/\$\d+/g, '?')).all(...params) as T[],
    close: async () => {
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}

/** pg with one connection: each batch is one statement of column arrays through unnest(). */
export async function postgresWriter(url: string, schema: string): Promise<BulkWriter> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  const ROWS = 10_000;
  return {
    begin: async () => void (await client.query('begin')),
    commit: async () => void (await client.query('commit')),
    async insert(table, rows) {
      const columns = COLUMNS[table];
      const casts = columns.map(
        (c, i) => `$${i + 1}::${INTEGER_COLUMNS.has(c) ? 'integer' : 'text'}[]`,
      );
      const text = `insert into ${table} (${columns.join(',')}) select * from unnest(${casts.join(',')})`;
      for (let i = 0; i < rows.length; i += ROWS) {
        const chunk = rows.slice(i, i + ROWS);
        await client.query(
          text,
          columns.map((_, c) => chunk.map((row) => row[c])),
        );
      }
    },
    query: async <T>(text: string, params: unknown[] = []) =>
      (await client.query(text, params)).rows as T[],
    close: () => client.end(),
  };
}

export function openWriter(target: BenchTarget): Promise<BulkWriter> {
  return target.kind === 'sqlite'
    ? Promise.resolve(sqliteWriter(target.file))
    : postgresWriter(target.url, target.schema);
}

/** Drops whatever was there and applies the product's migrations. */
async function freshDatabase(target: BenchTarget): Promise<{ id: string; name: string }[]> {
  if (target.kind === 'sqlite') {
    mkdirSync(path.dirname(target.file), { recursive: true });
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${target.file}${suffix}`, { force: true });
  } else {
    const admin = new pg.Client({ connectionString: target.url });
    await admin.connect();
    await admin.query(`drop schema if exists ${target.schema} cascade`);
    await admin.query(`create schema ${target.schema}`);
    await admin.end();
  }
  const handle = openDatabase(
    target.kind === 'sqlite'
      ? target
      : { kind: 'postgres', url: target.url, schema: target.schema, poolSize: 2 },
  );
  try {
    await migrateToLatest(handle.db, target.kind === 'postgres' ? { schema: target.schema } : {});
    return await handle.db
      .selectFrom('subjects')
      .select(['id', 'name'])
      .orderBy('sort_order')
      .execute();
  } finally {
    await handle.close();
  }
}

const count = (n: number) => n.toLocaleString('en-GB');

/** Generates the population; resolves with what the runner needs to know about it. */
export async function generate(
  target: BenchTarget,
  scale: Scale,
  log: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<PopulationMeta> {
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  mkdirSync(dataDirOf(target), { recursive: true });
  log(
    `Generating the ${scale.name} population into ${target.kind === 'sqlite' ? target.file : `PostgreSQL schema ${target.schema}`}`,
  );
  const subjects = await freshDatabase(target);
  log(`  migrations applied (${subjects.length} subjects) — ${elapsed()}`);
  const passwordHash = await hashPassword(BENCH_PASSWORD);

  const writer = await openWriter(target);
  const totals = { centres: 0, sites: 0, accounts: 0, claims: 0 };
  const byStatus: Record<string, number> = {};
  const byRole: Record<string, number> = {};
  const CENTRES_PER_TRANSACTION = 50;
  let pending: CentreBatch[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    await writer.begin();
    await writer.insert(
      'centres',
      pending.flatMap((b) => b.centres),
    );
    await writer.insert(
      'sites',
      pending.flatMap((b) => b.sites),
    );
    await writer.insert(
      'accounts',
      pending.flatMap((b) => b.accounts),
    );
    await writer.insert(
      'claims',
      pending.flatMap((b) => b.claims),
    );
    await writer.commit();
    pending = [];
    log(
      `  ${count(totals.centres)} centres, ${count(totals.sites)} sites, ${count(totals.accounts)} accounts, ${count(totals.claims)} claims — ${elapsed()}`,
    );
  };
  try {
    for (const batch of centres({ scale, subjects, passwordHash, termsVersion: TERMS_VERSION })) {
      totals.centres += batch.centres.length;
      totals.sites += batch.sites.length;
      totals.accounts += batch.accounts.length;
      totals.claims += batch.claims.length;
      for (const claim of batch.claims) {
        byStatus[claim[6]] = (byStatus[claim[6]] ?? 0) + 1;
        byRole[claim[5]] = (byRole[claim[5]] ?? 0) + 1;
      }
      pending.push(batch);
      if (pending.length >= CENTRES_PER_TRANSACTION) await flush();
    }
    await flush();
    if (target.kind === 'postgres') {
      // A live database has statistics (autovacuum analyses); a freshly loaded one not yet.
      await writer.query('analyze');
      log(`  analysed — ${elapsed()}`);
    }
    const meta = await describePopulation(writer, scale, { ...totals, byStatus, byRole });
    writeFileSync(metaFile(target), `${JSON.stringify(meta, null, 2)}\n`);
    log(
      `Done in ${elapsed()}: ${count(totals.claims)} claims (${Object.entries(byStatus)
        .map(([k, v]) => `${k} ${count(v)}`)
        .join(', ')})`,
    );
    return meta;
  } finally {
    await writer.close();
  }
}

/** The busy approvers' pending counts, a typical LIV, and ordinary staff to sign in as. */
async function describePopulation(
  writer: BulkWriter,
  scale: Scale,
  counts: PopulationMeta['counts'],
): Promise<PopulationMeta> {
  const pendingFor = async (username: string, livOnly: boolean) => {
    const rows = await writer.query<{ n: number | string }>(
      livOnly
        ? `select count(*) as n from claims p
             join claims l on l.site_id = p.site_id and l.subject_id = p.subject_id
             join accounts a on a.id = l.claimant_id
           where a.username = $1 and l.role = 'lead_internal_verifier' and l.status = 'approved'
             and p.status = 'pending' and p.role <> 'lead_internal_verifier' and p.claimant_id <> a.id`
        : `select count(*) as n from claims p
             join accounts a on a.centre_id = p.centre_id
           where a.username = $1 and p.status = 'pending' and p.claimant_id <> a.id`,
      [username],
    );
    return Number(rows[0]?.n ?? 0);
  };
  // A typical LIV: of an ordinary centre, with the median number of pending claims there.
  const ordinary = scale.deciderCentres + 2 + ((scale.deciderCentres + 2) % 5 === 0 ? 1 : 0);
  const livs = await writer.query<{ username: string; n: number | string }>(
    `select a.username, count(p.id) as n from claims l
       join accounts a on a.id = l.claimant_id
       join centres c on c.id = l.centre_id
       left join claims p on p.site_id = l.site_id and p.subject_id = l.subject_id
         and p.status = 'pending' and p.role <> 'lead_internal_verifier'
     where c.number = $1 and l.role = 'lead_internal_verifier' and l.status = 'approved'
       and a.mybtec_access = 1 and a.terms_version is not null
     group by a.username order by count(p.id), a.username`,
    [String(10000 + ordinary)],
  );
  const typical = livs[Math.floor(livs.length / 2)];
  const staff: string[] = [];
  const firstOrdinary = scale.deciderCentres + 1;
  for (let i = 0; i < 300; i += 1) {
    const centre = firstOrdinary + ((i * 7) % (scale.centres - firstOrdinary));
    staff.push(usernameOf(centre, i % scale.sitesPerCentre, 3 + (i % 27)));
  }
  const deciders = await writer.query<{ id: string; number: string }>(
    `select id, number from centres where number in (${Array.from(
      { length: scale.deciderCentres },
      (_, i) => `'${10001 + i}'`,
    ).join(',')}) order by number`,
  );
  return {
    scale,
    password: BENCH_PASSWORD,
    counts,
    busyQn: { username: busyQnUsername, pending: await pendingFor(busyQnUsername, false) },
    busyLiv: { username: busyLivUsername, pending: await pendingFor(busyLivUsername, true) },
    typicalLiv: { username: typical?.username ?? '', pending: Number(typical?.n ?? 0) },
    staff,
    deciders: deciders.map((d) => ({
      centreId: d.id,
      username: deciderUsername(Number(d.number) - 10000),
    })),
  };
}

async function main(): Promise<void> {
  const scale = SCALES[process.argv.includes('--quick') ? 'quick' : 'full'];
  const fileArg = process.argv.indexOf('--file');
  const target: BenchTarget =
    fileArg > 0 && process.argv[fileArg + 1]
      ? { kind: 'sqlite', file: path.resolve(process.argv[fileArg + 1] as string) }
      : benchTarget(scale);
  await generate(target, scale);
  process.stdout.write(`Meta: ${metaFile(target)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
