// What latency a Node.js server can give at 50 connections, as a function of the CPU it spends
// per request, with nothing of myBTEC in it: a Fastify route that busy-waits WORK_MS and answers
// a small JSON body (bench/baselines/busy-json.ts), loaded as `npm run bench` loads the product
// (autocannon, 50 connections, a warm-up, then 10 s). Under such a load the server is always
// saturated, so the client's latency is mostly queueing; this shows how far a p99 target can be
// met by a route of a given cost, whatever the route does.
//
//   npx tsx bench/latency-floor.ts [--work=0.1,0.3,1,2,6] [--connections=50 --duration=10 --warmup=3]
//
// Prints a table and writes bench/results/latency-floor-<time>.json with the machine.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAverage, machine, option } from './lib/cli.js';
import { measure, waitForQuiet, type LoadSettings } from './lib/load.js';
import { freePort, startChild, stopChild, waitForHttp } from './lib/processes.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const works = (option('work') ?? '0.1,0.3,1,2,6').split(',').map(Number);
const settings: LoadSettings = {
  connections: Number(option('connections') ?? 50),
  durationSeconds: Number(option('duration') ?? 10),
  warmupSeconds: Number(option('warmup') ?? 3),
};
const logDir = path.join(root, 'node_modules', '.cache', 'mybtec-bench', 'logs');

async function main(): Promise<void> {
  mkdirSync(logDir, { recursive: true });
  const startedAt = new Date().toISOString();
  const loadAverageAtStart = loadAverage();
  process.stdout.write(
    `Latency floor: a Fastify route spending a fixed CPU time per request; ${settings.connections} connections, ${settings.warmupSeconds} s warm-up, ${settings.durationSeconds} s runs\n`,
  );
  const rows = [];
  for (const workMs of works) {
    const port = await freePort();
    const child = startChild(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'bench', 'baselines', 'busy-json.ts')],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          PORT: String(port),
          WORK_MS: String(workMs),
          NODE_ENV: 'production',
        },
        cwd: root,
        logFile: path.join(logDir, 'busy-json.log'),
      },
    );
    try {
      await waitForHttp(`http://127.0.0.1:${port}/`, child, performance.now());
      const busyBefore = await waitForQuiet(0.15, 20);
      const figures = await measure({ url: `http://127.0.0.1:${port}/` }, settings, child.pid);
      rows.push({ workMs, ...figures, busyBefore });
      const { p50, p99, max } = figures.latencyMs;
      process.stdout.write(
        `  ${String(workMs).padStart(4)} ms of work: ${figures.requestsPerSecond.toLocaleString('en-GB')} req/s, ` +
          `p50 ${p50} ms, p99 ${p99} ms, max ${max} ms, server CPU ${figures.serverCpuMsPerRequest} ms/request\n`,
      );
    } finally {
      await stopChild(child);
    }
  }
  const report = {
    startedAt,
    finishedAt: new Date().toISOString(),
    settings,
    machine: { ...machine(loadAverageAtStart), loadAverageAtEnd: loadAverage() },
    rows,
  };
  const dir = path.join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `latency-floor-${startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`Figures written to ${path.relative(root, file)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
