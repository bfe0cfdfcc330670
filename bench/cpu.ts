// CPU time per request, in process: the app is built on the benchmark population (run
// `npm run bench` or `npx tsx bench/generate.ts` first), each person signs in once, and each request
// is made through app.inject one after another, so the figure is the server's own work with no
// load generator beside it. For A/B comparisons of a change (same population, same machine, same
// run), not for the published figures: those come from `npm run bench`.
//
//   npx tsx bench/cpu.ts [--quick] [--requests=400] [--only=me,approvals-typical] [--profile]
//                                                   (BENCH_DATABASE_URL for PostgreSQL)
//
// --profile records a V8 CPU profile of the measured requests (not the start-up) and prints where
// the time went, as `npm run bench -- --profile` does for the whole server.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { openDatabase } from '../src/db/connection.js';
import { benchTarget, BENCH_DIR, metaFile, serverDatabaseUrl } from './generate.js';
import { option } from './lib/cli.js';
import { printInclusive, printProfile, summariseProfile } from './lib/profile.js';
import { buildInProcessApp } from './lib/in-process.js';
import { SCALES, type PopulationMeta } from './population.js';

async function main(): Promise<void> {
  const scale = SCALES[process.argv.includes('--quick') ? 'quick' : 'full'];
  const requests = Number(option('requests') ?? 400);
  const only = option('only')?.split(',');
  const profile = process.argv.includes('--profile');
  const target = benchTarget(scale);
  const meta = JSON.parse(readFileSync(metaFile(target), 'utf8')) as PopulationMeta;
  const handle = openDatabase(
    target.kind === 'sqlite' ? target : { kind: 'postgres', url: serverDatabaseUrl(target) },
  );
  const { app, signIn } = await buildInProcessApp(handle.db, handle.kind, meta.password);

  const cases: [string, string, string][] = [
    ['health', '', '/health'],
    ['help-page', meta.staff[0] ?? '', '/help'],
    ['me', meta.staff[0] ?? '', '/api/v1/me'],
    ['approvals-typical', meta.typicalLiv.username, '/api/v1/approvals'],
    ['page-typical', meta.typicalLiv.username, '/user-role-approval'],
    ['claim-page', meta.staff[0] ?? '', '/claim-roles'],
    ['approvals-liv', meta.busyLiv.username, '/api/v1/approvals'],
    ['page-liv', meta.busyLiv.username, '/user-role-approval'],
  ];
  const session = profile ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
  }
  process.stdout.write(
    `${target.kind}, ${scale.name} population, ${requests} requests each, one at a time\n`,
  );
  for (const [name, username, url] of cases) {
    if (only && !only.includes(name)) continue;
    const headers = username ? { cookie: await signIn(username) } : {};
    let status = 0;
    let bytes = 0;
    for (let i = 0; i < 50; i += 1) {
      const r = await app.inject({ method: 'GET', url, headers });
      status = r.statusCode;
      bytes = r.rawPayload.length;
    }
    if (session) await session.post('Profiler.start');
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < requests; i += 1) await app.inject({ method: 'GET', url, headers });
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    if (session) {
      const { profile: taken } = await session.post('Profiler.stop');
      const dir = path.join(BENCH_DIR, 'cpu-profiles');
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${name}.cpuprofile`);
      writeFileSync(file, JSON.stringify(taken));
      const summary = summariseProfile(file);
      printProfile(summary, (line) => process.stdout.write(`${line}\n`));
      printInclusive(summary, (line) => process.stdout.write(`${line}\n`));
    }
    const cpuMs = (used.user + used.system) / 1000 / requests;
    process.stdout.write(
      `${name.padEnd(18)} ${url.padEnd(22)} ${status} ${String(bytes).padStart(8)} bytes  ` +
        `CPU ${cpuMs.toFixed(3)} ms/request, wall ${(wall / requests).toFixed(3)} ms\n`,
    );
  }
  session?.disconnect();
  await app.close();
  await handle.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
