// Prints a results file of `npm run bench` as a Markdown table (for docs/scaling.md):
//
//   npx tsx bench/report.ts bench/results/<file>.json

import { readFileSync } from 'node:fs';

interface Row {
  name: string;
  label: string;
  reqPerSec: string;
  p99: string;
  serverP99?: string;
  cpu: string;
  ratio: string;
  target: string;
  met: string;
}

interface Report {
  startedAt: string;
  options: { scale: string; database: string; databaseVersion: string; serverLogLevel: string };
  machine: {
    cpuModel: string;
    cpus: number;
    memoryGb: number;
    platform: string;
    node: string;
    loadAverageAtStart: number[];
    loadAverageAtEnd?: number[];
  };
  versions: Record<string, string>;
  http: { name: string; figures: { busyBefore: number | null } }[];
  baselines: Record<string, { busyBefore: number | null } | null>;
  table: Row[];
}

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: npx tsx bench/report.ts bench/results/<file>.json\n');
  process.exit(1);
}
const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
const m = report.machine;
const busy = new Map<string, number | null>([
  ...report.http.map((h) => [h.name, h.figures.busyBefore] as const),
  ...Object.entries(report.baselines).map(
    ([k, v]) => [`baseline-${k}`, v?.busyBefore ?? null] as const,
  ),
]);
const lines = [
  `${report.options.database === 'sqlite' ? 'SQLite' : 'PostgreSQL'} (${report.options.databaseVersion.split(' on ')[0]}), ` +
    `${report.options.scale} population, ${report.startedAt.slice(0, 16).replace('T', ' ')} UTC — ` +
    `${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, ${m.platform}, Node ${m.node}; ` +
    `load average ${m.loadAverageAtStart.join(' / ')} at the start${m.loadAverageAtEnd ? `, ${m.loadAverageAtEnd.join(' / ')} at the end` : ''}.`,
  '',
  '| measurement | median req/s | p99 ms | server’s own p99 ms | server CPU ms/request | vs baseline | target | met | CPUs busy before |',
  '| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |',
  ...report.table.map((r) => {
    const b = busy.get(r.name);
    return `| ${r.label} | ${r.reqPerSec} | ${r.p99} | ${r.serverP99 ?? ''} | ${r.cpu} | ${r.ratio} | ${r.target} | ${r.met} | ${b === undefined || b === null ? '' : `${Math.round(b * 100)} %`} |`;
  }),
];
process.stdout.write(`${lines.join('\n')}\n`);
