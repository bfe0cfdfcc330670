// Child processes for the benchmark: the real server and the baselines, each with its output in a
// log file (a pipe read by this process would take CPU from the load generator).

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { createServer } from 'node:net';

export interface Child {
  process: ChildProcess;
  pid: number;
  logFile: string;
  exited: Promise<number | string>;
}

export function startChild(
  command: string,
  args: string[],
  options: { env: Record<string, string>; cwd: string; logFile: string },
): Child {
  const log = openSync(options.logFile, 'a');
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { process: child, pid: child.pid, logFile: options.logFile, exited };
}

/** Polls a URL until it answers 200; resolves with the milliseconds since `since`. */
export async function waitForHttp(
  url: string,
  child: Child,
  since: number,
  timeoutMs = 120_000,
): Promise<number> {
  let ended: number | string | undefined;
  void child.exited.then((code) => (ended = code));
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return performance.now() - since;
    } catch {
      // not listening yet
    }
    if (ended !== undefined) {
      throw new Error(
        `${url}: the process ended (${ended}) before answering:\n${tail(child.logFile)}`,
      );
    }
    if (performance.now() - since > timeoutMs) throw new Error(`${url}: no answer in time`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** SIGTERM, then SIGKILL if it has not stopped after a while. */
export async function stopChild(child: Child, graceMs = 15_000): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

/** A port nothing listens on (taken from the system, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** Resident and peak resident memory of a process, in MB, from /proc (Linux). */
export function memoryOf(pid: number): { rssMb: number; peakRssMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** CPU time a process has used so far (all its threads, user + system), in ms, from /proc. */
export function cpuMsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at ") ".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
    return (ticks * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
const CLOCK_TICKS = 100;

/** The size of a file now: where the lines written from now on will start. */
export function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * How long the server itself took over the requests it finished within `window` (Fastify's
 * `responseTime` in its "request completed" lines, LOG_LEVEL=info; read from `offset` on): from
 * routing the request to handing the whole response to the socket. Set against the client's latency, the difference is
 * time spent queued (in the kernel, the event loop, or the client).
 */
export async function serverResponseTimes(
  file: string,
  offset: number,
  window: { from: number; to: number },
): Promise<{ count: number; p50: number; p90: number; p99: number; max: number } | null> {
  // The server's log is written asynchronously: wait until it stops growing.
  let size = sizeOf(file);
  for (let i = 0; i < 30; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = sizeOf(file);
    if (now === size) break;
    size = now;
  }
  if (size <= offset) return null;
  const buffer = Buffer.alloc(size - offset);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, offset);
  } finally {
    closeSync(fd);
  }
  const times: number[] = [];
  for (const line of buffer.toString('utf8').split('\n')) {
    if (!line.includes('"request completed"')) continue;
    try {
      const entry = JSON.parse(line) as { responseTime?: number; time?: number };
      const at = entry.time ?? 0;
      if (typeof entry.responseTime === 'number' && at >= window.from && at <= window.to) {
        times.push(entry.responseTime);
      }
    } catch {
      // a line cut at the end of the read
    }
  }
  if (times.length === 0) return null;
  times.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round((times[Math.min(times.length - 1, Math.floor(times.length * q))] ?? 0) * 10) / 10;
  return { count: times.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
}

/** The last lines of a log file, for an error message. */
export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
