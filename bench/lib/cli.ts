// What every benchmark script reads of its command line and writes of its machine.

import os from 'node:os';

/** The value of `--name=value` on the command line, if given. */
export function option(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

/** The load average, rounded, as the results files record it. */
export function loadAverage(): number[] {
  return os.loadavg().map((x) => Math.round(x * 100) / 100);
}

/** The machine a results file was measured on. */
export function machine(loadAverageAtStart: number[]) {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpus: cpus.length,
    availableParallelism: os.availableParallelism(),
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    loadAverageAtStart,
  };
}
