// `npm run bench`: the performance benchmark of issue 6.
//
//   npm run bench                        full population on SQLite (generated, ~1.5 min)
//   npm run bench -- --reuse             reuse the population of an earlier run
//   npm run bench -- --quick             small population, 1 s warm-up, 3 s runs: a quick try
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench
//                                        the same on PostgreSQL (schema mybtec_bench)
//   npm run bench -- --profile           the server runs with --cpu-prof; a summary is printed
//   npm run bench -- --only=approvals-api-qn,approvals-page-qn
//                                        only some measurements (names in the table)
//   npm run bench -- --server-node-options="--max-semi-space-size=4"
//                                        Node.js options for the server process
//   --connections=50 --duration=10 --warmup=3 --log-level=info --quiet-wait=20 --pool=50000
//                                        (the defaults; --quick: 1 s warm-up, 3 s runs)
//
// What it does: generates (or reuses) the population, adds a pool of fresh pending claims for the
// deciding benchmark, measures the two HTTP baselines (Fastify JSON hello-world and a small
// Nunjucks page through @fastify/view), compiles the server, starts it (NODE_ENV=production,
// RATE_LIMIT_PER_MINUTE=0) three times to time its start-up, signs people in, measures each request
// with autocannon (req/s, latency, and the server's CPU time per request from /proc), reads its
// resident memory, and last measures permission decisions in process (decide() against node-casbin
// and a plain Map). Before each HTTP measurement it waits (up to --quiet-wait seconds, 20 by
// default) for other processes to leave the CPUs idle, and records how busy they were. It prints a
// table and writes the figures to bench/results/<time>.json
// with the machine and the versions. Nothing here is a hard-coded figure.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decisionBenchmark, type DecisionFigures } from './decisions.js';
import {
  benchTarget,
  dataDirOf,
  generate,
  metaFile,
  openWriter,
  serverDatabaseUrl,
  type BenchTarget,
} from './generate.js';
import { loadAverage, machine, option } from './lib/cli.js';
import { preparePool, type PoolClaim } from './lib/decision-pool.js';
import { measure, waitForQuiet, type LoadFigures, type LoadSettings } from './lib/load.js';
import {
  freePort,
  memoryOf,
  serverResponseTimes,
  sizeOf,
  startChild,
  stopChild,
  waitForHttp,
  type Child,
} from './lib/processes.js';
import { printProfile, summariseProfile, type ProfileSummary } from './lib/profile.js';
import { signIn, signInAll, type BenchSession } from './lib/sessions.js';
import { APPROVALS_PAGE_SIZE } from '../src/features/role-claims/role-claim.service.js';
import { SCALES, type PopulationMeta } from './population.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const write = (line = '') => process.stdout.write(`${line}\n`);

// --- Options ------------------------------------------------------------------------------------

const flag = (name: string) => process.argv.includes(`--${name}`);

const quick = flag('quick');
const scale = SCALES[quick ? 'quick' : 'full'];
const settings: LoadSettings = {
  connections: Number(option('connections') ?? 50),
  durationSeconds: Number(option('duration') ?? (quick ? 3 : 10)),
  warmupSeconds: Number(option('warmup') ?? (quick ? 1 : 3)),
};
const logLevel = option('log-level') ?? 'info';
const only = option('only')?.split(',');
/** Node.js options for the server (e.g. V8 heap settings), space-separated. */
const serverNodeOptions = (option('server-node-options') ?? '').split(' ').filter(Boolean);
const wanted = (name: string) => !only || only.includes(name);
const profile = flag('profile');
const reuse = flag('reuse');
const poolSize = Number(option('pool') ?? (quick ? 15_000 : 50_000));
const decisionCentres = Number(option('decision-centres') ?? scale.centres);
/** Before each measurement, wait up to this long for other processes to leave the CPUs idle. */
const quietWaitSeconds = Number(option('quiet-wait') ?? (quick ? 5 : 20));
const QUIET_BUSY = 0.15;
const SESSION_SECRET = 'benchmark-session-secret-of-at-least-32-characters';
const STARTS = 3;

// --- Targets (issue 6) ----------------------------------------------------------------------------

const TARGETS = {
  decisionsVsCasbin: 10,
  approvalsApiShareOfJson: 0.1,
  approvalPageShareOfNunjucks: 0.25,
  p99Ms: 25,
  startupMs: 2000,
  rssMb: 300,
};

// --- Machine and versions -----------------------------------------------------------------------

function packageVersion(name: string): string {
  try {
    const file = path.join(root, 'node_modules', name, 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

const loadAverageAtStart = loadAverage();

const PACKAGES = [
  'fastify',
  '@fastify/view',
  '@fastify/session',
  'nunjucks',
  'kysely',
  'better-sqlite3',
  'pg',
  '@node-rs/argon2',
  'autocannon',
  'casbin',
  'typescript',
];

// --- The compiled server --------------------------------------------------------------------------

// Under node_modules/.cache: out of the way of lint, format and git, and the project's package.json
// (type: module, and where src/lib/project-root.ts finds the templates) is still the nearest one.
const buildDir = path.join(root, 'node_modules', '.cache', 'mybtec-bench');

/** Compiles src/ as `npm run build` does, into buildDir rather than dist/ (which others use). */
function buildServer(): string {
  const started = performance.now();
  try {
    execFileSync(
      process.execPath,
      [
        path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        'tsconfig.build.json',
        '--outDir',
        buildDir,
        '--tsBuildInfoFile',
        path.join(buildDir, '.tsbuildinfo'),
      ],
      { cwd: root, stdio: 'pipe' },
    );
  } catch (error) {
    // tsc still writes JavaScript when there are type errors; say so, and go on if it exists.
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? '';
    write(`  ! tsc reported problems (the build is used anyway):\n${output.slice(0, 2000)}`);
  }
  const server = path.join(buildDir, 'src', 'server.js');
  if (!existsSync(server)) throw new Error(`the build did not produce ${server}`);
  write(`  compiled in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return server;
}

// --- Children -----------------------------------------------------------------------------------

const logDir = path.join(buildDir, 'logs');
const profileDir = path.join(
  root,
  'bench',
  'profiles',
  new Date().toISOString().replace(/[:.]/g, '-'),
);

function baseEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
}

async function startServer(
  serverJs: string,
  target: BenchTarget,
  port: number,
  withProfile: boolean,
): Promise<{ child: Child; startupMs: number }> {
  const env: Record<string, string> = {
    ...baseEnv(),
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDirOf(target),
    DATABASE_URL: target.kind === 'postgres' ? serverDatabaseUrl(target) : '',
    SMTP_URL: '',
    BASE_URL: '',
    SESSION_SECRET,
    DEMO_PASSWORD: '',
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: logLevel,
  };
  const args = [
    ...serverNodeOptions,
    ...(withProfile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
    serverJs,
  ];
  const since = performance.now();
  const child = startChild(process.execPath, args, {
    env,
    cwd: root,
    logFile: path.join(logDir, 'server.log'),
  });
  const startupMs = await waitForHttp(`http://127.0.0.1:${port}/health`, child, since);
  return { child, startupMs };
}

type Measured = LoadFigures & { busyBefore: number | null };

async function baseline(file: string): Promise<Measured> {
  const port = await freePort();
  const child = startChild(process.execPath, ['--import', 'tsx', path.join(root, file)], {
    env: { ...baseEnv(), PORT: String(port), NODE_ENV: 'production' },
    cwd: root,
    logFile: path.join(logDir, `${path.basename(file, '.ts')}.log`),
  });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/`, child, performance.now());
    const busyBefore = await waitForQuiet(QUIET_BUSY, quietWaitSeconds);
    return {
      ...(await measure({ url: `http://127.0.0.1:${port}/` }, settings, child.pid)),
      busyBefore,
    };
  } finally {
    await stopChild(child);
  }
}

// --- HTTP measurements of the product ------------------------------------------------------------

interface HttpResult {
  name: string;
  label: string;
  baseline: 'json' | 'nunjucks';
  figures: Measured;
  /** The server's own time per request (its log), to set against the client's latency. */
  serverSide: Awaited<ReturnType<typeof serverResponseTimes>>;
  notes?: string;
}

/** The rows of the approval page's first page, for so many pending claims. */
const pageRows = (pending: number) => Math.min(pending, APPROVALS_PAGE_SIZE);

function rotating(sessions: readonly BenchSession[]) {
  let next = 0;
  return () => sessions[next++ % sessions.length] as BenchSession;
}

async function runHttp(
  baseUrl: string,
  meta: PopulationMeta,
  sessions: {
    busyLiv: BenchSession;
    busyQn: BenchSession;
    typicalLiv: BenchSession;
    staff: BenchSession[];
    deciders: BenchSession[];
  },
  pool: PoolClaim[],
  server: Child,
  beforeLogin: () => void,
): Promise<HttpResult[]> {
  const results: HttpResult[] = [];
  const run = async (
    name: string,
    label: string,
    baselineKind: HttpResult['baseline'],
    options: Parameters<typeof measure>[0],
    notes?: () => string | undefined,
  ) => {
    if (!wanted(name)) return;
    const busyBefore = await waitForQuiet(QUIET_BUSY, quietWaitSeconds);
    process.stdout.write(`  ${label} … `);
    let logOffset = 0;
    let from = 0;
    const measured = await measure(options, settings, server.pid, () => {
      logOffset = sizeOf(server.logFile);
      from = Date.now();
    });
    const figures = { ...measured, busyBefore };
    const serverSide = await serverResponseTimes(server.logFile, logOffset, {
      from,
      to: Date.now(),
    });
    const note = notes?.();
    results.push({
      name,
      label,
      baseline: baselineKind,
      figures,
      serverSide,
      ...(note ? { notes: note } : {}),
    });
    write(
      `${figures.requestsPerSecond.toLocaleString('en-GB')} req/s, p99 ${figures.latencyMs.p99} ms ` +
        `(server's own p50/p99 ${serverSide ? `${serverSide.p50}/${serverSide.p99}` : '?'} ms), ` +
        `${figures.serverCpuMsPerRequest} ms CPU/request` +
        (figures.busyBefore !== null && figures.busyBefore > QUIET_BUSY
          ? ` (machine ${Math.round(figures.busyBefore * 100)} % busy before)`
          : '') +
        (figures.non2xx || figures.errors
          ? ` (${figures.non2xx} non-2xx, ${figures.errors} errors)`
          : '') +
        (note ? ` — ${note}` : ''),
    );
  };
  const getAs = (session: BenchSession, url: string) => ({
    url: `${baseUrl}${url}`,
    headers: { cookie: session.cookie },
  });
  const getRotating = (list: BenchSession[], url: string) => {
    const next = rotating(list);
    return {
      url: baseUrl,
      requests: [
        {
          method: 'GET',
          path: url,
          setupRequest: (request: { headers?: Record<string, string> }) => ({
            ...request,
            method: 'GET',
            path: url,
            headers: { ...request.headers, cookie: next().cookie },
          }),
        },
      ],
    };
  };

  // The server's own floor: every hook (security headers, session, log lines) and no database.
  await run('health', 'GET /health (no session, no query)', 'json', {
    url: `${baseUrl}/health`,
  });
  await run('me', 'GET /api/v1/me (staff)', 'json', getRotating(sessions.staff, '/api/v1/me'));
  await run(
    'approvals-api-liv',
    `GET /api/v1/approvals, busy LIV (${meta.busyLiv.pending} pending)`,
    'json',
    getAs(sessions.busyLiv, '/api/v1/approvals'),
  );
  await run(
    'approvals-api-qn',
    `GET /api/v1/approvals, busy QN (${meta.busyQn.pending} pending)`,
    'json',
    getAs(sessions.busyQn, '/api/v1/approvals'),
  );
  await run(
    'approvals-page-liv',
    `GET /user-role-approval, busy LIV (page 1: ${pageRows(meta.busyLiv.pending)} of ${meta.busyLiv.pending} pending)`,
    'nunjucks',
    getAs(sessions.busyLiv, '/user-role-approval'),
  );
  await run(
    'approvals-page-qn',
    `GET /user-role-approval, busy QN (page 1: ${pageRows(meta.busyQn.pending)} of ${meta.busyQn.pending} pending)`,
    'nunjucks',
    getAs(sessions.busyQn, '/user-role-approval'),
  );
  await run(
    'approvals-api-typical',
    `GET /api/v1/approvals, typical LIV (${meta.typicalLiv.pending} pending)`,
    'json',
    getAs(sessions.typicalLiv, '/api/v1/approvals'),
  );
  await run(
    'approvals-page-typical',
    `GET /user-role-approval, typical LIV (${meta.typicalLiv.pending} pending)`,
    'nunjucks',
    getAs(sessions.typicalLiv, '/user-role-approval'),
  );
  await run(
    'claim-page',
    'GET /claim-roles (staff)',
    'nunjucks',
    getRotating(sessions.staff, '/claim-roles'),
  );

  // Deciding: every request approves (4 in 5) or rejects the next fresh pending claim of the pool,
  // as the Quality Nominee of its centre.
  let used = 0;
  let refused = 0;
  await run(
    'decide',
    'POST /api/v1/approvals (one fresh claim each)',
    'json',
    {
      url: baseUrl,
      requests: [
        {
          method: 'POST',
          path: '/api/v1/approvals',
          setupRequest: (request) => {
            const claim = pool[used % pool.length] as PoolClaim;
            const session = sessions.deciders[claim.decider] as BenchSession;
            used += 1;
            return {
              ...request,
              method: 'POST',
              path: '/api/v1/approvals',
              headers: {
                'content-type': 'application/json',
                cookie: session.cookie,
                'x-csrf-token': session.csrfToken,
              },
              body: JSON.stringify({
                decisions: [{ claimId: claim.id, approve: used % 5 !== 0 }],
              }),
            };
          },
          onResponse: (status, body) => {
            if (status !== 200 || body.includes('"error"')) refused += 1;
          },
        },
      ],
    },
    () =>
      `${used.toLocaleString('en-GB')} claims sent (warm-up included) from a pool of ${pool.length.toLocaleString('en-GB')}` +
      (used > pool.length ? ' — POOL EXHAUSTED, figures invalid: raise --pool' : '') +
      (refused ? `; ${refused} not decided` : ''),
  );
  // Log in: a different member of staff each time (each is one argon2id verification). Last, so
  // that the verifications still running when it stops do not slow the measurements after it, and
  // the memory is read before it as well (argon2id takes 19 MiB per verification in progress).
  beforeLogin();
  let loginIndex = 0;
  await run('login', 'Log in (POST /api/v1/session)', 'json', {
    url: baseUrl,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/session',
        setupRequest: (request) => ({
          ...request,
          method: 'POST',
          path: '/api/v1/session',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            username: meta.staff[loginIndex++ % meta.staff.length],
            password: meta.password,
          }),
        }),
      },
    ],
  });
  return results;
}

// --- Report -------------------------------------------------------------------------------------

interface Row {
  name: string;
  label: string;
  reqPerSec: string;
  p99: string;
  serverP99: string;
  cpu: string;
  ratio: string;
  target: string;
  met: string;
}

function printTable(rows: Row[]): void {
  const headers: Row = {
    name: 'name',
    label: 'measurement',
    reqPerSec: 'median/s',
    p99: 'p99 ms',
    serverP99: 'server p99',
    cpu: 'CPU ms/req',
    ratio: 'vs baseline',
    target: 'target',
    met: 'met',
  };
  const keys = Object.keys(headers) as (keyof Row)[];
  const widths = keys.map((k) => Math.max(...[headers, ...rows].map((r) => r[k].length)));
  const line = (r: Row) =>
    keys
      .map((k, i) =>
        k === 'reqPerSec' || k === 'p99' || k === 'serverP99' || k === 'cpu' || k === 'ratio'
          ? r[k].padStart(widths[i] ?? 0)
          : r[k].padEnd(widths[i] ?? 0),
      )
      .join('  ');
  write(line(headers));
  write(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) write(line(r));
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

// --- Main ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const startedAt = new Date();
  mkdirSync(logDir, { recursive: true });
  const target = benchTarget(scale);
  write(
    `myBTEC benchmark: ${scale.name} population on ${target.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'}; ` +
      `${settings.connections} connections, ${settings.warmupSeconds} s warm-up, ${settings.durationSeconds} s runs`,
  );

  // 1. The population.
  let meta: PopulationMeta;
  let generationSeconds: number | null = null;
  if (reuse && existsSync(metaFile(target))) {
    meta = JSON.parse(readFileSync(metaFile(target), 'utf8')) as PopulationMeta;
    write(`Reusing the population in ${dataDirOf(target)}`);
  } else {
    const started = performance.now();
    meta = await generate(target, scale, (line) => write(line));
    generationSeconds = (performance.now() - started) / 1000;
  }

  // 2. The pool of fresh pending claims for the deciding benchmark.
  const writer = await openWriter(target);
  let pool: PoolClaim[] = [];
  let decisions: DecisionFigures | null = null;
  let databaseVersion = '';
  try {
    databaseVersion =
      target.kind === 'sqlite'
        ? `SQLite ${(await writer.query<{ v: string }>('select sqlite_version() as v'))[0]?.v}`
        : ((await writer.query<{ version: string }>('select version()'))[0]?.version ?? '');
    if (wanted('decide')) {
      pool = await preparePool(writer, meta, poolSize);
      write(
        `Deciding pool: ${fmt(pool.length)} pending claims for ${meta.deciders.length} Quality Nominees`,
      );
    }
  } finally {
    await writer.close();
  }

  // 3. Baselines.
  write('Baselines:');
  const baselines: { json: Measured | null; nunjucks: Measured | null } = {
    json: null,
    nunjucks: null,
  };
  if (wanted('baseline-json')) {
    baselines.json = await baseline('bench/baselines/hello-json.ts');
    write(
      `  Fastify JSON hello-world: ${fmt(baselines.json.requestsPerSecond)} req/s, p99 ${baselines.json.latencyMs.p99} ms, ${baselines.json.serverCpuMsPerRequest} ms CPU/request`,
    );
  }
  if (wanted('baseline-nunjucks')) {
    baselines.nunjucks = await baseline('bench/baselines/hello-nunjucks.ts');
    write(
      `  Fastify + @fastify/view Nunjucks page: ${fmt(baselines.nunjucks.requestsPerSecond)} req/s, p99 ${baselines.nunjucks.latencyMs.p99} ms, ${baselines.nunjucks.serverCpuMsPerRequest} ms CPU/request`,
    );
  }

  // 4. The real server: start-up (three times), then the load.
  write('The server:');
  const serverJs = buildServer();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const startups: number[] = [];
  let server: Child | undefined;
  for (let i = 0; i < STARTS; i += 1) {
    const last = i === STARTS - 1;
    const started = await startServer(serverJs, target, port, last && profile);
    startups.push(Math.round(started.startupMs));
    if (last) server = started.child;
    else await stopChild(started.child);
  }
  if (!server) throw new Error('the server did not start');
  const startupMs = [...startups].sort((a, b) => a - b)[Math.floor(STARTS / 2)] ?? 0;
  write(
    `  start-up on the ${fmt(meta.counts.claims)}-claim database: ${startups.join(', ')} ms (median ${startupMs} ms)`,
  );
  const idle = memoryOf(server.pid);

  let http: HttpResult[] = [];
  let afterLoad: ReturnType<typeof memoryOf> = null;
  let beforeLogin: ReturnType<typeof memoryOf> = null;
  try {
    const staffCount = Math.min(meta.staff.length, quick ? 30 : 100);
    const [busyLiv, busyQn, typicalLiv, deciders, staff] = await Promise.all([
      signIn(baseUrl, meta.busyLiv.username, meta.password),
      signIn(baseUrl, meta.busyQn.username, meta.password),
      signIn(baseUrl, meta.typicalLiv.username, meta.password),
      signInAll(
        baseUrl,
        meta.deciders.map((d) => d.username),
        meta.password,
      ),
      signInAll(baseUrl, meta.staff.slice(0, staffCount), meta.password),
    ]);
    write(
      `  signed in: busy LIV, busy QN, typical LIV, ${deciders.length} deciders, ${staff.length} staff`,
    );
    http = await runHttp(
      baseUrl,
      meta,
      { busyLiv, busyQn, typicalLiv, staff, deciders },
      pool,
      server,
      () => {
        beforeLogin = memoryOf((server as Child).pid);
      },
    );
    afterLoad = memoryOf(server.pid);
  } finally {
    await stopChild(server);
  }

  let profiles: ProfileSummary[] = [];
  if (profile && existsSync(profileDir)) {
    profiles = readdirSync(profileDir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => summariseProfile(path.join(profileDir, f)));
    for (const p of profiles) printProfile(p, write);
  }

  // 5. Permission decisions in process, last: casbin holds every grant in memory (over a GB at
  // full scale), which must not be in this process while it generates HTTP load.
  if (wanted('decisions')) {
    const reader = await openWriter(target);
    try {
      write('Permission decisions in process (decide() / node-casbin enforceSync / Map):');
      decisions = await decisionBenchmark(
        reader,
        { centres: decisionCentres, seconds: quick ? 2 : 5, questions: 200_000 },
        (line) => write(line),
      );
      write(
        `  decide() ${fmt(decisions.perSecond.decide)}/s, casbin ${fmt(decisions.perSecond.casbin)}/s, ` +
          `Map ${fmt(decisions.perSecond.map)}/s; ${decisions.decideVsCasbin.toFixed(1)}× casbin; ` +
          `disagreements: casbin ${decisions.disagreements.casbin}, Map ${decisions.disagreements.map}`,
      );
    } finally {
      await reader.close();
    }
  }

  // 6. The table.
  const rows: Row[] = [];
  const targets: { name: string; value: number; target: string; met: boolean }[] = [];
  const check = (name: string, value: number, targetText: string, met: boolean) => {
    targets.push({ name, value, target: targetText, met });
    return met;
  };
  for (const [kind, figures] of Object.entries(baselines)) {
    if (!figures) continue;
    rows.push({
      name: `baseline-${kind}`,
      label:
        kind === 'json'
          ? 'Baseline: Fastify JSON hello-world'
          : 'Baseline: Fastify + Nunjucks small page',
      reqPerSec: fmt(figures.requestsPerSecond),
      p99: String(figures.latencyMs.p99),
      serverP99: '',
      cpu: String(figures.serverCpuMsPerRequest ?? ''),
      ratio: '',
      target: '',
      met: '',
    });
  }
  for (const result of http) {
    const base = baselines[result.baseline];
    const ratio = base ? result.figures.requestsPerSecond / base.requestsPerSecond : NaN;
    const p99 = result.figures.latencyMs.p99;
    let targetText = '';
    let met = '';
    const share =
      result.name.startsWith('approvals-api-') && result.name !== 'approvals-api-typical'
        ? TARGETS.approvalsApiShareOfJson
        : result.name.startsWith('approvals-page-') && result.name !== 'approvals-page-typical'
          ? TARGETS.approvalPageShareOfNunjucks
          : null;
    if (share !== null) {
      targetText = `≥${share * 100} % & p99<${TARGETS.p99Ms}`;
      const okShare = check(
        `${result.name}: share of the ${result.baseline} baseline`,
        ratio,
        `≥ ${share}`,
        ratio >= share,
      );
      const okP99 = check(`${result.name}: p99 ms`, p99, `< ${TARGETS.p99Ms}`, p99 < TARGETS.p99Ms);
      met = okShare && okP99 ? 'yes' : `NO${okShare ? '' : ' (req/s)'}${okP99 ? '' : ' (p99)'}`;
    }
    if (result.figures.non2xx > 0 || result.figures.errors > 0) met = `${met} !errors`.trim();
    rows.push({
      name: result.name,
      label: result.label,
      reqPerSec: fmt(result.figures.requestsPerSecond),
      p99: String(p99),
      serverP99: result.serverSide ? String(result.serverSide.p99) : '',
      cpu: String(result.figures.serverCpuMsPerRequest ?? ''),
      ratio: Number.isNaN(ratio) ? '' : pct(ratio),
      target: targetText,
      met,
    });
  }
  if (decisions) {
    const ok = check(
      'decide() vs casbin enforceSync',
      decisions.decideVsCasbin,
      `≥ ${TARGETS.decisionsVsCasbin}×`,
      decisions.decideVsCasbin >= TARGETS.decisionsVsCasbin,
    );
    rows.push({
      name: 'decisions',
      label: `Permission decisions: decide() (casbin ${fmt(decisions.perSecond.casbin)}/s, Map ${fmt(decisions.perSecond.map)}/s)`,
      reqPerSec: fmt(decisions.perSecond.decide),
      p99: '',
      serverP99: '',
      cpu: '',
      ratio: `${decisions.decideVsCasbin.toFixed(1)}× casbin`,
      target: `≥${TARGETS.decisionsVsCasbin}× casbin`,
      met: ok ? 'yes' : 'NO',
    });
  }
  const startOk = check(
    'start-up ms',
    startupMs,
    `< ${TARGETS.startupMs}`,
    startupMs < TARGETS.startupMs,
  );
  rows.push({
    name: 'startup',
    label: `Start-up to first answer, ${fmt(meta.counts.claims)} claims (ms)`,
    reqPerSec: fmt(startupMs),
    p99: '',
    serverP99: '',
    cpu: '',
    ratio: '',
    target: `<${TARGETS.startupMs} ms`,
    met: startOk ? 'yes' : 'NO',
  });
  if (afterLoad) {
    // The target is judged on the peak (the kernel's high-water mark, VmHWM): the memory the
    // process needed at its worst moment, not what it kept after the load.
    const rssOk = check(
      'peak RSS MB',
      afterLoad.peakRssMb,
      `< ${TARGETS.rssMb}`,
      afterLoad.peakRssMb < TARGETS.rssMb,
    );
    rows.push({
      name: 'rss',
      label: `Resident memory at its peak, MB (after the load ${fmt(afterLoad.rssMb)}, before the log-ins ${beforeLogin ? fmt((beforeLogin as { rssMb: number }).rssMb) : '?'})`,
      reqPerSec: fmt(afterLoad.peakRssMb),
      p99: '',
      serverP99: '',
      cpu: '',
      ratio: '',
      target: `<${TARGETS.rssMb} MB`,
      met: rssOk ? 'yes' : 'NO',
    });
  }
  write();
  printTable(rows);

  // 7. The JSON.
  const finishedAt = new Date();
  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    seconds: Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000),
    options: {
      scale: scale.name,
      database: target.kind,
      databaseVersion,
      connections: settings.connections,
      warmupSeconds: settings.warmupSeconds,
      durationSeconds: settings.durationSeconds,
      serverLogLevel: logLevel,
      serverNodeOptions,
      nodeEnv: 'production',
      profile,
      reusedPopulation: generationSeconds === null,
    },
    machine: { ...machine(loadAverageAtStart), loadAverageAtEnd: loadAverage() },
    versions: Object.fromEntries(PACKAGES.map((p) => [p, packageVersion(p)])),
    population: {
      ...meta.counts,
      busyQnPending: meta.busyQn.pending,
      busyLivPending: meta.busyLiv.pending,
      typicalLivPending: meta.typicalLiv.pending,
      generationSeconds,
      decidingPool: pool.length,
    },
    startup: { runsMs: startups, medianMs: startupMs },
    memory: { idle, beforeLogin, afterLoad },
    baselines,
    http: http.map((r) => ({
      ...r,
      baselineReqPerSec: baselines[r.baseline]?.requestsPerSecond ?? null,
      shareOfBaseline: baselines[r.baseline]
        ? r.figures.requestsPerSecond / (baselines[r.baseline] as LoadFigures).requestsPerSecond
        : null,
    })),
    decisions,
    targets,
    profiles,
    table: rows,
  };
  const resultsDir = path.join(root, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  write();
  write(`Figures written to ${path.relative(root, file)} (${report.seconds} s in all).`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
