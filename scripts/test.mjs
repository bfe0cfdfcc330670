// `npm test`: every test tier, in order, with a loud line for anything that could not run.
//
//   1. unit + HTTP   vitest run                                   (SQLite always; PostgreSQL too
//                                                                 when TEST_DATABASE_URL is set)
//   2. browser       vitest run --config vitest.e2e.config.ts    (needs Chromium)
//
// Extra arguments go to vitest in every tier (e.g. `npm test -- claims`). With CI=true a missing
// PostgreSQL or Chromium fails the run instead of being skipped: CI must not go green on less.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitestBin = join(root, 'node_modules', '.bin', 'vitest');
const ci = process.env.CI === 'true' || process.env.CI === '1';
const extraArgs = process.argv.slice(2);
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const databaseUrl = process.env.TEST_DATABASE_URL;

function loud(message) {
  console.error(`!!! ${message}`);
}

/** Hides the password, if any, before a URL is printed. */
function redact(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** Connecting to "localhost" can fail with an AggregateError whose own message is empty. */
function describeError(error) {
  if (error instanceof AggregateError && !error.message) {
    return error.errors.map(describeError).join('; ');
  }
  if (error instanceof Error) return error.message || String(error.code ?? error.name);
  return String(error);
}

async function checkPostgres(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return describeError(error);
  } finally {
    await client.end().catch(() => {});
  }
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function runVitest(args) {
  return new Promise((resolve) => {
    const child = spawn(vitestBin, args, { cwd: root, stdio: 'inherit', env: process.env });
    child.on('error', (error) => {
      loud(`could not start vitest: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(signal ? 1 : (code ?? 1)));
  });
}

/** Counts from vitest's JSON report; a file that fails to load counts as one failure. */
function readCounts(file) {
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  const brokenFiles = (report.testResults ?? []).filter(
    (result) =>
      result.status === 'failed' &&
      !(result.assertionResults ?? []).some((assertion) => assertion.status === 'failed'),
  ).length;
  return {
    files: (report.testResults ?? []).length,
    passed: report.numPassedTests ?? 0,
    failed: (report.numFailedTests ?? 0) + brokenFiles,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
}

// --- Before running: say loudly what will not be tested -----------------------------------------

const notices = [];

if (!databaseUrl) {
  const line =
    'PostgreSQL tier SKIPPED: TEST_DATABASE_URL is not set, so tests run on SQLite only ' +
    '(e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm test)';
  if (ci) {
    loud(`${line}. CI=true requires it.`);
    process.exit(1);
  }
  loud(line);
  notices.push(line);
} else {
  const problem = await checkPostgres(databaseUrl);
  if (problem) {
    loud(
      `TEST_DATABASE_URL is set but PostgreSQL cannot be used (${redact(databaseUrl)}): ${problem}`,
    );
    loud(
      /database ".*" does not exist/.test(problem)
        ? 'Create it with: createdb -h 127.0.0.1 -U postgres <name>, or unset TEST_DATABASE_URL to run on SQLite only.'
        : 'Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start, or unset TEST_DATABASE_URL to run on SQLite only.',
    );
    process.exit(1);
  }
  console.log(
    `PostgreSQL reachable at ${redact(databaseUrl)}: tests run on SQLite and PostgreSQL.`,
  );
}

const haveChromium = isExecutable(chromiumPath);
if (!haveChromium) {
  const line =
    `Browser tier SKIPPED: no Chromium at ${chromiumPath} ` +
    '(apt-get install -y chromium, or set CHROMIUM_PATH; never `npx playwright install`)';
  if (ci) {
    loud(`${line}. CI=true requires it.`);
    process.exit(1);
  }
  loud(line);
  notices.push(line);
}

// --- The tiers ---------------------------------------------------------------------------------

const tiers = [
  {
    name: databaseUrl ? 'unit + HTTP (SQLite + PostgreSQL)' : 'unit + HTTP (SQLite only)',
    args: ['run'],
    run: true,
  },
  {
    name: 'browser (Chromium)',
    args: ['run', '--config', 'vitest.e2e.config.ts'],
    run: haveChromium,
  },
];

const reportDir = mkdtempSync(join(tmpdir(), 'mybtec-test-'));
const results = [];
try {
  for (const [index, tier] of tiers.entries()) {
    if (!tier.run) {
      results.push({ tier, status: 'SKIPPED' });
      continue;
    }
    console.log(`\n=== Tier ${index + 1}: ${tier.name} ===\n`);
    const reportFile = join(reportDir, `tier-${index + 1}.json`);
    const started = Date.now();
    const code = await runVitest([
      ...tier.args,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${reportFile}`,
      // A name filter meant for one tier must not fail the other for having no match.
      ...(extraArgs.length > 0 ? ['--passWithNoTests'] : []),
      ...extraArgs,
    ]);
    const counts = readCounts(reportFile);
    // vitest exits non-zero for failures it may not count as tests (a file that fails to import,
    // no test files at all, an unhandled error): trust the exit code over the counts.
    const failed = code !== 0 || (counts?.failed ?? 0) > 0;
    results.push({
      tier,
      status: failed ? 'FAILED' : 'passed',
      code,
      counts,
      seconds: (Date.now() - started) / 1000,
    });
  }
} finally {
  rmSync(reportDir, { recursive: true, force: true });
}

// --- Summary -----------------------------------------------------------------------------------

console.log('\n=== Summary ===');
let passed = 0;
let failed = 0;
for (const { tier, status, code, counts, seconds } of results) {
  if (status === 'SKIPPED') {
    console.log(`SKIPPED  ${tier.name}`);
    continue;
  }
  passed += counts?.passed ?? 0;
  // A failing tier with no failed test to show for it still counts once.
  const tierFailed = Math.max(counts?.failed ?? 0, status === 'FAILED' ? 1 : 0);
  failed += tierFailed;
  const detail = !counts
    ? `no report (vitest exit code ${code})`
    : counts.files === 0 && status === 'FAILED'
      ? 'no test files found'
      : `${counts.passed} passed, ${tierFailed} failed, ${counts.skipped} skipped`;
  console.log(`${status.padEnd(7)}  ${tier.name}: ${detail} in ${seconds.toFixed(1)}s`);
}
for (const line of notices) loud(line);
console.log(`${passed} passed, ${failed} failed`);

process.exit(results.some((result) => result.status === 'FAILED') ? 1 : 0);
