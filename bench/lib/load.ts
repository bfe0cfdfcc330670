// One HTTP measurement: autocannon for the warm-up (discarded), then for the measured run.

import autocannon, { type Options, type Result } from 'autocannon';
import { readFileSync } from 'node:fs';
import { cpuMsOf } from './processes.js';

export interface LoadSettings {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}

export interface LoadFigures {
  /** Median of the per-second request counts. */
  requestsPerSecond: number;
  averageRequestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p97_5: number; p99: number; max: number };
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  status: { '2xx': number; '3xx': number; '4xx': number; '5xx': number };
  bytesPerSecond: number;
  /** CPU time the server process spent per request during the measured run (all threads). */
  serverCpuMsPerRequest: number | null;
  /** How busy the machine's CPUs were during the run (all processes, 0–1). */
  machineBusy: number | null;
}

function run(options: Options): Promise<Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

function figures(
  result: Result,
  extra: Pick<LoadFigures, 'serverCpuMsPerRequest' | 'machineBusy'>,
): LoadFigures {
  return {
    ...extra,
    requestsPerSecond: result.requests.p50,
    averageRequestsPerSecond: Math.round(result.requests.average),
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p97_5: result.latency.p97_5,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    status: {
      '2xx': result['2xx'],
      '3xx': result['3xx'],
      '4xx': result['4xx'],
      '5xx': result['5xx'],
    },
    bytesPerSecond: Math.round(result.throughput.average),
  };
}

/**
 * Warms up, then measures. `options` are autocannon's (url, requests…); connections and duration
 * come from the settings.
 */
export async function measure(
  options: Omit<Options, 'connections' | 'duration'>,
  settings: LoadSettings,
  serverPid?: number,
  /** Called between the warm-up and the measured run. */
  beforeMeasuredRun?: () => void,
): Promise<LoadFigures> {
  if (settings.warmupSeconds > 0) {
    await run({ ...options, connections: settings.connections, duration: settings.warmupSeconds });
  }
  beforeMeasuredRun?.();
  const cpuBefore = serverPid === undefined ? null : cpuMsOf(serverPid);
  const machineBefore = machineTicks();
  const result = await run({
    ...options,
    connections: settings.connections,
    duration: settings.durationSeconds,
  });
  const cpuAfter = serverPid === undefined ? null : cpuMsOf(serverPid);
  const machineAfter = machineTicks();
  const completed = result.requests.total;
  return figures(result, {
    serverCpuMsPerRequest:
      cpuBefore !== null && cpuAfter !== null && completed > 0
        ? Math.round(((cpuAfter - cpuBefore) / completed) * 1000) / 1000
        : null,
    machineBusy:
      machineBefore && machineAfter && machineAfter.total > machineBefore.total
        ? Math.round(
            (1 -
              (machineAfter.idle - machineBefore.idle) /
                (machineAfter.total - machineBefore.total)) *
              100,
          ) / 100
        : null,
  });
}

/** Busy and idle ticks of all CPUs together, from /proc/stat. */
export function machineTicks(): { idle: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return { idle, total: ticks.reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}

/**
 * Waits (up to `maxSeconds`) until the other processes on the machine leave it mostly idle, so a
 * measurement is not taken while, say, a test suite runs; resolves with the busy share last seen.
 */
export async function waitForQuiet(threshold: number, maxSeconds: number): Promise<number | null> {
  const deadline = performance.now() + maxSeconds * 1000;
  for (;;) {
    const before = machineTicks();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = machineTicks();
    if (!before || !after || after.total <= before.total) return null;
    const busy = 1 - (after.idle - before.idle) / (after.total - before.total);
    if (busy <= threshold || performance.now() >= deadline) return Math.round(busy * 100) / 100;
  }
}
