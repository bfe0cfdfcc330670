import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/project-root.js';
import { readSampleCatalogue, SAMPLE_CATALOGUE_FILE } from './qualification.service.js';

/*
 * `npm run catalogue:import -- <file>` as a child process (`node --import tsx import-cli.ts`), on a
 * SQLite database of its own in DATA_DIR. The import itself is tested on both databases in
 * qualification.service.test.ts; this checks the command: output, exit code, nothing written.
 */

const TIMEOUT_MS = 40_000;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(dataDir: string, args: string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/features/qualifications/import-cli.ts', ...args],
      {
        cwd: projectRoot,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          DATA_DIR: dataDir,
          // Present but empty: "unset" for the product, and a .env file cannot fill them in.
          DATABASE_URL: '',
          SESSION_SECRET: '',
          NODE_ENV: 'development',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const deadline = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS - 5_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(deadline);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm run catalogue:import', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'mybtec-import-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const count = (table: string) => {
    const db = new SQLite(path.join(dir, 'mybtec.sqlite'), { readonly: true });
    try {
      return (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  it(
    'prints every problem with its row, exits 1 and changes nothing; then imports a good file in one go',
    async () => {
      const bad = path.join(dir, 'bad.csv');
      writeFileSync(
        bad,
        [
          'qualification_id,subject_id,qualification_title,level,size,qualification_glh,unit_id,unit_number,unit_title,mandatory,unit_glh,aim_code,aim_text,criterion_code,grade,criterion_text',
          'q-cli,sport,"Sport, Fitness and ""Wellbeing""",2,Award,60,u-cli-1,1,One,yes,60,A,Aim,A.P1,pass,Fine.',
          'q-cli,sport,"Sport, Fitness and ""Wellbeing""",2,Award,60,u-cli-1,1,One,yes,60,A,Aim,A.M1,distinction,Wrong grade.',
          'q-cli,sport,"Sport, Fitness and ""Wellbeing""",2,Award,60,u-cli-1,1,One,yes,60,A,Aim,AP1,pass,Bad code.',
        ].join('\n'),
      );
      const refused = await runCli(dir, [bad]);
      expect(refused.stderr).toBe(
        [
          `${bad}: 2 problems found; nothing was imported.`,
          '  row 3, grade: A.M1 is a merit criterion (M), but its grade is "distinction"',
          '  row 4, criterion_code: must look like A.P1, A.M1, A.D1 or BC.D2',
          '',
        ].join('\n'),
      );
      expect(refused.code).toBe(1);
      expect(count('qualifications')).toBe(0);
      expect(count('criteria')).toBe(0);

      const good = await runCli(dir, [SAMPLE_CATALOGUE_FILE]);
      expect(good.stderr).toBe('');
      const sample = await readSampleCatalogue();
      const q = sample.qualifications.length;
      const units = sample.qualifications.flatMap((x) => x.units);
      const aims = units.reduce((n, u) => n + u.aims.length, 0);
      const criteria = units.reduce((n, u) => n + u.criteria.length, 0);
      expect(good.stdout).toBe(
        `${SAMPLE_CATALOGUE_FILE}: imported ${q} qualifications (${q} new), ${units.length} units (${units.length} new), ` +
          `${aims} learning aims and ${criteria} assessment criteria.\n`,
      );
      expect(good.code).toBe(0);
      expect([
        count('qualifications'),
        count('units'),
        count('learning_aims'),
        count('criteria'),
      ]).toEqual([q, units.length, aims, criteria]);
    },
    TIMEOUT_MS * 2,
  );

  it(
    'says how to use it when no file is given',
    async () => {
      const outcome = await runCli(dir, []);
      expect(outcome).toEqual({
        code: 2,
        stdout: '',
        stderr: 'Usage: npm run catalogue:import -- <file.json|file.csv>\n',
      });
    },
    TIMEOUT_MS,
  );
});
