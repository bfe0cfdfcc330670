// Which queries does each benchmarked request run, how long does each take, and how does the
// database plan them? The app is built in process on the benchmark population (run `npm run bench`
// or `npx tsx bench/generate.ts` first), every query is recorded through a Kysely plugin, and each
// request is made through app.inject as the benchmark's people.
//
//   npx tsx bench/explain.ts [--quick] [--plans]      (BENCH_DATABASE_URL for PostgreSQL)
//
// It is a diagnostic for finding N+1 queries and missing indexes, not a benchmark.
// Queries made through src/db/prepared.ts (the session, account and actor index read before every
// route) are compiled once per handle, so they are recorded only the first time, at sign-in.

import { readFileSync } from 'node:fs';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { CompiledQuery } from 'kysely';
import { openDatabase, type Db } from '../src/db/connection.js';
import { benchTarget, metaFile, serverDatabaseUrl } from './generate.js';
import { buildInProcessApp } from './lib/in-process.js';
import { SCALES, type PopulationMeta } from './population.js';

interface Recorded {
  sql: string;
  parameters: readonly unknown[];
  ms: number;
}

/** Records every query with its SQL, parameters and time to result. */
class QueryRecorder implements KyselyPlugin {
  readonly queries: Recorded[] = [];
  private readonly started = new Map<unknown, { node: RootOperationNode; at: number }>();
  db: Db | undefined;

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.started.set(args.queryId, { node: args.node, at: performance.now() });
    return args.node;
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const start = this.started.get(args.queryId);
    this.started.delete(args.queryId);
    if (start && this.db) {
      const compiled = this.db.getExecutor().compileQuery(start.node, args.queryId);
      this.queries.push({
        sql: compiled.sql,
        parameters: compiled.parameters,
        ms: performance.now() - start.at,
      });
    }
    return Promise.resolve(args.result);
  }
}

async function main(): Promise<void> {
  const scale = SCALES[process.argv.includes('--quick') ? 'quick' : 'full'];
  const showPlans = process.argv.includes('--plans');
  const target = benchTarget(scale);
  const meta = JSON.parse(readFileSync(metaFile(target), 'utf8')) as PopulationMeta;
  const handle = openDatabase(
    target.kind === 'sqlite' ? target : { kind: 'postgres', url: serverDatabaseUrl(target) },
  );
  const recorder = new QueryRecorder();
  const db = handle.db.withPlugin(recorder);
  recorder.db = db;
  const { app, signIn } = await buildInProcessApp(db, handle.kind, meta.password);

  const cases: [string, string, string][] = [
    ['GET /api/v1/me (staff)', meta.staff[0] ?? '', '/api/v1/me'],
    ['GET /claim-roles (staff)', meta.staff[0] ?? '', '/claim-roles'],
    ['GET /api/v1/approvals (busy LIV)', meta.busyLiv.username, '/api/v1/approvals'],
    ['GET /api/v1/approvals (busy QN)', meta.busyQn.username, '/api/v1/approvals'],
    ['GET /user-role-approval (busy QN)', meta.busyQn.username, '/user-role-approval'],
    ['GET /api/v1/approvals (typical LIV)', meta.typicalLiv.username, '/api/v1/approvals'],
    ['GET /user-role-approval (typical LIV)', meta.typicalLiv.username, '/user-role-approval'],
  ];
  for (const [label, username, url] of cases) {
    const cookie = await signIn(username);
    // Once to warm the caches, then the one that is recorded.
    await app.inject({ method: 'GET', url, headers: { cookie } });
    recorder.queries.length = 0;
    const started = performance.now();
    const response = await app.inject({ method: 'GET', url, headers: { cookie } });
    const total = performance.now() - started;
    const inDb = recorder.queries.reduce((sum, q) => sum + q.ms, 0);
    process.stdout.write(
      `\n${label}: ${response.statusCode}, ${response.body.length.toLocaleString('en-GB')} bytes, ` +
        `${total.toFixed(2)} ms, ${recorder.queries.length} queries (${inDb.toFixed(2)} ms waiting for them)\n`,
    );
    for (const q of [...recorder.queries]) {
      process.stdout.write(
        `  ${q.ms.toFixed(3).padStart(8)} ms  ${q.sql.replace(/\s+/g, ' ').slice(0, 220)}\n`,
      );
      if (!showPlans || !/^select/i.test(q.sql)) continue;
      const plan = await handle.db.executeQuery<Record<string, string>>(
        CompiledQuery.raw(
          `${handle.kind === 'sqlite' ? 'explain query plan' : 'explain analyze'} ${q.sql}`,
          [...q.parameters],
        ),
      );
      for (const row of plan.rows) {
        const text = row.detail ?? row['QUERY PLAN'] ?? JSON.stringify(row);
        process.stdout.write(`               plan: ${text}\n`);
      }
    }
  }
  await app.close();
  await handle.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
