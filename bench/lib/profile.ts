// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: the functions with the
// most self time, and the time per package or source folder.

import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

export interface ProfileSummary {
  file: string;
  seconds: number;
  functions: { name: string; where: string; selfMs: number; share: number }[];
  areas: { area: string; selfMs: number; share: number }[];
  /** Functions by the time spent in them and everything they called. */
  inclusive: { name: string; where: string; share: number }[];
}

/** `node_modules/<package>`, `src/<folder>`, `node:` internals, or the engine itself. */
function areaOf(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules?.[1]) return modules[1];
  const src = /\/src\/((?:features\/)?[^/]+)/.exec(url);
  if (src?.[1]) return `src/${src[1]}`;
  if (url.startsWith('node:')) return 'node: internals';
  return url.replace(/^file:\/\//, '');
}

export function summariseProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const totalSamples =
    profile.samples?.length ?? profile.nodes.reduce((n, x) => n + (x.hitCount ?? 0), 0);
  const seconds = (profile.endTime - profile.startTime) / 1e6;
  const msPerSample = totalSamples > 0 ? (seconds * 1000) / totalSamples : 0;
  const byFunction = new Map<string, { name: string; where: string; hits: number }>();
  const byArea = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const where = url
      ? `${url.replace(/^file:\/\/.*?\/(node_modules|src|bench)\//, '$1/')}:${lineNumber + 1}`
      : '';
    const key = `${name}@${where}`;
    const f = byFunction.get(key) ?? { name, where, hits: 0 };
    f.hits += hits;
    byFunction.set(key, f);
    const area = areaOf(url, name);
    byArea.set(area, (byArea.get(area) ?? 0) + hits);
  }
  const share = (hits: number) => (totalSamples > 0 ? hits / totalSamples : 0);
  // Inclusive time: each node's hits count for every distinct function on its path from the root.
  const parent = new Map<number, ProfileNode>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node);
  const keyOf = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url
      ? `${url.replace(/^file:\/\/.*?\/(node_modules|src|bench)\//, '$1/')}:${lineNumber + 1}`
      : '';
    return {
      key: `${functionName || '(anonymous)'}@${where}`,
      name: functionName || '(anonymous)',
      where,
    };
  };
  const inclusive = new Map<string, { name: string; where: string; hits: number }>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const seen = new Set<string>();
    for (let at: ProfileNode | undefined = node; at; at = parent.get(at.id)) {
      const { key, name, where } = keyOf(at);
      if (seen.has(key) || name === '(root)') continue;
      seen.add(key);
      const entry = inclusive.get(key) ?? { name, where, hits: 0 };
      entry.hits += hits;
      inclusive.set(key, entry);
    }
  }
  return {
    file,
    seconds,
    functions: [...byFunction.values()]
      .sort((a, b) => b.hits - a.hits)
      .slice(0, top)
      .map((f) => ({
        name: f.name,
        where: f.where,
        selfMs: Math.round(f.hits * msPerSample),
        share: share(f.hits),
      })),
    inclusive: [...inclusive.values()]
      .sort((a, b) => b.hits - a.hits)
      .slice(0, top * 2)
      .map((f) => ({ name: f.name, where: f.where, share: share(f.hits) })),
    areas: [...byArea.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([area, hits]) => ({
        area,
        selfMs: Math.round(hits * msPerSample),
        share: share(hits),
      })),
  };
}

export function printProfile(summary: ProfileSummary, write: (line: string) => void): void {
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)} %`;
  write(`CPU profile ${summary.file} (${summary.seconds.toFixed(1)} s)`);
  write('  self time by area:');
  for (const a of summary.areas) write(`    ${pct(a.share)}  ${a.area}`);
  write('  functions with the most self time:');
  for (const f of summary.functions) write(`    ${pct(f.share)}  ${f.name}  ${f.where}`);
}

export function printInclusive(summary: ProfileSummary, write: (line: string) => void): void {
  write('  functions by inclusive time:');
  for (const f of summary.inclusive)
    write(`    ${(f.share * 100).toFixed(1).padStart(5)} %  ${f.name}  ${f.where}`);
}
